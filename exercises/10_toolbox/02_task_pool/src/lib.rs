//! # Exercise: a task pool with a concurrency limit
//!
//! Chapter 10, *Tokio's toolbox*. Write [`run_with_limit`]: run each job as a spawned task, never
//! more than `limit` at the same time, start them in input order, and return their results in
//! input order, whatever order they finish in. With a limit of 3 and ten jobs, three run at once
//! from the start, and each time one finishes the next one starts.
//!
//! The tests live in `tests/task_pool.rs`. Do not edit them: `cargo lab check task_pool` runs
//! them as they are, and so does CI against the solution.

use std::future::Future;

/// Runs every job as a spawned task, at most `limit` at once, starting them in input order, and
/// returns their results in input order.
///
/// # Panics
///
/// If `limit` is 0 (nothing could ever run), or with the job's own panic if a job panics.
// TODO: run every job as a task, never more than `limit` at a time, and return the results in
// the order of `jobs`; a job's panic goes on to the caller. APIs that help:
// `tokio::task::JoinSet` (or `tokio::spawn` plus a `tokio::sync::Semaphore`),
// `JoinError::is_panic` and `std::panic::resume_unwind`.
pub async fn run_with_limit<T, F, Fut>(limit: usize, jobs: Vec<F>) -> Vec<T>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let _ = (limit, jobs);
    todo!("run the jobs, at most `limit` at once")
}
