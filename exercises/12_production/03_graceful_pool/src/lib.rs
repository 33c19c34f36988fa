//! # Exercise: a worker pool that shuts down gracefully
//!
//! Chapter 12, *Production patterns*. A [`Pool`] runs [`Job`]s on a fixed number of worker tasks
//! fed from one bounded queue. The work is in [`Pool::shutdown`], which must:
//!
//! 1. **stop accepting**: from its first poll on, [`Pool::submit`] returns [`Closed`], including a
//!    submit that was already waiting for room in the queue;
//! 2. **lose nothing**: every job accepted, whether running or still queued, is run to the end if
//!    it can be before the deadline;
//! 3. **keep a deadline**: when `deadline` has passed, jobs still running are cancelled and jobs
//!    still queued are not started; all of them are listed in [`Summary::abandoned`].
//!
//! Every accepted job ends up in exactly one of the summary's two lists.
//!
//! The tests live in `tests/graceful_pool.rs`. Do not edit them: `cargo lab check graceful_pool`
//! runs them as they are, and so does CI against the solution.

use std::time::Duration;

/// A job: `work` of Tokio time. Stands in for any unit of work a pool runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Job {
    /// The job's number, reported in [`Summary`].
    pub id: u32,
    /// How long the job takes.
    pub work: Duration,
}

/// What happened to every job the pool accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Jobs that ran to the end, by id, in increasing order.
    pub finished: Vec<u32>,
    /// Jobs still running or queued when the deadline passed, by id, in increasing order.
    pub abandoned: Vec<u32>,
}

/// [`Pool::submit`] refused a job: the pool is shutting down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed;

impl std::fmt::Display for Closed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the pool is shutting down and takes no more jobs")
    }
}

impl std::error::Error for Closed {}

/// A pool of worker tasks behind a bounded queue, with a graceful shutdown.
//
// TODO: choose the fields. Tools that fit: an `mpsc::channel` for the queue (shared by the workers
// behind a `tokio::sync::Mutex`), `tokio_util::sync::CancellationToken`s for "stop accepting" and
// "the deadline has passed" (`cancelled()`, `run_until_cancelled`), and a
// `tokio_util::task::TaskTracker` for the workers (`close`, `wait`). Chapter 12's tokio83 and
// tokio84 show each of them.
pub struct Pool {}

impl Pool {
    /// Starts `workers` worker tasks behind a queue of `queue` jobs, on the current runtime.
    pub fn start(workers: usize, queue: usize) -> Pool {
        let _ = (workers, queue);
        todo!("start the workers")
    }

    /// Queues `job`, waiting while the queue is full; [`Closed`] once shutdown has begun.
    pub async fn submit(&self, job: Job) -> Result<(), Closed> {
        let _ = job;
        todo!("queue the job, unless the pool is shutting down")
    }

    /// Stops accepting jobs, runs what was accepted until `deadline` has passed, cancels the rest,
    /// and says what happened to each job.
    pub async fn shutdown(&self, deadline: Duration) -> Summary {
        let _ = deadline;
        todo!("shut down gracefully")
    }
}
