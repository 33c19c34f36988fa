//! # `Timed`: a wrapper future over *any* future
//!
//! `timed(fut)` returns a future that runs `fut` and completes with `fut`'s output together with
//! how long it took, measured from the first poll (not from when `timed` was called: a future
//! does nothing until it is polled) to the poll that returned `Ready`. Time is read with
//! `tokio::time::Instant`, so it follows Tokio's clock, which the tests pause.
//!
//! The wrapper must work for every `F: Future`, including `!Unpin` ones such as `async` blocks and
//! Tokio's `Sleep`, so `poll`, which receives `Pin<&mut Timed<F>>`, must turn that into a
//! `Pin<&mut F>` for the inner future without requiring `F: Unpin` and without `unsafe` code:
//! that is *pin projection*, and the `pin_project!` macro of `pin-project-lite` generates it.
//!
//! APIs that help: [`pin_project!`](https://docs.rs/pin-project-lite/latest/pin_project_lite/macro.pin_project.html)
//! (`#[pin]` on a field, then `self.project()` in `poll`),
//! [`tokio::time::Instant`](https://docs.rs/tokio/latest/tokio/time/struct.Instant.html) and
//! [`Option::get_or_insert_with`](https://doc.rust-lang.org/std/option/enum.Option.html#method.get_or_insert_with).
//!
//! The tests live in `tests/timed.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check timed`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use pin_project_lite::pin_project;
use tokio::time::Instant;

pin_project! {
    /// Runs `inner`; completes with its output and the time from the first poll to `Ready`.
    #[derive(Debug)]
    pub struct Timed<F> {
        // TODO: `poll` below has to reach `inner` as a pinned `Pin<&mut F>`, and `started` as a
        //       plain `&mut`. `pin_project!` writes that for you, once it knows which fields
        //       are pinned (see its documentation).
        inner: F,
        started: Option<Instant>,
    }
}

impl<F> Timed<F> {
    /// Wraps `inner`; nothing is measured until the first poll.
    pub fn new(inner: F) -> Self {
        Timed {
            inner,
            started: None,
        }
    }
}

/// Runs `fut` and measures it; see [`Timed`].
pub fn timed<F: Future>(fut: F) -> Timed<F> {
    Timed::new(fut)
}

impl<F: Future> Future for Timed<F> {
    type Output = (F::Output, Duration);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // TODO: poll the inner future; complete with its output and the time from the first poll
        //       to `Ready`, on Tokio's clock. APIs that help: the `project` method that
        //       `pin_project!` generates, `Option::get_or_insert_with`, `tokio::time::Instant`.
        let _ = (self, cx);
        todo!()
    }
}
