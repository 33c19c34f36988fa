//! # A stream pipeline with at most `N` jobs in flight
//!
//! [`pipeline`] takes a stream of numbers, keeps the even ones, squares them, runs an async job
//! on each square with at most `max_in_flight` jobs running at the same time, and collects the
//! jobs' results in the order they finish.
//!
//! [`StreamExt::buffer_unordered`](https://docs.rs/futures/latest/futures/stream/trait.StreamExt.html#method.buffer_unordered)
//! is the limit: it pulls a new job from the stream before it only while fewer than `n` are
//! running, and polls the running ones itself, inside this one task. No job is spawned, so no
//! job can outlive the pipeline.

use std::future::{Future, ready};

use futures::{Stream, StreamExt};

/// Keeps the even items of `numbers`, squares each, runs `work` on each square with at most
/// `max_in_flight` calls running at once, and returns the results in the order they finish.
///
/// # Panics
///
/// If `max_in_flight` is 0: no job could ever run.
pub async fn pipeline<S, F, Fut>(numbers: S, max_in_flight: usize, work: F) -> Vec<u64>
where
    S: Stream<Item = u64>,
    F: FnMut(u64) -> Fut,
    Fut: Future<Output = u64>,
{
    assert!(
        max_in_flight > 0,
        "pipeline: max_in_flight must be at least 1"
    );
    numbers
        .filter(|n| ready(n % 2 == 0))
        .map(|n| n * n)
        // `map` only *makes* each job's future; nothing runs until `buffer_unordered` polls it.
        .map(work)
        .buffer_unordered(max_in_flight)
        .collect()
        .await
}
