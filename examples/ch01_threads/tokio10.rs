//! # tokio10: `move` closures and a counter shared with `Arc<Mutex<_>>`
//!
//! Chapter 1, *Threads and the runtime*. A thread may outlive the function that started it, so
//! [`std::thread::spawn`](https://doc.rust-lang.org/std/thread/fn.spawn.html) only accepts a
//! closure that owns everything it uses: a `move` closure. To let several threads update one value,
//! each gets its own owning handle to it, an [`Arc`](https://doc.rust-lang.org/std/sync/struct.Arc.html)
//! (a reference count that is safe to change from many threads), and the value sits inside a
//! [`Mutex`](https://doc.rust-lang.org/std/sync/struct.Mutex.html) so only one thread at a time
//! can change it.
//!
//! ```text
//! cargo run --example tokio10
//! ```
//!
//! Prints exactly these lines, in this order:
//!
//! ```text
//! thread 0 owns its label: "worker 0"
//! 8 threads added 1000 each: counter = 8000
//! handles to the counter left after the joins: 1
//! ```
//!
//! The first line comes from a thread that was given a `String` it now owns; `main` can no longer
//! use it. The count is exact on every run: each `+= 1` happens while that thread holds the lock,
//! so no increment is lost. After every thread has been joined, their clones of the `Arc` have
//! been dropped and `main` holds the only handle left.

use std::sync::{Arc, Mutex};
use std::thread;

// ANCHOR: main
/// How many threads share the counter.
const THREADS: usize = 8;
/// How many times each thread adds one.
const ADDS_PER_THREAD: u64 = 1000;

fn main() {
    // `move` hands the `String` to the new thread. Without `move` the closure
    // would borrow `label`, and `spawn` refuses borrows because the thread
    // could still run after `main`'s locals are gone.
    let label = String::from("worker 0");
    let owner =
        thread::spawn(move || println!("thread 0 owns its label: {label:?}"));
    owner.join().expect("the labelled thread panicked");

    let counter = Arc::new(Mutex::new(0_u64));
    let mut handles = Vec::with_capacity(THREADS);
    for _ in 0..THREADS {
        // Each thread moves in its own clone of the `Arc`: one more owner of
        // the same counter, not a copy of the number.
        let counter = Arc::clone(&counter);
        handles.push(thread::spawn(move || {
            for _ in 0..ADDS_PER_THREAD {
                // The guard returned by `lock` unlocks when it is dropped at
                // the end of this statement, so each thread holds the lock only
                // for one addition.
                *counter.lock().expect(
                    "another thread panicked while holding the lock",
                ) += 1;
            }
        }));
    }
    for handle in handles {
        handle.join().expect("a counting thread panicked");
    }

    let total = *counter
        .lock()
        .expect("a counting thread panicked while holding the lock");
    println!(
        "{THREADS} threads added {ADDS_PER_THREAD} each: counter = {total}"
    );
    println!(
        "handles to the counter left after the joins: {}",
        Arc::strong_count(&counter)
    );
}
// ANCHOR_END: main
