//! # tokio59: `mpsc`: capacity, permits, closing, unbounded
//!
//! Chapter 10, *Tokio's toolbox*. A bounded
//! [`mpsc::channel(n)`](https://docs.rs/tokio/latest/tokio/sync/mpsc/fn.channel.html) holds at most
//! `n` messages: `send(..).await` waits for room (backpressure) and `try_send` reports `Full`.
//! `reserve().await` waits for a slot and returns a `Permit`, so the message can be built after the
//! room is guaranteed and sent without waiting. `Receiver::close` stops new sends while every
//! message already queued is still delivered. `unbounded_channel` never waits, so nothing stops a
//! fast producer from filling memory.
//!
//! ```text
//! cargo run --example tokio59
//! ```
//!
//! Prints, at once:
//!
//! ```text
//! bounded(2): the third try_send failed: channel full
//! reserve: a permit holds a slot; capacity left = 1
//! close: a send after close failed; 2 queued messages were still received
//! unbounded: 100000 messages queued without waiting
//! ```

use anyhow::Result;
use tokio::sync::mpsc::{self, error::TrySendError};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    // ANCHOR: bounded
    let (tx, _rx) = mpsc::channel::<u32>(2);
    tx.try_send(1)?;
    tx.try_send(2)?;
    match tx.try_send(3) {
        Err(TrySendError::Full(_)) => {
            println!("bounded(2): the third try_send failed: channel full")
        }
        other => println!("bounded(2): unexpected {other:?}"),
    }
    // ANCHOR_END: bounded

    // ANCHOR: reserve
    let (tx, mut rx) = mpsc::channel::<String>(2);
    let permit = tx.reserve().await?;
    println!(
        "reserve: a permit holds a slot; capacity left = {}",
        tx.capacity()
    );
    // Sending through a permit cannot fail and never waits: the slot is already
    // ours.
    permit.send("built after the slot was reserved".to_string());
    assert_eq!(
        rx.recv().await.as_deref(),
        Some("built after the slot was reserved")
    );
    // ANCHOR_END: reserve

    // ANCHOR: close
    let (tx, mut rx) = mpsc::channel::<u32>(4);
    tx.send(1).await?;
    tx.send(2).await?;
    rx.close();
    let refused = tx.send(3).await.is_err();
    let mut received = 0;
    while let Some(_n) = rx.recv().await {
        received += 1;
    }
    if refused {
        println!(
            "close: a send after close failed; {received} queued messages \
            were still received"
        );
    }
    // ANCHOR_END: close

    // ANCHOR: unbounded
    let (tx, rx) = mpsc::unbounded_channel::<u32>();
    for n in 0..100_000 {
        // `send` on an unbounded channel is not async: it never waits for room.
        tx.send(n)?;
    }
    println!("unbounded: {} messages queued without waiting", rx.len());
    // ANCHOR_END: unbounded
    Ok(())
}
