//! `chat-load`: offer a chat server a paced load and measure what it delivers.
//!
//! ```text
//! cargo run --release -p chat-load --bin chat-load -- --addr 127.0.0.1:7878 --clients 1000 --senders 10 --rate 10000
//! cargo run --release -p chat-load --bin chat-load -- --transport ws --addr 127.0.0.1:8080
//! ```
//!
//! The second command loads the WebSocket clients of `chat-server --http 127.0.0.1:8080`.
//!
//! Prints a table (or `--json`): delivered lines per second, loss, latency p50/p99/max.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use chat_load::cli::{Handshake, seconds};

/// A load generator for line-based chat servers.
///
/// Every reading client counts the lines that carry an `LG <sender> <seq> <send_time_ns>` payload;
/// the first --senders clients also send them, --rate messages per second in total.
#[derive(Parser)]
#[command(name = "chat-load")]
struct Args {
    /// The server's address: its TCP address, or its HTTP address (`chat-server --http`) with
    /// `--transport ws`.
    #[arg(long, default_value = "127.0.0.1:7878")]
    addr: SocketAddr,
    /// How clients talk to the server: `tcp` (lines), or `ws` (one text frame per line, at
    /// ws://<addr>/ws).
    #[arg(long, value_enum, default_value = "tcp")]
    transport: chat_load::Transport,
    /// Clients that read everything (the senders are among them).
    #[arg(long, default_value_t = 100)]
    clients: usize,
    /// How many of the clients also send.
    #[arg(long, default_value_t = 10)]
    senders: usize,
    /// Extra clients that connect, send the handshake and never read.
    #[arg(long, default_value_t = 0)]
    stalled: usize,
    /// Offered messages per second, all senders together (deliveries offered = rate x (clients - 1)).
    #[arg(long, default_value_t = 1000)]
    rate: u64,
    /// Bytes of each message's text.
    #[arg(long, default_value_t = 32)]
    size: usize,
    /// Seconds measured, after the warm-up.
    #[arg(long, default_value = "5", value_parser = seconds)]
    duration: Duration,
    /// Seconds of sending before measuring starts.
    #[arg(long, default_value = "1", value_parser = seconds)]
    warmup: Duration,
    /// Stop after this many messages in total, warm-up included.
    #[arg(long)]
    messages: Option<u64>,
    /// Seconds the readers keep reading after the senders stop, before counting what is missing.
    #[arg(long, default_value = "5", value_parser = seconds)]
    drain: Duration,
    #[command(flatten)]
    handshake: Handshake,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = chat_load::LoadConfig {
        clients: args.clients,
        senders: args.senders,
        stalled: args.stalled,
        rate: args.rate,
        size: args.size,
        duration: args.duration,
        warmup: args.warmup,
        messages: args.messages,
        drain: args.drain,
        progress: !args.json,
        transport: args.transport,
        ..args.handshake.config(args.addr)
    };
    match chat_load::load::run(&config) {
        Ok(report) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).expect("a report serializes")
                );
            } else {
                print!("{}", report.table());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("chat-load: {e}");
            ExitCode::FAILURE
        }
    }
}
