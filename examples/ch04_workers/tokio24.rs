//! # tokio24: getting the result back over a `oneshot`
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. In `tokio7`..`tokio9` the worker
//! printed its results and nobody else ever saw them. Here each job carries a
//! [`oneshot::Sender`](https://docs.rs/tokio/latest/tokio/sync/oneshot/index.html), a channel for
//! exactly one value: the worker sends the result back through it, and the task that asked awaits
//! the matching `Receiver`. The request/response pair becomes one `async fn`, `hash_on_worker`,
//! which any task can call and which never blocks the runtime thread.
//!
//! ```text
//! cargo run --example tokio24
//! ```
//!
//! Prints, after about 2.4 s (three jobs of 800 ms on one worker), in this order:
//!
//! ```text
//! Task 1 -> 66347af93cba05a5a594e14076d30035a5120727eb5d1e71966abb838ad6ed91
//! Task 2 -> e48b0b2e002e548e19726702926579326fc749fa8b12ef3e9d26cfb53a6fd902
//! Task 3 -> 4480e5cfa8c479910cd4aaac45263c7a500e59fd03a2242fa05fe26d0333ec2e
//! the worker stopped after 3 jobs
//! ```
//!
//! The three requests are made at the same time with
//! [`tokio::join!`](https://docs.rs/tokio/latest/tokio/macro.join.html), and each caller receives the
//! answer to its own question: the reply channel travels with the job, so nothing needs matching
//! up afterwards.

use std::{thread, time::Duration};

use anyhow::{Context, Result};
use tokio::sync::{mpsc, oneshot};

// ANCHOR: main
/// One request for the worker: the input, and where to send the answer.
struct Job {
    input: String,
    reply: oneshot::Sender<String>,
}

#[tokio::main]
async fn main() -> Result<()> {
    let (tx, rx) = mpsc::channel(32);
    let worker = worker(rx);

    let (a, b, c) = tokio::join!(
        hash_on_worker(&tx, "Task 1"),
        hash_on_worker(&tx, "Task 2"),
        hash_on_worker(&tx, "Task 3"),
    );
    for (name, hash) in [("Task 1", a?), ("Task 2", b?), ("Task 3", c?)] {
        println!("{name} -> {hash}");
    }

    // Dropping the only sender closes the channel, so the worker's loop ends
    // and the join returns.
    drop(tx);
    let done = tokio::task::spawn_blocking(move || worker.join())
        .await?
        .expect("the worker thread panicked");
    println!("the worker stopped after {done} jobs");
    Ok(())
}

/// Asks the worker to hash `input` and waits, without blocking, for its answer.
async fn hash_on_worker(tx: &mpsc::Sender<Job>, input: &str) -> Result<String> {
    let (reply, answer) = oneshot::channel();
    let job = Job {
        input: input.to_string(),
        reply,
    };
    tx.send(job).await.context("the worker has stopped")?;
    // The `Receiver` is a future. It fails only if the worker dropped the
    // `Sender` without replying, for example because the job panicked.
    answer
        .await
        .context("the worker dropped the job without answering")
}
// ANCHOR_END: main

// ANCHOR: worker
/// Starts the worker thread: it answers each job through the job's own reply
/// channel.
fn worker(mut rx: mpsc::Receiver<Job>) -> thread::JoinHandle<usize> {
    thread::spawn(move || {
        let mut done = 0;
        while let Some(job) = rx.blocking_recv() {
            let hash = expensive_blocking_task(&job.input);
            // `send` on a oneshot is not async: it never waits. It fails only
            // if the asker has given up (dropped its `Receiver`), and then
            // there is nobody left to tell.
            let _ = job.reply.send(hash);
            done += 1;
        }
        done
    })
}
// ANCHOR_END: worker

/// Stands in for any slow synchronous work: it holds its thread for 800 ms, then hashes its input.
fn expensive_blocking_task(s: &str) -> String {
    thread::sleep(Duration::from_millis(800));
    blake3::hash(s.as_bytes()).to_string()
}
