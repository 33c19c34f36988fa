//! # tokio44: `select` by hand, and why it must not always start on the same side
//!
//! Chapter 8, *Futures by hand*. A `Select` future returns the output of whichever of two children
//! is ready first. When both are ready in the same poll, the one polled first wins. This example
//! runs 10,000 selects of two futures that are always ready, with four ways of choosing the side
//! to start on, and counts the winners.
//!
//! ```text
//! cargo run --example tokio44
//! ```
//!
//! Prints four lines. The first three are the same on every run; the counts on the last one change
//! from run to run (here, one run), and stay close to half each:
//!
//! ```text
//! left first, always: left 10000, right 0
//! a flag in each Select, flipped on every poll: left 10000, right 0
//! alternating across selects on this thread: left 5000, right 5000
//! random side on every poll: left 5021, right 4979
//! ```
//!
//! Starting on the left every time starves the right side completely. A flag stored in the
//! `Select` does not help: each select is polled only once, so each starts from the flag's initial
//! value. Alternating with a counter shared by every select of the thread evens the counts out, but
//! a loop that runs two selects per round would always give each of them the same side. A random
//! side on every poll, what `tokio::select!` does without `biased;`, has no pattern to fall into.

use std::cell::Cell;
use std::future::{Future, Ready, ready};
use std::hash::{BuildHasher, RandomState};
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

// ANCHOR: select
/// Which output won.
enum Either<L, R> {
    Left(L),
    Right(R),
}

/// How a `Select` picks the side it polls first.
#[derive(Clone, Copy)]
enum Start {
    AlwaysLeft,
    FlagInSelect,
    AlternateOnThread,
    Random,
}

struct Select<A, B> {
    a: A,
    b: B,
    start: Start,
    /// Used by `Start::FlagInSelect` only: starts `true`, flipped on every
    /// poll.
    left_next: bool,
}

thread_local! {
    /// Used by `Start::AlternateOnThread`: one flag for every select on the
    /// thread.
    static LEFT_NEXT: Cell<bool> = const { Cell::new(true) };
}

impl<A: Future + Unpin, B: Future + Unpin> Future for Select<A, B> {
    type Output = Either<A::Output, B::Output>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Self::Output> {
        let this = &mut *self;
        let left_first = match this.start {
            Start::AlwaysLeft => true,
            Start::FlagInSelect => {
                this.left_next = !this.left_next;
                !this.left_next
            }
            Start::AlternateOnThread => {
                LEFT_NEXT.with(|flag| flag.replace(!flag.get()))
            }
            // `RandomState::new()` gets new keys on every call (std draws
            // random keys once per thread and then steps them), so the hash of
            // `()` is an unpredictable number: a coin flip without a
            // random-number crate.
            Start::Random => RandomState::new().hash_one(()) & 1 == 0,
        };
        let (a, b) = (Pin::new(&mut this.a), Pin::new(&mut this.b));
        if left_first {
            if let Poll::Ready(out) = a.poll(cx) {
                return Poll::Ready(Either::Left(out));
            }
            b.poll(cx).map(Either::Right)
        } else {
            if let Poll::Ready(out) = b.poll(cx) {
                return Poll::Ready(Either::Right(out));
            }
            a.poll(cx).map(Either::Left)
        }
    }
}
// ANCHOR_END: select

// ANCHOR: main
/// How many selects each strategy runs.
const ROUNDS: usize = 10_000;

/// Runs `ROUNDS` selects of two always-ready futures and counts the winners.
fn race(start: Start) -> (usize, usize) {
    let (mut left, mut right) = (0, 0);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..ROUNDS {
        let mut select: Select<Ready<()>, Ready<()>> = Select {
            a: ready(()),
            b: ready(()),
            start,
            left_next: true,
        };
        // Both children are ready, so one poll always completes the select.
        match Pin::new(&mut select).poll(&mut cx) {
            Poll::Ready(Either::Left(())) => left += 1,
            Poll::Ready(Either::Right(())) => right += 1,
            Poll::Pending => unreachable!("both children are always ready"),
        }
    }
    (left, right)
}

fn main() {
    for (name, start) in [
        ("left first, always", Start::AlwaysLeft),
        (
            "a flag in each Select, flipped on every poll",
            Start::FlagInSelect,
        ),
        (
            "alternating across selects on this thread",
            Start::AlternateOnThread,
        ),
        ("random side on every poll", Start::Random),
    ] {
        let (left, right) = race(start);
        println!("{name}: left {left}, right {right}");
    }
}
// ANCHOR_END: main
