//! # tokio58: `select!` in practice: `biased;`, `else`, a deadline for a whole loop, `abort`
//!
//! Chapter 10, *Tokio's toolbox*. Four things every `select!` user meets:
//!
//! - Without `biased;`, each `select!` starts polling at a random branch, so two branches that are
//!   always ready each win about half the time. With `biased;` they are polled top to bottom and
//!   the first ready one always wins ([`select!` docs, "Fairness"](https://docs.rs/tokio/latest/tokio/macro.select.html#fairness)).
//! - A branch whose pattern does not match (`Some(x) = rx.recv()` on a closed channel) is disabled;
//!   when every branch is disabled the `else` branch runs (without one, `select!` panics).
//! - A deadline for a whole loop is one `Sleep`, created once and pinned, polled by reference each
//!   turn. A `sleep(..)` written inside the `select!` would start again at every turn.
//! - `JoinHandle::abort` cancels a spawned task when its current poll returns `Pending`, or at
//!   once if it is idle (tokio's `runtime/task/state.rs`); awaiting the handle then gives a
//!   `JoinError` whose `is_cancelled()` is true.
//!
//! ```text
//! cargo run --example tokio58
//! ```
//!
//! Prints, after about 200 ms (the deadline of the third part):
//!
//! ```text
//! biased: the first branch won 1000 of 1000 turns
//! unbiased: both branches won some of 1000 turns
//! the channel closed after 3 messages: else ran
//! the deadline ended the loop after 3 messages
//! aborted task: is_cancelled = true
//! ```

use std::time::Duration;

use anyhow::Result;
use tokio::sync::mpsc;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    fairness().await;
    else_branch().await;
    deadline_for_the_loop().await;
    abort().await;
    Ok(())
}

// ANCHOR: fairness
/// Two branches that are always ready, with and without `biased;`.
async fn fairness() {
    const TURNS: usize = 1000;
    let mut first_wins = 0;
    for _ in 0..TURNS {
        tokio::select! {
            biased;
            _ = std::future::ready(()) => first_wins += 1,
            _ = std::future::ready(()) => {}
        }
    }
    println!("biased: the first branch won {first_wins} of {TURNS} turns");

    let mut first_wins = 0;
    for _ in 0..TURNS {
        tokio::select! {
            _ = std::future::ready(()) => first_wins += 1,
            _ = std::future::ready(()) => {}
        }
    }
    // Each branch wins each turn with probability 1/2: one of them winning all
    // 1000 turns has a probability of 2^-999, so this line is the same on every
    // run.
    if first_wins > 0 && first_wins < TURNS {
        println!("unbiased: both branches won some of {TURNS} turns");
    } else {
        println!("unbiased: one branch won all {TURNS} turns");
    }
}
// ANCHOR_END: fairness

// ANCHOR: else_branch
/// A disabled branch, and the `else` that runs when no branch is left.
async fn else_branch() {
    let (tx, mut rx) = mpsc::channel(8);
    for n in 1..=3 {
        tx.send(n).await.expect("the receiver is alive");
    }
    drop(tx);
    let mut got = 0;
    loop {
        tokio::select! {
            // Once the channel is closed and empty, `recv` returns `None`, the
            // pattern does not match, and the branch is disabled for this call.
            Some(_) = rx.recv() => got += 1,
            else => break,
        }
    }
    println!("the channel closed after {got} messages: else ran");
}
// ANCHOR_END: else_branch

// ANCHOR: deadline
/// A loop that stops at one deadline, however many messages arrive before it.
async fn deadline_for_the_loop() {
    let (tx, mut rx) = mpsc::channel(8);
    for n in 1..=3 {
        tx.send(n).await.expect("the receiver is alive");
    }
    // `tx` stays alive: the channel never closes, so only the deadline can end
    // the loop.
    let deadline = tokio::time::sleep(Duration::from_millis(200));
    tokio::pin!(deadline);
    let mut got = 0;
    loop {
        tokio::select! {
            Some(_) = rx.recv() => got += 1,
            () = &mut deadline => break,
        }
    }
    drop(tx);
    println!("the deadline ended the loop after {got} messages");
}
// ANCHOR_END: deadline

// ANCHOR: abort
/// Cancelling a spawned task from outside.
async fn abort() {
    let task = tokio::spawn(async {
        loop {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    task.abort();
    let err = task.await.expect_err("an aborted task has no value");
    println!("aborted task: is_cancelled = {}", err.is_cancelled());
}
// ANCHOR_END: abort
