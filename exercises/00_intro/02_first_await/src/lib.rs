//! # Your first `.await`
//!
//! An `async fn` returns a future; `.await` runs another future to completion without holding
//! the thread, so the runtime can run other work while this one waits.
//!
//! As shipped, `after` awaits [`std::future::pending`], a future that never completes and never
//! arranges to be woken. The tests' in-test time-out (from `testkit`) therefore fires, and
//! `cargo lab check` explains it: the verdict you will meet again whenever a future stays `Pending`.
//!
//! The tests live in `tests/first_await.rs`. Do not edit them.

use std::time::Duration;

/// Waits for `delay` without blocking the thread, then returns `value`.
pub async fn after(delay: Duration, value: u32) -> u32 {
    // TODO: replace the two lines below with a wait of `delay` that leaves the runtime's thread
    // free, using Tokio's timer (https://docs.rs/tokio/latest/tokio/time/fn.sleep.html). A
    // `std::thread::sleep` would hold the thread, and a test notices.
    let _ = delay;
    std::future::pending::<()>().await;
    value
}
