//! # Shrink a future
//!
//! `checksum(rounds)` fills a 32 KiB buffer once per round, yields to the runtime, then adds up
//! the buffer. It works, but its future is over 32 KiB: the buffer is a local that lives across
//! the `.await`, so the state the function pauses in holds all of it. Every task that runs it
//! carries that much, and awaiting it from another `async fn` makes that one just as large.
//!
//! Make `size_of_val(&checksum(n))` smaller than 1 KiB without changing what the function does:
//! the same result for every `rounds`, and still one yield per round (the tests count the polls).
//! The state-machine view of chapter 7 tells you where the bytes are; more than one fix works.
//!
//! APIs that help: [`Vec`](https://doc.rust-lang.org/std/vec/struct.Vec.html) and
//! [`Box`](https://doc.rust-lang.org/std/boxed/struct.Box.html) (data on the heap, a pointer in
//! the future), [`Box::pin`](https://doc.rust-lang.org/std/boxed/struct.Box.html#method.pin), and
//! the scope of a local.
//!
//! The tests live in `tests/shrink.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check shrink`.

/// The size of the buffer filled each round.
pub const CHUNK: usize = 32 * 1024;

/// Fills a buffer with a pattern that depends on `round`, yields, then adds the buffer up; returns
/// the total over all rounds.
pub async fn checksum(rounds: u32) -> u64 {
    // TODO: this array is held across the `.await` below, so it is part of the future. Keep the
    //       behaviour (same total, one yield per round) and get the future under 1 KiB.
    let mut buf = [0u8; CHUNK];
    let mut total = 0u64;
    for round in 0..rounds {
        for (i, byte) in buf.iter_mut().enumerate() {
            *byte = (i as u32 ^ round.wrapping_mul(7)) as u8;
        }
        tokio::task::yield_now().await;
        total += buf.iter().map(|&b| u64::from(b)).sum::<u64>();
    }
    total
}
