//! # tokio78: an unbounded channel grows without limit
//!
//! Chapter 11, *Common pitfalls*. A producer sends 1,000 messages of 1 KiB; the consumer is ten
//! times slower (it yields ten times per message, the producer once). Through an
//! [`unbounded_channel`](https://docs.rs/tokio/latest/tokio/sync/mpsc/fn.unbounded_channel.html)
//! the producer never waits, so the queue, and the memory it holds, grows with the difference in
//! speed: with no end to the input, until the process runs out of memory. Through a
//! [`channel(16)`](https://docs.rs/tokio/latest/tokio/sync/mpsc/fn.channel.html) the producer's
//! `send().await` waits while 16 messages are queued: the consumer's pace becomes the producer's.
//!
//! Two measurements, taken the same way for both: the longest the queue got (the consumer reads
//! [`len()`](https://docs.rs/tokio/latest/tokio/sync/mpsc/struct.UnboundedReceiver.html#method.len)
//! before each message) and the peak of heap bytes in use, counted by a global allocator that
//! wraps the system one and adds up every allocation and free.
//!
//! ```text
//! cargo run --example tokio78
//! ```
//!
//! Prints at once:
//!
//! ```text
//! unbounded_channel: longest queue 900 messages, peak heap +924 KiB
//! channel(16): longest queue 16 messages, peak heap +20 KiB
//! ```
//!
//! The queue lengths are the same on every run (one thread, a fixed order of turns); the heap
//! figures can differ by a few KiB between builds.

use tokio::sync::mpsc;

// ANCHOR: allocator
// The counting allocator of `crates/alloc-meter`: the system allocator, plus a
// count of the heap bytes in use and the highest that count has been.
// Installing it is safe code; its `GlobalAlloc` impl is the workspace's one
// `unsafe` block, kept in that crate.
#[global_allocator]
static ALLOCATOR: alloc_meter::Meter = alloc_meter::Meter;

/// Runs `f` and returns its result and how far the heap rose above where it
/// started.
async fn peak_growth<T>(f: impl Future<Output = T>) -> (T, usize) {
    let start = alloc_meter::reset_peak();
    let out = f.await;
    (out, alloc_meter::peak() - start)
}
// ANCHOR_END: allocator

/// Messages sent, and the size of each.
const MESSAGES: usize = 1000;
const SIZE: usize = 1024;

/// The consumer's work per message: ten turns of the scheduler.
async fn slow_work() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
}

// ANCHOR: bug
/// The pitfall: `send` never waits, whatever the consumer's pace.
async fn unbounded() -> usize {
    let (tx, mut rx) = mpsc::unbounded_channel::<Vec<u8>>();
    tokio::spawn(async move {
        for _ in 0..MESSAGES {
            tx.send(vec![0; SIZE]).unwrap();
            tokio::task::yield_now().await;
        }
    });
    let mut longest = 0;
    loop {
        longest = longest.max(rx.len());
        let Some(_message) = rx.recv().await else {
            break;
        };
        slow_work().await;
    }
    longest
}
// ANCHOR_END: bug

// ANCHOR: fix
/// The fix: a bound. `send().await` waits for room, so the queue never holds
/// more than 16.
async fn bounded() -> usize {
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(16);
    tokio::spawn(async move {
        for _ in 0..MESSAGES {
            tx.send(vec![0; SIZE]).await.unwrap();
            tokio::task::yield_now().await;
        }
    });
    let mut longest = 0;
    loop {
        longest = longest.max(rx.len());
        let Some(_message) = rx.recv().await else {
            break;
        };
        slow_work().await;
    }
    longest
}
// ANCHOR_END: fix

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (longest, growth) = peak_growth(unbounded()).await;
    println!(
        "unbounded_channel: longest queue {longest} messages, peak heap +{} KiB",
        growth / 1024
    );
    let (longest, growth) = peak_growth(bounded()).await;
    println!(
        "channel(16): longest queue {longest} messages, peak heap +{} KiB",
        growth / 1024
    );
}
// ANCHOR_END: main
