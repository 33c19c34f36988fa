//! # tokio79: `Notify::notify_waiters` misses a task that was not waiting yet
//!
//! Chapter 11, *Common pitfalls*. A task is spawned to wait for a "ready" signal, and the signal is
//! sent right after with
//! [`notify_waiters`](https://docs.rs/tokio/latest/tokio/sync/struct.Notify.html#method.notify_waiters).
//! On this current_thread runtime the spawned task has not run yet, so it has not called
//! `notified()`; `notify_waiters` wakes only the waiters that exist when it is called and stores
//! nothing for later (`sync/notify.rs`), so the task then waits for a signal that already came: a
//! lost wake-up. A 200 ms deadline on the waiter turns the hang into a report.
//!
//! The fix creates the
//! [`Notified`](https://docs.rs/tokio/latest/tokio/sync/futures/struct.Notified.html) future
//! before anything can send the signal, and hands it to the task. A `Notified` counts as a waiter
//! from the moment it is created, even before it is first polled: `notified()` records how many
//! `notify_waiters` calls have happened, and a later call makes it complete (`sync/notify.rs`,
//! `notify_waiters_calls`). When the waiter cannot be created in advance, pair the signal with a
//! flag the waiter checks after creating its `Notified`, or use a
//! [`watch`](https://docs.rs/tokio/latest/tokio/sync/watch/index.html) channel, which keeps its
//! value.
//!
//! ```text
//! cargo run --example tokio79
//! ```
//!
//! Prints after about 200 ms:
//!
//! ```text
//! notified() inside the task: still waiting after 200 ms, the signal was lost
//! notified_owned() before the signal: woke up
//! ```

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

// ANCHOR: bug
/// The pitfall: the task becomes a waiter only when it first runs, after the
/// signal.
async fn wait_made_in_task() -> bool {
    let ready = Arc::new(Notify::new());
    let waiter = tokio::spawn({
        let ready = ready.clone();
        async move { ready.notified().await }
    });
    ready.notify_waiters();
    tokio::time::timeout(Duration::from_millis(200), waiter)
        .await
        .is_ok()
}
// ANCHOR_END: bug

// ANCHOR: fix
/// The fix: the `Notified` exists before the signal is sent, so the signal
/// counts for it.
async fn wait_made_before_signal() -> bool {
    let ready = Arc::new(Notify::new());
    let notified = ready.clone().notified_owned();
    let waiter = tokio::spawn(notified);
    ready.notify_waiters();
    tokio::time::timeout(Duration::from_millis(200), waiter)
        .await
        .is_ok()
}
// ANCHOR_END: fix

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    match wait_made_in_task().await {
        true => println!("notified() inside the task: woke up"),
        false => {
            println!(
                "notified() inside the task: still waiting after 200 ms, the signal was lost"
            )
        }
    }
    match wait_made_before_signal().await {
        true => println!("notified_owned() before the signal: woke up"),
        false => println!(
            "notified_owned() before the signal: still waiting after 200 ms, the signal was lost"
        ),
    }
}
// ANCHOR_END: main
