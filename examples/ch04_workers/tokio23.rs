//! # tokio23: the `join()` that returns, because every sender is dropped
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. `tokio8` fixed. Its `join` waited
//! forever because the worker's loop ends only when the channel closes, and a
//! [`tokio::sync::mpsc`](https://docs.rs/tokio/latest/tokio/sync/mpsc/index.html) channel closes
//! only when *every* [`Sender`](https://docs.rs/tokio/latest/tokio/sync/mpsc/struct.Sender.html)
//! is gone, clones included. Here two producer tasks each get a clone, send two jobs and end,
//! dropping their clone. `main` drops the original itself; without that one line the join below
//! would wait forever, exactly like `tokio8`.
//!
//! ```text
//! cargo run --example tokio23
//! ```
//!
//! Prints four results, one every 800 ms (four jobs on one worker), and then a last line, about
//! 3.2 s after the start:
//!
//! ```text
//! Worker got result for Task 1: 66347af93cba05a5a594e14076d30035a5120727eb5d1e71966abb838ad6ed91
//! Worker got result for Task 3: 4480e5cfa8c479910cd4aaac45263c7a500e59fd03a2242fa05fe26d0333ec2e
//! Worker got result for Task 2: e48b0b2e002e548e19726702926579326fc749fa8b12ef3e9d26cfb53a6fd902
//! Worker got result for Task 4: d132f14a7cb8de7b2c780fed2b4a5c4dc913cf7413b9345c334b54f44f3d31cf
//! the channel closed: the worker did 4 jobs
//! ```
//!
//! The two producers run at the same time on the runtime's worker threads, so the order of the
//! four results can differ from run to run; Task 1 always comes before Task 2 and Task 3 before
//! Task 4, because each producer sends its own jobs in order. The `join` is also made in the right
//! place: `main` here is a plain function on a plain thread, not a runtime thread, so blocking it
//! does not stop any task.

use std::{thread, time::Duration};

use tokio::runtime::Runtime;
use tokio::sync::mpsc;

// ANCHOR: main
fn main() {
    let (tx, rx) = mpsc::channel(32);
    let worker = worker(rx);

    // A multi_thread runtime runs spawned tasks on its own worker threads,
    // whatever `main` does.
    let rt = Runtime::new().expect("failed to build the runtime");
    for first in [1, 3] {
        let tx = tx.clone();
        rt.spawn(async move {
            for i in first..first + 2 {
                tx.send(format!("Task {i}"))
                    .await
                    .expect("the worker stopped early");
            }
            // This producer's clone of the sender is dropped here.
        });
    }

    // The original sender: the channel stays open as long as it lives, even
    // once both producers are done. Dropping it leaves only the producers'
    // clones.
    drop(tx);

    let done = worker.join().expect("the worker thread panicked");
    println!("the channel closed: the worker did {done} jobs");
}
// ANCHOR_END: main

/// Starts the worker thread. It takes jobs until every sender is gone, then returns how many it did.
fn worker(mut rx: mpsc::Receiver<String>) -> thread::JoinHandle<usize> {
    thread::spawn(move || {
        let mut done = 0;
        // `blocking_recv` returns `None` only once the channel is closed *and* empty, so the jobs
        // already queued are still processed after the last sender is gone.
        while let Some(s) = rx.blocking_recv() {
            let ret = expensive_blocking_task(&s);
            println!("Worker got result for {s}: {ret}");
            done += 1;
        }
        done
    })
}

/// Stands in for any slow synchronous work: it holds its thread for 800 ms, then hashes its input.
fn expensive_blocking_task(s: &str) -> String {
    thread::sleep(Duration::from_millis(800));
    blake3::hash(s.as_bytes()).to_string()
}
