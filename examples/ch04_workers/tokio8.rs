//! # tokio8: the `join()` that never returns
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. `tokio7` plus one line: `main` now
//! joins the worker thread so the program waits for it.
//!
//! ```text
//! cargo run --example tokio8
//! ```
//!
//! **This one never ends: stop it with Ctrl-C.** Every 800 ms it prints the same line, the blake3
//! hash of `"Future 1"`:
//!
//! ```text
//! Worker got result: 4a3d72dbb01bfdec032bb3fc7ca8d9e7d1c7583fce147a0cfe1b92d3199bb57f
//! ```
//!
//! Why it hangs: the worker's `while let Some(..) = rx.blocking_recv()` loop ends only when the
//! channel is closed, and the channel closes only when every `Sender` has been dropped. The one
//! sender lives inside a task that loops forever, so it is never dropped; `join` waits for a loop
//! that cannot end. Worse, `join` is a blocking call made inside the runtime's `block_on`, on
//! `main`'s own thread. Here that thread only polls `main`'s body, and the multi_thread runtime's
//! worker threads keep the producer going; on a current_thread runtime the thread inside
//! `block_on` is the one that runs every task, so this `join` would also starve the producer.
//! `tokio23` shows the fix: let the senders go, then join.

// ANCHOR: main
use std::{thread, time::Duration};

use anyhow::Result;
use tokio::sync::mpsc;

#[tokio::main]
async fn main() -> Result<()> {
    let (tx, rx) = mpsc::channel(32);
    let handle = worker(rx);

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

    // Waits for the worker, whose loop waits for the channel to close, which
    // waits for the producer above to drop `tx`, which it never does.
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
