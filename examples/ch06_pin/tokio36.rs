//! # tokio36: a wrapper future over any future, with pin projection
//!
//! Chapter 6, *`Pin` and `Unpin`*. `Timed<F>` wraps any future `F` and reports how long it took
//! from its first poll and how often it was polled. Its `poll` receives `Pin<&mut Timed<F>>` and
//! must poll the inner `F`, which needs `Pin<&mut F>`. When `F` may be `!Unpin` (an `async`
//! block, Tokio's `Sleep`), getting that from `Pin<&mut Self>` is *pin projection*. Written by hand
//! it needs `unsafe` and a promise never to move the field; the `pin_project!` macro of
//! [`pin-project-lite`](https://docs.rs/pin-project-lite) writes that code, checked, so the
//! wrapper needs no `unsafe` and no `F: Unpin` bound. Tokio itself uses this crate for its own
//! wrappers (`Timeout`, for one: `time/timeout.rs`).
//!
//! ```text
//! cargo run --example tokio36
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! sleep(50 ms): took at least 50 ms: true, polls: 2
//! async block with 3 yields: output "done", polls: 4
//! ```

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use pin_project_lite::pin_project;

// ANCHOR: timed
pin_project! {
    /// Runs `inner` and measures it: the time from the first poll to `Ready`,
    /// and the polls.
    pub struct Timed<F> {
        // `#[pin]`: this field is structurally pinned; `project()` gives a
        // `Pin<&mut F>`.
        #[pin]
        inner: F,
        // Not pinned: `project()` gives plain `&mut` references to these.
        started: Option<Instant>,
        polls: u32,
    }
}

impl<F> Timed<F> {
    pub fn new(inner: F) -> Self {
        Timed {
            inner,
            started: None,
            polls: 0,
        }
    }
}

impl<F: Future> Future for Timed<F> {
    type Output = (F::Output, Duration, u32);

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let started = *this.started.get_or_insert_with(Instant::now);
        *this.polls += 1;
        match this.inner.poll(cx) {
            Poll::Ready(output) => {
                Poll::Ready((output, started.elapsed(), *this.polls))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
// ANCHOR_END: timed

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let wait = Duration::from_millis(50);
    // `Sleep` is `!Unpin`; `Timed` does not ask for `Unpin`, and `.await` pins
    // it.
    let ((), took, polls) = Timed::new(tokio::time::sleep(wait)).await;
    println!(
        "sleep(50 ms): took at least 50 ms: {}, polls: {polls}",
        took >= wait
    );

    let (output, _, polls) = Timed::new(async {
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
        "done"
    })
    .await;
    println!("async block with 3 yields: output {output:?}, polls: {polls}");
}
// ANCHOR_END: main
