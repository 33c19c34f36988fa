//! # Exercise: a CPU-bound loop that lets other tasks run
//!
//! Chapter 3, *The blocking-task pitfall*. [`crunch`] is an `async fn` that computes for a long
//! time: rounds of chained blake3 hashes, with no I/O and no timer. As shipped it runs all its
//! rounds in one go, so on a current_thread runtime no other task runs until it has finished.
//! Your task: make [`crunch`] give the other tasks a turn as it goes, at least every couple of
//! rounds (after every round is simplest), while computing the same result.
//!
//! The tests live in `tests/cooperative_loop.rs`. Do not edit them: `cargo lab check
//! cooperative_loop` runs them as they are, and so does CI against the solution.
//!
//! # Layout
//!
//! - [`crunch`]: the loop; the part to change.
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
/// (from 1) after each one, and returns the final state.
pub async fn crunch<F>(start: &[u8], rounds: u32, mut on_round: F) -> blake3::Hash
where
    F: FnMut(u32),
{
    let mut state = blake3::hash(start);
    for round in 1..=rounds {
        state = crunch_round(state);
        on_round(round);
        // TODO: nothing in this loop ever returns `Pending`, so the scheduler never gets the
        // thread back until every round is done. Let the other ready tasks run between rounds;
        // `tokio::task` has what you need (chapter 3, `tokio19`).
    }
    state
}
