//! # tokio27: every poll and every wake, logged
//!
//! Chapter 5, *the `Future` trait, `poll` and wakers*. `Logged` wraps a future and prints a line
//! each time the executor calls its `poll`, and each time anybody calls the waker it was given.
//! It runs three futures on a current_thread runtime: one that is ready at once, Tokio's
//! `sleep`, and Tokio's `yield_now`. Read the lines in order: a future is polled once at the
//! start, then only after a wake. Nothing polls it "to see if it is done yet".
//!
//! ```text
//! cargo run --example tokio27
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! ready: poll 1 -> Ready
//! sleep: poll 1 -> Pending
//! sleep: wake 1
//! sleep: poll 2 -> Ready
//! yield_now: poll 1 -> Pending
//! yield_now: wake 1
//! yield_now: poll 2 -> Ready
//! ```
//!
//! `sleep` is woken by the runtime's timer once 50 ms have passed; `yield_now` hands its waker to
//! the scheduler, which wakes it after the task has returned `Pending`, the next time the scheduler
//! polls its drivers.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

// ANCHOR: logged
/// Wraps a future; prints each poll of it and each wake of the waker it is
/// handed.
struct Logged<F> {
    name: &'static str,
    inner: Pin<Box<F>>,
    polls: usize,
    wakes: Arc<LogWakes>,
}

/// The waker `Logged` hands to the inner future: prints, then passes the wake
/// on to the waker the executor gave `Logged`.
struct LogWakes {
    name: &'static str,
    count: AtomicUsize,
    executor_waker: std::sync::Mutex<Option<Waker>>,
}

impl Wake for LogWakes {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let n = self.count.fetch_add(1, Ordering::SeqCst) + 1;
        println!("{}: wake {n}", self.name);
        if let Some(waker) = self.executor_waker.lock().unwrap().as_ref() {
            waker.wake_by_ref();
        }
    }
}

impl<F: Future> Future for Logged<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls += 1;
        // Keep the executor's latest waker, so that our wake reaches the right
        // task.
        *self.wakes.executor_waker.lock().unwrap() = Some(cx.waker().clone());
        let waker = Waker::from(Arc::clone(&self.wakes));
        let result = self.inner.as_mut().poll(&mut Context::from_waker(&waker));
        let shown = if result.is_ready() {
            "Ready"
        } else {
            "Pending"
        };
        println!("{}: poll {} -> {shown}", self.name, self.polls);
        result
    }
}
// ANCHOR_END: logged

fn logged<F: Future>(name: &'static str, inner: F) -> Logged<F> {
    Logged {
        name,
        inner: Box::pin(inner),
        polls: 0,
        wakes: Arc::new(LogWakes {
            name,
            count: AtomicUsize::new(0),
            executor_waker: std::sync::Mutex::new(None),
        }),
    }
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    logged("ready", async { 42 }).await;
    logged("sleep", tokio::time::sleep(Duration::from_millis(50))).await;
    logged("yield_now", tokio::task::yield_now()).await;
}
// ANCHOR_END: main
