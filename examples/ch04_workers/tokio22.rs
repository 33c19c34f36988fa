//! # tokio22: a program that waits for its worker
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. `tokio7` fixed: it exited at once
//! because nobody waited for anything. Here the producer sends a known batch of three jobs, and
//! `main` waits twice: for the producer task, by awaiting its
//! [`JoinHandle`](https://docs.rs/tokio/latest/tokio/task/struct.JoinHandle.html), and then for the
//! worker thread, by joining it.
//!
//! ```text
//! cargo run --example tokio22
//! ```
//!
//! Prints, in this order, one result every 800 ms and the last line straight after the third
//! (about 2.4 s in all):
//!
//! ```text
//! Worker got result: 66347af93cba05a5a594e14076d30035a5120727eb5d1e71966abb838ad6ed91
//! Worker got result: e48b0b2e002e548e19726702926579326fc749fa8b12ef3e9d26cfb53a6fd902
//! Worker got result: 4480e5cfa8c479910cd4aaac45263c7a500e59fd03a2242fa05fe26d0333ec2e
//! the worker has finished all 3 jobs
//! ```
//!
//! Each hash is blake3 of `"Task N"`, N from 1 to 3. Two details matter. The thread's `join`
//! blocks whoever calls it, so it is not called on a runtime thread: it runs on the blocking pool
//! with `spawn_blocking` (chapter 3). And the join returns only because the worker's loop ends:
//! when the producer task finishes, its `Sender` is dropped, the channel closes, and `blocking_recv`
//! returns `None` once the queued jobs are done. `tokio23` looks at that rule closely.

use std::{thread, time::Duration};

use anyhow::Result;
use tokio::sync::mpsc;

// ANCHOR: main
/// How many jobs the producer sends.
const JOBS: usize = 3;

#[tokio::main]
async fn main() -> Result<()> {
    let (tx, rx) = mpsc::channel(32);
    let worker = worker(rx);

    let producer = tokio::spawn(async move {
        for i in 1..=JOBS {
            tx.send(format!("Task {i}")).await?;
        }
        // `tx` is dropped here, when the task ends.
        Ok::<(), anyhow::Error>(())
    });

    // First wait: every job has been handed over (or sending failed).
    producer.await??;

    // Second wait: the worker has processed every job. Joining a thread blocks
    // the caller, so the join runs on a blocking-pool thread and this task
    // awaits it.
    let done = tokio::task::spawn_blocking(move || worker.join())
        .await?
        .expect("the worker thread panicked");
    println!("the worker has finished all {done} jobs");

    Ok(())
}
// ANCHOR_END: main

// ANCHOR: worker
/// Starts the worker thread. It takes jobs until every sender is gone, then returns how many it did.
fn worker(mut rx: mpsc::Receiver<String>) -> thread::JoinHandle<usize> {
    thread::spawn(move || {
        let mut done = 0;
        while let Some(s) = rx.blocking_recv() {
            let ret = expensive_blocking_task(s);
            println!("Worker got result: {ret}");
            done += 1;
        }
        done
    })
}
// ANCHOR_END: worker

/// Stands in for any slow synchronous work: it holds its thread for 800 ms, then hashes its input.
fn expensive_blocking_task(s: String) -> String {
    thread::sleep(Duration::from_millis(800));
    blake3::hash(s.as_bytes()).to_string()
}
