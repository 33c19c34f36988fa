//! # A fair `select` for two futures, by hand
//!
//! [`select`] polls two futures and completes with the output of whichever finishes first,
//! wrapped in [`Either`]: `Left` for the first argument, `Right` for the second. The other one, the
//! loser, is dropped as soon as the select completes, which cancels it.
//!
//! When both are ready in the same poll, one of them has to be polled first, and the first one
//! polled wins. Always starting with the left one would starve the right one whenever the left is
//! always ready (a busy channel, say). So every poll flips a coin to pick the side it starts from,
//! as `tokio::select!` does without `biased;`.
//!
//! The children need not be `Unpin`: they live inside `Select`, pinned with it.

use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::pin::Pin;
use std::task::{Context, Poll};

pub use futures::future::Either;
use pin_project_lite::pin_project;

pin_project! {
    /// The future returned by [`select`]: the output of the first child to finish.
    ///
    /// Each child is `Some` while the select is running; both are set to `None` (dropped) when it
    /// completes.
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

/// A fair coin. `RandomState::new` gives new random keys on every call (std seeds them once per
/// thread and then steps them), so hashing the same value with them gives an unpredictable bit,
/// without a random-number crate.
fn left_first() -> bool {
    RandomState::new().hash_one(()) & 1 == 0
}

impl<A: Future, B: Future> Future for Select<A, B> {
    type Output = Either<A::Output, B::Output>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        let (Some(a), Some(b)) = (this.a.as_mut().as_pin_mut(), this.b.as_mut().as_pin_mut())
        else {
            panic!("Select polled after it returned Ready");
        };
        let winner = if left_first() {
            match a.poll(cx) {
                Poll::Ready(out) => Some(Either::Left(out)),
                Poll::Pending => match b.poll(cx) {
                    Poll::Ready(out) => Some(Either::Right(out)),
                    Poll::Pending => None,
                },
            }
        } else {
            match b.poll(cx) {
                Poll::Ready(out) => Some(Either::Right(out)),
                Poll::Pending => match a.poll(cx) {
                    Poll::Ready(out) => Some(Either::Left(out)),
                    Poll::Pending => None,
                },
            }
        };
        match winner {
            Some(out) => {
                // Drop both now, not when the `Select` itself is dropped: the loser may hold a
                // lock, a connection or a timer that should be released the moment it has lost.
                this.a.set(None);
                this.b.set(None);
                Poll::Ready(out)
            }
            // Both returned `Pending`, so both will wake the task when they can make progress.
            None => Poll::Pending,
        }
    }
}
