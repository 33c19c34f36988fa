//! # tokio60: `oneshot` and `broadcast`
//!
//! Chapter 10, *Tokio's toolbox*. A
//! [`oneshot`](https://docs.rs/tokio/latest/tokio/sync/oneshot/index.html) carries one value, once;
//! its `Receiver` is a future that fails if the `Sender` is dropped without sending.
//! A [`broadcast`](https://docs.rs/tokio/latest/tokio/sync/broadcast/index.html) channel gives every
//! receiver every message, from a ring of fixed size: `broadcast::channel(3)` rounds the capacity up
//! to a power of two (`next_power_of_two` in tokio's `sync/broadcast.rs`), and a receiver that falls
//! further behind than that gets `RecvError::Lagged(k)` once, skips the `k` oldest messages, and
//! stays open. `send` fails only when there is no receiver at all.
//!
//! ```text
//! cargo run --example tokio60
//! ```
//!
//! Prints, at once:
//!
//! ```text
//! oneshot: got 42
//! oneshot: the sender was dropped without sending
//! broadcast: channel(3) keeps the last 4 of 10 messages
//! broadcast: the slow receiver lagged by 2, then got [3, 4, 5, 6]
//! broadcast: send with no receiver failed
//! ```

use anyhow::Result;
use tokio::sync::broadcast::{self, error::TryRecvError};
use tokio::sync::oneshot;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    // ANCHOR: oneshot
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move { tx.send(42) });
    println!("oneshot: got {}", rx.await?);

    let (tx, rx) = oneshot::channel::<u32>();
    drop(tx);
    if rx.await.is_err() {
        println!("oneshot: the sender was dropped without sending");
    }
    // ANCHOR_END: oneshot

    // ANCHOR: broadcast
    let (tx, _rx) = broadcast::channel::<u32>(3);
    for n in 1..=10 {
        tx.send(n)?;
    }
    // `len` counts the messages the slowest receiver has not seen and that are
    // still in the ring.
    println!(
        "broadcast: channel(3) keeps the last {} of 10 messages",
        tx.len()
    );

    let (tx, mut slow_rx) = broadcast::channel::<u32>(4);
    for n in 1..=6 {
        tx.send(n)?;
    }
    let mut got = Vec::new();
    loop {
        match slow_rx.try_recv() {
            Ok(n) => got.push(n),
            Err(TryRecvError::Lagged(k)) => {
                print!("broadcast: the slow receiver lagged by {k}, ");
            }
            Err(_) => break,
        }
    }
    println!("then got {got:?}");
    // The same receiver, still open, keeps receiving.
    tx.send(7)?;
    assert_eq!(slow_rx.recv().await, Ok(7));

    drop(slow_rx);
    if tx.send(8).is_err() {
        println!("broadcast: send with no receiver failed");
    }
    // ANCHOR_END: broadcast
    Ok(())
}
