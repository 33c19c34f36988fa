//! # tokio63: `Notify`, `Barrier`, `OnceCell`
//!
//! Chapter 10, *Tokio's toolbox*. [`Notify`](https://docs.rs/tokio/latest/tokio/sync/struct.Notify.html)
//! wakes tasks without sending data, and its two methods differ in a way that bites:
//! `notify_one` stores a permit when nobody is waiting, so a task that starts waiting afterwards
//! returns at once; `notify_waiters` completes only the `Notified` futures that exist already
//! (polled or not) and stores nothing (tokio's `sync/notify.rs`). A shutdown signalled with
//! `notify_waiters` before a task creates its `notified()` future is lost, and that task waits
//! for ever. A
//! [`Barrier`](https://docs.rs/tokio/latest/tokio/sync/struct.Barrier.html) lets `n` tasks wait for
//! each other and names one of them the leader; a
//! [`OnceCell`](https://docs.rs/tokio/latest/tokio/sync/struct.OnceCell.html) runs an async
//! initialiser once, however many tasks ask at the same time.
//!
//! ```text
//! cargo run --example tokio63
//! ```
//!
//! Prints, after about 200 ms (the time the lost notification is waited for):
//!
//! ```text
//! notify_one before anyone waits: the late waiter returned at once
//! notify_waiters before anyone waits: the late waiter was still waiting after 200 ms
//! Barrier(3): 3 tasks passed, 1 leader
//! OnceCell: 5 callers, the initialiser ran 1 time, value 42
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Result;
use tokio::sync::{Barrier, Notify, OnceCell};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    // ANCHOR: notify
    let notify = Notify::new();
    notify.notify_one();
    // The permit stored above is consumed here: this returns at once.
    notify.notified().await;
    println!(
        "notify_one before anyone waits: the late waiter returned at once"
    );

    let shutdown = Notify::new();
    shutdown.notify_waiters();
    // No `Notified` existed, so nothing was stored: this one would wait for
    // ever.
    let late =
        tokio::time::timeout(Duration::from_millis(200), shutdown.notified())
            .await;
    if late.is_err() {
        println!(
            "notify_waiters before anyone waits: the late waiter was still \
            waiting after 200 ms"
        );
    }
    // ANCHOR_END: notify

    // ANCHOR: barrier
    let barrier = Arc::new(Barrier::new(3));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..3 {
        let barrier = Arc::clone(&barrier);
        tasks.spawn(async move { barrier.wait().await.is_leader() });
    }
    let leaders = tasks.join_all().await.into_iter().filter(|&l| l).count();
    println!("Barrier(3): 3 tasks passed, {leaders} leader");
    // ANCHOR_END: barrier

    // ANCHOR: once_cell
    static CONFIG: OnceCell<u32> = OnceCell::const_new();
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..5 {
        tasks.spawn(async {
            *CONFIG
                .get_or_init(|| async {
                    RUNS.fetch_add(1, Ordering::SeqCst);
                    // Stands in for a slow async load; the other callers wait
                    // for this one.
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    42
                })
                .await
        });
    }
    let values = tasks.join_all().await;
    assert!(values.iter().all(|&v| v == 42));
    println!(
        "OnceCell: {} callers, the initialiser ran {} time, value {}",
        values.len(),
        RUNS.load(Ordering::SeqCst),
        values[0]
    );
    // ANCHOR_END: once_cell
    Ok(())
}
