//! `chat-attack`: three bounded attacks on a chat server, each reporting the server's memory.
//!
//! ```text
//! cargo build --release -p chat -p chat-load
//! target/release/chat-attack amplify
//! target/release/chat-attack rooms --server-args "--max-connections 13000 --max-rooms 13000"
//! target/release/chat-attack drain --server-args "--rate-limit 0"
//! ```
//!
//! Starts the server as a child process on `127.0.0.1:0` (`target/release/chat-server` unless
//! `--server` names another), attacks it from this process over loopback, and reads its resident
//! memory from `/proc/<pid>/status` (`VmRSS` before, `VmHWM`, the peak, after). Every attack is
//! bounded in clients, bytes and time, and the server is killed at the end if it is still running.
//!
//! - `amplify`: two rooms whose history holds 20 lines of 4,000 bytes; then `--clients` clients
//!   (100) each send 4 KB of `/join ha` and `/join hb` and read nothing. Each join replays 80 KB.
//! - `rooms`: `--clients` clients (12,000) each make a room of their own and stay.
//! - `drain`: `--clients` clients (100) register and stop reading, one more sends 20,000 lines of
//!   1,000 bytes to the lobby; then SIGTERM, and the readers read all they can. Reports the memory and how long the exit took. Give the
//!   server `--rate-limit 0`, or the sender is refused after its first 50 lines.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chat_load::process::{Server, status_kib};
use clap::{Parser, ValueEnum};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpSocket, TcpStream};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Attack {
    Amplify,
    Rooms,
    Drain,
}

/// Attacks a chat server from loopback and reports its memory.
#[derive(Parser)]
#[command(name = "chat-attack")]
struct Args {
    /// The attack.
    #[arg(value_enum)]
    attack: Attack,
    /// The server [default: chat-server next to this binary].
    #[arg(long)]
    server: Option<PathBuf>,
    /// Arguments for the server (one string, split on spaces).
    #[arg(long, allow_hyphen_values = true, default_value = "")]
    server_args: String,
    /// Attacking clients [default: 100 for amplify and drain, 12,000 for rooms].
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=20_000))]
    clients: Option<u64>,
    /// Seconds to watch the server's memory after the attack is sent [1 to 60].
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=60))]
    watch: u64,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let program = args.server.clone().unwrap_or_else(|| {
        std::env::current_exe()
            .ok()
            .and_then(|exe| exe.parent().map(|dir| dir.join("chat-server")))
            .unwrap_or_else(|| PathBuf::from("target/release/chat-server"))
    });
    let server_args: Vec<String> = args
        .server_args
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let server = match Server::start(&program, &server_args, Duration::from_secs(10)) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("chat-attack: {err}");
            return ExitCode::FAILURE;
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let attack = args.attack;
    let clients = args.clients.unwrap_or(match attack {
        Attack::Rooms => 12_000,
        Attack::Amplify | Attack::Drain => 100,
    });
    let clients = usize::try_from(clients).expect("the range keeps it small");
    let watch = Duration::from_secs(args.watch);
    let outcome = runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(120), async {
            match attack {
                Attack::Amplify => amplify(&server, clients, watch).await,
                Attack::Rooms => rooms(&server, clients, watch).await,
                Attack::Drain => drain(&server, clients, watch).await,
            }
        })
        .await
    });
    runtime.shutdown_timeout(Duration::from_secs(1));
    match outcome {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(err)) => {
            eprintln!("chat-attack: {err}");
            ExitCode::FAILURE
        }
        Err(_) => {
            eprintln!("chat-attack: the attack did not finish within 120 s");
            ExitCode::FAILURE
        }
    }
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "?".to_string(),
        |k| format!("{:.1} MiB", k as f64 / 1024.0),
    )
}

/// The server's peak memory over `watch`, sampled every 50 ms (it is `VmHWM` in the end).
async fn watch_peak(server: &Server, watch: Duration) -> Option<u64> {
    let until = Instant::now() + watch;
    let mut peak = status_kib(server.pid, "VmHWM");
    while Instant::now() < until {
        peak = status_kib(server.pid, "VmHWM").or(peak);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    peak
}

/// Connects, sends `/nick <nick>`, and reads up to the line that puts the client in the lobby.
async fn register(stream: TcpStream, nick: &str) -> std::io::Result<TcpStream> {
    let mut stream = BufReader::new(stream);
    stream
        .get_mut()
        .write_all(format!("/nick {nick}\n").as_bytes())
        .await?;
    let mut line = String::new();
    loop {
        line.clear();
        if stream.read_line(&mut line).await? == 0 {
            return Err(std::io::Error::other(format!(
                "the server closed {nick}'s connection before /nick was answered"
            )));
        }
        if line.contains("you are in room lobby") {
            return Ok(stream.into_inner());
        }
    }
}

/// Reads and discards everything a connection receives, on a task of its own.
fn discard(mut stream: TcpStream) {
    tokio::spawn(async move {
        let mut buf = vec![0u8; 64 * 1024];
        while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
    });
}

async fn amplify(server: &Server, clients: usize, watch: Duration) -> std::io::Result<()> {
    for room in ["ha", "hb"] {
        let mut keeper =
            register(TcpStream::connect(server.addr).await?, &format!("k{room}")).await?;
        let mut lines = format!("/join {room}\n");
        for i in 0..20 {
            lines.push_str(&format!("{i} {}\n", "h".repeat(4000)));
        }
        keeper.write_all(lines.as_bytes()).await?;
        discard(keeper);
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = status_kib(server.pid, "VmRSS");
    let joins: String = (0..227).map(|_| "/join ha\n/join hb\n").collect();
    let mut held = Vec::new();
    for i in 0..clients {
        let mut stream = register(TcpStream::connect(server.addr).await?, &format!("a{i}")).await?;
        // The send may block once the server stops reading this client: that is the point.
        let _ = tokio::time::timeout(
            Duration::from_millis(200),
            stream.write_all(joins.as_bytes()),
        )
        .await;
        held.push(stream);
    }
    let peak = watch_peak(server, watch).await;
    println!(
        "amplify: {clients} clients sent {} KB of joins and read nothing; server RSS before {}, peak {}",
        clients * joins.len() / 1000,
        mib(before),
        mib(peak)
    );
    drop(held);
    Ok(())
}

async fn rooms(server: &Server, clients: usize, watch: Duration) -> std::io::Result<()> {
    let before = status_kib(server.pid, "VmRSS");
    let joined = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let mut held = Vec::new();
    // 200 at a time: each connects, registers, joins a room of its own and stays.
    for chunk in (0..clients).collect::<Vec<_>>().chunks(200) {
        let mut tasks = Vec::new();
        for &i in chunk {
            let (addr, joined, refused) = (server.addr, joined.clone(), refused.clone());
            tasks.push(tokio::spawn(async move {
                let stream = register(TcpStream::connect(addr).await?, &format!("u{i}")).await?;
                let mut stream = BufReader::new(stream);
                stream
                    .get_mut()
                    .write_all(format!("/join r{i}\n").as_bytes())
                    .await?;
                let mut line = String::new();
                loop {
                    line.clear();
                    if stream.read_line(&mut line).await? == 0 {
                        break;
                    }
                    if line.starts_with("* you are in room r") {
                        joined.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                    if line.starts_with("! ") {
                        refused.fetch_add(1, Ordering::Relaxed);
                        break;
                    }
                }
                Ok::<_, std::io::Error>(stream.into_inner())
            }));
        }
        for task in tasks {
            // A connection the server refused (`--max-connections`) counts as refused.
            match task.await.expect("a client task panicked") {
                Ok(stream) => held.push(stream),
                Err(_) => {
                    refused.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    let peak = watch_peak(server, watch).await;
    println!(
        "rooms: {} clients in a room of their own ({} refused); server RSS before {}, peak {}",
        joined.load(Ordering::Relaxed),
        refused.load(Ordering::Relaxed),
        mib(before),
        mib(peak)
    );
    drop(held);
    Ok(())
}

async fn drain(server: &Server, clients: usize, watch: Duration) -> std::io::Result<()> {
    let (go, _) = tokio::sync::watch::channel(false);
    for i in 0..clients {
        let socket = TcpSocket::new_v4()?;
        socket.set_recv_buffer_size(4096)?;
        let mut stream = register(socket.connect(server.addr).await?, &format!("l{i}")).await?;
        // A reader that falls behind: it reads nothing until the shutdown begins, then
        // everything as fast as it can, so the shutdown finds its whole backlog waiting.
        let mut go = go.subscribe();
        tokio::spawn(async move {
            let _ = go.wait_for(|go| *go).await;
            let mut buf = vec![0u8; 64 * 1024];
            while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
        });
    }
    let sender = register(TcpStream::connect(server.addr).await?, "sender").await?;
    let (sender_rx, mut sender_tx) = sender.into_split();
    tokio::spawn(async move {
        let mut sender_rx = sender_rx;
        let mut buf = vec![0u8; 64 * 1024];
        while matches!(sender_rx.read(&mut buf).await, Ok(n) if n > 0) {}
    });
    let payload = "d".repeat(1000);
    let lines: String = (0..20_000).map(|i| format!("{i:05} {payload}\n")).collect();
    sender_tx.write_all(lines.as_bytes()).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let before = status_kib(server.pid, "VmRSS");
    let term = std::process::Command::new("kill")
        .args(["-TERM", &server.pid.to_string()])
        .status()?;
    if !term.success() {
        return Err(std::io::Error::other("kill -TERM failed"));
    }
    let start = Instant::now();
    go.send_replace(true);
    let mut peak = status_kib(server.pid, "VmHWM");
    while server.is_running() && start.elapsed() < watch.max(Duration::from_secs(10)) {
        peak = status_kib(server.pid, "VmHWM").or(peak);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let exit = start.elapsed();
    println!(
        "drain: {clients} lagging readers, 20,000 lines of 1,000 bytes; server RSS before SIGTERM {}, \
         peak {}, exited {:.2} s after SIGTERM{}",
        mib(before),
        mib(peak),
        exit.as_secs_f64(),
        if server.is_running() {
            " (still running: killed)"
        } else {
            ""
        }
    );
    drop(sender_tx);
    Ok(())
}
