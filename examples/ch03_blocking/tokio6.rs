//! # tokio6: one blocking call freezes the whole runtime
//!
//! Chapter 3, *The blocking-task pitfall*. The same two tasks as `tokio5`, but now `block_on` waits
//! 900 ms on a Tokio timer, so the runtime gets to run them. Task 1 starts a file read with
//! `tokio::fs`, which is not asynchronous I/O: it runs a blocking `std::fs` call on Tokio's blocking
//! pool through `spawn_blocking` (`asyncify` in tokio `src/fs/mod.rs`), and the task yields until
//! that call is done. Task 2 calls `std::thread::sleep` for 800 ms, which does not yield: the runtime's
//! only thread is stuck inside that call, so nothing else on the runtime can run until it returns.
//!
//! ```text
//! cargo run --example tokio6
//! ```
//!
//! Usually prints, in this order:
//!
//! ```text
//! Future 1 executed on thread
//! Future 2 executed on thread
//! Result: 13502a29bf9ed92c70e938e1398d835d414a4f89812bb147bf76c22bd7b78b7e
//! Content length: <the size of examples/Cargo.toml in bytes>
//! ```
//!
//! The hash is blake3 of `"Future 2"`. The file read finished long before task 2 woke up (it runs
//! on Tokio's blocking pool, not on the runtime thread), yet its line comes last: task 1 could not be
//! polled again until task 2 gave the thread back.
//!
//! On a rare run the pool thread has already finished the read when task 1 first checks on it;
//! task 1 then goes straight on and prints `Content length` right after its first line, before
//! task 2 starts. What never happens is a line between `Future 2` and `Result`: while task 2
//! sleeps, nothing else on this runtime runs.

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

        rt.spawn(async {
            println!("Future 1 executed on thread");
            // `tokio::fs` hands the read to the blocking pool and yields until
            // it is done.
            let content = fs::read_to_string(MANIFEST)
                .await
                .expect("cannot read Cargo.toml");
            println!("Content length: {}", content.len());
        });

        rt.spawn(async {
            println!("Future 2 executed on thread");
            // No `.await` here: the runtime thread is held for the whole 800
            // ms.
            let ret = expensive_blocking_task("Future 2".to_string());
            println!("Result: {ret}");
        });

        // Waiting on a Tokio timer yields to the scheduler, which runs the two
        // tasks meanwhile.
        rt.block_on(async {
            sleep(Duration::from_millis(900)).await;
        });
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
