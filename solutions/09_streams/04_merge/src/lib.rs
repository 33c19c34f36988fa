//! # A hand-written `Stream`: merge two streams
//!
//! [`merge`] makes one stream out of two: it yields each item of either as soon as it is ready,
//! and ends when both have ended. It is a `Stream`, so its method is `poll_next`, which returns
//! `Poll::Ready(Some(item))` for an item, `Poll::Ready(None)` at the end and `Poll::Pending` when
//! neither side has an item yet.
//!
//! The rules are those of chapter 8's combinators, for streams:
//!
//! - **Poll both sides** (those that have not ended) before returning `Pending`: the task's one
//!   waker does not say which side woke it.
//! - **Never poll a side again after it returned `Ready(None)`.** A stream that has ended may
//!   panic or start over if it is polled again; the ended side is dropped.
//! - **Alternate the side polled first**, so that a side that always has an item cannot starve
//!   the other. Unlike a `select`, a stream is polled over and over, so a flag flipped on every
//!   item is enough.
//! - **Keep returning `Ready(None)`** once both sides have ended.

use std::pin::Pin;
use std::task::{Context, Poll};

use futures::Stream;
use pin_project_lite::pin_project;

pin_project! {
    /// The stream returned by [`merge`].
    ///
    /// Each side is `Some` until it has ended; `left_first` says which side the next poll
    /// starts with.
    #[must_use = "streams do nothing unless polled"]
    pub struct Merge<A, B> {
        #[pin]
        a: Option<A>,
        #[pin]
        b: Option<B>,
        left_first: bool,
    }
}

/// Yields the items of `a` and `b` as they come, and ends when both have ended.
pub fn merge<A, B>(a: A, b: B) -> Merge<A, B>
where
    A: Stream,
    B: Stream<Item = A::Item>,
{
    Merge {
        a: Some(a),
        b: Some(b),
        left_first: true,
    }
}

/// Polls one side, if it has not ended: `Some(item)` if it had one; on its end, drops it.
fn poll_side<S: Stream>(mut side: Pin<&mut Option<S>>, cx: &mut Context<'_>) -> Option<S::Item> {
    let stream = side.as_mut().as_pin_mut()?;
    match stream.poll_next(cx) {
        Poll::Ready(Some(item)) => Some(item),
        Poll::Ready(None) => {
            side.set(None);
            None
        }
        Poll::Pending => None,
    }
}

impl<A, B> Stream for Merge<A, B>
where
    A: Stream,
    B: Stream<Item = A::Item>,
{
    type Item = A::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<A::Item>> {
        let mut this = self.project();
        let left_first = *this.left_first;
        *this.left_first = !left_first;
        let item = if left_first {
            poll_side(this.a.as_mut(), cx).or_else(|| poll_side(this.b.as_mut(), cx))
        } else {
            poll_side(this.b.as_mut(), cx).or_else(|| poll_side(this.a.as_mut(), cx))
        };
        match item {
            Some(item) => Poll::Ready(Some(item)),
            None if this.a.is_none() && this.b.is_none() => Poll::Ready(None),
            // Every side still open returned `Pending`, and each will wake the task.
            None => Poll::Pending,
        }
    }
}
