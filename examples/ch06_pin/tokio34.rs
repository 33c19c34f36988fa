//! # tokio34: why a future that borrows from itself must not move
//!
//! Chapter 6, *`Pin` and `Unpin`*. An `async` block that keeps a reference to one of its own
//! locals across an `.await` is *self-referential*: once polled, its state holds a pointer into
//! itself. If the future were then moved to another address, that pointer would point at the old
//! place. This example shows the pieces without any `unsafe` code: it records where the local lives
//! while the future is polled, compares that with where the future itself is, and shows that a
//! plain move changes a value's address while moving a `Pin<Box<_>>` does not move what it points
//! to. It prints facts, not addresses, because addresses differ from run to run.
//!
//! ```text
//! cargo run --example tokio34
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! the local `data` lives inside the future's own bytes: true
//! moving a value to a new variable changes its address: true
//! moving a Pin<Box<_>> keeps the future at the same address: true
//! the pinned future, polled again after the move, reads its local: sum = 6
//! ```
//!
//! Because that pointer into itself would dangle after a move, an `async` block is `!Unpin`, and
//! `poll` takes `Pin<&mut Self>`: once polled through a `Pin`, it can never be moved again.
//! `tokio35` shows the ways to pin.

use std::cell::Cell;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Pending once (waking itself), then ready.
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

/// Whether `addr` falls inside the bytes of `value`.
fn inside<T>(addr: usize, value: &T) -> bool {
    let start = value as *const T as usize;
    (start..start + size_of_val(value)).contains(&addr)
}

// ANCHOR: main
fn main() {
    // Where the async block's local ended up, reported from inside the block.
    let seen = Rc::new(Cell::new(0usize));
    let report = Rc::clone(&seen);
    let mut fut: Pin<Box<_>> = Box::pin(async move {
        let data = [1u64, 2, 3];
        let first = &data[0]; // a reference to a local of the future...
        report.set(first as *const u64 as usize);
        // ...held across an `.await`: the state points into itself
        pause_once().await;
        data.iter().sum::<u64>() + *first - 1
    });

    let mut cx = Context::from_waker(Waker::noop());
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    println!(
        "the local `data` lives inside the future's own bytes: {}",
        inside(seen.get(), &*fut)
    );

    let plain = [0u8; 64];
    let before = &plain as *const _ as usize;
    let moved = plain;
    let after = &moved as *const _ as usize;
    std::hint::black_box(&plain); // keeps the original alive next to the copy
    println!(
        "moving a value to a new variable changes its address: {}",
        before != after
    );

    let before = &*fut as *const _ as usize;
    // Moves the Box (a pointer), not the future it points to
    let moved_box = fut;
    let after = &*moved_box as *const _ as usize;
    println!(
        "moving a Pin<Box<_>> keeps the future at the same address: {}",
        before == after
    );

    let mut fut = moved_box;
    let Poll::Ready(sum) = fut.as_mut().poll(&mut cx) else {
        panic!("the future should be ready on its second poll");
    };
    println!(
        "the pinned future, polled again after the move, reads its local: sum \
        = {sum}"
    );
}
// ANCHOR_END: main
