//! # Call async code from a synchronous trait method
//!
//! `Sequencer::generate` is synchronous: the trait is fixed and its callers cannot `.await`. The
//! work behind it, `PlainSequencer::generate_async`, is asynchronous and waits on Tokio timers.
//! `generate` returns the numbers whoever calls it: code with no runtime at all, async code on a
//! current_thread runtime, or async code on a multi_thread runtime.
//!
//! APIs used: [`std::thread::scope`](https://doc.rust-lang.org/std/thread/fn.scope.html) and
//! [`tokio::runtime::Builder`](https://docs.rs/tokio/latest/tokio/runtime/struct.Builder.html).
//! Not [`block_in_place`](https://docs.rs/tokio/latest/tokio/task/fn.block_in_place.html), which
//! panics on a current_thread runtime.

use std::thread;
use std::time::Duration;

use tokio::runtime::Builder;

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
    /// The real work, asynchronous. It stands for a library's `async fn` that needs a Tokio
    /// runtime (its timer) to make progress.
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
        // The async work gets a thread and a runtime of its own, so it never needs the caller's
        // thread, which may be the only thread of a current_thread runtime and is blocked here
        // until the answer comes back. A fresh thread is inside no runtime, so `block_on` is
        // allowed on it, whatever the caller was doing. The scope lets the thread borrow `self`.
        //
        // The caller's thread still waits, as any synchronous call must: on a current_thread
        // runtime the caller's other tasks pause meanwhile, but nothing they do is needed here,
        // so the wait always ends.
        thread::scope(|scope| {
            scope
                .spawn(|| {
                    Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .expect("could not build a runtime for generate(); the system may be out of threads or file descriptors")
                        .block_on(self.generate_async())
                })
                .join()
                .unwrap_or_else(|payload| std::panic::resume_unwind(payload))
        })
    }
}
