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

use std::any::Any;
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
    mut handle: JoinHandle<Result<T, JobFailure>>,
    limit: Duration,
) -> Result<T, JobError> {
    let job = job.to_string();
    // `&mut handle`: a `JoinHandle` is `Unpin`, so the time-out can borrow it, and the handle
    // stays here to abort the task. Dropping a `JoinHandle` would only detach the task.
    match tokio::time::timeout(limit, &mut handle).await {
        Err(_elapsed) => {
            handle.abort();
            Err(JobError::TimedOut { job, limit })
        }
        Ok(Ok(Ok(value))) => Ok(value),
        Ok(Ok(Err(source))) => Err(JobError::Failed { job, source }),
        Ok(Err(error)) if error.is_panic() => {
            let payload = error.into_panic();
            Err(JobError::Panicked {
                job,
                message: panic_message(&*payload),
            })
        }
        Ok(Err(_cancelled)) => Err(JobError::Cancelled { job }),
    }
}

/// The message a panic carries, if it carries one.
fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(message) = payload.downcast_ref::<&'static str>() {
        (*message).to_string()
    } else if let Some(message) = payload.downcast_ref::<String>() {
        message.clone()
    } else {
        NO_MESSAGE.to_string()
    }
}
