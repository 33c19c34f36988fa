//! # tokio48: the same combinators from the libraries, and what each adds
//!
//! Chapter 8, *Futures by hand*. Everything written by hand in `tokio43` to `tokio47` exists
//! ready-made: `futures::join!` and `tokio::join!`, `tokio::try_join!`, `tokio::select!`,
//! `tokio::time::timeout` and `futures::future::join_all`. They pin their futures themselves, so
//! none needs `Unpin`, and each adds something of its own, printed below.
//!
//! ```text
//! cargo run --example tokio48
//! ```
//!
//! Prints six lines. The first five are the same on every run; the counts on the last one change
//! from run to run (here, one run), and stay close to half each:
//!
//! ```text
//! futures::join! and tokio::join!: ("left after 200 ms", "right after 100 ms"), the same twice
//!   (the slow left branch is being dropped)
//! tokio::try_join!: Err("right failed"), and the slow left branch was dropped
//! tokio::time::timeout: Err(Elapsed(())), and join_all of 3 jobs: [10, 20, 30]
//! tokio::select! with biased;, 10000 rounds with both sides ready: left 10000, right 0
//! tokio::select!, 10000 rounds with both sides ready: left 4934, right 5066
//! ```
//!
//! `try_join!` stops at the first `Err` and drops the other branches, as `select` drops its loser.
//! `select!` starts at a random branch on every poll unless told `biased;`, so two always-ready
//! branches each win about half the time: the default is fair. `tokio::join!` rotates the branch
//! it polls first for the same reason, and `tokio::time::timeout` still sees its deadline when the
//! inner future has used up the task's cooperative budget (`tokio/src/time/timeout.rs`).

use std::future::ready;
use std::time::Duration;

async fn after(ms: u64, name: &str) -> String {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    format!("{name} after {ms} ms")
}

/// Prints a line when dropped before `done` is set: shows a cancelled branch.
struct Guard {
    done: bool,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if !self.done {
            println!("  (the slow left branch is being dropped)");
        }
    }
}

/// Waits 10 s unless cancelled first.
async fn slow_left() -> Result<&'static str, &'static str> {
    let mut guard = Guard { done: false };
    tokio::time::sleep(Duration::from_secs(10)).await;
    guard.done = true;
    Ok("left done")
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    // Both macros poll the branches inside this one task, like `tokio43`'s
    // `Join`.
    let a = futures::join!(after(200, "left"), after(100, "right"));
    let b = tokio::join!(after(200, "left"), after(100, "right"));
    assert_eq!(a, b);
    println!("futures::join! and tokio::join!: {a:?}, the same twice");

    let failed =
        tokio::try_join!(slow_left(), async { Err::<&str, _>("right failed") });
    println!(
        "tokio::try_join!: {failed:?}, and the slow left branch was dropped"
    );

    let timed_out =
        tokio::time::timeout(Duration::from_millis(50), after(10_000, "slow"))
            .await;
    let all =
        futures::future::join_all([1, 2, 3].map(|n| async move { n * 10 }))
            .await;
    println!(
        "tokio::time::timeout: {timed_out:?}, and join_all of 3 jobs: {all:?}"
    );

    const ROUNDS: usize = 10_000;
    let (mut left, mut right) = (0, 0);
    for _ in 0..ROUNDS {
        tokio::select! {
            biased;
            () = ready(()) => left += 1,
            () = ready(()) => right += 1,
        }
    }
    println!(
        "tokio::select! with biased;, {ROUNDS} rounds with both sides ready: \
        left {left}, right {right}"
    );

    let (mut left, mut right) = (0, 0);
    for _ in 0..ROUNDS {
        tokio::select! {
            () = ready(()) => left += 1,
            () = ready(()) => right += 1,
        }
    }
    println!(
        "tokio::select!, {ROUNDS} rounds with both sides ready: left {left}, \
        right {right}"
    );
}
// ANCHOR_END: main
