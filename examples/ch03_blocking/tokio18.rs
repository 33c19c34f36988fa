//! # tokio18: move blocking work to the blocking pool
//!
//! Chapter 3, *The blocking-task pitfall*. `tokio6` fixed for work that really is blocking. The
//! function `expensive_blocking_task` is unchanged: it still holds whatever thread runs it for
//! 800 ms. What changes is *which* thread. Task 2 hands the call to
//! [`tokio::task::spawn_blocking`](https://docs.rs/tokio/latest/tokio/task/fn.spawn_blocking.html),
//! which runs the closure on a thread of the runtime's blocking pool and gives back a `JoinHandle`
//! to await. The runtime thread stays free, so task 1 finishes as soon as its file read is done.
//!
//! ```text
//! cargo run --example tokio18
//! ```
//!
//! Usually prints, in this order:
//!
//! ```text
//! Future 1 executed on thread
//! Future 2 executed on thread
//! Content length: <the size of examples/Cargo.toml in bytes>
//! Result: 13502a29bf9ed92c70e938e1398d835d414a4f89812bb147bf76c22bd7b78b7e
//! ```
//!
//! (On a rare run the file read is already done when task 1 first checks on it, and
//! `Content length` comes before `Future 2`. Either way, that line no longer waits for the
//! result.)
//!
//! In `tokio6` the `Content length` line came last; here it no longer waits for the hash. Even a
//! current_thread runtime has a blocking pool: `spawn_blocking` does not need a second worker.

use std::thread;
use std::time::Duration;

use tokio::{fs, runtime::Builder, task};

// ANCHOR: main
/// The manifest of this examples crate, found from the source tree so the
/// example reads the same file whatever directory `cargo run` was started from.
const MANIFEST: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");

fn main() {
    let handle = thread::spawn(|| {
        let rt = Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("failed to build the runtime");

        let reader = rt.spawn(async {
            println!("Future 1 executed on thread");
            let content = fs::read_to_string(MANIFEST)
                .await
                .expect("cannot read Cargo.toml");
            println!("Content length: {}", content.len());
        });

        let hasher = rt.spawn(async {
            println!("Future 2 executed on thread");
            // The closure runs on a blocking-pool thread; this task just awaits
            // its result and, while it waits, the runtime thread is free for
            // task 1.
            let ret = task::spawn_blocking(|| {
                expensive_blocking_task("Future 2".to_string())
            })
            .await
            .expect("the blocking task panicked");
            println!("Result: {ret}");
        });

        rt.block_on(async {
            reader.await.expect("task 1 panicked");
            hasher.await.expect("task 2 panicked");
        });
    });

    handle.join().expect("the runtime thread panicked");
}
// ANCHOR_END: main

/// Stands in for any slow synchronous work: it holds its thread for 800 ms, then hashes its input.
fn expensive_blocking_task(s: String) -> String {
    thread::sleep(Duration::from_millis(800));
    blake3::hash(s.as_bytes()).to_string()
}
