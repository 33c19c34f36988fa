//! # Hash many inputs in parallel with rayon
//!
//! `hash_sequential` hashes every input with blake3, one after another. `hash_parallel` returns
//! exactly the same list, in the same order, with the hashing spread over rayon's thread pool.
//!
//! APIs used: rayon's [`par_iter`](https://docs.rs/rayon/latest/rayon/iter/trait.IntoParallelRefIterator.html#tymethod.par_iter)
//! and [`blake3::hash`](https://docs.rs/blake3/latest/blake3/fn.hash.html).

use rayon::prelude::*;

/// The blake3 hash of every input, in input order, computed on the calling thread.
pub fn hash_sequential<T: AsRef<[u8]>>(inputs: &[T]) -> Vec<blake3::Hash> {
    inputs
        .iter()
        .map(|input| blake3::hash(input.as_ref()))
        .collect()
}

/// The same list as [`hash_sequential`], computed on rayon's thread pool.
pub fn hash_parallel<T: AsRef<[u8]> + Sync>(inputs: &[T]) -> Vec<blake3::Hash> {
    // A slice's `par_iter` is an indexed parallel iterator: rayon splits it into ranges for its
    // worker threads and `collect` writes each result at its input's index, so the order is kept
    // without sorting. `T: Sync` is what lets several threads read the inputs at once.
    inputs
        .par_iter()
        .map(|input| blake3::hash(input.as_ref()))
        .collect()
}
