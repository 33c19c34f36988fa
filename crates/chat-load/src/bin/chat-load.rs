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
//! `--transport tls --tls-ca cert.pem` loads a TLS port instead, trusting that certificate.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;

use chat_load::Transport;
use chat_load::cli::{Handshake, seconds};
use chat_load::tls::TlsClient;

/// A load generator for line-based chat servers.
///
/// Every reading client counts the lines that carry an `LG <sender> <seq> <send_time_ns>` payload;
/// the first --senders clients also send them, --rate messages per second in total.
#[derive(Parser)]
#[command(name = "chat-load")]
struct Args {
    /// The server's address: its TCP address, its TLS address (`chat-server --tls`) with
    /// `--transport tls`, or its HTTP address (`chat-server --http`) with `--transport ws`.
    #[arg(long, default_value = "127.0.0.1:7878")]
    addr: SocketAddr,
    /// How clients talk to the server: `tcp` (lines), `tls` (lines inside TLS, `--addr` is the
    /// server's TLS address), or `ws` (one text frame per line, at ws://<addr>/ws).
    #[arg(long, value_enum, default_value = "tcp")]
    transport: Transport,
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
    /// With --transport tls: the certificate (PEM) to trust, e.g. the server's self-signed one.
    #[arg(long, required_if_eq("transport", "tls"))]
    tls_ca: Option<PathBuf>,
    /// With --transport tls: the name the server's certificate must carry.
    #[arg(long, default_value = "localhost")]
    tls_name: String,
    /// Print the report as JSON instead of a table.
    #[arg(long)]
    json: bool,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let tls = match (args.transport, &args.tls_ca) {
        (Transport::Tls, Some(ca)) => match TlsClient::trusting(ca, &args.tls_name) {
            Ok(tls) => Some(tls),
            Err(e) => {
                eprintln!("chat-load: {e}");
                return ExitCode::FAILURE;
            }
        },
        _ => None,
    };
    let config = chat_load::LoadConfig {
        tls,
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
