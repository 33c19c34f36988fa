//! # tokio2: two threads, one terminal
//!
//! Chapter 1, *Threads and the runtime*. [`std::thread::spawn`](https://doc.rust-lang.org/std/thread/fn.spawn.html)
//! starts an operating-system thread that runs at the same time as `main`. Each thread prints its own
//! lines in its own order, but the operating system decides how the two streams interleave.
//!
//! ```text
//! cargo run --example tokio2
//! ```
//!
//! Prints thirteen lines: `hi number 1..=4 from the main thread` in that order, and
//! `hi number 1..=9 from the first thread` in that order. How the two runs mix differs from run
//! to run and from machine to machine; often the main thread finishes first because it is already
//! running while the new thread is still being created. Run it a few times and compare.
//!
//! The final `join` makes `main` wait for the spawned thread. Without it, returning from `main`
//! would end the process and cut the spawned thread off part-way.

// ANCHOR: main
use std::thread;

fn main() {
    let handle = thread::spawn(|| {
        for i in 1..10 {
            println!("hi number {i} from the first thread");
        }
    });

    for i in 1..5 {
        println!("hi number {i} from the main thread");
    }

    // Wait for the spawned thread; `join` returns `Err` only if that thread
    // panicked.
    handle.join().expect("the spawned thread panicked");
}
// ANCHOR_END: main
