//! # `Timed`: a wrapper future over *any* future
//!
//! `timed(fut)` runs `fut` and completes with its output and the time from the first poll to
//! `Ready`, read from Tokio's clock. The inner future is reached through pin projection
//! (`pin_project!`), so `F` need not be `Unpin` and no `unsafe` code is needed.

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
        // Structurally pinned: `project()` gives `Pin<&mut F>`.
        #[pin]
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
        let this = self.project();
        let started = *this.started.get_or_insert_with(Instant::now);
        match this.inner.poll(cx) {
            Poll::Ready(output) => Poll::Ready((output, started.elapsed())),
            Poll::Pending => Poll::Pending,
        }
    }
}
