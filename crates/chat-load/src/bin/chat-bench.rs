//! `chat-bench`: one server against the naive baseline, same load, one run, one table.
//!
//! ```text
//! cargo build --release -p chat -p chat-load
//! target/release/chat-bench
//! ```
//!
//! Starts each server as a child process on `127.0.0.1:0`, runs the load generator against it in
//! this process, reads the server's peak RSS (`VmHWM` in `/proc/<pid>/status`) and stops it; a
//! fresh process for every row. Scenarios: `throughput` (many clients, offered far more than a naive
//! server can deliver), `latency` (the same clients at a rate both should sustain) and `memory`
//! (stalled readers, a fixed number of messages, two counts).
//!
//! `--transport tcp,tls,ws` measures the server once per transport in the same run (the naive
//! baseline speaks TCP only; `--no-naive` leaves it out): for TLS it makes a self-signed
//! certificate, starts the server with `--tls 127.0.0.1:0 --tls-cert --tls-key`, and the clients
//! trust that certificate; for WebSocket it starts the server with `--http 127.0.0.1:0` and the
//! clients upgrade at `ws://<addr>/ws`. A second table then puts each transport's delivered
//! lines/s and p99 side by side.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use serde::Serialize;

use chat_load::cli::{Handshake, seconds};
use chat_load::process::Server;
use chat_load::report::human;
use chat_load::tls::{SelfSigned, TlsClient};
use chat_load::{LoadConfig, Report, Transport};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
enum Scenario {
    Throughput,
    Latency,
    Memory,
}

/// Runs the same chat load against a server and the naive baseline, and prints one table.
#[derive(Parser)]
#[command(name = "chat-bench")]
struct Args {
    /// The server to measure [default: target/release/chat-server, if it exists].
    #[arg(long)]
    server: Option<PathBuf>,
    /// Arguments for that server (one string, split on spaces) [default: `--rate-limit 0 --history 0`,
    /// which puts its per-client rate limit and its history out of the way; none when the server
    /// is a chat-naive binary].
    #[arg(long, allow_hyphen_values = true)]
    server_args: Option<String>,
    /// The naive baseline [default: chat-naive next to this binary].
    #[arg(long)]
    naive: Option<PathBuf>,
    /// Scenarios to run, in order (repeat or separate with commas).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "throughput,latency,memory"
    )]
    scenario: Vec<Scenario>,
    /// Reading clients in the throughput and latency scenarios.
    #[arg(long, default_value_t = 1000)]
    clients: usize,
    /// Senders among them.
    #[arg(long, default_value_t = 10)]
    senders: usize,
    /// Offered messages per second in the throughput scenario (x (clients - 1) deliveries).
    #[arg(long, default_value_t = 10_000)]
    rate: u64,
    /// Offered messages per second in the latency scenario.
    #[arg(long, default_value_t = 1_000)]
    latency_rate: u64,
    /// Bytes of each message's text.
    #[arg(long, default_value_t = 32)]
    size: usize,
    /// Seconds measured in the throughput and latency scenarios.
    #[arg(long, default_value = "10", value_parser = seconds)]
    duration: Duration,
    /// Seconds of warm-up before measuring.
    #[arg(long, default_value = "2", value_parser = seconds)]
    warmup: Duration,
    /// Seconds readers keep reading after the senders stop; what is missing then counts as lost.
    #[arg(long, default_value = "5", value_parser = seconds)]
    drain: Duration,
    /// Stalled readers in the memory scenario.
    #[arg(long, default_value_t = 20)]
    stalled: usize,
    /// Reading clients in the memory scenario.
    #[arg(long, default_value_t = 10)]
    memory_clients: usize,
    /// Messages sent in the memory scenario, one run per count.
    #[arg(long, value_delimiter = ',', default_value = "200000,400000")]
    memory_messages: Vec<u64>,
    /// Offered messages per second in the memory scenario.
    #[arg(long, default_value_t = 50_000)]
    memory_rate: u64,
    /// Kill a server whose resident memory passes this many MiB (a naive server under overload
    /// grows until the machine runs out); its row then says so.
    #[arg(long, default_value_t = 2048)]
    rss_limit_mib: u64,
    /// Seconds a server may take to print `listening on <addr>`.
    #[arg(long, default_value_t = 20)]
    start_timeout: u64,
    #[command(flatten)]
    handshake: Handshake,
    /// Print the results as JSON instead of a table.
    #[arg(long)]
    json: bool,
    /// How clients reach the server, one run per transport (repeat or separate with commas):
    /// `tcp`, `tls` (the server gets `--tls 127.0.0.1:0` and a self-signed certificate), `ws`
    /// (the server gets `--http 127.0.0.1:0`).
    #[arg(long, value_enum, value_delimiter = ',', default_value = "tcp")]
    transport: Vec<Transport>,
    /// Leave out the naive baseline.
    #[arg(long)]
    no_naive: bool,
}

/// One server under one load.
#[derive(Serialize)]
struct Row {
    scenario: Scenario,
    /// `server` or `naive`.
    slot: &'static str,
    /// How the clients talked to it.
    transport: Transport,
    program: PathBuf,
    args: Vec<String>,
    /// The load's own figures; `None` when the run could not be made.
    report: Option<Report>,
    /// Why there is no report.
    error: Option<String>,
    /// Peak resident set size (`VmHWM`) in MiB.
    peak_rss_mib: Option<f64>,
    /// CPU time the server used during the run (connecting included), in seconds.
    cpu_secs: Option<f64>,
    /// The server was killed for passing --rss-limit-mib.
    killed_over_rss_limit: bool,
    /// The server process was gone at the end of the run (crashed or killed).
    exited_early: bool,
}

#[derive(Serialize)]
struct Output {
    server: PathBuf,
    server_args: Vec<String>,
    naive: PathBuf,
    rows: Vec<Row>,
    /// Server's delivered lines/s over the naive baseline's, per scenario that has both.
    throughput_ratio: Vec<(Scenario, Option<f64>)>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let here = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_owned))
        .unwrap_or_default();
    let naive = args
        .naive
        .clone()
        .unwrap_or_else(|| here.join("chat-naive"));
    let server = match args.server.clone() {
        Some(path) => path,
        None => {
            let default = PathBuf::from("target/release/chat-server");
            if !default.exists() {
                eprintln!(
                    "chat-bench: target/release/chat-server does not exist; build it with \
                     `cargo build --release -p chat`, or pass --server PATH \
                     (--server {} compares the baseline with itself)",
                    naive.display()
                );
                return ExitCode::FAILURE;
            }
            default
        }
    };
    let is_naive = server.file_name().is_some_and(|n| n == "chat-naive");
    let server_args: Vec<String> = match &args.server_args {
        Some(text) => text.split_whitespace().map(str::to_owned).collect(),
        None if is_naive => Vec::new(),
        None => ["--rate-limit", "0", "--history", "0"]
            .map(str::to_owned)
            .to_vec(),
    };
    if !args.json {
        println!(
            "server: {} {}\nnaive:  {}\n",
            server.display(),
            server_args.join(" "),
            naive.display()
        );
    }

    // The certificate for the TLS runs, made here and removed with the folder at the end.
    let certs = tempfile::tempdir().expect("a temporary folder");
    let cert = match args.transport.contains(&Transport::Tls) {
        true => match SelfSigned::write(certs.path()) {
            Ok(cert) => Some(cert),
            Err(e) => {
                eprintln!("chat-bench: {e}");
                return ExitCode::FAILURE;
            }
        },
        false => None,
    };
    let mut runs: Vec<(&'static str, &PathBuf, &Vec<String>, Transport)> = args
        .transport
        .iter()
        .map(|&t| ("server", &server, &server_args, t))
        .collect();
    let none = Vec::new();
    if !args.no_naive {
        runs.push(("naive", &naive, &none, Transport::Tcp));
    }
    let mut rows = Vec::new();
    for &scenario in &args.scenario {
        for load in loads(&args, scenario) {
            for &(slot, program, extra, transport) in &runs {
                if !args.json {
                    eprintln!(
                        "running {scenario:?} against {slot} ({}) over {}",
                        program.display(),
                        transport.name()
                    );
                }
                let row = measure(
                    &args,
                    (scenario, slot, transport),
                    program,
                    extra,
                    cert.as_ref(),
                    &load,
                );
                if !args.json {
                    print_row(&row);
                }
                rows.push(row);
            }
        }
    }

    let throughput_ratio: Vec<_> = [Scenario::Throughput, Scenario::Latency]
        .into_iter()
        .filter(|s| args.scenario.contains(s))
        .map(|s| (s, ratio(&rows, s)))
        .collect();
    if args.json {
        let output = Output {
            server,
            server_args,
            naive,
            rows,
            throughput_ratio,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&output).expect("the results serialize")
        );
    } else {
        println!();
        println!("{}", table(&rows));
        println!(
            "loss: deliveries still missing {:.0} s after the senders stopped (dropped, or too late); \
             latency: from the sender's write to the reader's read, for messages sent after the \
             warm-up; peak RSS: VmHWM of the server process.",
            args.drain.as_secs_f64()
        );
        if args.transport.len() > 1 {
            println!("{}", side_by_side(&rows, &args.transport));
        }
        for (scenario, ratio) in throughput_ratio.into_iter().filter(|_| !args.no_naive) {
            match ratio {
                Some(r) => println!(
                    "{scenario:?}: the server delivered {r:.1}x the naive baseline's lines/s"
                ),
                None => println!("{scenario:?}: no ratio (a run is missing)"),
            }
        }
    }
    ExitCode::SUCCESS
}

/// The load configurations of a scenario (one, or one per message count for `memory`).
fn loads(args: &Args, scenario: Scenario) -> Vec<LoadConfig> {
    // The address is filled in once the server has printed it.
    let base = LoadConfig {
        senders: args.senders,
        size: args.size,
        duration: args.duration,
        warmup: args.warmup,
        drain: args.drain,
        progress: !args.json,
        ..args.handshake.config(([127, 0, 0, 1], 0).into())
    };
    match scenario {
        Scenario::Throughput => vec![LoadConfig {
            clients: args.clients,
            rate: args.rate,
            ..base
        }],
        Scenario::Latency => vec![LoadConfig {
            clients: args.clients,
            rate: args.latency_rate,
            ..base
        }],
        Scenario::Memory => args
            .memory_messages
            .iter()
            .map(|&messages| LoadConfig {
                clients: args.memory_clients,
                senders: args.senders.min(args.memory_clients),
                stalled: args.stalled,
                rate: args.memory_rate,
                messages: Some(messages),
                warmup: Duration::ZERO,
                // Long enough for every message at the offered rate, plus a margin; the message
                // count ends the run.
                duration: Duration::from_secs_f64(
                    messages as f64 / args.memory_rate as f64 * 2.0 + 5.0,
                ),
                ..base.clone()
            })
            .collect(),
    }
}

/// Starts `program`, runs `load` against it over `transport`, reads its peak memory, stops it.
fn measure(
    args: &Args,
    (scenario, slot, transport): (Scenario, &'static str, Transport),
    program: &Path,
    extra: &[String],
    cert: Option<&SelfSigned>,
    load: &LoadConfig,
) -> Row {
    let mut row = Row {
        scenario,
        slot,
        transport,
        program: program.to_owned(),
        args: extra.to_vec(),
        report: None,
        error: None,
        peak_rss_mib: None,
        cpu_secs: None,
        killed_over_rss_limit: false,
        exited_early: false,
    };
    let mut extra = extra.to_vec();
    let mut tls = None;
    if let (Transport::Tls, Some(cert)) = (transport, cert) {
        let path = |p: &Path| p.display().to_string();
        extra.extend(["--tls".to_owned(), "127.0.0.1:0".to_owned()]);
        extra.extend(["--tls-cert".to_owned(), path(&cert.cert)]);
        extra.extend(["--tls-key".to_owned(), path(&cert.key)]);
        match TlsClient::trusting(&cert.cert, "localhost") {
            Ok(client) => tls = Some(client),
            Err(e) => {
                row.error = Some(e);
                return row;
            }
        }
    }
    if transport == Transport::Ws {
        extra.extend(["--http".to_owned(), "127.0.0.1:0".to_owned()]);
    }
    let limit = Duration::from_secs(args.start_timeout);
    let mut server = match Server::start(program, &extra, limit) {
        Ok(server) => server,
        Err(e) => {
            row.error = Some(e.to_string());
            return row;
        }
    };
    server.guard(args.rss_limit_mib * 1024);
    // The line each transport's address is printed on: `listening on`, `tls on`, `http on`.
    let label = match transport {
        Transport::Tcp => "listening",
        Transport::Tls => "tls",
        Transport::Ws => "http",
    };
    let Some(addr) = server.address(label, limit) else {
        row.error = Some(format!("the server printed no `{label} on <addr>` line"));
        return row;
    };
    let load = LoadConfig {
        addr,
        transport,
        tls,
        ..load.clone()
    };
    match chat_load::load::run(&load) {
        Ok(report) => row.report = Some(report),
        Err(e) => row.error = Some(e.to_string()),
    }
    row.peak_rss_mib = server.peak_rss_kib().map(|k| k as f64 / 1024.0);
    row.cpu_secs = server.cpu_ns().map(|ns| ns as f64 / 1e9);
    row.killed_over_rss_limit = server.killed_over_limit();
    row.exited_early = !server.is_running();
    drop(server);
    row
}

fn ratio(rows: &[Row], scenario: Scenario) -> Option<f64> {
    let delivered = |slot: &str| {
        rows.iter()
            .find(|r| r.scenario == scenario && r.slot == slot && r.transport == Transport::Tcp)
            .and_then(|r| r.report.as_ref())
            .map(|r| r.delivered_per_sec)
    };
    let (server, naive) = (delivered("server")?, delivered("naive")?);
    (naive > 0.0).then(|| server / naive)
}

fn print_row(row: &Row) {
    match (&row.report, &row.error) {
        (Some(report), _) => eprint!("{}", report.table()),
        (None, Some(e)) => eprintln!("failed: {e}"),
        (None, None) => {}
    }
}

/// The results as a Markdown table.
fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| scenario | server | clients | offered deliveries/s | delivered lines/s | loss | p50 | p99 | max | peak RSS |\n\
         | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for row in rows {
        let rss = match row.peak_rss_mib {
            Some(m) if row.killed_over_rss_limit => format!("> {m:.0} MiB (killed at the limit)"),
            Some(m) => format!("{m:.1} MiB"),
            None => "?".to_owned(),
        };
        let name = match row.scenario {
            Scenario::Memory => format!(
                "memory, {} msgs",
                row.report.as_ref().map_or(0, |r| r.sent_total)
            ),
            s => format!("{s:?}").to_lowercase(),
        };
        let cells = match &row.report {
            Some(r) => {
                // Without a single measured delivery there is no latency to show.
                let ms = |v: f64| {
                    if r.latency.count == 0 {
                        "-".to_owned()
                    } else {
                        format!("{v:.1} ms")
                    }
                };
                format!(
                    "{} + {} stalled | {} | {} | {:.3} % | {} | {} | {}",
                    r.clients,
                    r.stalled,
                    human(r.offered_deliveries_per_sec),
                    human(r.delivered_per_sec),
                    r.loss_ratio * 100.0,
                    ms(r.latency.p50_ms),
                    ms(r.latency.p99_ms),
                    ms(r.latency.max_ms)
                )
            }
            None => format!(
                "failed: {} | | | | | | ",
                row.error.as_deref().unwrap_or("?")
            ),
        };
        let gone = if row.exited_early && !row.killed_over_rss_limit {
            " (server exited early)"
        } else {
            ""
        };
        let slot = match row.transport {
            Transport::Tcp => row.slot.to_owned(),
            t => format!("{} ({})", row.slot, t.name()),
        };
        out.push_str(&format!("| {name} | {slot}{gone} | {cells} | {rss} |\n"));
    }
    out
}

/// The server's delivered lines/s and p99 per transport, one line per scenario, and each
/// transport's lines/s as a share of the first's.
fn side_by_side(rows: &[Row], transports: &[Transport]) -> String {
    let mut out = String::from("| scenario |");
    for t in transports {
        out.push_str(&format!(
            " {0} lines/s | {0} p99 | {0} CPU µs / 1k lines |",
            t.name()
        ));
    }
    for t in &transports[1..] {
        out.push_str(&format!(" {} / {} |", t.name(), transports[0].name()));
    }
    out.push_str(&format!(
        "\n|{}\n",
        " --- |".repeat(1 + 3 * transports.len() + transports.len() - 1)
    ));
    let mut scenarios: Vec<Scenario> = rows.iter().map(|r| r.scenario).collect();
    scenarios.dedup();
    for scenario in scenarios.into_iter().filter(|s| *s != Scenario::Memory) {
        let row = |t: Transport| {
            rows.iter()
                .find(|r| r.scenario == scenario && r.slot == "server" && r.transport == t)
        };
        let of = |t: Transport| row(t).and_then(|r| r.report.as_ref());
        // The server's CPU time over the lines it owed, when it delivered them all (with loss,
        // the lines owed are not the lines written).
        let cpu = |t: Transport| {
            let row = row(t)?;
            let r = row.report.as_ref()?;
            let owed = r.sent_total as f64 * r.clients.saturating_sub(1) as f64;
            (r.lost == 0 && owed > 0.0).then(|| row.cpu_secs.map(|s| s * 1e9 / owed))?
        };
        out.push_str(&format!("| {} |", format!("{scenario:?}").to_lowercase()));
        for &t in transports {
            match of(t) {
                Some(r) => out.push_str(&format!(
                    " {} | {:.1} ms | {} |",
                    human(r.delivered_per_sec),
                    r.latency.p99_ms,
                    cpu(t).map_or("-".to_owned(), |ns| format!("{ns:.0}"))
                )),
                None => out.push_str(" - | - | - |"),
            }
        }
        for &t in &transports[1..] {
            match (of(t), of(transports[0])) {
                (Some(r), Some(base)) if base.delivered_per_sec > 0.0 => out.push_str(&format!(
                    " {:.2} |",
                    r.delivered_per_sec / base.delivered_per_sec
                )),
                _ => out.push_str(" - |"),
            }
        }
        out.push('\n');
    }
    out
}
