//! # Shrink a future
//!
//! `checksum(rounds)` fills a 32 KiB buffer once per round, yields to the runtime, then adds up
//! the buffer. The buffer lives on the heap (a `Vec`), so the future holds only the `Vec`'s
//! pointer, capacity and length across the `.await`, not 32 KiB of bytes.

/// The size of the buffer filled each round.
pub const CHUNK: usize = 32 * 1024;

/// Fills a buffer with a pattern that depends on `round`, yields, then adds the buffer up; returns
/// the total over all rounds.
pub async fn checksum(rounds: u32) -> u64 {
    // On the heap: the paused state keeps the `Vec` (three words), not the bytes.
    let mut buf = vec![0u8; CHUNK];
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
