//! # `yield_now` by hand
//!
//! `yield_now().await` gives other tasks a turn: the first time it is polled it returns
//! `Pending`, and the second time `Ready(())`. Between the two, the executor runs whatever else is
//! waiting, then polls this task again. For that second poll to happen at all, the future must
//! make sure its task is woken before it returns `Pending`. Write the future type `YieldNow`
//! and the function that returns it.
//!
//! APIs that help: [`Context::waker`](https://doc.rust-lang.org/std/task/struct.Context.html#method.waker),
//! [`Waker::wake_by_ref`](https://doc.rust-lang.org/std/task/struct.Waker.html#method.wake_by_ref).
//!
//! The tests live in `tests/yield_now.rs`. Do not edit them: make them pass by changing this
//! file. Run them with `cargo lab check yield_now`.

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

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // TODO: on the first poll, remember that it happened, make sure the task will be polled
        //       again, and return `Pending`. On the next poll, return `Ready(())`.
        let _ = (self.yielded, cx);
        todo!()
    }
}
