//! # tokio17: wait with a Tokio timer, not with the thread
//!
//! Chapter 3, *The blocking-task pitfall*. `tokio6` with its first fix. Task 2 stood for "wait a
//! while, then produce a result", but it waited with `std::thread::sleep`, which holds the runtime's
//! only thread. Here it waits with
//! [`tokio::time::sleep`](https://docs.rs/tokio/latest/tokio/time/fn.sleep.html) instead: the
//! future registers a timer and returns `Pending`, so the thread is free to run task 1 meanwhile.
//! `block_on` now waits for the two tasks themselves rather than for a fixed 900 ms.
//!
//! ```text
//! cargo run --example tokio17
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
//! Compare with `tokio6`: the same four lines, but `Content length` no longer waits behind the
//! 800 ms pause. The file read finishes within a few milliseconds and task 1 is polled again at
//! once, while task 2's timer is still running. This fix only works when the slow part really is
//! waiting; for slow *work*, such as the hash itself taking 800 ms, see `tokio18`.

use std::thread;
use std::time::Duration;

use tokio::{fs, runtime::Builder, time::sleep};

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
            let ret = expensive_task("Future 2".to_string()).await;
            println!("Result: {ret}");
        });

        // Awaiting the two `JoinHandle`s keeps `block_on` (and so the runtime)
        // going until both tasks are done, however long they take, instead of
        // guessing a duration.
        rt.block_on(async {
            reader.await.expect("task 1 panicked");
            hasher.await.expect("task 2 panicked");
        });
    });

    handle.join().expect("the runtime thread panicked");
}
// ANCHOR_END: main

// ANCHOR: task
/// The same 800 ms pause as `tokio6`, spent as an asynchronous wait: while the
/// timer runs, this task is parked and the runtime thread serves the other
/// tasks.
async fn expensive_task(s: String) -> String {
    sleep(Duration::from_millis(800)).await;
    blake3::hash(s.as_bytes()).to_string()
}
// ANCHOR_END: task
