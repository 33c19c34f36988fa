//! # tokio12: hashing in parallel with rayon, same answer as the plain loop
//!
//! Chapter 1, *Threads and the runtime*. For CPU-bound work over many independent inputs you do
//! not have to split and join threads by hand: [rayon](https://docs.rs/rayon/latest/rayon/)'s
//! [`par_iter`](https://docs.rs/rayon/latest/rayon/iter/trait.IntoParallelRefIterator.html#tymethod.par_iter)
//! spreads the items over a pool with one thread per core and, because the source is a slice
//! (an *indexed* parallel iterator), `collect` puts every result back at its input's position.
//! This example hashes 256 buffers of 64 KiB with [blake3](https://docs.rs/blake3/latest/blake3/),
//! once with an ordinary iterator and once with `par_iter`, and checks that the two lists agree.
//!
//! ```text
//! cargo run --example tokio12
//! ```
//!
//! Prints four lines; only the two timings change from run to run:
//!
//! ```text
//! hashed 256 inputs of 64 KiB each
//! sequential: <time>, parallel on <N> threads: <time>
//! the two lists are equal, in the same order: true
//! hash of all the hashes: 7839d1557e55eeda2c226bc057845374826cb9c1988a751240977e0f9c35b9e8
//! ```
//!
//! `<N>` is rayon's pool size, the number of cores unless `RAYON_NUM_THREADS` says otherwise. With
//! more than one core the parallel run is usually faster, but a debug build and a busy machine
//! blur the figure; `cargo run --release --example tokio12` gives a fairer one. The last line is
//! the same on every machine: a single hash over the 256 results in order, so a list that came back
//! in a different order would change it.

use std::time::Instant;

use rayon::prelude::*;

/// How many buffers to hash.
const INPUTS: usize = 256;
/// The size of each buffer.
const INPUT_LEN: usize = 64 * 1024;

/// Deterministic test data: buffer `i` is a byte pattern that depends on `i`, so every buffer
/// hashes differently and every run hashes the same bytes.
fn make_inputs() -> Vec<Vec<u8>> {
    (0..INPUTS)
        .map(|i| {
            (0..INPUT_LEN)
                .map(|j| (i.wrapping_mul(31) ^ j.wrapping_mul(7)) as u8)
                .collect()
        })
        .collect()
}

// ANCHOR: hash
fn hash_sequential(inputs: &[Vec<u8>]) -> Vec<blake3::Hash> {
    inputs.iter().map(|buf| blake3::hash(buf)).collect()
}

fn hash_parallel(inputs: &[Vec<u8>]) -> Vec<blake3::Hash> {
    // The only change is `iter` -> `par_iter`. Each closure call is
    // independent, which is what makes it safe to run them on different
    // threads.
    inputs.par_iter().map(|buf| blake3::hash(buf)).collect()
}
// ANCHOR_END: hash

fn main() {
    let inputs = make_inputs();
    println!("hashed {INPUTS} inputs of {} KiB each", INPUT_LEN / 1024);

    let start = Instant::now();
    let sequential = hash_sequential(&inputs);
    let sequential_time = start.elapsed();

    let start = Instant::now();
    let parallel = hash_parallel(&inputs);
    let parallel_time = start.elapsed();

    println!(
        "sequential: {sequential_time:.2?}, parallel on {} threads: {parallel_time:.2?}",
        rayon::current_num_threads()
    );
    println!(
        "the two lists are equal, in the same order: {}",
        sequential == parallel
    );

    let mut all = blake3::Hasher::new();
    for hash in &parallel {
        all.update(hash.as_bytes());
    }
    println!("hash of all the hashes: {}", all.finalize());
}
