//! `chat-server`: the chapter 13 chat server on a TCP address.
//!
//! ```text
//! cargo run --release -p chat --bin chat-server -- --addr 127.0.0.1:7878
//! nc 127.0.0.1 7878
//! ```
//!
//! With `--http 127.0.0.1:8080` it also serves the chat page at `http://127.0.0.1:8080/`, whose
//! WebSocket clients share the rooms, limits and metrics of the TCP and TLS clients.
//!
//! The first line on standard output is `listening on <addr>` (with the real port when `--addr`
//! asks for port 0); `tls on <addr>`, `http on <addr>` and `metrics on <addr>` follow, in that
//! order, when `--tls`, `--http` and `--metrics` are given. Logs go to standard error. Ctrl+C or
//! SIGTERM shuts the server down gracefully: every message already accepted is delivered before
//! the connections close.

use std::io::IsTerminal;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use tokio::net::TcpListener;

/// A multi-room chat server. Connect with `nc 127.0.0.1 7878` and send `/nick
/// <name>`.
///
/// Every limit takes a range; a value outside it is refused with the range,
/// before the server starts (a time-out of years would overflow the clock, a
/// ring of 2^63 slots cannot be allocated).
#[derive(Debug, Parser)]
#[command(name = "chat-server")]
struct Args {
    /// The address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:7878")]
    addr: SocketAddr,
    /// Also serve the chat page and WebSocket clients over HTTP on this
    /// address (`http://<addr>/`; off unless given).
    #[arg(long)]
    http: Option<SocketAddr>,
    /// The longest line a client may send, in bytes, without its line ending [1
    /// to 1048576].
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    max_line: u64,
    /// The longest nickname or room name, in characters [1 to 256].
    #[arg(long, default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=256))]
    max_name: u64,
    /// How many recent messages of a room a newcomer receives (0 = none) [0 to
    /// 1000].
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(0..=1000))]
    history: u64,
    /// Lines (messages and commands) per second one client may send (0 = no
    /// limit) [0 to 1000000].
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u64).range(0..=1_000_000))]
    rate_limit: u64,
    /// Seconds without a line from a client before it is disconnected [1 to
    /// 86400].
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    idle_timeout: u64,
    /// Seconds a client may take to choose a nickname [1 to 86400].
    #[arg(long, default_value_t = 60, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    nick_timeout: u64,
    /// Seconds a write to a client may take before the client is disconnected
    /// [1 to 3600].
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    write_timeout: u64,
    /// The largest ring of a room's broadcast channel, in messages (rounded up
    /// to a power of two; a room's ring grows with its members up to this) [1
    /// to 1048576].
    #[arg(long, default_value_t = 4096, value_parser = clap::value_parser!(u64).range(1..=1 << 20))]
    broadcast_capacity: u64,
    /// Seconds a graceful shutdown may take [1 to 3600].
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=3600))]
    shutdown_deadline: u64,
    /// Connections open at once; one more is told the server is full (keep it
    /// below `ulimit -n`) [1 to 1000000].
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_connections: u64,
    /// Rooms that may exist at once [1 to 1000000].
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    max_rooms: u64,
    /// A second address that speaks TLS (same server, same rooms and
    /// limits); needs --tls-cert and --tls-key.
    #[arg(long, requires_all = ["tls_cert", "tls_key"])]
    tls: Option<SocketAddr>,
    /// The server's certificate chain, PEM.
    #[arg(long, requires = "tls")]
    tls_cert: Option<PathBuf>,
    /// The certificate's private key, PEM.
    #[arg(long, requires = "tls")]
    tls_key: Option<PathBuf>,
    /// Seconds a TLS client may take to finish its handshake [1 to 300].
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    handshake_timeout: u64,
    /// An admin address that answers `GET /metrics` (Prometheus text format);
    /// off unless given. Keep it off the public interface.
    #[arg(long)]
    metrics: Option<SocketAddr>,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    // Colours only for a terminal: piped into a file or a log collector, escape
    // codes are noise.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_max_level(tracing::Level::INFO)
        .init();
    let args = Args::parse();
    let config = chat::Config {
        max_line: small(args.max_line),
        max_name: small(args.max_name),
        history: small(args.history),
        rate_limit: u32::try_from(args.rate_limit)
            .expect("the range keeps it small"),
        idle_timeout: Duration::from_secs(args.idle_timeout),
        nick_timeout: Duration::from_secs(args.nick_timeout),
        write_timeout: Duration::from_secs(args.write_timeout),
        broadcast_capacity: small(args.broadcast_capacity),
        shutdown_deadline: Duration::from_secs(args.shutdown_deadline),
        max_connections: small(args.max_connections),
        max_rooms: small(args.max_rooms),
        handshake_timeout: Duration::from_secs(args.handshake_timeout),
    };
    // The certificate first: a bad one stops the server before it listens.
    let acceptor = match (&args.tls_cert, &args.tls_key) {
        (Some(cert), Some(key)) => Some(
            chat::tls::acceptor(cert, key).map_err(std::io::Error::other)?,
        ),
        _ => None,
    };
    let shutdown = shutdown_signal();
    let listener = TcpListener::bind(args.addr).await?;
    println!("listening on {}", listener.local_addr()?);
    let server = chat::Server::new(config);
    if let (Some(addr), Some(acceptor)) = (args.tls, acceptor) {
        let tls = TcpListener::bind(addr).await?;
        println!("tls on {}", tls.local_addr()?);
        tokio::spawn(server.clone().accept_tls(tls, acceptor));
    }
    if let Some(http) = args.http {
        let http = TcpListener::bind(http).await?;
        println!("http on {}", http.local_addr()?);
        let server = server.clone();
        tokio::spawn(async move { server.serve_http(http).await });
    }
    if let Some(addr) = args.metrics {
        let admin = TcpListener::bind(addr).await?;
        println!("metrics on {}", admin.local_addr()?);
        tokio::spawn(server.clone().serve_metrics(admin));
    }
    let report = server.run(listener, shutdown).await;
    tracing::info!(?report, "stopped");
    Ok(())
}

/// A flag's value as a `usize`; every range above fits one.
fn small(value: u64) -> usize {
    usize::try_from(value).expect("the flag's range keeps it small")
}

/// Completes on Ctrl+C or, on Unix, SIGTERM (what `kill` and service managers
/// send). The handlers are installed when this is called, not when the future
/// is first polled: a signal sent as soon as `listening on` is printed must
/// find them in place, or it kills the process without a graceful shutdown.
/// Tokio's `signal` registers its handler when it is called
/// (`signal/unix.rs`, `signal_with_handle` calls `signal_enable`), while
/// `ctrl_c` is an `async fn` and registers only once polled
/// (`signal/ctrl_c.rs`).
fn shutdown_signal() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        async move {
            match (term, int) {
                (Some(mut term), Some(mut int)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    {
        async {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
