//! # tokio50: streams from `async` code: `stream!` and `try_stream!`
//!
//! Chapter 9, *Streams and async I/O*. Writing `poll_next` by hand (`tokio49`) is rarely needed.
//! The [`async-stream`](https://docs.rs/async-stream) crate's `stream!` macro turns an `async`
//! block with `yield` into a `Stream`, and `try_stream!` does the same for a stream of `Result`s,
//! where `?` yields the error as the last item.
//!
//! ```text
//! cargo run --example tokio50
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! countdown: 3
//! countdown: 2
//! countdown: 1
//! parsed: Ok(10)
//! parsed: Ok(20)
//! parsed: Err("not a number: \"x\"")
//! ```
//!
//! The parser stops at `"x"`: the `?` yields the error and ends the stream, so `"40"` is never
//! read. The streams these macros make are not `Unpin`, so they are pinned with
//! [`std::pin::pin!`] before `next()` is called on them.

use std::pin::pin;
use std::time::Duration;

use async_stream::{stream, try_stream};
use futures::{Stream, StreamExt};

// ANCHOR: main
fn countdown(from: u32) -> impl Stream<Item = u32> {
    stream! {
        for n in (1..=from).rev() {
            tokio::time::sleep(Duration::from_millis(50)).await;
            yield n;
        }
    }
}

fn parse_all(
    words: Vec<&'static str>,
) -> impl Stream<Item = Result<u32, String>> {
    try_stream! {
        for word in words {
            let n: u32 = word
                .parse()
                .map_err(|_| format!("not a number: {word:?}"))?;
            yield n;
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut countdown = pin!(countdown(3));
    while let Some(n) = countdown.next().await {
        println!("countdown: {n}");
    }
    let mut parsed = pin!(parse_all(vec!["10", "20", "x", "40"]));
    while let Some(result) = parsed.next().await {
        println!("parsed: {result:?}");
    }
}
// ANCHOR_END: main
