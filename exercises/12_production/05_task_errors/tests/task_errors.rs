//! Tests for the `task_errors` exercise. Do not edit: `cargo lab check task_errors` runs this file
//! as it is, against your `src/lib.rs`.
//!
//! Each test spawns a job that ends one way (a value, an `Err`, a panic, an abort, too slow) and
//! checks what `join_job` makes of it. The clock is paused (`tokio::time::pause`), so the time-outs
//! are exact and take no real time.

use std::error::Error;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use task_errors::{JobError, JobFailure, NO_MESSAGE, join_job};
use testkit::Flavor;
use tokio::time::{Instant, sleep};

/// The real-time limit for every test body; the clock is paused, so a correct `join_job` needs a
/// few milliseconds. The margin is for a machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(10);

/// The time-out every test hands to `join_job`.
const ONE_SECOND: Duration = Duration::from_secs(1);

/// Runs `body` on a fresh current_thread runtime with Tokio's clock paused.
fn paused<F: Future<Output = ()> + 'static>(body: impl FnOnce() -> F + Send + 'static) {
    testkit::run(Flavor::CurrentThread, LIMIT, || async move {
        tokio::time::pause();
        body().await;
    });
}

/// `JobError` can travel anywhere an error goes: into `anyhow`, across threads, as a `source()`.
#[test]
fn job_error_is_a_complete_error_type() {
    fn is_error<E: Error + Send + Sync + 'static>() {}
    is_error::<JobError>();
}

#[test]
fn a_value_comes_back() {
    paused(|| async {
        let handle = tokio::spawn(async {
            sleep(Duration::from_millis(10)).await;
            Ok::<_, JobFailure>(7)
        });
        assert_eq!(join_job("seven", handle, ONE_SECOND).await, Ok(7));
    });
}

#[test]
fn a_returned_error_is_failed_with_its_cause_as_source() {
    paused(|| async {
        let handle = tokio::spawn(async { Err::<u32, _>(JobFailure("disk full".to_string())) });
        let error = join_job("load", handle, ONE_SECOND).await.unwrap_err();
        assert_eq!(
            error,
            JobError::Failed {
                job: "load".to_string(),
                source: JobFailure("disk full".to_string()),
            },
            "a job that returns Err(failure) is JobError::Failed with that failure"
        );
        assert_eq!(error.to_string(), "job load failed");
        let cause = error.source().map(ToString::to_string);
        assert_eq!(
            cause.as_deref(),
            Some("disk full"),
            "the job's own failure is the error's source()"
        );
    });
}

/// Spawns a job that panics with `panic`, and returns what `join_job` makes of it.
async fn panicking(panic: fn()) -> JobError {
    let handle = tokio::spawn(async move {
        tokio::task::yield_now().await;
        panic();
        Ok::<u32, JobFailure>(0)
    });
    join_job("parse", handle, ONE_SECOND).await.unwrap_err()
}

#[test]
fn a_panic_with_a_literal_message_is_panicked() {
    paused(|| async {
        let error = panicking(|| panic!("no such row")).await;
        assert_eq!(
            error,
            JobError::Panicked {
                job: "parse".to_string(),
                message: "no such row".to_string(),
            },
            "a task that panics is JobError::Panicked, with the panic's message"
        );
        assert_eq!(error.to_string(), "job parse panicked: no such row");
    });
}

#[test]
fn a_panic_with_a_formatted_message_is_panicked() {
    paused(|| async {
        // `black_box` keeps the numbers out of the compiler's sight: a format string whose
        // arguments are all literals is folded into one literal, whose payload is a &'static str.
        let error = panicking(|| {
            let (row, rows) = std::hint::black_box((7, 3));
            panic!("row {row} of {rows}")
        })
        .await;
        let literal = panicking(|| panic!("no such row")).await;
        let cause = match (&error, &literal) {
            (JobError::Panicked { message, .. }, _)
                if message.contains("panicked with message") =>
            {
                "the message is the JoinError's Display (tokio's `task .. panicked with message \
                 ..`), not the panic's own message: take the payload with JoinError::into_panic \
                 and read the &'static str or String inside it"
            }
            (_, JobError::Panicked { message, .. }) if message == NO_MESSAGE => {
                "no message was found even for panic!(\"no such row\"), whose payload is a \
                 &'static str: the downcasts were made on the Box, not on what it holds (&payload \
                 is a &Box<dyn Any + Send>, itself an Any). Pass &*payload"
            }
            _ => {
                "panic!(\"row {row} of {rows}\") formats its message at run time, so its payload \
                 is a String, not a &'static str: look for both in the payload"
            }
        };
        assert_eq!(
            error,
            JobError::Panicked {
                job: "parse".to_string(),
                message: "row 7 of 3".to_string(),
            },
            "{cause}"
        );
    });
}

#[test]
fn a_panic_without_a_message_is_panicked_with_no_message() {
    paused(|| async {
        let error = panicking(|| std::panic::panic_any(42_u32)).await;
        assert_eq!(
            error,
            JobError::Panicked {
                job: "parse".to_string(),
                message: NO_MESSAGE.to_string(),
            },
            "panic_any(42_u32) carries a u32, which is no message: use NO_MESSAGE"
        );
    });
}

#[test]
fn an_aborted_task_is_cancelled() {
    paused(|| async {
        let handle = tokio::spawn(async {
            sleep(Duration::from_secs(3600)).await;
            Ok::<u32, JobFailure>(0)
        });
        handle.abort();
        // join_job runs in a task of its own, so that a panic inside it becomes a result here.
        let outcome = tokio::spawn(join_job("upload", handle, ONE_SECOND)).await;
        let error = match outcome {
            Ok(result) => result.unwrap_err(),
            Err(join_error) => panic!(
                "join_job panicked on an aborted task ({join_error}): a JoinError is either a \
                 panic or a cancellation; ask is_panic() or is_cancelled() before into_panic()"
            ),
        };
        assert_eq!(
            error,
            JobError::Cancelled {
                job: "upload".to_string()
            },
            "an aborted task (JoinError::is_cancelled) is JobError::Cancelled"
        );
        assert_eq!(error.to_string(), "job upload was cancelled");
    });
}

#[test]
fn a_job_that_finishes_in_time_is_not_cut() {
    paused(|| async {
        let handle = tokio::spawn(async {
            sleep(Duration::from_millis(900)).await;
            Ok::<_, JobFailure>("done")
        });
        assert_eq!(
            join_job("almost", handle, ONE_SECOND).await,
            Ok("done"),
            "a job of 900 ms is within a limit of 1 s"
        );
    });
}

#[test]
fn a_slow_job_times_out_and_is_aborted() {
    paused(|| async {
        let finished = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&finished);
        let handle = tokio::spawn(async move {
            sleep(Duration::from_secs(10)).await;
            flag.store(true, Ordering::SeqCst);
            Ok::<u32, JobFailure>(0)
        });
        let start = Instant::now();
        let error = join_job("slow", handle, ONE_SECOND).await.unwrap_err();
        let waited = start.elapsed();
        assert_eq!(
            error,
            JobError::TimedOut {
                job: "slow".to_string(),
                limit: ONE_SECOND,
            },
            "a job of 10 s under a limit of 1 s is JobError::TimedOut"
        );
        assert_eq!(error.to_string(), "job slow timed out after 1s");
        assert!(
            waited >= ONE_SECOND && waited < ONE_SECOND + Duration::from_millis(100),
            "join_job returned after {waited:?} of (paused) time: it must wait the limit, 1 s, \
             and no longer"
        );
        // Long past the job's 10 s: had its task been left running, it would have finished.
        sleep(Duration::from_secs(20)).await;
        assert!(
            !finished.load(Ordering::SeqCst),
            "the timed-out job's task kept running to its end: dropping a JoinHandle detaches \
             the task, it does not stop it. Keep the handle (time out on &mut handle) and call \
             abort() on it"
        );
    });
}
