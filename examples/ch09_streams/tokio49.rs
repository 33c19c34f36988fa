//! # tokio49: the `Stream` trait, and `poll_next` written by hand
//!
//! Chapter 9, *Streams and async I/O*. A
//! [`Stream`](https://docs.rs/futures/latest/futures/stream/trait.Stream.html) is the async
//! `Iterator`: its one method, `poll_next`, returns `Ready(Some(item))` for an item,
//! `Ready(None)` at the end, and `Pending` when the next item is not there yet (after arranging a
//! wake-up, like a future). `Ticks` yields a number every 100 ms, three times, then ends.
//!
//! ```text
//! cargo run --example tokio49
//! ```
//!
//! Prints exactly these lines, 100 ms apart:
//!
//! ```text
//! tick 1
//! tick 2
//! tick 3
//! the stream ended after 3 items and 7 polls
//! ```
//!
//! Seven polls: for each item, one poll that starts the wait and returns `Pending`, and one, after
//! the timer's wake-up, that returns the item; then one last poll that returns `Ready(None)`.
//! `StreamExt::next` turns "poll until an item" into a future, so the loop reads like a `for` loop
//! with `.await`. It needs the stream to be `Unpin`: `Ticks` boxes its `Sleep`, which makes it so.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::{Stream, StreamExt};
use tokio::time::Sleep;

// ANCHOR: ticks
struct Ticks {
    /// The next number to yield.
    next: u32,
    /// How many numbers to yield in all.
    last: u32,
    /// The wait for the next number; `None` between a yield and the next poll.
    sleep: Option<Pin<Box<Sleep>>>,
    polls: usize,
}

impl Stream for Ticks {
    type Item = u32;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<u32>> {
        self.polls += 1;
        if self.next > self.last {
            return Poll::Ready(None);
        }
        let sleep = self.sleep.get_or_insert_with(|| {
            Box::pin(tokio::time::sleep(Duration::from_millis(100)))
        });
        // `Pending` from the `Sleep` means the timer has the waker: return
        // `Pending` too.
        std::task::ready!(sleep.as_mut().poll(cx));
        self.sleep = None;
        self.next += 1;
        Poll::Ready(Some(self.next - 1))
    }
}
// ANCHOR_END: ticks

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut ticks = Ticks {
        next: 1,
        last: 3,
        sleep: None,
        polls: 0,
    };
    let mut count = 0;
    while let Some(n) = ticks.next().await {
        println!("tick {n}");
        count += 1;
    }
    println!(
        "the stream ended after {count} items and {} polls",
        ticks.polls
    );
}
// ANCHOR_END: main
