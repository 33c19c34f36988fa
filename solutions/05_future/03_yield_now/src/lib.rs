//! # `yield_now` by hand
//!
//! `yield_now().await` returns `Pending` once, after waking its own task, so the executor runs the
//! other ready tasks before it polls this one again; the second poll returns `Ready(())`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// The future returned by [`yield_now`]: `Pending` once, then `Ready(())`.
#[derive(Debug, Default)]
pub struct YieldNow {
    /// Whether the first poll has happened.
    yielded: bool,
}

/// Gives other tasks on the same executor a turn before this one goes on.
pub fn yield_now() -> YieldNow {
    YieldNow::default()
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        // The wake puts the task at the back of the run queue: it is polled again after the
        // tasks that were already waiting.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
