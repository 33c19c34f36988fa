//! # Exercise: spot the bugs in a job runner
//!
//! Chapter 11, *Common pitfalls*. A [`Runner`] takes [`Job`]s through [`Runner::submit`] and runs
//! them on a few worker tasks that share one queue; [`Runner::shutdown`] stops taking jobs, lets
//! the workers finish every job already accepted, and returns a [`Report`] of what happened. It
//! runs jobs and it compiles, but four of the chapter's pitfalls are in it, and each has a test
//! that names it. Fix all four, keeping the public API. What the runner must do:
//!
//! - [`Runner::submit`] waits while [`QUEUE`] jobs are already waiting (back-pressure);
//! - the workers run their jobs at the same time (with two workers, two jobs at once);
//! - a job that panics is reported in [`Report::failed`], and its worker goes on with the next job;
//! - [`Runner::shutdown`] finishes: every accepted job ends up in the report, then it returns.
//!
//! The tests live in `tests/job_runner.rs`. Do not edit them: `cargo lab check job_runner` runs
//! them as they are, and so does CI against the solution.
//!
//! # Layout
//!
//! - [`Job`], [`perform`], [`Report`], [`Stopped`]: given, correct.
//! - [`Runner`]: the runner to fix; `worker` is what each worker task runs.

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

// TODO: the runner below has four async bugs; the tests name them (`cargo lab check job_runner`).
// Find and fix all four without changing the public API. Chapter 11's examples show each kind
// (tokio77, tokio78, tokio80, tokio81). Helpful APIs: `mpsc::channel`, `tokio::spawn` plus
// `JoinError::is_panic`, and `drop`.

/// A pool of worker tasks fed from one queue.
pub struct Runner {
    /// Where `submit` puts jobs.
    jobs: mpsc::UnboundedSender<Job>,
    /// Kept to put failed jobs back in the queue one day.
    retries: mpsc::UnboundedSender<Job>,
    /// The worker tasks.
    workers: Vec<JoinHandle<()>>,
    /// What happened to each job, filled in by the workers.
    report: Arc<std::sync::Mutex<Report>>,
}

impl Runner {
    /// Starts `workers` worker tasks on the current runtime.
    pub fn start(workers: usize) -> Runner {
        let (jobs, rx) = mpsc::unbounded_channel();
        let rx = Arc::new(Mutex::new(rx));
        let report = Arc::new(std::sync::Mutex::new(Report::default()));
        let retries = jobs.clone();
        let workers = (0..workers)
            .map(|_| tokio::spawn(worker(rx.clone(), report.clone())))
            .collect();
        Runner {
            jobs,
            retries,
            workers,
            report,
        }
    }

    /// Queues `job`, waiting while [`QUEUE`] jobs are already waiting.
    pub async fn submit(&self, job: Job) -> Result<(), Stopped> {
        self.jobs.send(job).map_err(|_| Stopped)
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
            retries,
            workers,
            report,
        } = self;
        drop(jobs);
        for worker in workers {
            let _ = worker.await;
        }
        drop(retries);
        let mut report = report.lock().unwrap().clone();
        report.done.sort();
        report.failed.sort();
        report
    }
}

/// One worker: takes jobs from the shared queue until it is closed and empty.
async fn worker(
    rx: Arc<Mutex<mpsc::UnboundedReceiver<Job>>>,
    report: Arc<std::sync::Mutex<Report>>,
) {
    while let Some(job) = rx.lock().await.recv().await {
        let id = perform(job).await;
        report.lock().unwrap().done.push(id);
    }
}
