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
        // TODO: mark the field that must stay pinned with `#[pin]`, so that `self.project()`
        //       gives you a `Pin<&mut F>` for it (and plain `&mut` for the others).
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
        // TODO: project (`self.project()`), note the start time on the first poll, poll the inner
        //       future, and on `Ready(output)` return `Ready((output, time since the start))`.
        let _ = (self, cx);
        todo!()
    }
}
