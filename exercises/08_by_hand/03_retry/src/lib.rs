//! # A future that retries an operation
//!
//! [`RetryFuture`] runs an operation that may fail, `Fut: Future<Output = Result<T, E>>`, made
//! fresh for each attempt by a factory closure, until one attempt succeeds or `max_attempts` have
//! failed. It completes with the first `Ok`, or with the last attempt's `Err`.
//!
//! A future cannot be restarted once it has finished, which is why it takes a factory and not a
//! future. The factory must be called exactly once per attempt, and not before the first poll:
//! futures are lazy.
//!
//! The tests live in `tests/retry.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check retry`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

pin_project! {
    /// Retries the future made by `factory` until it returns `Ok` or `max_attempts` attempts have
    /// failed.
    ///
    /// `factory` makes one attempt per call; `current` is the attempt in flight (`None` between
    /// attempts); `attempts_left` counts the attempts not started yet.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct RetryFuture<F, Fut> {
        factory: F,
        #[pin]
        current: Option<Fut>,
        attempts_left: usize,
    }
}

impl<F, Fut, T, E> RetryFuture<F, Fut>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    /// A future that makes up to `max_attempts` attempts, each one a fresh future from
    /// `factory`. Nothing runs until it is polled.
    ///
    /// # Panics
    ///
    /// If `max_attempts` is 0: with no attempt there would be neither an `Ok` nor an `Err` to
    /// return.
    pub fn new(max_attempts: usize, factory: F) -> Self {
        // TODO: Build the struct. Reject a `max_attempts` of 0 with a panic whose message names
        //       `max_attempts`.
        let _ = (max_attempts, factory);
        todo!()
    }
}

impl<F, Fut, T, E> Future for RetryFuture<F, Fut>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: Drive the attempts.
        //       - `self.project()` gives the fields; `current` comes as `Pin<&mut Option<Fut>>`:
        //         `Pin::set(Some(..))` stores a new attempt, `as_mut().as_pin_mut()` lets you poll
        //         it, `Pin::set(None)` drops it.
        //       - An attempt that returns `Pending` has arranged a wake-up. An attempt that
        //         returns `Err` has not: if another attempt is allowed, what wakes the task to
        //         start it?
        //       - Count attempts, not polls: one factory call per attempt.
        let _ = (self, cx);
        todo!()
    }
}
