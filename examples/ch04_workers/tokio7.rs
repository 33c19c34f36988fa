//! # tokio7: hand blocking work to a worker thread (and exit too soon)
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. The standard way to keep slow
//! synchronous work off the runtime: a dedicated OS thread owns the receiving end of a
//! [`tokio::sync::mpsc`](https://docs.rs/tokio/latest/tokio/sync/mpsc/index.html) channel and
//! waits on it with
//! [`blocking_recv`](https://docs.rs/tokio/latest/tokio/sync/mpsc/struct.Receiver.html#method.blocking_recv),
//! while async tasks send it jobs with `send(..).await`.
//!
//! ```text
//! cargo run --example tokio7
//! ```
//!
//! Prints nothing and exits at once. `main` spawns the producer task and returns straight away.
//! Returning from a `#[tokio::main]` function shuts the runtime down, which drops the producer task,
//! and then the process exits, taking the worker thread with it long before its first 800 ms job
//! could finish. Nobody waited for anything. `tokio8` adds the wait, and finds a new problem.

// ANCHOR: main
use std::{thread, time::Duration};

use anyhow::Result;
use tokio::sync::mpsc;

#[tokio::main]
async fn main() -> Result<()> {
    let (tx, rx) = mpsc::channel(32);
    worker(rx);

    tokio::spawn(async move {
        loop {
            tx.send("Future 1".to_string()).await?;
        }
        #[allow(
            unreachable_code,
            reason = "the annotation gives the async block its error type"
        )]
        Ok::<(), anyhow::Error>(())
    });

    Ok(())
}
// ANCHOR_END: main

// ANCHOR: worker
/// Starts the worker thread. It takes jobs until every sender is gone, then its
/// loop ends.
fn worker(mut rx: mpsc::Receiver<String>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        // `blocking_recv` parks this OS thread until a message arrives. It may
        // only be called outside async code: inside a runtime it panics rather
        // than freeze a runtime thread.
        while let Some(s) = rx.blocking_recv() {
            let ret = expensive_blocking_task(s);
            println!("Worker got result: {ret}");
        }
    })
}
// ANCHOR_END: worker

/// Stands in for any slow synchronous work: it holds its thread for 800 ms, then hashes its input.
fn expensive_blocking_task(s: String) -> String {
    thread::sleep(Duration::from_millis(800));
    blake3::hash(s.as_bytes()).to_string()
}
