//! # Solution: a task pool with a concurrency limit
//!
//! Chapter 10, *Tokio's toolbox*. [`run_with_limit`] spawns each job as a task in a
//! [`JoinSet`](https://docs.rs/tokio/latest/tokio/task/struct.JoinSet.html), never more than
//! `limit` at a time: before spawning one more, it waits for one to finish. Each task carries its
//! job's index, so the results can be put back in input order whatever order they finish in.
//! Dropping the future of `run_with_limit` drops the `JoinSet`, which aborts the jobs still running.

use std::future::Future;
use std::panic;

use tokio::task::{JoinError, JoinSet};

/// Runs every job as a spawned task, at most `limit` at once, starting them in input order, and
/// returns their results in input order.
///
/// # Panics
///
/// If `limit` is 0 (nothing could ever run), or with the job's own panic if a job panics.
pub async fn run_with_limit<T, F, Fut>(limit: usize, jobs: Vec<F>) -> Vec<T>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    assert!(limit > 0, "run_with_limit needs a limit of at least 1");
    let mut results: Vec<Option<T>> = jobs.iter().map(|_| None).collect();
    let mut running = JoinSet::new();
    for (index, job) in jobs.into_iter().enumerate() {
        if running.len() == limit {
            let done = running.join_next().await.expect("the set is not empty");
            store(&mut results, done);
        }
        running.spawn(async move { (index, job().await) });
    }
    while let Some(done) = running.join_next().await {
        store(&mut results, done);
    }
    results
        .into_iter()
        .map(|r| r.expect("every job reported"))
        .collect()
}

/// Puts one finished job's result in its place, or re-raises its panic.
fn store<T>(results: &mut [Option<T>], done: Result<(usize, T), JoinError>) {
    match done {
        Ok((index, value)) => results[index] = Some(value),
        Err(err) if err.is_panic() => panic::resume_unwind(err.into_panic()),
        // Only this function could abort the tasks, and it never does.
        Err(err) => panic!("a job was cancelled: {err}"),
    }
}
