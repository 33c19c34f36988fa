//! # Call async code from a synchronous trait method
//!
//! `Sequencer::generate` is synchronous: the trait is fixed and its callers cannot `.await`. The
//! work behind it, `PlainSequencer::generate_async`, is asynchronous and waits on Tokio timers.
//! `generate` must return the numbers whoever calls it: code with no runtime at all, async code on
//! a current_thread runtime, or async code on a multi_thread runtime.
//!
//! APIs that help: [`std::thread::scope`](https://doc.rust-lang.org/std/thread/fn.scope.html) and
//! [`tokio::runtime::Builder`](https://docs.rs/tokio/latest/tokio/runtime/struct.Builder.html);
//! not [`block_in_place`](https://docs.rs/tokio/latest/tokio/task/fn.block_in_place.html), which
//! panics on a current_thread runtime.
//!
//! As shipped, `generate` uses `futures::executor::block_on`, exactly as in the `tokio16` example.
//! It works on a multi_thread runtime, panics where there is no runtime, and hangs forever on a
//! current_thread runtime (the test's time-out reports it).
//!
//! The tests live in `tests/sync_bridge.rs`. Do not edit them: make them pass by changing this
//! file. Run them with `cargo lab check sync_bridge`.

use std::time::Duration;

/// A synchronous interface that some caller insists on.
pub trait Sequencer {
    /// The numbers `0..bound`, in order.
    fn generate(&self) -> Vec<i32>;
}

/// Produces `0..bound`, waiting on a Tokio timer before each number.
pub struct PlainSequencer {
    /// One past the last number produced.
    pub bound: i32,
}

impl PlainSequencer {
    /// The real work, asynchronous. Do not change it: it stands for a library's `async fn` that
    /// needs a Tokio runtime (its timer) to make progress.
    pub async fn generate_async(&self) -> Vec<i32> {
        let mut res = Vec::new();
        for i in 0..self.bound {
            tokio::time::sleep(Duration::from_millis(5)).await;
            res.push(i);
        }
        res
    }
}

impl Sequencer for PlainSequencer {
    fn generate(&self) -> Vec<i32> {
        // TODO: make `generate` work with no runtime, on a current_thread runtime and on a
        // multi_thread one. `futures::executor::block_on` parks the calling thread until the
        // future is woken, and on a current_thread runtime that thread is the one that must drive
        // the timer. `generate` is synchronous, so it cannot `.await`; `block_in_place` panics on
        // a current_thread runtime. APIs that help: `std::thread::scope`,
        // `tokio::runtime::Builder`.
        futures::executor::block_on(self.generate_async())
    }
}
