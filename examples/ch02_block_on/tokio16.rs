//! # tokio16: `futures::executor::block_on` on a current_thread runtime hangs forever
//!
//! Chapter 2, *`block_on`*. A trait with a synchronous method, `Sequencer::generate`, is
//! implemented by calling an `async fn` through
//! [`futures::executor::block_on`](https://docs.rs/futures/latest/futures/executor/fn.block_on.html).
//! The `async fn` waits on Tokio timers. Called from a multi_thread runtime this works. Called from
//! a current_thread runtime it never returns: `futures`' `block_on` parks the thread until the timer
//! wakes it, but that thread is the only one that drives the runtime's timer, and it is parked.
//! Neither side can make the first move. Tokio does not detect this (the "Cannot start a runtime
//! from within a runtime" check of `tokio15` only covers Tokio's own `block_on`), so the example
//! runs the call on a thread of its own and watches it from `main` with a deadline.
//!
//! ```text
//! cargo run --example tokio16
//! ```
//!
//! Prints exactly these lines, the last one about 2 s after the one before, then exits with
//! status 0:
//!
//! ```text
//! multi_thread: generate() returned [0, 1, 2]
//! current_thread: calling generate()...
//! current_thread: no result after 2 s. The call is stuck, and would stay stuck forever: the runtime's only thread is parked inside futures::executor::block_on, waiting for a timer that only that thread can fire.
//! ```
//!
//! The status is 0 because the hang is the expected outcome; if `generate()` ever returned on the
//! current_thread runtime, the example would say so and exit with status 1. The stuck thread is
//! never unstuck: returning from `main` ends the process, and the thread with it.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use tokio::runtime::{Builder, Runtime};

/// How long `main` waits for the current_thread call. The work itself takes about 30 ms, so 2 s
/// is a generous margin even on a busy machine.
const WATCHDOG: Duration = Duration::from_secs(2);

// ANCHOR: sequencer
/// A synchronous interface that some caller insists on.
trait Sequencer {
    fn generate(&self) -> Vec<i32>;
}

struct PlainSequencer {
    bound: i32,
}

impl PlainSequencer {
    /// The real work is asynchronous: it waits on a Tokio timer between
    /// numbers.
    async fn generate_async(&self) -> Vec<i32> {
        let mut res = Vec::new();
        for i in 0..self.bound {
            tokio::time::sleep(Duration::from_millis(10)).await;
            res.push(i);
        }
        res
    }
}

impl Sequencer for PlainSequencer {
    fn generate(&self) -> Vec<i32> {
        // Blocks the calling thread, polling the future and parking between
        // polls. If the calling thread is the one that must drive the Tokio
        // timer, nothing will ever wake it.
        futures::executor::block_on(self.generate_async())
    }
}
// ANCHOR_END: sequencer

fn runtime(multi_thread: bool) -> Runtime {
    let mut builder = if multi_thread {
        Builder::new_multi_thread()
    } else {
        Builder::new_current_thread()
    };
    builder
        .enable_all()
        .build()
        .expect("failed to build the runtime")
}

// ANCHOR: watchdog
fn main() {
    // On a multi_thread runtime the worker threads are free while this thread
    // is parked, and one of them drives the timer, so the timers fire and
    // `block_on` returns.
    let multi = runtime(true);
    let numbers =
        multi.block_on(async { PlainSequencer { bound: 3 }.generate() });
    println!("multi_thread: generate() returned {numbers:?}");

    // On a current_thread runtime the same call never returns. Run it on a
    // thread of its own and wait for its answer with a deadline, so this
    // program can report the hang instead of sharing it.
    println!("current_thread: calling generate()...");
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        let current = runtime(false);
        let numbers =
            current.block_on(async { PlainSequencer { bound: 3 }.generate() });
        // Only reached if the call returns, which it does not.
        let _ = done_tx.send(numbers);
    });

    match done_rx.recv_timeout(WATCHDOG) {
        Err(mpsc::RecvTimeoutError::Timeout) => {
            println!(
                "current_thread: no result after {} s. The call is stuck, and \
                would stay stuck \
                 forever: the runtime's only thread is parked inside \
                 futures::executor::block_on, \
                 waiting for a timer that only that thread can fire.",
                WATCHDOG.as_secs()
            );
            // Returning ends the process, stuck thread included: Rust does not
            // wait for other threads when `main` returns.
        }
        Ok(numbers) => {
            println!(
                "current_thread: generate() unexpectedly returned {numbers:?}"
            );
            std::process::exit(1);
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            println!("current_thread: the thread panicked instead of hanging");
            std::process::exit(1);
        }
    }
}
// ANCHOR_END: watchdog
