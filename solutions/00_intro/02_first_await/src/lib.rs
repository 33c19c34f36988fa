//! # Your first `.await` (solution)
//!
//! The tests live in the stub's `tests/first_await.rs`; this crate compiles the same file.

use std::time::Duration;

/// Waits for `delay` without blocking the thread, then returns `value`.
pub async fn after(delay: Duration, value: u32) -> u32 {
    // `tokio::time::sleep` registers a timer and returns `Pending`; the runtime's timer driver
    // wakes this task when the deadline passes. The thread is free in between.
    // https://docs.rs/tokio/latest/tokio/time/fn.sleep.html
    tokio::time::sleep(delay).await;
    value
}
