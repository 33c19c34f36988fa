//! # tokio5: spawned tasks that never run
//!
//! Chapter 3, *The blocking-task pitfall*. Two tasks are handed to a current_thread runtime with
//! [`Runtime::spawn`](https://docs.rs/tokio/latest/tokio/runtime/struct.Runtime.html#method.spawn),
//! then `block_on` runs a future that finishes on its first poll.
//!
//! ```text
//! cargo run --example tokio5
//! ```
//!
//! Prints exactly one line, and neither task's output:
//!
//! ```text
//! Hello, world!
//! ```
//!
//! Why: a current_thread runtime only makes progress while a thread is inside `block_on`. Spawning
//! queues the tasks; it does not run them. `block_on` polls its own future first, that future is
//! ready at once, `block_on` returns, and dropping the runtime at the end of the closure drops the
//! two queued tasks without ever polling them. (On a multi_thread runtime the worker threads would
//! have started them straight away.)

use std::thread;
use std::time::Duration;

use tokio::fs;
use tokio::runtime::Builder;

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

        rt.spawn(async {
            println!("Future 1 executed on thread");
            let content = fs::read_to_string(MANIFEST)
                .await
                .expect("cannot read Cargo.toml");
            println!("Content length: {}", content.len());
        });

        rt.spawn(async {
            println!("Future 2 executed on thread");
            let ret = expensive_blocking_task("Future 2".to_string());
            println!("Result: {ret}");
        });

        rt.block_on(async {
            println!("Hello, world!");
        });
        // `rt` is dropped here, and the two tasks with it, before either was
        // polled.
    });

    handle.join().expect("the runtime thread panicked");
}
// ANCHOR_END: main

// ANCHOR: task
/// Stands in for any slow synchronous work: it holds its thread for 800 ms, then hashes its input.
fn expensive_blocking_task(s: String) -> String {
    thread::sleep(Duration::from_millis(800));
    blake3::hash(s.as_bytes()).to_string()
}
// ANCHOR_END: task
