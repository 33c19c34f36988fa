//! # `Delay`: a future completed by another thread
//!
//! `Delay::new(duration)` is a future that becomes ready once `duration` has passed. A thread does
//! the waiting: on the first poll, start a thread that sleeps for `duration`, marks the delay as
//! done and wakes the waker. Two rules make it correct:
//!
//! - `poll` itself never waits: it returns at once, `Ready` or `Pending`.
//! - The thread wakes the *latest* waker. A future can be polled by one task, then moved to another
//!   task (or polled with a different waker by a combinator); the waker from the latest `poll` is
//!   the only one that reaches whoever is waiting now. Keep it in state shared with the thread,
//!   and replace it on every poll (`Waker::will_wake` tells you when it is the same one).
//!
//! APIs that help: [`std::thread::spawn`](https://doc.rust-lang.org/std/thread/fn.spawn.html),
//! [`Arc`](https://doc.rust-lang.org/std/sync/struct.Arc.html) and
//! [`Mutex`](https://doc.rust-lang.org/std/sync/struct.Mutex.html),
//! [`Waker::clone`](https://doc.rust-lang.org/std/task/struct.Waker.html) and
//! [`Waker::will_wake`](https://doc.rust-lang.org/std/task/struct.Waker.html#method.will_wake).
//!
//! The tests live in `tests/delay.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check delay`.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

/// Ready once `duration` has passed since its first poll; a thread of its own does the waiting.
#[derive(Debug)]
pub struct Delay {
    /// How long to wait.
    duration: Duration,
    // TODO: add the state `poll` and the thread share (whether the time is up, and the latest
    //       waker), and whatever you need to start the thread only once.
}

impl Delay {
    /// A delay of `duration`. Nothing starts until the first poll.
    pub fn new(duration: Duration) -> Delay {
        Delay { duration }
    }
}

impl Future for Delay {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // TODO: return `Ready(())` if the thread has marked the delay done. Otherwise store
        //       `cx.waker()` where the thread will find it (replacing an older one), start the
        //       thread if this is the first poll, and return `Pending`. Never sleep in here.
        let _ = (self.duration, cx);
        todo!()
    }
}
