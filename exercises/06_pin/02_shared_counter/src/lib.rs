//! # Make it compile: a spawned future must be `Send`
//!
//! `spawn_increment` starts a task that adds one to a shared counter, then (as a stand-in for
//! saving the new value somewhere) yields once, and returns the value *its own* increment produced.
//! As shipped it does not compile: `tokio::spawn` needs a `Send` future, and a future is `Send`
//! only if everything it holds across an `.await` is. Read the compiler's error: it names the
//! value held across the `.await` and the line of that `.await`.
//!
//! Make it compile without changing the signature (the counter stays a `std::sync::Mutex`) or
//! what the function does: each task still yields once (keep the `.await`), and each returns the
//! value right after its own increment, so that a hundred tasks return 1 to 100, each number once.
//!
//! APIs that help: a block `{ ... }` that ends a value's life early, and
//! [`MutexGuard`](https://doc.rust-lang.org/std/sync/struct.MutexGuard.html) (dropping it unlocks).
//!
//! The tests live in `tests/shared_counter.rs`. Do not edit them: make them pass by changing this
//! file. Run them with `cargo lab check shared_counter`.

use std::sync::{Arc, Mutex};

use tokio::task::JoinHandle;

/// Spawns a task that increments `counter`, yields once, and returns the value its increment
/// produced.
pub fn spawn_increment(counter: Arc<Mutex<u64>>) -> JoinHandle<u64> {
    tokio::spawn(async move {
        // TODO: this does not compile: the guard is still alive at the `.await`. Keep the lock
        //       only as long as you need it, and keep the value this task produced.
        let mut guard = counter.lock().unwrap();
        *guard += 1;
        tokio::task::yield_now().await;
        *guard
    })
}
