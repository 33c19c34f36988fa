//! # tokio64: `JoinSet`, and `spawn` vs `FuturesUnordered`
//!
//! Chapter 10, *Tokio's toolbox*. A [`JoinSet`](https://docs.rs/tokio/latest/tokio/task/struct.JoinSet.html)
//! owns spawned tasks: `join_next` hands back results in the order the tasks finish, and dropping
//! the set aborts every task still in it (a dropped `JoinHandle`, by contrast, detaches its task,
//! which keeps running). [`FuturesUnordered`](https://docs.rs/futures/latest/futures/stream/struct.FuturesUnordered.html)
//! also runs many futures at once and yields them as they finish, but inside the one task that
//! polls it: no `Send + 'static` needed, no parallelism, and dropping it drops every future on the
//! spot. On a multi_thread runtime the `JoinSet`'s tasks may also run on several worker threads at
//! once; this example uses a current_thread runtime so that the finishing order is the same on
//! every run.
//!
//! ```text
//! cargo run --example tokio64
//! ```
//!
//! Prints, at once:
//!
//! ```text
//! JoinSet: results in finishing order [3, 2, 1]
//! JoinSet dropped: 3 of 3 unfinished tasks were aborted
//! FuturesUnordered: results in finishing order [3, 2, 1], all polled on the calling thread
//! FuturesUnordered dropped: 3 of 3 futures dropped before the drop returned
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use futures::StreamExt;
use futures::stream::FuturesUnordered;
use tokio::task::JoinSet;

/// Counts how many values it was part of were dropped before they finished.
struct CountDrop(Arc<AtomicUsize>);

impl Drop for CountDrop {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Gives way `(4 - n)` × 10 times, then returns `n`: job 1 takes longest. Counting turns instead
/// of sleeping makes the finishing order the same on every run, however busy the machine.
async fn job(n: u64) -> u64 {
    for _ in 0..(4 - n) * 10 {
        tokio::task::yield_now().await;
    }
    n
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    // ANCHOR: joinset
    let mut set = JoinSet::new();
    for n in 1..=3 {
        set.spawn(job(n));
    }
    let mut order = Vec::new();
    while let Some(result) = set.join_next().await {
        order.push(result?);
    }
    println!("JoinSet: results in finishing order {order:?}");

    let dropped = Arc::new(AtomicUsize::new(0));
    let mut set = JoinSet::new();
    for _ in 0..3 {
        let guard = CountDrop(Arc::clone(&dropped));
        set.spawn(async move {
            let _guard = guard;
            std::future::pending::<()>().await;
        });
    }
    drop(set);
    // Aborting is a request: each task is dropped the next time the scheduler
    // handles it. Waiting until the runtime has no task left (`block_on`'s
    // future is not a task) shows it happened.
    while tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
        > 0
    {
        tokio::task::yield_now().await;
    }
    println!(
        "JoinSet dropped: {} of 3 unfinished tasks were aborted",
        dropped.load(Ordering::SeqCst)
    );
    // ANCHOR_END: joinset

    // ANCHOR: unordered
    let caller = std::thread::current().id();
    let mut futures: FuturesUnordered<_> = (1..=3)
        .map(|n| async move { (job(n).await, std::thread::current().id()) })
        .collect();
    let mut order = Vec::new();
    let mut same_thread = true;
    while let Some((n, thread)) = futures.next().await {
        order.push(n);
        same_thread &= thread == caller;
    }
    if same_thread {
        println!(
            "FuturesUnordered: results in finishing order {order:?}, all \
            polled on the calling thread"
        );
    }

    let dropped = Arc::new(AtomicUsize::new(0));
    let futures: FuturesUnordered<_> = (0..3)
        .map(|_| {
            let guard = CountDrop(Arc::clone(&dropped));
            async move {
                let _guard = guard;
                std::future::pending::<()>().await;
            }
        })
        .collect();
    drop(futures);
    println!(
        "FuturesUnordered dropped: {} of 3 futures dropped before the drop \
        returned",
        dropped.load(Ordering::SeqCst)
    );
    // ANCHOR_END: unordered
    Ok(())
}
