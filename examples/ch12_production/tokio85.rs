//! # tokio85: backpressure with a `Semaphore`, memory measured
//!
//! Chapter 12, *Production patterns*. 200 requests arrive at once. Each handler holds a 64 KiB
//! buffer for the 10 ms it works. Spawning a task per request with no limit starts all 200 at once,
//! and all 200 buffers are alive together. A
//! [`Semaphore`](https://docs.rs/tokio/latest/tokio/sync/struct.Semaphore.html) with 8 permits,
//! acquired *before* spawning with
//! [`acquire_owned`](https://docs.rs/tokio/latest/tokio/sync/struct.Semaphore.html#method.acquire_owned)
//! and released when the handler's permit is dropped, keeps at most 8 alive: the accept loop waits
//! for a permit, so the backlog stays outside the process (in a real server, in the kernel's
//! listen queue, where a client's time-out can deal with it).
//!
//! Heap bytes are counted by a global allocator that wraps the system one (as in `tokio78`).
//!
//! ```text
//! cargo run --example tokio85
//! ```
//!
//! The heap figures can differ by a few KiB between builds; one run printed:
//!
//! ```text
//! a task per request, no limit: at most 200 handlers at once, peak heap +12864 KiB, 200 served
//! Semaphore(8) before spawn: at most 8 handlers at once, peak heap +594 KiB, 200 served
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// The counting allocator of `crates/alloc-meter` (the one `tokio78` shows): heap bytes in use and
/// their peak.
#[global_allocator]
static ALLOCATOR: alloc_meter::Meter = alloc_meter::Meter;

/// Requests that arrive at once.
const REQUESTS: usize = 200;

/// Handlers alive right now, and the most there have been.
static ALIVE: AtomicUsize = AtomicUsize::new(0);
static MOST_ALIVE: AtomicUsize = AtomicUsize::new(0);

/// One request: a 64 KiB buffer held for 10 ms.
async fn handle(_request: usize) -> usize {
    let now = ALIVE.fetch_add(1, Ordering::SeqCst) + 1;
    MOST_ALIVE.fetch_max(now, Ordering::SeqCst);
    let buffer = vec![1u8; 64 * 1024];
    tokio::time::sleep(Duration::from_millis(10)).await;
    ALIVE.fetch_sub(1, Ordering::SeqCst);
    buffer.len()
}

// ANCHOR: unbounded
/// No limit: every request gets a task at once.
async fn spawn_all() -> usize {
    let mut handlers = JoinSet::new();
    for request in 0..REQUESTS {
        handlers.spawn(handle(request));
    }
    handlers.join_all().await.len()
}
// ANCHOR_END: unbounded

// ANCHOR: semaphore
/// At most 8 at once: a permit is taken before the task is spawned and dropped
/// when it ends.
async fn spawn_with_permits() -> usize {
    let permits = Arc::new(Semaphore::new(8));
    let mut handlers = JoinSet::new();
    for request in 0..REQUESTS {
        let permit =
            permits.clone().acquire_owned().await.expect("never closed");
        handlers.spawn(async move {
            let served = handle(request).await;
            drop(permit);
            served
        });
    }
    handlers.join_all().await.len()
}
// ANCHOR_END: semaphore

/// Runs `f`, and returns its result, the most handlers alive at once and the heap's peak growth.
async fn measure(f: impl Future<Output = usize>) -> (usize, usize, usize) {
    MOST_ALIVE.store(0, Ordering::SeqCst);
    let start = alloc_meter::reset_peak();
    let served = f.await;
    let growth = alloc_meter::peak() - start;
    (served, MOST_ALIVE.load(Ordering::SeqCst), growth)
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (served, most, growth) = measure(spawn_all()).await;
    println!(
        "a task per request, no limit: at most {most} handlers at once, peak heap +{} KiB, \
         {served} served",
        growth / 1024
    );
    let (served, most, growth) = measure(spawn_with_permits()).await;
    println!(
        "Semaphore(8) before spawn: at most {most} handlers at once, peak heap +{} KiB, \
         {served} served",
        growth / 1024
    );
}
// ANCHOR_END: main
