//! # tokio52: `buffered` and `buffer_unordered`: order and time, measured
//!
//! Chapter 9, *Streams and async I/O*. A stream of futures can be run several at a time:
//! [`buffered(n)`](https://docs.rs/futures/latest/futures/stream/trait.StreamExt.html#method.buffered)
//! and `buffer_unordered(n)` keep up to `n` of them running, inside the one task that polls the
//! stream. `buffered` hands the outputs out in input order; `buffer_unordered` as they finish.
//! Six jobs of 300, 100, 100, 100, 300 and 100 ms, three at a time, run with each, and one at a
//! time with `then`.
//!
//! ```text
//! cargo run --example tokio52
//! ```
//!
//! Prints three lines; the times are one run's (on a machine loaded by other builds) and vary with
//! the load; the first two orders are the same on every run, and in the third jobs 1 and 6, which
//! finish at the same moment, may swap:
//!
//! ```text
//! then (one at a time):  order [1, 2, 3, 4, 5, 6] in 1078 ms
//! buffered(3):           order [1, 2, 3, 4, 5, 6] in 608 ms
//! buffer_unordered(3):   order [2, 3, 4, 1, 6, 5] in 401 ms
//! ```
//!
//! One at a time costs the sum, 1,000 ms. `buffered(3)` keeps the input order and pays for it:
//! jobs 2 and 3 finish at 100 ms, but their outputs wait behind job 1 (300 ms) and keep their
//! slots, so jobs 4 to 6 start only at 300 ms and job 5 ends at 600 ms. `buffer_unordered(3)`
//! frees a slot the moment a job finishes: 4 and 5 start at 100 ms, 6 at 200 ms, and the last job
//! ends at 400 ms.
//!
//! `cargo run --example tokio52 -- --events` runs the same three pipelines on Tokio's paused
//! clock instead and prints, for every job, when it started, when it finished and when the stream
//! handed its output on (`buffered(3) job 2 start 0 end 100 out 300`), rounded down to 10 ms.
//! Those times do not depend on the machine's load, so the book's timeline is drawn from them
//! (`examples/tests/figures.rs`).

use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};

// ANCHOR: main
/// Job number and how long it takes, in ms.
const JOBS: [(u32, u64); 6] =
    [(1, 300), (2, 100), (3, 100), (4, 100), (5, 300), (6, 100)];

async fn job((n, ms): (u32, u64)) -> u32 {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    n
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if std::env::args().any(|arg| arg == "--events") {
        return events::print().await;
    }
    let start = Instant::now();
    let order: Vec<u32> = stream::iter(JOBS).then(job).collect().await;
    println!(
        "then (one at a time):  order {order:?} in {} ms",
        start.elapsed().as_millis()
    );

    let start = Instant::now();
    let order: Vec<u32> =
        stream::iter(JOBS).map(job).buffered(3).collect().await;
    println!(
        "buffered(3):           order {order:?} in {} ms",
        start.elapsed().as_millis()
    );

    let start = Instant::now();
    let order: Vec<u32> = stream::iter(JOBS)
        .map(job)
        .buffer_unordered(3)
        .collect()
        .await;
    println!(
        "buffer_unordered(3):   order {order:?} in {} ms",
        start.elapsed().as_millis()
    );
}
// ANCHOR_END: main

/// The `--events` mode: the same pipelines on a paused clock, with every job's times.
mod events {
    use futures::stream::{self, StreamExt};
    use tokio::time::Instant;

    use super::{JOBS, job};

    /// Milliseconds since `start`, rounded down to a multiple of 10. On the paused clock each
    /// sleep lasts up to 1 ms longer than asked (Tokio's timer rounds a deadline up to its next
    /// millisecond tick), which would otherwise add a millisecond per sleep to the times.
    fn ms(start: Instant) -> u128 {
        start.elapsed().as_millis() / 10 * 10
    }

    /// Runs `job` and returns its number with the times at which it started and finished.
    async fn timed(start: Instant, spec: (u32, u64)) -> (u32, u128, u128) {
        let began = ms(start);
        let n = job(spec).await;
        (n, began, ms(start))
    }

    /// Prints one line per job and pipeline, in the order the stream handed the outputs on.
    fn print_jobs(mode: &str, done: Vec<(u32, u128, u128, u128)>) {
        for (n, began, ended, out) in done {
            println!("{mode} job {n} start {began} end {ended} out {out}");
        }
    }

    pub async fn print() {
        // Time stands still while a task runs and jumps to the next timer when all are idle,
        // so every sleep lasts exactly what it asks for, whatever the machine's load.
        tokio::time::pause();
        let start = Instant::now();
        let done = stream::iter(JOBS)
            .then(|spec| timed(start, spec))
            .map(|(n, b, e)| (n, b, e, ms(start)))
            .collect()
            .await;
        print_jobs("then", done);

        let start = Instant::now();
        let done = stream::iter(JOBS)
            .map(|spec| timed(start, spec))
            .buffered(3)
            .map(|(n, b, e)| (n, b, e, ms(start)))
            .collect()
            .await;
        print_jobs("buffered(3)", done);

        let start = Instant::now();
        let done = stream::iter(JOBS)
            .map(|spec| timed(start, spec))
            .buffer_unordered(3)
            .map(|(n, b, e)| (n, b, e, ms(start)))
            .collect()
            .await;
        print_jobs("buffer_unordered(3)", done);
    }
}
