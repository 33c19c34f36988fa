//! # blocking-lab
//!
//! Measures the central claim of chapter 3: CPU-bound work run on a runtime thread starves every
//! other task on it, and moving the work elsewhere fixes that. A heartbeat task ticks on the
//! runtime while a batch of blake3 jobs runs under one strategy; how late the heartbeat gets, and
//! how many jobs per second finish, are compared with what plain threads manage on the same
//! machine in the same run. `cargo run --release --example tokio21` is the command line over it.
//!
//! # Layout
//!
//! - [`work`]: the job (blake3 over a buffer, a calibrated number of rounds) and its calibration.
//! - [`strategy`]: the strategies and runtime flavours, and the cases they pair into.
//! - [`run`]: one case on a fresh runtime, the heartbeat, and the limit of plain threads.
//! - [`lab`]: the whole experiment, interleaved repetitions, the report and its table.
//! - [`stats`]: percentiles, longest gap, throughput and spread, checked exactly by the tests.
//! - [`threads`]: the process's OS thread count, sampled while a case runs (Linux).
//! - [`chart`]: the heartbeat gaps of every case drawn to an SVG file.

pub mod chart;
pub mod lab;
pub mod run;
pub mod stats;
pub mod strategy;
pub mod threads;
pub mod work;

pub use lab::{Config, Progress, Report, run_lab};
pub use strategy::{Case, Flavour, Strategy};

use thiserror::Error;

/// Everything that can stop the lab, each saying what to try next.
#[derive(Debug, Error)]
pub enum LabError {
    /// A name on the command line matched no strategy or flavour.
    #[error("unknown {kind} `{name}`; choose from: {choices}")]
    UnknownName {
        /// "strategy" or "flavour".
        kind: &'static str,
        /// What was given.
        name: String,
        /// The names that would have worked.
        choices: String,
    },
    /// The configuration cannot be measured.
    #[error("cannot run this configuration: {0}; change the options and run again")]
    Config(String),
    /// A strategy was asked to run where it cannot.
    #[error(
        "{0} cannot run (block_in_place panics on a current_thread runtime); leave that pair out"
    )]
    NotApplicable(Case),
    /// The operating system refused a thread.
    #[error(
        "could not start a thread: {0}; lower --jobs (unbounded spawn_blocking may start up to one thread per job) or raise the process limit (ulimit -u)"
    )]
    Thread(#[source] std::io::Error),
    /// Tokio could not build the runtime.
    #[error("could not build the Tokio runtime: {0}; check the process's thread limit (ulimit -u)")]
    Runtime(#[source] std::io::Error),
    /// rayon could not build its pool.
    #[error("could not build the rayon pool: {0}; check the process's thread limit (ulimit -u)")]
    Rayon(String),
    /// A job's result never arrived: the thread running it panicked.
    #[error(
        "a job's result never arrived because the thread running it panicked; re-run with RUST_BACKTRACE=1 to see where"
    )]
    JobLost,
    /// A case ran a different set of jobs from the limit.
    #[error(
        "{0} lost or repeated a job: its checksum differs from the limit's; this is a bug in the lab, please report it with the command you ran"
    )]
    Checksum(Case),
    /// A run produced nothing to summarise.
    #[error(
        "a run produced no samples; use a tick shorter than the job window (--tick-ms) or more jobs (--jobs)"
    )]
    NoSamples,
    /// The chart could not be written.
    #[error("could not draw the chart to {path}: {reason}; choose a writable path with --chart")]
    Chart {
        /// Where it was going.
        path: String,
        /// What the drawing library said.
        reason: String,
    },
}
