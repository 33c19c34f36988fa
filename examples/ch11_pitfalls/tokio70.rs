//! # tokio70: `std::thread::sleep` in async code
//!
//! Chapter 11, *Common pitfalls*. Three tasks each pause for 200 ms. With
//! [`std::thread::sleep`](https://doc.rust-lang.org/std/thread/fn.sleep.html) each pause holds the
//! runtime's only thread, so the three run one after the other and a heartbeat task (ticking every
//! 10 ms) stops for each of them. With
//! [`tokio::time::sleep`](https://docs.rs/tokio/latest/tokio/time/fn.sleep.html) each task parks
//! and hands the thread back, so the three pauses overlap and the heartbeat keeps ticking. The same
//! two measurements, elapsed time and the heartbeat's longest gap, are taken on both.
//!
//! ```text
//! cargo run --example tokio70
//! ```
//!
//! The figures differ a little from run to run; one run printed:
//!
//! ```text
//! std::thread::sleep: 3 pauses took 600 ms, heartbeat stalled for 610 ms
//! tokio::time::sleep: 3 pauses took 201 ms, heartbeat stalled for 13 ms
//! ```
//!
//! The first time is never under 600 ms: the pauses cannot overlap on one thread. The first gap is
//! never under one pause (200 ms), because a blocked task gives the thread back only when it ends;
//! it is usually all three, since the timer that wakes the heartbeat is checked only once the
//! ready tasks are done.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Each task's pause.
const PAUSE: Duration = Duration::from_millis(200);

// ANCHOR: sleeps
/// The pitfall: the thread sleeps, and with it every task on it.
async fn pause_blocking() {
    std::thread::sleep(PAUSE);
}

/// The fix: the task sleeps; the thread runs other tasks meanwhile.
async fn pause_async() {
    tokio::time::sleep(PAUSE).await;
}
// ANCHOR_END: sleeps

/// Runs `work` next to a heartbeat task that ticks every 10 ms, and returns how long `work` took
/// and the longest gap the heartbeat saw between two of its ticks (`tokio69` explains it).
async fn measure<F: Future>(work: F) -> (Duration, Duration) {
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
    tokio::time::sleep(Duration::from_millis(20)).await;
    let started = Instant::now();
    work.await;
    let took = started.elapsed();
    tokio::time::sleep(Duration::from_millis(20)).await;
    heartbeat.abort();
    (
        took,
        Duration::from_micros(longest_us.load(Ordering::Relaxed)),
    )
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let three = || async {
        let tasks = [0; 3].map(|_| tokio::spawn(pause_blocking()));
        for task in tasks {
            task.await.expect("a pause does not panic");
        }
    };
    let (took, stall) = measure(three()).await;
    println!(
        "std::thread::sleep: 3 pauses took {} ms, heartbeat stalled for {} ms",
        took.as_millis(),
        stall.as_millis()
    );

    let three = || async {
        let tasks = [0; 3].map(|_| tokio::spawn(pause_async()));
        for task in tasks {
            task.await.expect("a pause does not panic");
        }
    };
    let (took, stall) = measure(three()).await;
    println!(
        "tokio::time::sleep: 3 pauses took {} ms, heartbeat stalled for {} ms",
        took.as_millis(),
        stall.as_millis()
    );
}
// ANCHOR_END: main
