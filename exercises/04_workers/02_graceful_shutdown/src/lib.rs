//! # Exercise: shut a worker down without deadlock and without losing work
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. A [`Worker`] owns one OS thread
//! that hashes the jobs it is sent and keeps a [`Receipt`] for each. [`Worker::start`] and
//! [`Worker::submit`] work. [`Worker::shutdown`], as shipped, waits for the thread and never
//! returns: the same trap as `tokio8`. Your task: make `shutdown` return, with a receipt for every
//! job that was submitted before it, and without holding the runtime thread while it waits.
//!
//! The tests live in `tests/graceful_shutdown.rs`. Do not edit them: `cargo lab check
//! graceful_shutdown` runs them as they are, and so does CI against the solution.
//!
//! # Layout
//!
//! - [`Worker`]: [`Worker::start`] spawns the thread, [`Worker::submit`] queues a job,
//!   [`Worker::shutdown`] finishes and returns everything.
//! - [`Receipt`]: one finished job.
//! - [`ShutdownError`]: what can go wrong.

use std::thread;
use std::time::Duration;

use tokio::sync::mpsc;

/// One job: an id chosen by the caller and the bytes to hash.
type Job = (u64, Vec<u8>);

/// One finished job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The id the job was submitted with.
    pub id: u64,
    /// blake3 of the job's payload.
    pub digest: blake3::Hash,
}

/// What can go wrong when submitting or shutting down.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShutdownError {
    /// The worker thread ended early, so it takes no more jobs.
    #[error("the worker thread has stopped and takes no more jobs; start a new Worker")]
    Stopped,
    /// The worker thread panicked, so its receipts are lost.
    #[error("the worker thread panicked, so its receipts are lost; see the panic message above")]
    WorkerPanicked,
}

/// A handle to one worker thread.
pub struct Worker {
    /// The only sender of the job queue. While it exists the channel stays open.
    jobs: mpsc::Sender<Job>,
    /// The thread, which returns the receipts of every job it did.
    thread: thread::JoinHandle<Vec<Receipt>>,
}

impl Worker {
    /// Spawns the worker thread. Its queue holds `capacity` jobs (at least 1); each job takes
    /// `job_time` plus the hash.
    pub fn start(capacity: usize, job_time: Duration) -> Worker {
        let (jobs, mut queue) = mpsc::channel::<Job>(capacity.max(1));
        let thread = thread::spawn(move || {
            let mut receipts = Vec::new();
            // `blocking_recv` returns `None` only when the channel is closed *and* empty, so this
            // loop finishes every job that was queued before the close.
            while let Some((id, payload)) = queue.blocking_recv() {
                thread::sleep(job_time);
                receipts.push(Receipt {
                    id,
                    digest: blake3::hash(&payload),
                });
            }
            receipts
        });
        Worker { jobs, thread }
    }

    /// Queues a job, waiting for room if the queue is full.
    pub async fn submit(&self, id: u64, payload: Vec<u8>) -> Result<(), ShutdownError> {
        self.jobs
            .send((id, payload))
            .await
            .map_err(|_| ShutdownError::Stopped)
    }

    /// Lets the worker finish every job it accepted, waits for its thread to end, and returns
    /// the receipts in the order the jobs were submitted.
    pub async fn shutdown(self) -> Result<Vec<Receipt>, ShutdownError> {
        // TODO: this waits forever: the worker's `blocking_recv` loop ends only when its channel
        // closes. Make the channel close before the join below, without losing the jobs already
        // queued. The join is on the blocking pool (`tokio::task::spawn_blocking`), so the
        // runtime thread stays free while it waits: keep it that way.
        let thread = self.thread;
        tokio::task::spawn_blocking(move || thread.join())
            .await
            .map_err(|_| ShutdownError::WorkerPanicked)?
            .map_err(|_| ShutdownError::WorkerPanicked)
    }
}
