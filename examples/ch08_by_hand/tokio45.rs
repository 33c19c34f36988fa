//! # tokio45: `timeout` by hand, and what happens to the work that was too slow
//!
//! Chapter 8, *Futures by hand*. A `Timeout` future holds the work and a
//! [`Sleep`](https://docs.rs/tokio/latest/tokio/time/struct.Sleep.html) and polls them in that
//! order: the work first, so work that is done is never thrown away; then the `Sleep`, whose poll
//! hands the task's waker to Tokio's timer so that the task is woken at the deadline.
//!
//! ```text
//! cargo run --example tokio45
//! ```
//!
//! Prints exactly these lines, the last about 300 ms after the start:
//!
//! ```text
//! quick job: Ok("done in 50 ms")
//! slow job: dropped before it finished
//! slow job: Err(Elapsed)
//! ```
//!
//! The slow job would take 10 s. At the 300 ms deadline `Timeout` returns `Err(Elapsed)`, and
//! the `.await` that owned it drops it, and the slow job with it: in async Rust, cancelling a
//! future means dropping it. The job's guard prints on drop, which is why "dropped" comes first.
//! The program ends after about 300 ms, not 10 s.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::Sleep;

// ANCHOR: timeout
/// The error of a timeout whose deadline passed first.
#[derive(Debug)]
struct Elapsed;

struct Timeout<F> {
    future: F,
    /// Boxed because a `Sleep` is not `Unpin`; the box makes `Timeout` `Unpin`
    /// when `F` is.
    sleep: Pin<Box<Sleep>>,
}

fn timeout<F: Future + Unpin>(limit: Duration, future: F) -> Timeout<F> {
    // The deadline is fixed here, when `timeout` is called, not at the first
    // poll.
    Timeout {
        future,
        sleep: Box::pin(tokio::time::sleep(limit)),
    }
}

impl<F: Future + Unpin> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Self::Output> {
        if let Poll::Ready(out) = Pin::new(&mut self.future).poll(cx) {
            return Poll::Ready(Ok(out));
        }
        // Polling the `Sleep` registers the waker with the timer; checking the
        // clock instead would leave nobody to wake the task at the deadline.
        self.sleep.as_mut().poll(cx).map(|()| Err(Elapsed))
    }
}
// ANCHOR_END: timeout

// ANCHOR: main
/// Prints a line when dropped: shows when a job is cancelled.
struct Guard(&'static str);

impl Drop for Guard {
    fn drop(&mut self) {
        println!("{}: dropped before it finished", self.0);
    }
}

async fn job(name: &'static str, ms: u64) -> String {
    let guard = Guard(name);
    tokio::time::sleep(Duration::from_millis(ms)).await;
    std::mem::forget(guard); // Finished: no "dropped" line.
    format!("done in {ms} ms")
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let limit = Duration::from_millis(300);
    let quick = timeout(limit, Box::pin(job("quick job", 50))).await;
    println!("quick job: {quick:?}");
    let slow = timeout(limit, Box::pin(job("slow job", 10_000))).await;
    println!("slow job: {slow:?}");
}
// ANCHOR_END: main
