//! # `timeout`, by hand
//!
//! [`timeout`] races a future against a deadline and completes with `Ok(output)` if the future
//! finishes first, or with `Err(Elapsed)` once the deadline has passed, like
//! `tokio::time::timeout`, but written without it and without `select!`. The error type, the
//! struct and the constructor are written; the `poll` method is yours.
//!
//! A future that is ready at its first poll must win, even against a deadline that has already
//! passed (that is what `tokio::time::timeout` does). `timeout` must be called inside a Tokio
//! runtime with the time driver enabled, because the [`Sleep`] it creates registers with it.
//!
//! The tests live in `tests/timeout.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check timeout`.

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
        // TODO: Complete with `Ok(output)` when the future is ready, with `Err(Elapsed)` when the
        //       deadline has passed, and `Pending` otherwise.
        //       - `self.project()` gives `Pin<&mut F>` and `Pin<&mut Sleep>`; both are futures.
        //       - Which of the two do you poll first? Read this file's header again.
        //       - Returning `Pending` is only correct if something will wake the task: who tells
        //         the task that the deadline has come?
        let _ = (self, cx);
        todo!()
    }
}
