//! # tokio26: a shutdown that finishes what it accepted
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. `tokio8`'s endless producer, given
//! a way to stop. A shutdown signal
//! ([`tokio::signal::ctrl_c`](https://docs.rs/tokio/latest/tokio/signal/fn.ctrl_c.html), or a 1 s
//! timer so the example ends on its own) tells
//! the producer to stop accepting jobs: it waits for either a free slot, with
//! [`Sender::reserve`](https://docs.rs/tokio/latest/tokio/sync/mpsc/struct.Sender.html#method.reserve),
//! or the signal, with [`tokio::select!`](https://docs.rs/tokio/latest/tokio/macro.select.html).
//! On the signal the producer ends and drops its `Sender`, which closes the channel; the worker
//! still finishes every job already queued, and only then does its loop end and the final `join`
//! return. Nothing accepted is lost, and nothing waits forever.
//!
//! ```text
//! cargo run --example tokio26
//! ```
//!
//! Prints for about 1.8 s. Jobs take 200 ms here, and how many get accepted depends on timing;
//! one run went like this:
//!
//! ```text
//! accepted Task 1
//! ...
//! accepted Task 5
//! Worker got result for Task 1: 66347af93cba05a5a594e14076d30035a5120727eb5d1e71966abb838ad6ed91
//! accepted Task 6
//! ...
//! accepted Task 9
//! shutdown requested: accepting no more jobs
//! Worker got result for Task 5: 438263e26b1c9f28cc4b183001d36832c8dc97f4c74ad82b82b3f3ef906f25ab
//! ...
//! Worker got result for Task 9: c4621e33ec4b607737a0793cd53c3449863f2e97cfdee3b887d35c31ea5a3f3f
//! shutdown complete: 9 jobs accepted, 9 finished
//! ```
//!
//! The last line always shows two equal numbers. The lines after "shutdown requested" are the
//! jobs that were still queued: the channel holds four, so about five results (four queued plus
//! the one in progress) arrive after the request.

use std::{thread, time::Duration};

use anyhow::Result;
use tokio::sync::{mpsc, oneshot};

// ANCHOR: main
/// How many accepted jobs may wait in the queue.
const CAPACITY: usize = 4;

#[tokio::main]
async fn main() -> Result<()> {
    let (tx, rx) = mpsc::channel(CAPACITY);
    let worker = worker(rx);
    let (stop, stopped) = oneshot::channel::<()>();
    let producer = tokio::spawn(produce(tx, stopped));

    // Stands in for whatever tells a real service to stop.
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = tokio::time::sleep(Duration::from_secs(1)) => {}
    }
    // If the producer has already ended, nobody is listening, and that is fine.
    let _ = stop.send(());

    let accepted = producer.await?;
    // The producer has returned, so its `Sender` is gone and the channel is
    // closed; the worker drains what is queued and then stops. Joining blocks,
    // so it runs on the blocking pool.
    let finished = tokio::task::spawn_blocking(move || worker.join())
        .await?
        .expect("the worker thread panicked");
    println!(
        "shutdown complete: {accepted} jobs accepted, {finished} finished"
    );
    Ok(())
}

/// Sends numbered jobs until told to stop, and returns how many were accepted
/// into the queue.
async fn produce(
    tx: mpsc::Sender<String>,
    mut stop: oneshot::Receiver<()>,
) -> usize {
    let mut accepted = 0;
    loop {
        // `reserve` waits for a free slot without handing over a job yet. If
        // the stop signal wins the race, the `reserve` future is dropped and no
        // job is lost half-sent; with `send(job)` in its place, the job inside
        // the dropped future would be lost.
        let permit = tokio::select! {
            biased;
            _ = &mut stop => {
                // Printed here, by the producer itself, so that no "accepted"
                // line can follow it.
                println!("shutdown requested: accepting no more jobs");
                break;
            }
            permit = tx.reserve() => match permit {
                Ok(permit) => permit,
                // The worker has gone: nothing more can be accepted.
                Err(_) => break,
            },
        };
        accepted += 1;
        permit.send(format!("Task {accepted}"));
        println!("accepted Task {accepted}");
    }
    accepted
}
// ANCHOR_END: main

// ANCHOR: worker
/// Starts the worker thread. It takes jobs until the channel is closed *and* empty, and returns how
/// many it finished.
fn worker(mut rx: mpsc::Receiver<String>) -> thread::JoinHandle<usize> {
    thread::spawn(move || {
        let mut finished = 0;
        while let Some(s) = rx.blocking_recv() {
            let ret = expensive_blocking_task(&s);
            println!("Worker got result for {s}: {ret}");
            finished += 1;
        }
        finished
    })
}
// ANCHOR_END: worker

/// Stands in for slow synchronous work, shorter than in the other examples so the run stays short.
fn expensive_blocking_task(s: &str) -> String {
    thread::sleep(Duration::from_millis(200));
    blake3::hash(s.as_bytes()).to_string()
}
