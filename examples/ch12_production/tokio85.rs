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

#![allow(
    unsafe_code,
    reason = "a GlobalAlloc is an unsafe trait; the impl only forwards to System and counts"
)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

/// The system allocator, plus a count of the bytes in use and the highest that count has been.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to `System`; the counters are only bookkeeping.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same layout, same contract as our caller's.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

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
/// At most 8 at once: a permit is taken before the task is spawned and dropped when it ends.
async fn spawn_with_permits() -> usize {
    let permits = Arc::new(Semaphore::new(8));
    let mut handlers = JoinSet::new();
    for request in 0..REQUESTS {
        let permit = permits.clone().acquire_owned().await.expect("never closed");
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
    let start = IN_USE.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let served = f.await;
    let growth = PEAK.load(Ordering::Relaxed) - start;
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
