//! # A pool of worker threads behind a bounded queue
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. A [`Pool`] runs synchronous jobs
//! on a fixed number of OS threads, all fed from one bounded
//! [`tokio::sync::mpsc`](https://docs.rs/tokio/latest/tokio/sync/mpsc/index.html) queue:
//!
//! - **Back-pressure.** [`Pool::submit`] waits while the queue is full, so a fast producer is held
//!   to the workers' pace instead of piling up jobs in memory.
//! - **Answers.** Each job travels with a
//!   [`oneshot`](https://docs.rs/tokio/latest/tokio/sync/oneshot/index.html) sender; the
//!   [`Ticket`] that `submit` returns awaits the job's result.
//! - **Panics stay in their job.** A worker runs each job under
//!   [`catch_unwind`](https://doc.rust-lang.org/std/panic/fn.catch_unwind.html), so a panicking
//!   job becomes [`PoolError::JobPanicked`] for its submitter and the worker takes the next job.
//! - **Shutdown.** [`Pool::shutdown`] closes the queue, lets the workers finish every job already
//!   queued, and joins every thread.
//!
//! # Layout
//!
//! - [`Pool`]: [`Pool::new`], [`Pool::submit`], [`Pool::run`], [`Pool::shutdown`].
//! - [`Ticket`]: a submitted job's future result.
//! - [`PoolError`]: what went wrong, and what to do about it.
//! - `worker_loop`: what each thread does.

use std::any::Any;
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};
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
    answer: oneshot::Receiver<Result<T, String>>,
}

impl<T> Ticket<T> {
    /// Waits, without blocking, for the job to finish and returns its value.
    pub async fn result(self) -> Result<T, PoolError> {
        match self.answer.await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(message)) => Err(PoolError::JobPanicked(message)),
            // The task was dropped without running, which only happens when its pool is gone.
            Err(_) => Err(PoolError::ShutDown),
        }
    }
}

/// A fixed set of worker threads fed from one bounded queue.
pub struct Pool {
    /// The only sender of the queue. Dropping it is what tells the workers to stop.
    queue: mpsc::Sender<Task>,
    /// Every worker thread, joined by [`Pool::shutdown`].
    workers: Vec<thread::JoinHandle<()>>,
}

impl Pool {
    /// Starts `workers` threads that share a queue of `capacity` jobs.
    pub fn new(workers: usize, capacity: usize) -> Result<Pool, PoolError> {
        if workers == 0 || capacity == 0 {
            // `mpsc::channel(0)` would panic, and a pool without workers would never run a job.
            return Err(PoolError::InvalidSize { workers, capacity });
        }
        let (queue, receiver) = mpsc::channel::<Task>(capacity);
        // A Tokio `Receiver` cannot be cloned, so the workers share it behind a lock (see
        // `tokio25` for why this is simpler than the alternatives).
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..workers)
            .map(|i| {
                let receiver = Arc::clone(&receiver);
                thread::Builder::new()
                    .name(format!("pool-worker-{i}"))
                    .spawn(move || worker_loop(&receiver))
                    .map_err(|e| PoolError::Spawn(e.to_string()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Pool { queue, workers })
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
        let (reply, answer) = oneshot::channel();
        let task: Task = Box::new(move || {
            // `AssertUnwindSafe`: after a panic the job's state is dropped, never looked at
            // again, so no half-updated value can be observed.
            let outcome = panic::catch_unwind(AssertUnwindSafe(job)).map_err(panic_message);
            // Fails only if the submitter dropped its ticket; then nobody wants the answer.
            let _ = reply.send(outcome);
        });
        // A bounded channel's `send` waits for a free slot: this is the back-pressure.
        self.queue
            .send(task)
            .await
            .map_err(|_| PoolError::ShutDown)?;
        Ok(Ticket { answer })
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
        let Pool { queue, workers } = self;
        // The last sender gone closes the queue; each worker's `blocking_recv` returns `None` once
        // the queue is also empty, and its thread ends.
        drop(queue);
        // Joining blocks, so the joins run on the blocking pool and this task awaits them.
        let joined = tokio::task::spawn_blocking(move || {
            workers
                .into_iter()
                .map(thread::JoinHandle::join)
                .collect::<Vec<_>>()
        })
        .await
        .map_err(|_| PoolError::WorkerPanicked)?;
        if joined.iter().any(Result::is_err) {
            return Err(PoolError::WorkerPanicked);
        }
        Ok(())
    }
}

/// What each worker thread runs: take the next task, run it, repeat until the queue is closed and
/// empty.
fn worker_loop(queue: &Mutex<mpsc::Receiver<Task>>) {
    loop {
        // The guard is a temporary of this statement, so the lock is released before the task
        // runs and the other workers can take the next one meanwhile. A poisoned lock is still
        // usable: no code panics while holding it, and the receiver has no invariant to break.
        let next = queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .blocking_recv();
        let Some(task) = next else { break };
        task();
    }
}

/// The text of a panic, as far as it can be recovered from its payload.
fn panic_message(payload: Box<dyn Any + Send>) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_string()))
        .unwrap_or_else(|| "a panic without a message".to_string())
}
