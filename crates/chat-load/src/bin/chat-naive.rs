//! `chat-naive`: the baseline chat server in the common naive design (see `chat_load::naive`).
//!
//! ```text
//! cargo run --release -p chat-load --bin chat-naive -- --addr 127.0.0.1:7879
//! ```
//!
//! Prints `listening on <addr>` as its first line (pass port 0 to get a free port), then serves until
//! Ctrl+C or SIGTERM.

use std::io::Write;
use std::net::SocketAddr;

use clap::Parser;

/// The naive baseline chat server: one lock, one unbounded queue and one flush per message per client.
#[derive(Parser)]
#[command(name = "chat-naive")]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:7879")]
    addr: SocketAddr,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = tokio::net::TcpListener::bind(args.addr).await?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "listening on {}", listener.local_addr()?)?;
    stdout.flush()?;
    drop(stdout);
    chat_load::naive::serve(listener, stop_signal()).await;
    Ok(())
}

/// Completes on Ctrl+C or SIGTERM.
async fn stop_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("could not install the SIGTERM handler");
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
