//! # tokio66: the cooperative budget and `yield_now`, measured
//!
//! Chapter 10, *Tokio's toolbox*. A task gives the thread back only when one of its polls returns
//! `Pending`. A task that receives from a channel that always has a message would never do so, so
//! Tokio gives each task a budget of 128 operations per poll (`Budget(Some(128))` in tokio's
//! `task/coop/mod.rs`); Tokio's own resources (channels, I/O, timers) spend one unit per
//! completed operation, and once the budget is spent they return `Pending` and hand the task's
//! waker to the scheduler (`context::defer`), which wakes it after its next look at the drivers, so
//! the scheduler can run someone else. Code that never touches a Tokio resource (a pure
//! CPU loop) spends no budget: it has to call
//! [`yield_now`](https://docs.rs/tokio/latest/tokio/task/fn.yield_now.html) itself.
//!
//! ```text
//! cargo run --example tokio66
//! ```
//!
//! Prints, at once:
//!
//! ```text
//! budget: 128 recv() calls completed before the other task got a turn
//! no budget spent: a 1000-round CPU loop ran to the end before the other task got a turn
//! yield_now: the other task got a turn after round 1 of 1000
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;
use tokio::sync::mpsc;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    // ANCHOR: budget
    let (tx, mut rx) = mpsc::unbounded_channel();
    for n in 0..1000 {
        tx.send(n)?;
    }
    let other_ran = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&other_ran);
    let consumer = tokio::spawn(async move {
        let mut received = 0;
        // Every `recv` finds a message waiting; only the budget can make one
        // return `Pending`.
        while rx.recv().await.is_some() {
            if flag.load(Ordering::SeqCst) {
                break;
            }
            received += 1;
        }
        received
    });
    let flag = Arc::clone(&other_ran);
    tokio::spawn(async move { flag.store(true, Ordering::SeqCst) });
    println!(
        "budget: {} recv() calls completed before the other task got a turn",
        consumer.await?
    );
    // ANCHOR_END: budget

    // ANCHOR: yield_now
    let rounds_before_turn = |yielding: bool| async move {
        let other_ran = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&other_ran);
        let cruncher = tokio::spawn(async move {
            let mut sum = 0u64;
            for round in 1..=1000u64 {
                sum = sum.wrapping_add(round * round);
                if yielding {
                    tokio::task::yield_now().await;
                }
                if flag.load(Ordering::SeqCst) {
                    return round;
                }
            }
            std::hint::black_box(sum);
            1000
        });
        let flag = Arc::clone(&other_ran);
        tokio::spawn(async move { flag.store(true, Ordering::SeqCst) });
        cruncher.await.expect("the loop does not panic")
    };
    if rounds_before_turn(false).await == 1000 {
        println!(
            "no budget spent: a 1000-round CPU loop ran to the end before the \
            other task got a turn"
        );
    }
    println!(
        "yield_now: the other task got a turn after round {} of 1000",
        rounds_before_turn(true).await
    );
    // ANCHOR_END: yield_now
    Ok(())
}
