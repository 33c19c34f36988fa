//! # tokio41: how big is a future? Measured, and explained by its states
//!
//! Chapter 7, *the state machine an `async fn` becomes*. A future's size is the size of its
//! state machine: roughly the largest of its states, each holding the locals that live across
//! that `.await`, plus a tag. So the size depends on what is *held across an `.await`*, not on
//! what the function touches. This example prints `std::mem::size_of_val` of six futures. The
//! exact figures depend on the compiler version and target (layout is not specified), so the tests
//! check only the bound at the end of each line.
//!
//! ```text
//! cargo run --example tokio41
//! ```
//!
//! One run, Rust 1.95.0 on x86_64 Linux (debug build):
//!
//! ```text
//! nothing held across an .await: 3 bytes (under 256 bytes)
//! a 16 KiB array held across an .await: 16387 bytes (over 16 KiB)
//! the same array dropped before the .await: 16 bytes (under 256 bytes)
//! the same data in a Vec: 32 bytes (under 256 bytes)
//! awaiting the large future inline: 16388 bytes (over 16 KiB)
//! awaiting it through Box::pin: 16 bytes (under 256 bytes)
//! ```
//!
//! Clippy's `large_futures` lint (in the `pedantic` group, so turned on for this file below)
//! flags the inline `.await` of the large future: `awaits_inline` carries an
//! `#[expect(clippy::large_futures)]`, so `cargo clippy -- -D warnings` fails if the lint ever
//! stops firing there.

#![warn(clippy::large_futures)]

use std::mem::size_of_val;
use std::task::Poll;

/// 16 KiB: the size of Clippy's default `future-size-threshold` (16384 bytes).
const LEN: usize = 16 * 1024;

/// Pending once (waking itself), then ready: one `.await` at which a future pauses.
async fn pause_once() {
    let mut paused = false;
    std::future::poll_fn(move |cx| {
        if paused {
            Poll::Ready(())
        } else {
            paused = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

// ANCHOR: futures
async fn nothing_held() -> u64 {
    pause_once().await;
    1
}

async fn array_held() -> u64 {
    let buf = [1u8; LEN];
    pause_once().await; // `buf` is used below, so the paused state must keep it
    buf.iter().map(|&b| u64::from(b)).sum()
}

async fn array_dropped() -> u64 {
    let total: u64 = {
        let buf = [1u8; LEN];
        buf.iter().map(|&b| u64::from(b)).sum()
    }; // `buf` ends here, before the `.await`: no state keeps it
    pause_once().await;
    total
}

async fn in_a_vec() -> u64 {
    // The state keeps the `Vec` (pointer, capacity, length), not the bytes
    let buf = vec![1u8; LEN];
    pause_once().await;
    buf.iter().map(|&b| u64::from(b)).sum()
}

async fn awaits_inline() -> u64 {
    // The inner future is a local of the outer one, held across its own
    // `.await`s.
    #[expect(
        clippy::large_futures,
        reason = "the lesson: this inline .await makes the outer future as \
                  large as the inner one"
    )]
    let total = array_held().await;
    total
}

async fn awaits_boxed() -> u64 {
    // Only the `Pin<Box<_>>` lives in the outer future; the large state is on
    // the heap.
    Box::pin(array_held()).await
}
// ANCHOR_END: futures

fn show(label: &str, size: usize) {
    let bound = if size > LEN {
        "over 16 KiB"
    } else if size < 256 {
        "under 256 bytes"
    } else {
        "between 256 bytes and 16 KiB"
    };
    println!("{label}: {size} bytes ({bound})");
}

// ANCHOR: main
fn main() {
    show(
        "nothing held across an .await",
        size_of_val(&nothing_held()),
    );
    show(
        "a 16 KiB array held across an .await",
        size_of_val(&array_held()),
    );
    show(
        "the same array dropped before the .await",
        size_of_val(&array_dropped()),
    );
    show("the same data in a Vec", size_of_val(&in_a_vec()));
    show(
        "awaiting the large future inline",
        size_of_val(&awaits_inline()),
    );
    show("awaiting it through Box::pin", size_of_val(&awaits_boxed()));
}
// ANCHOR_END: main
