//! # tokio9: a bounded channel paces an endless producer
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. `tokio8` with numbered jobs and a
//! line printed before each send, so the channel's back-pressure becomes visible.
//!
//! ```text
//! cargo run --example tokio9
//! ```
//!
//! **This one never ends: stop it with Ctrl-C** (the producer loops forever and `main` joins a
//! worker whose channel never closes, as in `tokio8`). It prints:
//!
//! ```text
//! Send task 1!
//! ...
//! Send task 34!
//! Worker got result: 66347af93cba05a5a594e14076d30035a5120727eb5d1e71966abb838ad6ed91
//! Send task 35!
//! Worker got result: e48b0b2e002e548e19726702926579326fc749fa8b12ef3e9d26cfb53a6fd902
//! Send task 36!
//! ...
//! ```
//!
//! Each hash is blake3 of `"Task N"`, N counting from 1. Why 34 sends before the first result:
//! the channel holds 32 messages; the worker has already taken task 1 out of it and is busy with it
//! for 800 ms, so tasks 2 to 33 fill the 32 slots; then "Send task 34!" is printed and that `send`
//! waits for a free slot. (A worker slow to wake changes nothing: then tasks 1 to 32 fill the
//! channel, task 33's send waits until the worker takes task 1, and "Send task 34!" follows.)
//! After that the rhythm is one for one: each finished job lets the worker take the next message,
//! which frees one slot, which lets exactly one more send through.

use std::{thread, time::Duration};

use anyhow::Result;
use tokio::sync::mpsc;

// ANCHOR: main
/// How many messages the channel buffers before `send` has to wait.
const CAPACITY: usize = 32;

#[tokio::main]
async fn main() -> Result<()> {
    let (tx, rx) = mpsc::channel(CAPACITY);
    let handle = worker(rx);

    tokio::spawn(async move {
        let mut i = 0;
        loop {
            i += 1;
            println!("Send task {i}!");
            // A bounded channel's `send` waits while the buffer is full: this
            // is what holds the endless loop back to the worker's pace instead
            // of filling memory.
            tx.send(format!("Task {i}")).await?;
        }
        #[allow(
            unreachable_code,
            reason = "the annotation gives the async block its error type"
        )]
        Ok::<(), anyhow::Error>(())
    });

    handle.join().expect("the worker thread panicked");

    Ok(())
}
// ANCHOR_END: main

/// Starts the worker thread. It takes jobs until every sender is gone, then its loop ends.
fn worker(mut rx: mpsc::Receiver<String>) -> thread::JoinHandle<()> {
    thread::spawn(move || {
        while let Some(s) = rx.blocking_recv() {
            let ret = expensive_blocking_task(s);
            println!("Worker got result: {ret}");
        }
    })
}

/// Stands in for any slow synchronous work: it holds its thread for 800 ms, then hashes its input.
fn expensive_blocking_task(s: String) -> String {
    thread::sleep(Duration::from_millis(800));
    blake3::hash(s.as_bytes()).to_string()
}
