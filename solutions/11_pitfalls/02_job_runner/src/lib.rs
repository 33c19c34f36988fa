//! # A job runner with its async bugs fixed
//!
//! Chapter 11, *Common pitfalls*. A [`Runner`] takes [`Job`]s through [`Runner::submit`] and runs
//! them on a few worker tasks that share one queue; [`Runner::shutdown`] stops taking jobs, lets
//! the workers finish every job already accepted, and returns a [`Report`].
//!
//! The four bugs of the exercise, and what replaced them:
//!
//! - **An unbounded queue.** `unbounded_channel` let `submit` queue jobs without limit; a
//!   [`mpsc::channel`](https://docs.rs/tokio/latest/tokio/sync/mpsc/fn.channel.html) of [`QUEUE`]
//!   makes `submit().await` wait for room.
//! - **A guard held through the loop body.** In `while let Some(job) = rx.lock().await.recv().await`
//!   the guard lives until the end of the body, so the workers took turns; the job is now taken
//!   in a `let` statement of its own, which drops the guard at its semicolon.
//! - **A lost panic.** A panicking job ended its worker's task, and `shutdown` ignored the
//!   `JoinError`. Each job now runs in a task of its own; its `JoinError` says whether it panicked,
//!   and the worker goes on.
//! - **A forgotten sender.** A second `Sender`, kept for retries nobody made, kept the queue open,
//!   so the workers' `recv` never returned `None` and `shutdown` waited forever. It is gone.
//!
//! # Layout
//!
//! - [`Job`], [`perform`], [`Report`], [`Stopped`]: a job, how it runs, and the results.
//! - [`Runner`]: the runner; `worker` is what each worker task runs.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Mutex, mpsc};
use tokio::task::JoinHandle;

/// How many submitted jobs may wait in the queue before [`Runner::submit`] waits for room.
pub const QUEUE: usize = 4;

/// A job: wait `work` on Tokio's clock, then succeed, or panic if `fail` is set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The job's number, reported in [`Report`].
    pub id: u32,
    /// How long the job takes.
    pub work: Duration,
    /// Whether the job panics when its work is done.
    pub fail: bool,
}

impl Job {
    /// A job that takes `work` and succeeds.
    pub fn ok(id: u32, work: Duration) -> Job {
        Job {
            id,
            work,
            fail: false,
        }
    }

    /// A job that takes `work` and then panics.
    pub fn failing(id: u32, work: Duration) -> Job {
        Job {
            id,
            work,
            fail: true,
        }
    }
}

/// Runs one job (given, correct): returns its id, or panics with "job N failed".
pub async fn perform(job: Job) -> u32 {
    tokio::time::sleep(job.work).await;
    if job.fail {
        panic!("job {} failed", job.id);
    }
    job.id
}

/// What the runner did with the jobs it accepted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The ids of the jobs that finished, in increasing order.
    pub done: Vec<u32>,
    /// The ids of the jobs that panicked, in increasing order.
    pub failed: Vec<u32>,
}

/// [`Runner::submit`] after the runner stopped taking jobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the runner has stopped taking jobs: start a new Runner")
    }
}

impl std::error::Error for Stopped {}

/// A pool of worker tasks fed from one bounded queue.
pub struct Runner {
    /// Where `submit` puts jobs; dropping it closes the queue.
    jobs: mpsc::Sender<Job>,
    /// The worker tasks.
    workers: Vec<JoinHandle<()>>,
    /// What happened to each job, filled in by the workers. A std `Mutex`: it is never held
    /// across an `.await`.
    report: Arc<std::sync::Mutex<Report>>,
}

impl Runner {
    /// Starts `workers` worker tasks on the current runtime.
    pub fn start(workers: usize) -> Runner {
        let (jobs, rx) = mpsc::channel(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        let report = Arc::new(std::sync::Mutex::new(Report::default()));
        let workers = (0..workers)
            .map(|_| tokio::spawn(worker(rx.clone(), report.clone())))
            .collect();
        Runner {
            jobs,
            workers,
            report,
        }
    }

    /// Queues `job`, waiting while [`QUEUE`] jobs are already waiting.
    pub async fn submit(&self, job: Job) -> Result<(), Stopped> {
        self.jobs.send(job).await.map_err(|_| Stopped)
    }

    /// How many jobs have ended so far, finished or failed.
    pub fn ended(&self) -> usize {
        let report = self.report.lock().unwrap();
        report.done.len() + report.failed.len()
    }

    /// Stops taking jobs, waits until every accepted job has ended, and returns the report.
    pub async fn shutdown(self) -> Report {
        let Runner {
            jobs,
            workers,
            report,
        } = self;
        // The only sender: dropping it closes the queue, and each worker's `recv` returns `None`
        // once the jobs already queued are taken.
        drop(jobs);
        for worker in workers {
            worker
                .await
                .expect("a worker catches its jobs' panics and does not panic itself");
        }
        let mut report = report.lock().unwrap().clone();
        report.done.sort();
        report.failed.sort();
        report
    }
}

/// One worker: takes jobs from the shared queue until it is closed and empty.
async fn worker(rx: Arc<Mutex<mpsc::Receiver<Job>>>, report: Arc<std::sync::Mutex<Report>>) {
    loop {
        // The guard is a temporary of this statement: dropped at the semicolon, before the work.
        let next = rx.lock().await.recv().await;
        let Some(job) = next else { break };
        let id = job.id;
        // A task per job keeps its panic inside its `JoinError`.
        let ended = tokio::spawn(perform(job)).await;
        let mut report = report.lock().unwrap();
        match ended {
            Ok(id) => report.done.push(id),
            Err(_panicked_or_cancelled) => report.failed.push(id),
        }
    }
}
