//! # tokio135: `RuntimeMetrics` on stable Tokio, and a worker that never parks
//!
//! Chapter 15, *seeing a running program*. `Handle::metrics()` works without `tokio_unstable` for a
//! few figures: `num_workers`, `num_alive_tasks`, `global_queue_depth`, and per worker
//! `worker_total_busy_duration`, `worker_park_count` and `worker_park_unpark_count`
//! (`tokio/src/runtime/metrics/runtime.rs`; the rest sits behind `cfg_unstable_metrics!`).
//!
//! A runtime with two workers runs a well-behaved ticker and a "hog": a task that spins for
//! 600 ms without an `.await`. A plain thread samples the metrics every 200 ms. The park/unpark
//! count is odd while a worker is parked and even while it is awake (its docs say so); a worker
//! whose count is even and did not move during a whole sample was awake all along without once
//! parking: one poll that never returns. The busy time does not show it while it happens: each
//! worker counts its figures in a batch of its own (`runtime/metrics/batch.rs`) and publishes
//! them when it submits the batch, around parking, so the hog's 600 ms appear in one piece after
//! it has ended.
//!
//! ```text
//! cargo run --example tokio135
//! ```
//!
//! Prints lines of this form; which worker runs the hog, the park counts and the busy times vary
//! from run to run (the tests check the workers, the tasks and the verdicts):
//!
//! ```text
//! workers: 2
//! sample 1: alive tasks 2, parks [0, 40], busy ms [0, 0]
//! sample 1: worker 0 awake the whole sample without parking: a task that never yields?
//! sample 2: alive tasks 2, parks [0, 38], busy ms [0, 0]
//! sample 2: worker 0 awake the whole sample without parking: a task that never yields?
//! sample 3: alive tasks 1, parks [1, 31], busy ms [611, 0]
//! after the hog: alive tasks 1, no worker awake the whole sample
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::runtime::RuntimeMetrics;

const SAMPLE: Duration = Duration::from_millis(200);
const HOG: Duration = Duration::from_millis(600);

/// What the stable metrics say about one worker at one instant.
#[derive(Clone, Copy)]
struct Worker {
    busy: Duration,
    parks: u64,
    park_unpark: u64,
}

fn snapshot(m: &RuntimeMetrics) -> Vec<Worker> {
    (0..m.num_workers())
        .map(|w| Worker {
            busy: m.worker_total_busy_duration(w),
            parks: m.worker_park_count(w),
            park_unpark: m.worker_park_unpark_count(w),
        })
        .collect()
}

// ANCHOR: stuck
/// The workers that were awake (an even park/unpark count) at both ends of
/// the sample and did not park or unpark in between.
fn stuck(before: &[Worker], after: &[Worker]) -> Vec<usize> {
    before
        .iter()
        .zip(after)
        .enumerate()
        .filter(|(_, (b, a))| {
            b.park_unpark % 2 == 0 && a.park_unpark == b.park_unpark
        })
        .map(|(worker, _)| worker)
        .collect()
}
// ANCHOR_END: stuck

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("cannot build a runtime");
    let metrics = rt.handle().metrics();
    println!("workers: {}", metrics.num_workers());

    let stop = Arc::new(AtomicBool::new(false));
    let ticker = rt.spawn({
        let stop = Arc::clone(&stop);
        async move {
            while !stop.load(Ordering::Relaxed) {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    });
    // ANCHOR: hog
    let hog = rt.spawn(async {
        let start = Instant::now();
        // No `.await` in the loop: one poll that lasts 600 ms.
        while start.elapsed() < HOG {
            std::hint::spin_loop();
        }
    });
    // ANCHOR_END: hog

    // Samples while the hog runs, then one after it.
    std::thread::sleep(Duration::from_millis(20));
    let mut before = snapshot(&metrics);
    let mut n = 0;
    while !hog.is_finished() {
        std::thread::sleep(SAMPLE);
        let after = snapshot(&metrics);
        n += 1;
        let parks: Vec<u64> = after
            .iter()
            .zip(&before)
            .map(|(a, b)| a.parks - b.parks)
            .collect();
        let busy: Vec<u128> = after
            .iter()
            .zip(&before)
            .map(|(a, b)| (a.busy - b.busy).as_millis())
            .collect();
        println!(
            "sample {n}: alive tasks {}, parks {parks:?}, busy ms {busy:?}",
            metrics.num_alive_tasks()
        );
        for worker in stuck(&before, &after) {
            println!(
                "sample {n}: worker {worker} awake the whole sample without \
                 parking: a task that never yields?"
            );
        }
        before = after;
    }
    std::thread::sleep(SAMPLE);
    let after = snapshot(&metrics);
    let verdict = if stuck(&before, &after).is_empty() {
        "no worker awake the whole sample"
    } else {
        "a worker still awake the whole sample"
    };
    println!(
        "after the hog: alive tasks {}, {verdict}",
        metrics.num_alive_tasks()
    );
    stop.store(true, Ordering::Relaxed);
    rt.block_on(ticker).expect("the ticker panicked");
}
