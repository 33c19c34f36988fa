//! # Make it compile: a spawned future must be `Send`
//!
//! `spawn_increment` starts a task that adds one to a shared counter, yields once, and returns the
//! value its own increment produced. The `std::sync::MutexGuard` (which is `!Send`) ends before
//! the `.await`, so the future holds only a `u64` there and is `Send`.

use std::sync::{Arc, Mutex};

use tokio::task::JoinHandle;

/// Spawns a task that increments `counter`, yields once, and returns the value its increment
/// produced.
pub fn spawn_increment(counter: Arc<Mutex<u64>>) -> JoinHandle<u64> {
    tokio::spawn(async move {
        let mine = {
            let mut guard = counter.lock().unwrap();
            *guard += 1;
            *guard
        }; // unlocked here, before the `.await`
        tokio::task::yield_now().await;
        mine
    })
}
