//! # tokio20: `block_in_place`, and where it is not allowed
//!
//! Chapter 3, *The blocking-task pitfall*.
//! [`tokio::task::block_in_place`](https://docs.rs/tokio/latest/tokio/task/fn.block_in_place.html)
//! runs blocking code right where it is, in the current task, but first hands the worker's other
//! work to another thread (taken from the blocking pool) so it keeps running. A ticker task counts
//! every 100 ms while another task blocks for 800 ms, three times:
//!
//! 1. a multi_thread runtime with a single worker, blocking with a plain call;
//! 2. the same runtime, blocking inside `block_in_place`;
//! 3. a current_thread runtime, where `block_in_place` panics; the panic is caught and shown.
//!
//! ```text
//! cargo run --example tokio20
//! ```
//!
//! Prints three lines (the middle count depends on the machine; about 7 is typical):
//!
//! ```text
//! multi_thread, 1 worker, plain call: 0 ticks while it blocked
//! multi_thread, 1 worker, block_in_place: 7 ticks while it blocked
//! current_thread, block_in_place: panicked with "can call blocking only when running on the multi-threaded runtime"
//! ```
//!
//! Plain call: the only worker thread is stuck, so the ticker cannot run at all, and neither can
//! the timer, which on a multi_thread runtime is driven by the worker threads. `block_in_place`:
//! the worker's scheduler core moves to another thread, which keeps polling the ticker while this
//! thread blocks. current_thread: the thread inside `block_on` is the runtime, and there is no
//! worker core to hand over, so Tokio refuses with a panic. (The example silences Rust's panic
//! hook for that attempt, so the message appears once, on stdout, instead of also as a panic
//! report on stderr.) Note that `block_in_place` still suspends everything else *in the same
//! task*, such as the other branches of a `join!`: only other tasks move.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;
use std::time::Duration;

use tokio::runtime::{Builder, Runtime};
use tokio::task;

// ANCHOR: main
fn main() {
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("failed to build the runtime");
    let ticks = rt.block_on(ticks_while_blocking(false));
    println!(
        "multi_thread, 1 worker, plain call: {ticks} ticks while it blocked"
    );
    let ticks = rt.block_on(ticks_while_blocking(true));
    println!(
        "multi_thread, 1 worker, block_in_place: {ticks} ticks while it blocked"
    );

    let rt = Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build the runtime");
    println!("current_thread, block_in_place: {}", try_on(&rt));
}

/// Starts a ticker, blocks for 800 ms inside a spawned task, and returns how
/// many ticks happened during the block.
async fn ticks_while_blocking(in_place: bool) -> u64 {
    let count = Arc::new(AtomicU64::new(0));
    let ticker = tokio::spawn(tick(Arc::clone(&count)));

    let blocker = tokio::spawn(async move {
        // Let the ticker get going first, so a count of 0 means "stalled", not
        // "not started".
        tokio::time::sleep(Duration::from_millis(150)).await;
        let before = count.load(Ordering::SeqCst);
        if in_place {
            task::block_in_place(expensive_blocking_task);
        } else {
            expensive_blocking_task();
        }
        count.load(Ordering::SeqCst) - before
    });

    let ticks = blocker.await.expect("the blocking task panicked");
    ticker.abort();
    ticks
}
// ANCHOR_END: main

/// Counts up every 100 ms, forever (until aborted). An
/// [`interval`](https://docs.rs/tokio/latest/tokio/time/fn.interval.html) is a
/// Tokio timer, so on a multi_thread runtime only a worker thread can make it
/// fire.
async fn tick(count: Arc<AtomicU64>) {
    let mut interval = tokio::time::interval(Duration::from_millis(100));
    loop {
        interval.tick().await;
        count.fetch_add(1, Ordering::SeqCst);
    }
}

/// Calls `block_in_place` from a task on `rt` and describes how that went.
fn try_on(rt: &Runtime) -> String {
    // The panic is expected and reported below, so the default hook's report is
    // switched off for the attempt and put back afterwards.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = rt.block_on(async {
        tokio::spawn(async { task::block_in_place(|| 42) }).await
    });
    std::panic::set_hook(default_hook);
    match result {
        Ok(n) => format!("returned {n}"),
        // A panic inside a spawned task does not take the program down: it
        // comes back from the task's `JoinHandle` as an error that carries the
        // panic's payload.
        Err(err) if err.is_panic() => {
            let payload = err.into_panic();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("<a panic without a message>");
            format!("panicked with {message:?}")
        }
        Err(err) => format!("failed: {err}"),
    }
}

/// Stands in for any slow synchronous work: it holds its thread for 800 ms.
fn expensive_blocking_task() {
    thread::sleep(Duration::from_millis(800));
}
