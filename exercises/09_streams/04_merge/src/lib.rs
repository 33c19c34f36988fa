//! # A hand-written `Stream`: merge two streams
//!
//! [`merge`] makes one stream out of two: it yields each item of either as soon as it is ready,
//! and ends when both have ended. A `Stream`'s method is `poll_next`: it returns
//! `Poll::Ready(Some(item))` for an item, `Poll::Ready(None)` at the end, and `Poll::Pending`
//! when there is no item yet. The struct and the constructor are written; `poll_next` is yours.
//!
//! Chapter 8's rules hold here too: poll every side that could have an item before returning
//! `Pending`; never poll a side again after it has ended; never wake the task yourself. And a
//! side that always has an item must not starve the other.
//!
//! The tests live in `tests/merge.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check merge`.

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

impl<A, B> Stream for Merge<A, B>
where
    A: Stream,
    B: Stream<Item = A::Item>,
{
    type Item = A::Item;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<A::Item>> {
        // TODO: Return the next item of either side, `None` once both have ended, or `Pending`.
        //       - `self.project()`, then `as_mut().as_pin_mut()` on a side, gives a
        //         `Pin<&mut A>` to call `poll_next` on; `Pin::set(None)` drops a side that ended.
        //       - Which side do you poll first, and does it change from one item to the next?
        //       - When may you return `Pending`, and who will wake the task then?
        let _ = (self, cx);
        todo!()
    }
}
