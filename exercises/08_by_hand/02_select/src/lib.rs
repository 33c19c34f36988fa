//! # A fair `select` for two futures, by hand
//!
//! [`select`] polls two futures and completes with the output of whichever finishes first,
//! wrapped in [`Either`]: `Left` for the first argument, `Right` for the second. The struct and the
//! constructor are written; the `poll` method is yours. It must:
//!
//! - complete with the first child to return `Ready`, and return `Pending` only when both did;
//! - drop the loser as soon as the select completes (not later, when the `Select` is dropped);
//! - not favour one side: when both are ready at once, each should win about half the time.
//!
//! The tests live in `tests/select.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check select`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

pub use futures::future::Either;
use pin_project_lite::pin_project;

pin_project! {
    /// The future returned by [`select`]: the output of the first child to finish.
    ///
    /// Each child is `Some` while the select is running.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Select<A, B> {
        #[pin]
        a: Option<A>,
        #[pin]
        b: Option<B>,
    }
}

/// Waits for the first of `a` and `b` to finish; the other is dropped at once.
pub fn select<A: Future, B: Future>(a: A, b: B) -> Select<A, B> {
    Select {
        a: Some(a),
        b: Some(b),
    }
}

impl<A: Future, B: Future> Future for Select<A, B> {
    type Output = Either<A::Output, B::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: poll the children and complete with the first one ready, as `Either::Left` or
        //       `Either::Right`, meeting the three points at the top of this file. APIs that
        //       help: `self.project()`, `Pin::as_mut`, `as_pin_mut()` on a pinned `Option`,
        //       `Pin::set` (which drops what a field holds, in place), and
        //       `std::hash::RandomState` (`RandomState::new().hash_one(..)` gives bits nobody can
        //       predict, from std alone).
        let _ = (self, cx);
        todo!()
    }
}
