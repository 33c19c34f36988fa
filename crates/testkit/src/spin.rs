//! A guard against busy polling, for tests that run a hand-written future on a paused clock.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The future returned by [`spin_guard`].
#[derive(Debug)]
pub struct SpinGuard<F> {
    /// The future under test.
    inner: Pin<Box<F>>,
    /// Polls so far.
    polls: usize,
    /// More polls than this fail the test.
    max_polls: usize,
}

/// Wraps `fut` and fails the test, with a message that names busy polling, when it is polled more
/// than `max_polls` times. On a paused clock a future that keeps waking itself stops time from
/// advancing (Tokio advances a paused clock only when nothing is ready to run), so without this
/// guard it would show up only as a time-out. Pick `max_polls` far above what a correct version
/// needs and far below what a self-waking loop makes in a second.
pub fn spin_guard<F: Future>(fut: F, max_polls: usize) -> SpinGuard<F> {
    SpinGuard {
        inner: Box::pin(fut),
        polls: 0,
        max_polls,
    }
}

impl<F: Future> Future for SpinGuard<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls += 1;
        let max = self.max_polls;
        assert!(
            self.polls <= max,
            "the future under test was polled more than {max} times: it keeps waking itself \
             instead of waiting to be woken. That is busy polling; return Pending without calling \
             wake, and let the future that is waiting wake the task"
        );
        self.inner.as_mut().poll(cx)
    }
}
