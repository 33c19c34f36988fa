//! # `CountdownFuture`: a future written by hand
//!
//! `CountdownFuture::new(n)` counts down from `n` to 0, one step per poll. While the count is above
//! zero, `poll` takes one off and returns `Poll::Pending`; when it reaches zero, `poll` returns
//! `Poll::Ready("Liftoff!")`. So the future is polled exactly `n + 1` times.
//!
//! Returning `Pending` is a promise to arrange a wake-up: nothing else will ever wake this future,
//! so it must wake itself, through the waker in the `Context`, every time it returns `Pending`.
//! Without that, an executor never polls it again and the test times out.
//!
//! APIs that help: [`Context::waker`](https://doc.rust-lang.org/std/task/struct.Context.html#method.waker)
//! and [`Waker::wake_by_ref`](https://doc.rust-lang.org/std/task/struct.Waker.html#method.wake_by_ref).
//!
//! The tests live in `tests/countdown.rs`. Do not edit them: make them pass by changing this
//! file. Run them with `cargo lab check countdown`.

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

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        // TODO: if the count is zero, return `Poll::Ready("Liftoff!")`. Otherwise take one off
        //       the count (`CountdownFuture` is `Unpin`, so `self.count` can be changed through
        //       the `Pin`), make sure this future will be polled again (the `Context` holds the
        //       waker of whoever polls it), and return `Poll::Pending`.
        let _ = (self.count, cx);
        todo!()
    }
}
