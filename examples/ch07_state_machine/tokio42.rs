//! # tokio42: cancelling a future is dropping its state machine
//!
//! Chapter 7, *the state machine an `async fn` becomes*. Tokio has no "cancel" operation for a
//! future: `select!`, `timeout` and `JoinHandle::abort` all cancel by *dropping* it. Dropping the
//! state machine drops whatever the current state holds, and nothing after its current `.await`
//! ever runs. `transfer` keeps a drop guard in each state; `main` polls a fresh `transfer` 0, 1, 2
//! and 3 times and drops it, and each guard says which state it was dropped in.
//!
//! ```text
//! cargo run --example tokio42
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! 0 polls, then drop:
//! 1 poll, then drop:
//!   guard: dropped while waiting for the bank (nothing sent)
//! 2 polls, then drop:
//!   guard: dropped while waiting to write the receipt (transfer sent, no receipt)
//! 3 polls, then drop:
//!   finished: transfer sent and receipt written
//! ```
//!
//! After 0 polls no guard speaks: the body never started, so no guard existed yet. After 3 polls
//! the function has returned (its guards were disarmed and dropped on the way out), and dropping
//! the finished future does nothing more.

use std::task::{Context, Poll, Waker};

/// Pending once (waking itself), then ready: stands for waiting on the bank or on a disk.
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

// ANCHOR: transfer
/// Prints its message when dropped, unless it was disarmed first.
struct Guard {
    message: &'static str,
    armed: bool,
}

impl Guard {
    fn new(message: &'static str) -> Guard {
        Guard {
            message,
            armed: true,
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if self.armed {
            println!("  guard: {}", self.message);
        }
    }
}

async fn transfer() {
    let mut waiting_for_bank =
        Guard::new("dropped while waiting for the bank (nothing sent)");
    pause_once().await; // state 1 holds `waiting_for_bank`
    waiting_for_bank.armed = false;

    let mut writing_receipt = Guard::new(
        "dropped while waiting to write the receipt (transfer sent, no \
        receipt)",
    );
    pause_once().await; // state 2 holds both guards; only this one is armed
    writing_receipt.armed = false;
    println!("  finished: transfer sent and receipt written");
}
// ANCHOR_END: transfer

// ANCHOR: main
fn main() {
    let mut cx = Context::from_waker(Waker::noop());
    for polls in 0..=3 {
        let s = if polls == 1 { "" } else { "s" };
        println!("{polls} poll{s}, then drop:");
        let mut fut = Box::pin(transfer());
        for _ in 0..polls {
            if fut.as_mut().poll(&mut cx).is_ready() {
                break;
            }
        }
        drop(fut); // the cancellation
    }
}
// ANCHOR_END: main
