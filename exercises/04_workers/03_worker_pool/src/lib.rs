//! # Exercise: a pool of worker threads behind a bounded queue
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. Build a [`Pool`] that runs
//! synchronous jobs on a fixed number of OS threads, all fed from one bounded
//! `tokio::sync::mpsc` queue. The tests check four promises:
//!
//! - **Back-pressure.** [`Pool::submit`] waits while the queue is full: with every worker busy,
//!   exactly `capacity` more jobs are accepted and the next `submit` waits for room.
//! - **Answers.** [`Pool::submit`] returns a [`Ticket`] whose [`Ticket::result`] awaits the job's
//!   value.
//! - **Panics stay in their job.** A job that panics gives its submitter
//!   [`PoolError::JobPanicked`], and the worker goes on with the next job.
//! - **Shutdown.** [`Pool::shutdown`] closes the queue, lets the workers finish every job already
//!   queued, and joins every thread before it returns.
//!
//! The types are given; write the four methods marked `todo!()`. `tokio25` shows workers sharing
//! one queue, `tokio24` the oneshot reply, and the `graceful_shutdown` exercise the shutdown.
//!
//! The tests live in `tests/worker_pool.rs`. Do not edit them: `cargo lab check worker_pool`
//! runs them as they are, and so does CI against the solution.
//!
//! # Layout
//!
//! - [`Pool`]: [`Pool::new`], [`Pool::submit`], [`Pool::run`], [`Pool::shutdown`].
//! - [`Ticket`]: a submitted job's future result.
//! - [`PoolError`]: what went wrong, and what to do about it.

use std::thread;

use tokio::sync::{mpsc, oneshot};

/// A job, type-erased so that jobs with different result types share one queue. It already
/// contains the code that sends the job's result to its [`Ticket`].
type Task = Box<dyn FnOnce() + Send + 'static>;

/// What went wrong, and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PoolError {
    /// [`Pool::new`] was asked for zero workers or a zero-sized queue.
    #[error(
        "a pool needs at least 1 worker and a queue of at least 1 job \
         (asked for {workers} workers and {capacity} slots): pass sizes of 1 or more"
    )]
    InvalidSize {
        /// The number of workers asked for.
        workers: usize,
        /// The queue size asked for.
        capacity: usize,
    },
    /// The operating system refused to start a worker thread.
    #[error("could not start a worker thread ({0}): the system may be out of threads or memory")]
    Spawn(String),
    /// The job panicked. The pool is still running.
    #[error(
        "the job panicked ({0}); the pool is still running, so fix the job and submit it again"
    )]
    JobPanicked(String),
    /// The pool no longer takes or runs jobs.
    #[error("the pool has shut down: create a new Pool to run more jobs")]
    ShutDown,
    /// A worker thread panicked outside any job.
    #[error(
        "a worker thread panicked outside a job; the pool's jobs may be lost, create a new Pool"
    )]
    WorkerPanicked,
}

/// A submitted job's result, to be awaited with [`Ticket::result`].
#[must_use = "a ticket does nothing unless its result is awaited"]
pub struct Ticket<T> {
    /// Receives the job's value, or the message of its panic.
    #[allow(dead_code, reason = "used by the methods you write")]
    answer: oneshot::Receiver<Result<T, String>>,
}

impl<T> Ticket<T> {
    /// Waits, without blocking, for the job to finish and returns its value.
    pub async fn result(self) -> Result<T, PoolError> {
        // TODO: wait for the job's answer and turn it into this method's result: its value, its
        // panic's message (`PoolError::JobPanicked`), or no answer at all, which means the task
        // was dropped without running because the pool is gone (`PoolError::ShutDown`).
        todo!("await the job's answer")
    }
}

/// A fixed set of worker threads fed from one bounded queue.
#[allow(dead_code, reason = "used by the methods you write")]
pub struct Pool {
    /// The only sender of the queue. Dropping it is what tells the workers to stop.
    queue: mpsc::Sender<Task>,
    /// Every worker thread, joined by [`Pool::shutdown`].
    workers: Vec<thread::JoinHandle<()>>,
}

impl Pool {
    /// Starts `workers` threads that share a queue of `capacity` jobs.
    pub fn new(workers: usize, capacity: usize) -> Result<Pool, PoolError> {
        // TODO: reject a size of 0 with `PoolError::InvalidSize` (`mpsc::channel(0)` panics).
        // Start `workers` threads that take tasks from one bounded `mpsc::channel::<Task>`; a
        // Tokio `Receiver` cannot be cloned, so they must share it. A worker must not hold the
        // queue while it runs a task, and ends when the queue is closed and empty.
        // `std::thread::Builder` can name the threads and reports spawn errors.
        let _ = (workers, capacity);
        todo!("start the worker threads")
    }

    /// The number of worker threads.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// Queues `job` and returns a [`Ticket`] for its result. Waits while the queue is full.
    pub async fn submit<F, T>(&self, job: F) -> Result<Ticket<T>, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        // TODO: wrap `job` in a `Task` that runs it, catches its panic
        // (`std::panic::catch_unwind`) and sends the outcome to the `Ticket` through a
        // `oneshot` channel; then queue the task so that `submit` waits while the queue is full.
        // A queue that refuses the task means the workers are gone: `PoolError::ShutDown`.
        let _ = job;
        todo!("queue the job")
    }

    /// Submits `job` and waits for its result: [`Pool::submit`] then [`Ticket::result`].
    pub async fn run<F, T>(&self, job: F) -> Result<T, PoolError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        self.submit(job).await?.result().await
    }

    /// Stops taking jobs, lets the workers finish every job already queued, and joins every
    /// worker thread.
    pub async fn shutdown(self) -> Result<(), PoolError> {
        // TODO: close the queue, let the workers finish what it holds, and join every worker
        // thread, all without blocking the runtime's thread (`JoinHandle::join` blocks). A worker
        // whose join fails panicked: `PoolError::WorkerPanicked`.
        todo!("close the queue and join the workers")
    }
}
