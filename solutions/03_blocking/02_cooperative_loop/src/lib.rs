//! # A CPU-bound loop that lets other tasks run
//!
//! Chapter 3, *The blocking-task pitfall*. [`crunch`] is an `async fn` that computes for a long
//! time: rounds of chained blake3 hashes, with no I/O and no timer. An `.await` only gives the
//! scheduler a turn when the awaited future returns `Pending`, and pure computation never does, so
//! a loop like this would hold a current_thread runtime until it finished. Calling
//! [`tokio::task::yield_now`](https://docs.rs/tokio/latest/tokio/task/fn.yield_now.html) after
//! each round returns `Pending` once, on purpose, so the other ready tasks run before the next
//! round.
//!
//! # Layout
//!
//! - [`crunch`]: the loop, which yields after every round.
//! - [`crunch_round`]: one round of computation, a plain function.
//! - [`ROUND_HASHES`]: the size of a round.

/// How many chained hashes one round computes. Small enough that one round takes milliseconds, so
/// yielding between rounds keeps the other tasks waiting for no longer than that.
pub const ROUND_HASHES: usize = 2_000;

/// One round of pure computation: hashes `state` into itself [`ROUND_HASHES`] times.
pub fn crunch_round(mut state: blake3::Hash) -> blake3::Hash {
    for _ in 0..ROUND_HASHES {
        state = blake3::hash(state.as_bytes());
    }
    state
}

/// Runs `rounds` rounds starting from blake3 of `start`, calls `on_round` with the round number
/// (from 1) after each one, and returns the final state. Gives the other tasks on the runtime a
/// turn after every round.
pub async fn crunch<F>(start: &[u8], rounds: u32, mut on_round: F) -> blake3::Hash
where
    F: FnMut(u32),
{
    let mut state = blake3::hash(start);
    for round in 1..=rounds {
        state = crunch_round(state);
        on_round(round);
        // Returns `Pending` once and puts this task behind the other ready ones. Tokio's own
        // cooperative budget would not help here: it only makes Tokio's resources (channels,
        // sockets, timers) return `Pending`, and this loop touches none of them.
        tokio::task::yield_now().await;
    }
    state
}
