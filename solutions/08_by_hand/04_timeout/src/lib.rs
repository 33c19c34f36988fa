//! # `timeout`, by hand
//!
//! [`timeout`] races a future against a deadline and completes with `Ok(output)` if the future
//! finishes first, or with `Err(Elapsed)` once the deadline has passed. It is what
//! `tokio::time::timeout` does, written without it and without `select!`: a struct holding the
//! future and a [`tokio::time::Sleep`], polled one after the other.
//!
//! The future is polled first, so a future that is ready at its first poll wins even against a
//! deadline that has already passed (as with `tokio::time::timeout`). The deadline is fixed when
//! `timeout` is called. The future need not be `Unpin`: it lives inside `Timeout`, pinned with it.
//!
//! `timeout` must be called inside a Tokio runtime with the time driver enabled, because the
//! [`Sleep`] it creates registers with that driver.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::Sleep;

/// The error of a [`timeout`] whose deadline passed before its future completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "the deadline passed before the operation completed; allow more time or find out \
             why it is slow",
        )
    }
}

impl std::error::Error for Elapsed {}

pin_project! {
    /// The future returned by [`timeout`]: `future` is the work, `sleep` the deadline.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Timeout<F> {
        #[pin]
        future: F,
        #[pin]
        sleep: Sleep,
    }
}

/// Waits for `future` for at most `duration`, counted from this call.
///
/// # Panics
///
/// Outside a Tokio runtime with the time driver enabled.
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout {
        future,
        sleep: tokio::time::sleep(duration),
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        if let Poll::Ready(output) = this.future.poll(cx) {
            return Poll::Ready(Ok(output));
        }
        // Polling the `Sleep` is what registers the task's waker with the timer: without this
        // poll nothing would wake the task at the deadline.
        match this.sleep.poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed)),
            Poll::Pending => Poll::Pending,
        }
    }
}
