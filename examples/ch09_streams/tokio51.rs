//! # tokio51: `StreamExt` combinators: `map`, `filter`, `then`, `take`, `chunks`, `fold`
//!
//! Chapter 9, *Streams and async I/O*. The adapters of
//! [`futures::StreamExt`](https://docs.rs/futures/latest/futures/stream/trait.StreamExt.html)
//! mirror `Iterator`'s, with one difference: where a step may wait, it takes a future. `filter`'s
//! closure returns a future of `bool` (`std::future::ready(..)` when nothing waits), and `then` is
//! the `map` whose closure is async. Like iterators, streams are lazy: nothing runs until the
//! consumer at the end (`fold`, `collect`, a `next()` loop) polls.
//!
//! ```text
//! cargo run --example tokio51
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! chunk: [1, 9, 25]
//! chunk: [49, 81]
//! sum of the squares of the first 5 odd numbers: 165
//! ```
//!
//! `take(5)` stops the stream after five items, so the endless `iter(1..)` is read only as far as
//! needed: laziness at work. `then` awaits each item's future before asking for the next, one at a
//! time; `tokio52` runs them concurrently.

use std::future::ready;
use std::time::Duration;

use futures::stream::{self, StreamExt};

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let squares_of_odds = || {
        stream::iter(1u64..)
            .filter(|n| ready(n % 2 == 1))
            .map(|n| n * n)
            .take(5)
    };

    // `chunks(3)` groups items into `Vec`s of up to three; the last may be
    // shorter.
    let mut chunks = squares_of_odds().chunks(3);
    while let Some(chunk) = chunks.next().await {
        println!("chunk: {chunk:?}");
    }

    let sum = squares_of_odds()
        // An async step: each item waits a little before it is passed on.
        .then(|n| async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            n
        })
        .fold(0, |acc, n| ready(acc + n))
        .await;
    println!("sum of the squares of the first 5 odd numbers: {sum}");
}
// ANCHOR_END: main
