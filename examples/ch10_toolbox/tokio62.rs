//! # tokio62: which mutex, `RwLock`, and a `Semaphore` that limits concurrency
//!
//! Chapter 10, *Tokio's toolbox*. A `std::sync::Mutex` is the right lock when no `.await` happens
//! while it is held: locking is cheap and the guard is dropped before the task can be suspended
//! (the advice of [`tokio::sync::Mutex`'s docs](https://docs.rs/tokio/latest/tokio/sync/struct.Mutex.html#which-kind-of-mutex-should-you-use)).
//! When the guard must live across an `.await`, use `tokio::sync::Mutex`, whose `lock()` waits by
//! suspending the task instead of blocking the thread. An `RwLock` lets many readers in at once.
//! A [`Semaphore`](https://docs.rs/tokio/latest/tokio/sync/struct.Semaphore.html) with `n` permits
//! lets at most `n` tasks past it: the usual way to cap how many spawned tasks do something at once.
//!
//! ```text
//! cargo run --example tokio62
//! ```
//!
//! Prints, after about 150 ms (80 short sleeps under the tokio mutex, each rounded up to the
//! timer's 1 ms tick, and four rounds of 10 ms under the semaphore):
//!
//! ```text
//! std::sync::Mutex, no .await under it: 8 tasks x 1000 increments = 8000
//! tokio::sync::Mutex held across .await: 8 tasks x 10 increments = 80
//! RwLock: 3 readers held the lock at the same time
//! Semaphore(3): 12 tasks, at most 3 ran at once
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Result;
use tokio::sync::{Barrier, RwLock, Semaphore};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    std_mutex().await?;
    tokio_mutex().await?;
    rwlock().await?;
    semaphore().await?;
    Ok(())
}

// ANCHOR: std_mutex
/// The guard lives only inside a block with no `.await`: the std lock is right
/// here.
async fn std_mutex() -> Result<()> {
    let counter = Arc::new(std::sync::Mutex::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let counter = Arc::clone(&counter);
        tasks.spawn(async move {
            for _ in 0..1000 {
                *counter.lock().expect("no task panics holding it") += 1;
                tokio::task::yield_now().await;
            }
        });
    }
    tasks.join_all().await;
    let total = *counter.lock().expect("no task panics holding it");
    println!(
        "std::sync::Mutex, no .await under it: 8 tasks x 1000 increments = \
        {total}"
    );
    Ok(())
}
// ANCHOR_END: std_mutex

// ANCHOR: tokio_mutex
/// Read, wait, write back: the guard must live across the `.await`, so the lock
/// is tokio's.
async fn tokio_mutex() -> Result<()> {
    let counter = Arc::new(tokio::sync::Mutex::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let counter = Arc::clone(&counter);
        tasks.spawn(async move {
            for _ in 0..10 {
                let mut guard = counter.lock().await;
                let read = *guard;
                tokio::time::sleep(Duration::from_micros(10)).await;
                *guard = read + 1;
            }
        });
    }
    tasks.join_all().await;
    println!(
        "tokio::sync::Mutex held across .await: 8 tasks x 10 increments = {}",
        *counter.lock().await
    );
    Ok(())
}
// ANCHOR_END: tokio_mutex

// ANCHOR: rwlock
/// Three readers meet at a barrier while each holds a read guard: only possible
/// if they share it.
async fn rwlock() -> Result<()> {
    let config = Arc::new(RwLock::new("v1".to_string()));
    let all_in = Arc::new(Barrier::new(3));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..3 {
        let (config, all_in) = (Arc::clone(&config), Arc::clone(&all_in));
        tasks.spawn(async move {
            let _read = config.read().await;
            all_in.wait().await;
        });
    }
    tasks.join_all().await;
    println!("RwLock: 3 readers held the lock at the same time");
    Ok(())
}
// ANCHOR_END: rwlock

// ANCHOR: semaphore
/// Twelve tasks, three permits: count how many hold one at the same time.
async fn semaphore() -> Result<()> {
    let permits = Arc::new(Semaphore::new(3));
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..12 {
        let (permits, running, most) =
            (permits.clone(), running.clone(), most.clone());
        tasks.spawn(async move {
            // The permit is released when `_permit` is dropped, at the end of
            // the task.
            let _permit = permits.acquire_owned().await.expect("never closed");
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(10)).await;
            running.fetch_sub(1, Ordering::SeqCst);
        });
    }
    tasks.join_all().await;
    println!(
        "Semaphore(3): 12 tasks, at most {} ran at once",
        most.load(Ordering::SeqCst)
    );
    Ok(())
}
// ANCHOR_END: semaphore
