//! # tokio43: `join` for two futures, by hand
//!
//! Chapter 8, *Futures by hand*. A `Join` future written out: one `poll` method that polls both
//! children, keeps the output of the one that finished, and completes when both have. Every poll
//! is logged, so you can see who polls whom and when.
//!
//! ```text
//! cargo run --example tokio43
//! ```
//!
//! Prints exactly these lines (the left child sleeps 400 ms, the right one 100 ms):
//!
//! ```text
//! poll 1: left Pending, right Pending
//! poll 2: left Pending, right Ready
//! poll 3: left Ready
//! joined: ("left after 400 ms", "right after 100 ms")
//! ```
//!
//! Poll 1 polls both children, so both timers start at once and the whole takes 400 ms, not 500.
//! After that `Join` is polled only when a child's timer wakes the task: twice. Poll 2 cannot tell
//! which child woke it, so it polls both; poll 3 polls only the left one, because the right one has
//! already returned `Ready` and must not be polled again. The children here are boxed, which makes
//! them `Unpin` and lets `poll` use `Pin::new`; the exercise `join` does without the boxes.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

// ANCHOR: join
/// Two children and, for each, its output once it has one.
struct Join<A: Future, B: Future> {
    a: A,
    b: B,
    a_out: Option<A::Output>,
    b_out: Option<B::Output>,
    /// How many times `Join` has been polled, for the log.
    polls: usize,
}

impl<A, B> Future for Join<A, B>
where
    A: Future + Unpin,
    B: Future + Unpin,
    A::Output: Unpin,
    B::Output: Unpin,
{
    type Output = (A::Output, B::Output);

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Self::Output> {
        // Every field is `Unpin`, so `Join` is too and can be used as a plain
        // `&mut`.
        let this = &mut *self;
        this.polls += 1;
        let mut log = format!("poll {}:", this.polls);
        // A child is polled only while it has no output: never again after
        // `Ready`.
        if this.a_out.is_none() {
            let state = Pin::new(&mut this.a).poll(cx);
            log += if state.is_ready() {
                " left Ready"
            } else {
                " left Pending"
            };
            if let Poll::Ready(out) = state {
                this.a_out = Some(out);
            }
        }
        if this.b_out.is_none() {
            let state = Pin::new(&mut this.b).poll(cx);
            log += if state.is_ready() {
                ", right Ready"
            } else {
                ", right Pending"
            };
            if let Poll::Ready(out) = state {
                this.b_out = Some(out);
            }
        }
        println!("{log}");
        if this.a_out.is_some() && this.b_out.is_some() {
            Poll::Ready((
                this.a_out.take().unwrap(),
                this.b_out.take().unwrap(),
            ))
        } else {
            // A child returned `Pending`, so it has arranged to wake the task:
            // nothing to do here.
            Poll::Pending
        }
    }
}

fn join<A: Future + Unpin, B: Future + Unpin>(a: A, b: B) -> Join<A, B> {
    Join {
        a,
        b,
        a_out: None,
        b_out: None,
        polls: 0,
    }
}
// ANCHOR_END: join

// ANCHOR: main
async fn after(ms: u64, name: &str) -> String {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    format!("{name} after {ms} ms")
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // `Box::pin` makes each `async fn` future `Unpin`, which this simple `Join`
    // asks for.
    let joined =
        join(Box::pin(after(400, "left")), Box::pin(after(100, "right"))).await;
    println!("joined: {joined:?}");
}
// ANCHOR_END: main
