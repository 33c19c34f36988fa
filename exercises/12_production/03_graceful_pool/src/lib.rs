//! # A worker pool that shuts down gracefully
//!
//! Chapter 12, *Production patterns*. A [`Pool`] runs [`Job`]s on worker tasks fed from one
//! bounded queue, and [`Pool::shutdown`] stops it in three steps:
//!
//! 1. **Stop accepting.** The `closed` token is cancelled, which makes every `submit`, including
//!    one waiting for room, return [`Closed`], and the pool's sender is dropped.
//! 2. **Drain.** With no sender left, the queue closes once it is empty; the workers finish what is
//!    running and take what is queued until `recv` returns `None`. The workers live on a
//!    [`TaskTracker`], whose `wait` resolves when all of them have ended.
//! 3. **Deadline.** If the tracker is not done in time, the `abandon` token is cancelled: every job
//!    runs under [`CancellationToken::run_until_cancelled`], which stops a running job at its next
//!    `.await` and completes at once for a job not started yet, so the workers empty the queue
//!    quickly, listing each job as abandoned.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

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
pub struct Pool {
    /// The queue's only long-lived sender; taken (and dropped) by shutdown.
    jobs: Mutex<Option<mpsc::Sender<Job>>>,
    /// Cancelled when shutdown begins: no more jobs are accepted.
    closed: CancellationToken,
    /// Cancelled when the deadline passes: running jobs stop, queued ones are not started.
    abandon: CancellationToken,
    /// The worker tasks.
    workers: TaskTracker,
    /// What happened to each job, filled in by the workers. A std `Mutex`: never held across an
    /// `.await`.
    summary: Arc<Mutex<Summary>>,
}

impl Pool {
    /// Starts `workers` worker tasks behind a queue of `queue` jobs, on the current runtime.
    pub fn start(workers: usize, queue: usize) -> Pool {
        let (jobs, rx) = mpsc::channel(queue);
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        let abandon = CancellationToken::new();
        let summary = Arc::new(Mutex::new(Summary::default()));
        let tracker = TaskTracker::new();
        for _ in 0..workers {
            tracker.spawn(worker(rx.clone(), abandon.clone(), summary.clone()));
        }
        Pool {
            jobs: Mutex::new(Some(jobs)),
            closed: CancellationToken::new(),
            abandon,
            workers: tracker,
            summary,
        }
    }

    /// Queues `job`, waiting while the queue is full; [`Closed`] once shutdown has begun.
    pub async fn submit(&self, job: Job) -> Result<(), Closed> {
        // A clone, so that the lock is not held while waiting for room.
        let jobs = self.jobs.lock().unwrap().clone().ok_or(Closed)?;
        tokio::select! {
            // The signal first: a submit that could go either way is refused.
            biased;
            _ = self.closed.cancelled() => Err(Closed),
            sent = jobs.send(job) => sent.map_err(|_| Closed),
        }
    }

    /// Stops accepting jobs, runs what was accepted until `deadline` has passed, cancels the rest,
    /// and says what happened to each job.
    pub async fn shutdown(&self, deadline: Duration) -> Summary {
        self.closed.cancel();
        drop(self.jobs.lock().unwrap().take());
        if tokio::time::timeout(deadline, self.workers.wait())
            .await
            .is_err()
        {
            self.abandon.cancel();
            self.workers.wait().await;
        }
        let mut summary = self.summary.lock().unwrap().clone();
        summary.finished.sort();
        summary.abandoned.sort();
        summary
    }
}

/// One worker: runs jobs from the shared queue until it is closed and empty.
async fn worker(
    rx: Arc<tokio::sync::Mutex<mpsc::Receiver<Job>>>,
    abandon: CancellationToken,
    summary: Arc<Mutex<Summary>>,
) {
    loop {
        let next = rx.lock().await.recv().await;
        let Some(job) = next else { break };
        let work = tokio::time::sleep(job.work);
        let ended = abandon.run_until_cancelled(work).await;
        let mut summary = summary.lock().unwrap();
        match ended {
            Some(()) => summary.finished.push(job.id),
            None => summary.abandoned.push(job.id),
        }
    }
}
