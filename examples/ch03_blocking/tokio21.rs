//! # tokio21: the blocking lab, measured
//!
//! Chapter 3, *The blocking-task pitfall*. Every earlier example says that CPU-bound work on a
//! runtime thread starves the other tasks, and that moving it elsewhere fixes that. This one
//! measures it. A heartbeat task wants to run every millisecond on a Tokio runtime while a batch
//! of blake3 jobs (about 5 ms each) runs under one strategy after another:
//!
//! | strategy | where a job runs |
//! | --- | --- |
//! | `inline` | in the async task itself, on a runtime thread |
//! | `spawn_blocking` | one `spawn_blocking` call per job, all at once |
//! | `spawn_blocking_bounded` | `spawn_blocking`, at most one job per core in flight (a `Semaphore`) |
//! | `worker` | one dedicated OS thread fed over `tokio::sync::mpsc` with `blocking_recv` |
//! | `pool` | one such thread per core sharing the channel |
//! | `rayon` | a rayon pool, replying on a `oneshot` channel |
//! | `block_in_place` | in the task, after handing the worker's other tasks away (multi_thread only) |
//!
//! Each runs on a current_thread and a multi_thread runtime. The same run first measures the
//! machine's limit: one plain thread per core hashing the same batch with nothing else running.
//!
//! ```text
//! cargo run --release --example tokio21
//! cargo run --release --example tokio21 -- --help
//! cargo run --release --example tokio21 -- --strategies inline,pool --reps 5 --json
//! ```
//!
//! Build it with `--release`: a debug build still works (a job is sized by measuring, so it
//! still takes about 5 ms) but the runtime's own overhead is then much larger than it would be in
//! a real program. The default run takes about half a minute. A progress bar shows on stderr
//! when stderr is a terminal.
//!
//! It prints the calibration, the limit, and a table with one row per strategy and flavour:
//! the heartbeat's lateness (p50, p99, max), the longest freeze (the largest gap between two
//! heartbeats), the median job time, jobs per second, that as a percentage of the limit, and the
//! most OS threads the process had while the case ran (read from `/proc/self/status` on Linux,
//! `-` elsewhere).
//! Every figure is the median of the repetitions; `[min–max]` shows how noisy the machine was.
//! With `--json` the same report goes to stdout as JSON instead, and nothing else. It also writes a chart of the
//! heartbeat gaps to `target/blocking-lab/heartbeat.svg` (or `--chart PATH`) and prints that path.
//!
//! What to expect, and why: `inline` freezes the heartbeat for at least one whole job, and on a
//! current_thread runtime for most of the batch, because the thread that would run the heartbeat
//! is hashing. `pool` and `rayon`, one thread per core outside the runtime, keep the heartbeat's
//! p99 near 2 ms (the timer's resolution) and come within a few percent of the limit;
//! `spawn_blocking_bounded` stays within a few milliseconds at a little less. Unbounded
//! `spawn_blocking` on a current_thread runtime is the surprise: the pool reuses an idle thread
//! when there is one and starts a new one for every job that finds none idle (`spawn_task` in
//! tokio `src/runtime/blocking/pool.rs`), so how many threads the batch gets depends on timing; the
//! `threads` column, the most OS threads the process had during the case, counted about a hundred
//! for 200 jobs on a 2-core machine. The runtime's only thread, busy handing the jobs over, has to
//! share two cores with every thread already hashing, and the heartbeat is frozen until the last
//! job is handed over, hundreds of milliseconds. The book's page
//! *The blocking lab: measuring it* explains every row.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result};
use blocking_lab::{Config, Flavour, Strategy, chart, lab};
use clap::Parser;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Where the chart goes unless `--chart` says otherwise: the workspace's `target/`, found from the
/// source tree so it does not depend on the directory `cargo run` was started from. The parent
/// of this crate's folder is the workspace root; taking it (rather than appending `..`) keeps the
/// printed path plain.
fn default_chart() -> PathBuf {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR"));
    examples
        .parent()
        .unwrap_or(examples)
        .join("target/blocking-lab/heartbeat.svg")
}

/// Measure how CPU-bound jobs starve a Tokio runtime, strategy by strategy.
#[derive(Debug, Parser)]
#[command(name = "tokio21")]
struct Args {
    /// How long one job takes on one idle thread, in milliseconds.
    #[arg(long, default_value_t = 5.0)]
    job_ms: f64,
    /// Jobs per batch.
    #[arg(long, default_value_t = 200)]
    jobs: usize,
    /// The heartbeat's period, in milliseconds.
    #[arg(long, default_value_t = 1.0)]
    tick_ms: f64,
    /// How many times every case and the limit run; the table shows medians.
    #[arg(long, default_value_t = 3)]
    reps: usize,
    /// Strategies to run, comma-separated (default: all).
    #[arg(long, value_delimiter = ',')]
    strategies: Vec<Strategy>,
    /// Runtime flavours, comma-separated: current_thread, multi_thread (default: both).
    #[arg(long, value_delimiter = ',')]
    flavours: Vec<Flavour>,
    /// Threads for the pool, rayon, the semaphore, the multi_thread runtime and the limit
    /// (default: the number of cores).
    #[arg(long)]
    threads: Option<usize>,
    /// Print the report as JSON on stdout instead of the table.
    #[arg(long)]
    json: bool,
    /// Where to write the SVG chart of heartbeat gaps.
    #[arg(long, default_value_os_t = default_chart())]
    chart: PathBuf,
}

fn millis(value: f64, what: &str) -> Result<Duration> {
    Duration::try_from_secs_f64(value / 1e3).with_context(|| {
        format!("{what} must be a positive number of milliseconds")
    })
}

fn main() -> Result<()> {
    let args = Args::parse();
    let mut config = Config::standard();
    config.job = millis(args.job_ms, "--job-ms")?;
    config.tick = millis(args.tick_ms, "--tick-ms")?;
    config.jobs = args.jobs;
    config.reps = args.reps;
    if !args.strategies.is_empty() {
        config.strategies = args.strategies;
    }
    if !args.flavours.is_empty() {
        config.flavours = args.flavours;
    }
    config.threads = args.threads.unwrap_or_else(lab::cores);

    // The bar is redrawn only between runs, from this thread, and without a steady tick: a
    // drawing thread waking up during a measurement would be one more thread competing for the
    // cores being measured.
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} runs  {msg}")
            .expect("the template is valid"),
    );
    let report = blocking_lab::run_lab(&config, |p| {
        bar.set_length(p.total as u64);
        bar.set_position(p.done as u64);
        bar.set_message(p.next.clone());
    })?;
    bar.finish_and_clear();

    if let Some(dir) = args.chart.parent() {
        std::fs::create_dir_all(dir).with_context(|| {
            format!(
                "cannot create {}; choose another place with --chart",
                dir.display()
            )
        })?;
    }
    chart::draw(&report, &args.chart)?;

    if args.json {
        // Only the JSON on stdout, so that it can be piped straight into a tool.
        println!("{}", report.to_json());
    } else {
        print!("{}", report.table());
        println!("chart: {}", args.chart.display());
    }
    Ok(())
}
