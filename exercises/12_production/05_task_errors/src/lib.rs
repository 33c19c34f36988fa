//! # Errors across tasks, as one typed error
//!
//! A job runs in a task of its own (`tokio::spawn`), and the caller holds its `JoinHandle`.
//! Awaiting the handle can end four ways that matter to the caller, and [`join_job`] turns each
//! into a variant of one typed error, [`JobError`], that names the job:
//!
//! - the job returned `Ok(value)`: the value;
//! - the job returned `Err(failure)`: [`JobError::Failed`], with the failure kept as the error's
//!   `source()`;
//! - the task panicked: [`JobError::Panicked`] with the panic's message. Tokio catches the panic
//!   and hands it over as a `JoinError` whose `is_panic()` is true; the payload is a
//!   `&'static str` for `panic!("literal")`, a `String` for `panic!("{x}")`, and anything at all
//!   for `std::panic::panic_any`;
//! - the task was aborted: [`JobError::Cancelled`] (a `JoinError` whose `is_cancelled()` is true);
//! - the job did not finish within the limit: [`JobError::TimedOut`], and the task is aborted, so
//!   that nothing keeps running for an answer nobody will read.
//!
//! The tests live in `tests/task_errors.rs`. Do not edit them: make them pass by changing this
//! file. Run them with `cargo lab check task_errors`.

use std::time::Duration;

use thiserror::Error;
use tokio::task::JoinHandle;

/// A job's own failure: what it returns as `Err`, as opposed to panicking.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct JobFailure(pub String);

/// Every way a job can end without a value, each naming the job.
#[derive(Debug, PartialEq, Eq, Error)]
pub enum JobError {
    /// The job returned `Err`. The message names the job only; the cause is `source()`, so that a
    /// report that prints the chain of causes shows it once.
    #[error("job {job} failed")]
    Failed {
        job: String,
        #[source]
        source: JobFailure,
    },
    /// The job's task panicked; `message` is the panic's message, or [`NO_MESSAGE`].
    #[error("job {job} panicked: {message}")]
    Panicked { job: String, message: String },
    /// The job's task was aborted before it finished.
    #[error("job {job} was cancelled")]
    Cancelled { job: String },
    /// The job did not finish within `limit`; its task has been aborted.
    #[error("job {job} timed out after {limit:?}")]
    TimedOut { job: String, limit: Duration },
}

/// The message of [`JobError::Panicked`] when the panic's payload is neither a `&'static str` nor
/// a `String`.
pub const NO_MESSAGE: &str = "(no message)";

/// Waits for the job's task at most `limit`, and returns its value or the [`JobError`] that says
/// how it ended. A job still running at the limit is aborted.
pub async fn join_job<T>(
    job: &str,
    handle: JoinHandle<Result<T, JobFailure>>,
    limit: Duration,
) -> Result<T, JobError> {
    // TODO: Await `handle` under `tokio::time::timeout(limit, ...)` and map every outcome to the
    //       value or to a `JobError` variant (see the list at the top of this file).
    //       - Awaiting a `JoinHandle<R>` gives `Result<R, JoinError>`; under a time-out that is
    //         wrapped once more: `Result<Result<R, JoinError>, Elapsed>`.
    //       - `JoinError::is_panic()` / `is_cancelled()` tell a panic from an abort;
    //         `into_panic()` gives the panic's payload, a `Box<dyn Any + Send>`, and
    //         `downcast_ref::<T>()` looks inside it.
    //       - At the limit the task must not go on running. What happens to a task when its
    //         `JoinHandle` is dropped?
    let _ = (job, handle, limit);
    todo!()
}
