//! # `CountdownFuture`: a future written by hand
//!
//! `CountdownFuture::new(n)` counts down from `n` to 0, one step per poll, and completes with
//! `"Liftoff!"` on its `n + 1`-th poll. It wakes itself every time it returns `Pending`, because
//! nothing else will.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A future that is `Pending` `n` times, waking itself each time, then `Ready("Liftoff!")`.
#[derive(Debug)]
pub struct CountdownFuture {
    /// How many more times `poll` returns `Pending`.
    count: u32,
}

impl CountdownFuture {
    /// A countdown from `n`: it completes on its `n + 1`-th poll.
    pub fn new(n: u32) -> Self {
        CountdownFuture { count: n }
    }
}

impl Future for CountdownFuture {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        if self.count == 0 {
            return Poll::Ready("Liftoff!");
        }
        self.count -= 1;
        // Nothing else will wake this future: ask to be polled again right away.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
