//! # tokio69: blocking the executor, measured by a heartbeat
//!
//! Chapter 11, *Common pitfalls*. A handler does 300 ms of CPU-bound work (standing in for parsing
//! a big file, or any synchronous call) right inside an `async fn`. On a current_thread runtime
//! nothing else can run until it returns: a heartbeat task that ticks every 10 ms stops ticking.
//! The heartbeat measures the longest gap between two of its own ticks; that gap is the symptom,
//! and the same measurement is run on the fix, which moves the work to Tokio's blocking pool with
//! [`spawn_blocking`](https://docs.rs/tokio/latest/tokio/task/fn.spawn_blocking.html).
//!
//! ```text
//! cargo run --example tokio69
//! ```
//!
//! The gaps differ a little from run to run; one run printed:
//!
//! ```text
//! work on the runtime thread: heartbeat stalled for 311 ms
//! work in spawn_blocking: heartbeat stalled for 14 ms
//! ```
//!
//! The first gap is never shorter than the work (300 ms): the heartbeat cannot tick while the only
//! runtime thread is busy. The second is about one tick, because the runtime thread stays free.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long the CPU-bound work keeps its thread.
const WORK: Duration = Duration::from_millis(300);

// ANCHOR: work
/// CPU-bound work with no `.await` in it: it keeps its thread until it returns.
fn checksum_for(duration: Duration) -> u64 {
    let started = Instant::now();
    let mut sum = 0u64;
    while started.elapsed() < duration {
        for i in 0..10_000u64 {
            sum = black_box(sum.wrapping_mul(31).wrapping_add(i));
        }
    }
    sum
}

/// The pitfall: the work runs on the runtime thread, inside the async fn.
async fn handle_blocking() -> u64 {
    checksum_for(WORK)
}

/// The fix: the work runs on the blocking pool; this task only waits for it.
async fn handle_offloaded() -> u64 {
    tokio::task::spawn_blocking(|| checksum_for(WORK))
        .await
        .expect("the checksum does not panic")
}
// ANCHOR_END: work

// ANCHOR: heartbeat
/// Runs `work` next to a heartbeat task that ticks every 10 ms, and returns the
/// longest gap the heartbeat saw between two of its ticks.
async fn longest_stall<F: Future>(work: F) -> Duration {
    let longest_us = Arc::new(AtomicU64::new(0));
    let heartbeat = tokio::spawn({
        let longest_us = longest_us.clone();
        async move {
            let mut last = Instant::now();
            loop {
                tokio::time::sleep(Duration::from_millis(10)).await;
                let gap = last.elapsed();
                last = Instant::now();
                longest_us.fetch_max(gap.as_micros() as u64, Ordering::Relaxed);
            }
        }
    });
    // Let the heartbeat start, run the work, then give the heartbeat a tick to
    // record a stall that lasted until the work's very end.
    tokio::time::sleep(Duration::from_millis(20)).await;
    work.await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    heartbeat.abort();
    Duration::from_micros(longest_us.load(Ordering::Relaxed))
}
// ANCHOR_END: heartbeat

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let stall = longest_stall(handle_blocking()).await;
    println!(
        "work on the runtime thread: heartbeat stalled for {} ms",
        stall.as_millis()
    );
    let stall = longest_stall(handle_offloaded()).await;
    println!(
        "work in spawn_blocking: heartbeat stalled for {} ms",
        stall.as_millis()
    );
}
// ANCHOR_END: main
