//! # tokio53: backpressure: a slow consumer sets the pace
//!
//! Chapter 9, *Streams and async I/O*. A stream is pulled: its producer runs only when the
//! consumer asks for the next item, so a slow consumer slows the producer down by itself, and
//! nothing piles up. A bounded channel gives the same guarantee with some slack: the producer may
//! run ahead by the channel's capacity, then `send` waits for room.
//!
//! ```text
//! cargo run --example tokio53
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! stream: produced 1
//! stream: consumed 1
//! stream: produced 2
//! stream: consumed 2
//! stream: produced 3
//! stream: consumed 3
//! channel(2): produced 1
//! channel(2): produced 2
//! channel(2): produced 3
//! channel(2): consumed 1
//! channel(2): produced 4
//! channel(2): consumed 2
//! channel(2): produced 5
//! channel(2): consumed 3
//! channel(2): consumed 4
//! channel(2): consumed 5
//! ```
//!
//! With the stream, production and consumption strictly alternate. With the channel of capacity 2,
//! the producer task fills both slots, and item 3 goes in the moment the consumer takes item 1
//! out, long before item 1 is consumed; from then on the producer waits in `send` and produces one
//! item each time the consumer frees a slot. Both runs are on one thread, so the order is fixed. An
//! unbounded channel would let it run arbitrarily far ahead: the memory use of a producer that is
//! faster than its consumer then grows without limit.

use std::time::Duration;

use futures::stream::{self, StreamExt};
use tokio::sync::mpsc;

// ANCHOR: main
/// The consumer's work on one item: slow.
async fn consume(label: &str, n: u32) {
    tokio::time::sleep(Duration::from_millis(50)).await;
    println!("{label}: consumed {n}");
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // A pulled stream: `then` runs the producer's step only when the loop asks
    // for an item.
    let produced = stream::iter(1..=3u32).then(|n| async move {
        println!("stream: produced {n}");
        n
    });
    let mut produced = std::pin::pin!(produced);
    while let Some(n) = produced.next().await {
        consume("stream", n).await;
    }

    // A pushed channel with room for two items.
    let (tx, mut rx) = mpsc::channel(2);
    let producer = tokio::spawn(async move {
        for n in 1..=5u32 {
            // `send` waits while both slots are full: this is where the
            // backpressure bites.
            tx.send(n).await.expect("the consumer is alive");
            println!("channel(2): produced {n}");
        }
    });
    while let Some(n) = rx.recv().await {
        consume("channel(2)", n).await;
    }
    producer.await.expect("the producer did not panic");
}
// ANCHOR_END: main
