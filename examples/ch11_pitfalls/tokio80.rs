//! # tokio80: `while let Some(job) = rx.lock().await.recv().await` holds the lock all along
//!
//! Chapter 11, *Common pitfalls*. Two consumer tasks share one receiver behind a
//! [`tokio::sync::Mutex`](https://docs.rs/tokio/latest/tokio/sync/struct.Mutex.html) and take six
//! 100 ms jobs from it. Written as `while let Some(job) = rx.lock().await.recv().await { .. }`, the
//! guard is a temporary of the `while let` condition, and such temporaries live until the end of
//! the loop body: each consumer holds the lock while it works, so the other waits, and the jobs run
//! one at a time. Taking the job in a statement of its own (`let next = ...;`) drops the guard at
//! the semicolon. The measurement is the same for both: the most jobs in progress at once, and the
//! elapsed time.
//!
//! ```text
//! cargo run --example tokio80
//! ```
//!
//! The times differ a little from run to run; one run printed:
//!
//! ```text
//! lock in the while let: at most 1 job at a time, 6 jobs in 610 ms
//! lock in its own statement: at most 2 jobs at a time, 6 jobs in 302 ms
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Mutex, mpsc};

/// The shared queue, and counters of the jobs in progress.
#[derive(Clone)]
struct Shared {
    rx: Arc<Mutex<mpsc::Receiver<u32>>>,
    busy: Arc<AtomicUsize>,
    most_busy: Arc<AtomicUsize>,
}

impl Shared {
    /// A queue with six jobs in it, already closed.
    fn new() -> Shared {
        let (tx, rx) = mpsc::channel(6);
        for job in 0..6 {
            tx.try_send(job).expect("room for six");
        }
        Shared {
            rx: Arc::new(Mutex::new(rx)),
            busy: Arc::default(),
            most_busy: Arc::default(),
        }
    }

    /// One 100 ms job, counted while it runs.
    async fn work(&self, _job: u32) {
        let now = self.busy.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_busy.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(100)).await;
        self.busy.fetch_sub(1, Ordering::SeqCst);
    }
}

// ANCHOR: bug
/// The pitfall: the guard from `lock()` lives through the whole loop body.
async fn consume_holding(shared: Shared) {
    while let Some(job) = shared.rx.lock().await.recv().await {
        shared.work(job).await;
    }
}
// ANCHOR_END: bug

// ANCHOR: fix
/// The fix: the guard is dropped at the end of the `let` statement, before the
/// work.
async fn consume_releasing(shared: Shared) {
    loop {
        let next = shared.rx.lock().await.recv().await;
        let Some(job) = next else { break };
        shared.work(job).await;
    }
}
// ANCHOR_END: fix

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let shared = Shared::new();
    let started = Instant::now();
    tokio::join!(
        consume_holding(shared.clone()),
        consume_holding(shared.clone())
    );
    report("lock in the while let", &shared, started);

    let shared = Shared::new();
    let started = Instant::now();
    tokio::join!(
        consume_releasing(shared.clone()),
        consume_releasing(shared.clone())
    );
    report("lock in its own statement", &shared, started);
}

fn report(version: &str, shared: &Shared, started: Instant) {
    let most = shared.most_busy.load(Ordering::SeqCst);
    let noun = if most == 1 { "job" } else { "jobs" };
    println!(
        "{version}: at most {most} {noun} at a time, 6 jobs in {} ms",
        started.elapsed().as_millis()
    );
}
// ANCHOR_END: main
