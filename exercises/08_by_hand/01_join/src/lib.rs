//! # `join` for two futures, by hand
//!
//! [`join`] runs two futures at the same time inside one task and completes with both outputs. It
//! is what `futures::join!` and `tokio::join!` do for two branches, written as a plain `Future`
//! with a `poll` method.
//!
//! Three rules make it correct:
//!
//! - **Poll every unfinished child on every poll.** The task has one waker, shared by both
//!   children, so a wake-up does not say which child is ready. Polling only one of them could leave
//!   the other's readiness unnoticed: a lost wake-up.
//! - **Never poll a child again after it returned `Ready`.** A finished future may panic (every
//!   `async` block does) or misbehave when polled again. Its output is kept instead, and the child
//!   itself is dropped at once.
//! - **Return `Pending` only when a child did.** A child that returned `Pending` has arranged to
//!   wake the task, so `Join` has nothing more to arrange: no busy polling.
//!
//! The children need not be `Unpin`: they live inside `Join`, pinned with it, and
//! [`pin_project_lite`](https://docs.rs/pin-project-lite) hands out a `Pin<&mut A>` to each
//! without `unsafe` (chapter 6).

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
        let mut this = self.project();
        if this.a.is_none() && this.b.is_none() {
            return Poll::Ready((this.a_out.take().unwrap(), this.b_out.take().unwrap()));
        }
        // `as_pin_mut` turns `Pin<&mut Option<A>>` into `Option<Pin<&mut A>>`: the child is polled
        // in place, pinned, and only while it is still there.
        if let Some(a) = this.a.as_mut().as_pin_mut()
            && let Poll::Ready(out) = a.poll(cx)
        {
            *this.a_out = Some(out);
            // Dropping the finished child means it can never be polled again.
            this.a.set(None);
        }
        if let Some(b) = this.b.as_mut().as_pin_mut()
            && let Poll::Ready(out) = b.poll(cx)
        {
            *this.b_out = Some(out);
            this.b.set(None);
        }
        if false {
            let a = this
                .a_out
                .take()
                .expect("Join polled after it returned Ready");
            let b = this
                .b_out
                .take()
                .expect("Join polled after it returned Ready");
            Poll::Ready((a, b))
        } else {
            // At least one child returned `Pending` in this poll and will wake the task.
            Poll::Pending
        }
    }
}
