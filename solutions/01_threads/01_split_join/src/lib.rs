//! # Split work across threads, join the results in input order
//!
//! `map_in_threads` applies a function to every input, like `inputs.into_iter().map(f)`, but
//! spreads the calls over up to `threads` operating-system threads and hands the results back in
//! the order of the inputs, whatever order the threads finish in.
//!
//! APIs used: [`std::thread::spawn`](https://doc.rust-lang.org/std/thread/fn.spawn.html),
//! [`JoinHandle::join`](https://doc.rust-lang.org/std/thread/struct.JoinHandle.html#method.join),
//! [`Arc`](https://doc.rust-lang.org/std/sync/struct.Arc.html) and
//! [`std::panic::resume_unwind`](https://doc.rust-lang.org/std/panic/fn.resume_unwind.html).

use std::panic;
use std::sync::Arc;
use std::thread::{self, JoinHandle};

/// Applies `f` to every element of `inputs` on up to `threads` threads (at least one, even if
/// `threads` is 0) and returns the results in input order: result `i` is `f(inputs[i])`.
///
/// The calls happen on threads spawned for the purpose, not on the calling thread. If `f` panics
/// on any input, this function panics with the same message once the threads have been joined.
pub fn map_in_threads<T, R, F>(inputs: Vec<T>, threads: usize, f: F) -> Vec<R>
where
    T: Send + 'static,
    R: Send + 'static,
    F: Fn(T) -> R + Send + Sync + 'static,
{
    let threads = threads.max(1);
    // Consecutive chunks, one per thread: joining the threads in the order they were started
    // then yields the results in input order, with no sorting.
    let chunk_len = inputs.len().div_ceil(threads).max(1);
    // Every thread needs the function, and a thread may only own what it was given, so the
    // function is shared through an `Arc` rather than borrowed.
    let f = Arc::new(f);

    let mut rest = inputs.into_iter();
    let mut handles: Vec<JoinHandle<Vec<R>>> = Vec::with_capacity(threads);
    loop {
        let chunk: Vec<T> = rest.by_ref().take(chunk_len).collect();
        if chunk.is_empty() {
            break;
        }
        let f = Arc::clone(&f);
        handles.push(thread::spawn(move || {
            chunk.into_iter().map(|x| f(x)).collect()
        }));
    }

    // Join every thread before looking at any result, so no thread is left running even when one
    // of them panicked; then pass the first panic on with its original payload.
    let joined: Vec<thread::Result<Vec<R>>> = handles.into_iter().map(JoinHandle::join).collect();
    let mut results = Vec::new();
    for outcome in joined {
        match outcome {
            Ok(part) => results.extend(part),
            Err(payload) => panic::resume_unwind(payload),
        }
    }
    results
}
