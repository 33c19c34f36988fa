//! # tokio97: concurrency over borrowed data: `join_all` and `FuturesUnordered` without `'static`
//!
//! Chapter 10, *Tokio's toolbox*. `tokio::spawn` takes `F: Future + Send + 'static`
//! (`task/spawn.rs`): a task may outlive the function that spawned it, so its future may not
//! borrow that function's data. Work that only needs to run *at the same time*, not on other
//! threads, does not need a task: [`join_all`](https://docs.rs/futures/latest/futures/future/fn.join_all.html)
//! and [`FuturesUnordered`](https://docs.rs/futures/latest/futures/stream/struct.FuturesUnordered.html)
//! poll many futures inside the one task that awaits them, so the futures may borrow whatever
//! that task borrows, even mutably, as long as the borrows do not overlap. The price: they share
//! that task's thread, so they overlap waits, not CPU work.
//!
//! Each piece of work here waits a number of scheduler rounds (`yield_now`) instead of a timer,
//! so the order in which they finish is the same on every run.
//!
//! ```text
//! cargo run --example tokio97
//! ```
//!
//! Prints at once:
//!
//! ```text
//! join_all over &[String]: word counts [2, 3, 1], 3 of 3 running at once
//! join_all over iter_mut(): balances [110, 220, 330], each future held its own &mut
//! FuturesUnordered over &[&str]: finishing order ["c", "b", "a"]
//! spawn, which needs 'static: an Arc<[String]> shared by the tasks, word counts [2, 3, 1]
//! ```

use std::cell::Cell;
use std::sync::Arc;

use futures::StreamExt;
use futures::future::join_all;
use futures::stream::FuturesUnordered;
use tokio::task::yield_now;

/// Waits `rounds` turns of the scheduler: a stand-in for I/O that takes a
/// while.
async fn wait_rounds(rounds: usize) {
    for _ in 0..rounds {
        yield_now().await;
    }
}

/// Counts the pieces of work running now, and the most that ever ran at once.
#[derive(Default)]
struct Running {
    now: Cell<usize>,
    most: Cell<usize>,
}

impl Running {
    async fn count<T>(&self, work: impl Future<Output = T>) -> T {
        self.now.set(self.now.get() + 1);
        self.most.set(self.most.get().max(self.now.get()));
        let out = work.await;
        self.now.set(self.now.get() - 1);
        out
    }
}

// ANCHOR: join_all
/// Counts the words of every line at once. Each future borrows its line and
/// `running`: no clone, no `Arc`, no `'static`.
async fn word_counts(lines: &[String], running: &Running) -> Vec<usize> {
    join_all(lines.iter().map(|line| {
        running.count(async move {
            wait_rounds(3).await;
            line.split_whitespace().count()
        })
    }))
    .await
}
// ANCHOR_END: join_all

struct Account {
    balance: u64,
}

// ANCHOR: iter_mut
/// Pays 10 % interest on every account at once: each future holds a `&mut` to
/// one account, and `iter_mut` proves to the compiler that no two of them
/// overlap.
async fn pay_interest(accounts: &mut [Account]) {
    join_all(accounts.iter_mut().map(|account| async move {
        wait_rounds(2).await;
        account.balance += account.balance / 10;
    }))
    .await;
}
// ANCHOR_END: iter_mut

// ANCHOR: unordered
/// Runs one lookup per name, borrowed, and lists the names in the order their
/// lookups finish.
async fn finishing_order<'a>(names: &'a [&'a str]) -> Vec<&'a str> {
    let mut lookups: FuturesUnordered<_> = names
        .iter()
        .zip([3, 2, 1])
        .map(|(name, rounds)| async move {
            wait_rounds(rounds).await;
            *name
        })
        .collect();
    let mut order = Vec::new();
    while let Some(name) = lookups.next().await {
        order.push(name);
    }
    order
}
// ANCHOR_END: unordered

// ANCHOR: spawn
/// The same word counts with `tokio::spawn`: every task must own what it uses,
/// so the lines go into an `Arc` and each task gets a clone of it.
async fn word_counts_spawned(lines: Arc<[String]>) -> Vec<usize> {
    let handles: Vec<_> = (0..lines.len())
        .map(|i| {
            let lines = Arc::clone(&lines);
            tokio::spawn(async move {
                wait_rounds(3).await;
                lines[i].split_whitespace().count()
            })
        })
        .collect();
    let mut counts = Vec::new();
    for handle in handles {
        counts.push(handle.await.expect("no task panics"));
    }
    counts
}
// ANCHOR_END: spawn

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let lines = vec![
        "hello async".to_string(),
        "borrowed, not cloned".to_string(),
        "ok".to_string(),
    ];
    let running = Running::default();
    let counts = word_counts(&lines, &running).await;
    println!(
        "join_all over &[String]: word counts {counts:?}, {} of {} running at \
        once",
        running.most.get(),
        lines.len()
    );

    let mut accounts: Vec<Account> =
        [100, 200, 300].map(|balance| Account { balance }).into();
    pay_interest(&mut accounts).await;
    let balances: Vec<u64> = accounts.iter().map(|a| a.balance).collect();
    println!(
        "join_all over iter_mut(): balances {balances:?}, each future held \
        its own &mut"
    );

    let names = ["a", "b", "c"];
    println!(
        "FuturesUnordered over &[&str]: finishing order {:?}",
        finishing_order(&names).await
    );

    let counts = word_counts_spawned(lines.into()).await;
    println!(
        "spawn, which needs 'static: an Arc<[String]> shared by the tasks, \
        word counts {counts:?}"
    );
}
