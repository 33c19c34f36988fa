//! # A stream pipeline with at most `N` jobs in flight
//!
//! [`pipeline`] takes a stream of numbers, keeps the even ones, squares them, runs an async job
//! (`work`) on each square with at most `max_in_flight` jobs running at the same time, and
//! collects the jobs' results in the order they finish.
//!
//! The jobs must overlap (one at a time is too slow) and must never be more than
//! `max_in_flight` at once (all at once would swamp whatever the jobs talk to). The tests count
//! the jobs running at every moment.
//!
//! The tests live in `tests/pipeline.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check pipeline`.

use std::future::Future;

use futures::Stream;

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
    // TODO: build the pipeline from `futures::StreamExt` combinators (see its documentation) and
    //       collect the results; refuse a `max_in_flight` of 0 with a panic that names it.
    //       `filter`'s closure returns a future: `std::future::ready(..)` makes one from a value.
    let _ = (numbers, max_in_flight, work);
    todo!()
}
