//! # tokio55: tokio-stream's wrappers: Tokio types as `Stream`s
//!
//! Chapter 9, *Streams and async I/O*. Tokio's own types (`mpsc::Receiver`, `Interval`,
//! `Lines`, `TcpListener`, …) have `recv`/`tick`/`next_line` methods rather than a `Stream`
//! implementation. The [`tokio-stream`](https://docs.rs/tokio-stream) crate's `wrappers` module
//! wraps each in a `Stream`, so the combinators of `tokio51` apply to them.
//!
//! ```text
//! cargo run --example tokio55
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! from the channel, doubled: [2, 4, 6]
//! ticks: 3, tick k at k × 50 ms or later: none early
//! ```
//!
//! `ReceiverStream` ends when every `Sender` is dropped, like `recv` returning `None`.
//! `IntervalStream` never ends (an interval ticks forever), so `take(3)` bounds it. An
//! `Interval`'s first tick completes at once, and no tick comes before its time. tokio-stream has a `StreamExt` of its own, whose
//! method names clash with `futures::StreamExt`; import one of the two in a file (this one uses
//! futures', which has `buffered` and `buffer_unordered`).

// ANCHOR: main
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc;
use tokio::time::Instant;
use tokio_stream::wrappers::{IntervalStream, ReceiverStream};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (tx, rx) = mpsc::channel(8);
    tokio::spawn(async move {
        for n in 1..=3 {
            tx.send(n).await.expect("the receiver is alive");
        }
        // `tx` is dropped here: the stream ends after the three items.
    });
    let doubled: Vec<u32> =
        ReceiverStream::new(rx).map(|n| n * 2).collect().await;
    println!("from the channel, doubled: {doubled:?}");

    let start = Instant::now();
    let at: Vec<Duration> =
        IntervalStream::new(tokio::time::interval(Duration::from_millis(50)))
            .take(3)
            .map(|_| start.elapsed())
            .collect()
            .await;
    // An interval never ticks early: tick k (from 0) comes k × 50 ms or later
    // after it was made. How much later depends on the machine's load, so that
    // is all this line claims.
    let on_time = at
        .iter()
        .enumerate()
        .all(|(k, d)| *d >= Duration::from_millis(50 * k as u64));
    let verdict = if on_time { "none early" } else { "one EARLY" };
    println!(
        "ticks: {}, tick k at k × 50 ms or later: {verdict}",
        at.len()
    );
}
// ANCHOR_END: main
