//! `chat-server`: the chapter 13 chat server on a TCP address.
//!
//! ```text
//! cargo run --release -p chat --bin chat-server -- --addr 127.0.0.1:7878
//! nc 127.0.0.1 7878
//! ```
//!
//! The first line on standard output is `listening on <addr>` (with the real port when `--addr`
//! asks for port 0). Logs go to standard error. Ctrl+C or SIGTERM shuts the server down
//! gracefully: every message already accepted is delivered before the connections close.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Parser;
use tokio::net::TcpListener;

/// A multi-room chat server. Connect with `nc 127.0.0.1 7878` and send `/nick <name>`.
#[derive(Debug, Parser)]
#[command(name = "chat-server")]
struct Args {
    /// The address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:7878")]
    addr: SocketAddr,
    /// The longest line a client may send, in bytes.
    #[arg(long, default_value_t = 4096)]
    max_line: usize,
    /// The longest nickname or room name, in characters.
    #[arg(long, default_value_t = 32)]
    max_name: usize,
    /// How many recent messages of a room a newcomer receives (0 = none).
    #[arg(long, default_value_t = 20)]
    history: usize,
    /// Messages per second one client may send (0 = no limit).
    #[arg(long, default_value_t = 50)]
    rate_limit: u32,
    /// Seconds without a line from a client before it is disconnected.
    #[arg(long, default_value_t = 300)]
    idle_timeout: u64,
    /// Seconds a write to a client may take before the client is disconnected.
    #[arg(long, default_value_t = 10)]
    write_timeout: u64,
    /// The capacity of each room's broadcast channel (rounded up to a power of two).
    #[arg(long, default_value_t = 4096)]
    broadcast_capacity: usize,
    /// Seconds a graceful shutdown may take.
    #[arg(long, default_value_t = 5)]
    shutdown_deadline: u64,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    let args = Args::parse();
    let config = chat::Config {
        max_line: args.max_line,
        max_name: args.max_name,
        history: args.history,
        rate_limit: args.rate_limit,
        idle_timeout: Duration::from_secs(args.idle_timeout),
        write_timeout: Duration::from_secs(args.write_timeout),
        broadcast_capacity: args.broadcast_capacity,
        shutdown_deadline: Duration::from_secs(args.shutdown_deadline),
    };
    let listener = TcpListener::bind(args.addr).await?;
    println!("listening on {}", listener.local_addr()?);
    let report = chat::run(listener, config, shutdown_signal()).await;
    tracing::info!(?report, "stopped");
    Ok(())
}

/// Completes on Ctrl+C or, on Unix, SIGTERM (what `kill` and service managers send).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
