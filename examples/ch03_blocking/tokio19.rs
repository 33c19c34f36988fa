//! # tokio19: long CPU loops must yield
//!
//! Chapter 3, *The blocking-task pitfall*. Blocking is not only `sleep` or file I/O: a loop that
//! computes for a long time without reaching an `.await` that returns `Pending` holds the runtime
//! thread just the same. Two tasks, A and B, each hash in three chunks on one current_thread
//! runtime, first as a plain loop, then with
//! [`tokio::task::yield_now`](https://docs.rs/tokio/latest/tokio/task/fn.yield_now.html) after
//! every chunk.
//!
//! ```text
//! cargo run --example tokio19
//! ```
//!
//! Prints these lines:
//!
//! ```text
//! without yield_now:
//!   A: chunk 1 of 3
//!   A: chunk 2 of 3
//!   A: chunk 3 of 3
//!   B: chunk 1 of 3
//!   B: chunk 2 of 3
//!   B: chunk 3 of 3
//! with yield_now:
//!   A: chunk 1 of 3
//!   B: chunk 1 of 3
//!   B: chunk 2 of 3
//!   A: chunk 2 of 3
//!   A: chunk 3 of 3
//!   B: chunk 3 of 3
//! ```
//!
//! Without yielding, B cannot start until A has finished: the scheduler only gets control back
//! when a task's `poll` returns, and a current_thread runtime runs its queued tasks in the order
//! they were spawned. `yield_now` returns `Pending` once and hands its waker to the scheduler,
//! which wakes deferred tasks whenever it polls its drivers: when the run queue is empty, and also
//! after every `event_interval` (61) tasks even if it is not (`park_yield` in tokio
//! `src/runtime/scheduler/current_thread/mod.rs`). With only two tasks queued, B runs before A
//! resumes, so B starts as soon as A finishes its first chunk, and neither task ever runs all its chunks while the other waits.
//! Beyond that, the order of turns is the scheduler's business: here B goes twice in a row in the
//! middle because the current_thread scheduler wakes the yielded tasks most recent first. Code
//! that needs a strict order must say so with a channel or a lock, not rely on `yield_now`.

use tokio::runtime::Builder;
use tokio::task;

// ANCHOR: main
/// How many chunks each task computes.
const CHUNKS: u32 = 3;

fn main() {
    // `block_on` on the main thread is fine here: nothing else in this program
    // needs it.
    let rt = Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build the runtime");

    rt.block_on(async {
        println!("without yield_now:");
        let a = tokio::spawn(crunch("A", false));
        let b = tokio::spawn(crunch("B", false));
        a.await.expect("task A panicked");
        b.await.expect("task B panicked");

        println!("with yield_now:");
        let a = tokio::spawn(crunch("A", true));
        let b = tokio::spawn(crunch("B", true));
        a.await.expect("task A panicked");
        b.await.expect("task B panicked");
    });
}

/// Hashes in `CHUNKS` chunks; with `polite` set, gives the other tasks a turn
/// after each one.
async fn crunch(name: &'static str, polite: bool) -> blake3::Hash {
    let mut state = blake3::hash(name.as_bytes());
    for chunk in 1..=CHUNKS {
        state = cpu_chunk(state);
        println!("  {name}: chunk {chunk} of {CHUNKS}");
        if polite {
            // Returns `Pending` once, so this task goes to the back of the
            // line.
            task::yield_now().await;
        }
    }
    state
}
// ANCHOR_END: main

/// A slice of pure computation with no `.await` inside: 20 000 chained hashes.
fn cpu_chunk(mut state: blake3::Hash) -> blake3::Hash {
    for _ in 0..20_000 {
        state = blake3::hash(state.as_bytes());
    }
    state
}
