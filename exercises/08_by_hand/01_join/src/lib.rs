//! # `join` for two futures, by hand
//!
//! [`join`] runs two futures at the same time inside one task and completes with both outputs,
//! like `futures::join!` or `tokio::join!` with two branches. The struct and the constructor are
//! written; the `poll` method is yours.
//!
//! The children need not be `Unpin` (the tests join `async` blocks, which are not): they live
//! inside `Join`, pinned with it, and the `pin_project!` macro gives you a `Pin<&mut _>` to each
//! field marked `#[pin]` without `unsafe`.
//!
//! The tests live in `tests/join.rs`. Do not edit them: make them pass by changing this file. Run
//! them with `cargo lab check join`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

pin_project! {
    /// The future returned by [`join`]: completes with both outputs once both children have.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Join<A: Future, B: Future> {
        // The first child while it still runs; `None` once it has returned `Ready`.
        #[pin]
        a: Option<A>,
        // The second child while it still runs; `None` once it has returned `Ready`.
        #[pin]
        b: Option<B>,
        // The first child's output, kept until the second one is done too.
        a_out: Option<A::Output>,
        // The second child's output, kept until the first one is done too.
        b_out: Option<B::Output>,
    }
}

/// Runs `a` and `b` concurrently and completes with `(a's output, b's output)`.
pub fn join<A: Future, B: Future>(a: A, b: B) -> Join<A, B> {
    Join {
        a: Some(a),
        b: Some(b),
        a_out: None,
        b_out: None,
    }
}

impl<A: Future, B: Future> Future for Join<A, B> {
    type Output = (A::Output, B::Output);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: Poll the children and complete once both are done.
        //       - `self.project()` gives a struct of the same fields, the `#[pin]` ones as
        //         `Pin<&mut Option<_>>`. `Pin::as_mut`, then `as_pin_mut()`, turns one into an
        //         `Option<Pin<&mut _>>` you can poll; `Pin::set` replaces what it holds.
        //       - Both children share this task's one waker: a wake-up does not say which of them
        //         is ready. Think about which children each call must poll.
        //       - A child that has returned `Ready` must never be polled again.
        //       - Return `Pending` only when some child did: that child will wake the task.
        let _ = (self, cx);
        todo!()
    }
}
