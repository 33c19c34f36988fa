//! # tokio61: `watch` keeps only the latest value
//!
//! Chapter 10, *Tokio's toolbox*. A
//! [`watch`](https://docs.rs/tokio/latest/tokio/sync/watch/index.html) channel holds one value.
//! `send` replaces it and marks it changed for every receiver; a receiver that looks later sees only
//! the newest value, and `changed()` returns once however many sends happened in between. That is
//! the right shape for configuration or a "current state" (a shutdown flag, a price), and the wrong
//! one for a stream of events, where `mpsc` or `broadcast` keep every message.
//!
//! ```text
//! cargo run --example tokio61
//! ```
//!
//! Prints, at once:
//!
//! ```text
//! watch: after three sends the receiver sees 3
//! watch: one changed() covered all three sends
//! watch: the sender was dropped, changed() fails
//! ```

use anyhow::Result;
use tokio::sync::watch;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    // ANCHOR: watch
    let (tx, mut rx) = watch::channel(0);
    for n in 1..=3 {
        tx.send(n)?;
    }
    // `changed` waits until the value is newer than the one this receiver last
    // marked as seen; `borrow_and_update` reads it and marks it seen.
    rx.changed().await?;
    println!(
        "watch: after three sends the receiver sees {}",
        *rx.borrow_and_update()
    );
    if !rx.has_changed()? {
        println!("watch: one changed() covered all three sends");
    }
    drop(tx);
    if rx.changed().await.is_err() {
        println!("watch: the sender was dropped, changed() fails");
    }
    // ANCHOR_END: watch
    Ok(())
}
