//! # tokio95: errors across tasks: `JoinError`, `handle.await??` and a typed error at the boundary
//!
//! Chapter 12, *Production patterns*. A spawned task can end three ways, and awaiting its
//! [`JoinHandle`](https://docs.rs/tokio/latest/tokio/task/struct.JoinHandle.html) tells them
//! apart: `Ok(value)` (the task's own `Result`, error or not), `Err(JoinError)` with `is_panic()`
//! (the task panicked; Tokio caught the panic, `runtime/task/harness.rs`) or `Err(JoinError)` with
//! `is_cancelled()` (the task was aborted). Hence the two `?` of `handle.await??`: the first for
//! the `JoinError`, the second for the task's own error.
//!
//! The example shows, in order: `handle.await??` in application code with `anyhow` and a context
//! per layer; a panic and an abort as `JoinError`s; that a panicking task does not stop the
//! runtime (the other tasks still run); and the library way, a `thiserror` enum that names the
//! job and keeps the cause, with a time-out mapped into it and the timed-out task aborted.
//!
//! ```text
//! cargo run --example tokio95
//! ```
//!
//! Prints after about 0.15 s (the 50 ms time-out, then 100 ms to show the aborted task stayed
//! stopped):
//!
//! ```text
//! application, handle.await?? with context: reading the config: disk full
//! [panic hook: index 7 out of range for 3 items]
//! a panic: is_panic() = true, payload "index 7 out of range for 3 items"
//! an abort: is_cancelled() = true
//! [panic hook: index 0 out of range for 0 items]
//! after the panic the runtime still runs tasks: 3 of 3 finished
//! library: job resize failed (cause: disk full)
//! [panic hook: index 7 out of range for 3 items]
//! library: job thumbnail panicked: index 7 out of range for 3 items
//! library: job upload was cancelled before it finished
//! library: job slow took longer than 50ms and was aborted; its task ran to the end: false
//! ```
//!
//! The lines in brackets come from a panic hook the example installs in place of Rust's default
//! one (which prints `thread '...' panicked at ...` to standard error): the hook runs where the
//! panic starts, before Tokio catches it, so a caught panic is still reported.

use std::any::Any;
use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use thiserror::Error;
use tokio::task::JoinHandle;

/// A job that fails by itself: an ordinary `io::Error`, returned, not panicked.
async fn read_config() -> io::Result<u64> {
    tokio::task::yield_now().await;
    Err(io::Error::other("disk full"))
}

/// A job with a bug: it panics.
async fn pick(items: Vec<u32>, i: usize) -> io::Result<u32> {
    tokio::task::yield_now().await;
    if i >= items.len() {
        panic!("index {i} out of range for {} items", items.len());
    }
    Ok(items[i])
}

// ANCHOR: application
/// Application code: `anyhow`, a context on each `?`, and `handle.await??`. The
/// first `?` is for the `JoinError` (panic or abort), the second for the task's
/// own `io::Error`.
async fn start_up() -> anyhow::Result<u64> {
    let handle = tokio::spawn(read_config());
    let limit = handle
        .await
        .context("the config task did not finish")?
        .context("reading the config")?;
    Ok(limit)
}
// ANCHOR_END: application

// ANCHOR: join_error
/// The message of a panic, if it has one. `panic!("literal")` carries a
/// `&'static str`, `panic!("{x}")` a `String`; `std::panic::panic_any` can
/// carry anything.
fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(s) = payload.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s
    } else {
        "(no message)"
    }
}

async fn join_errors() {
    let panicked = tokio::spawn(pick(vec![1, 2, 3], 7)).await.unwrap_err();
    let is_panic = panicked.is_panic();
    // `into_panic` hands back the payload, which `resume_unwind` could re-raise
    // in this task.
    let payload = panicked.into_panic();
    println!(
        "a panic: is_panic() = {is_panic}, payload {:?}",
        panic_message(&*payload)
    );

    let forever = tokio::spawn(std::future::pending::<()>());
    forever.abort();
    let aborted = forever.await.unwrap_err();
    println!("an abort: is_cancelled() = {}", aborted.is_cancelled());
}
// ANCHOR_END: join_error

/// The runtime after a panic: Tokio caught it inside the task, so the runtime
/// and its other tasks carry on.
async fn runtime_survives() {
    let _ = tokio::spawn(pick(vec![], 0)).await;
    let mut finished = 0;
    for i in 0..3 {
        if tokio::spawn(pick(vec![10, 20, 30], i)).await.is_ok() {
            finished += 1;
        }
    }
    println!(
        "after the panic the runtime still runs tasks: {finished} of 3 finished"
    );
}

// ANCHOR: typed
/// A library's error: one variant per way a job can end badly, each naming the
/// job (the context the caller needs), the cause kept as `source()` where there
/// is one.
#[derive(Debug, Error)]
enum JobError {
    #[error("job {job} failed")]
    Failed {
        job: &'static str,
        #[source]
        source: io::Error,
    },
    #[error("job {job} panicked: {message}")]
    Panicked { job: &'static str, message: String },
    #[error("job {job} was cancelled before it finished")]
    Cancelled { job: &'static str },
    #[error("job {job} took longer than {limit:?} and was aborted")]
    TimedOut { job: &'static str, limit: Duration },
}

/// Waits for a job's task at most `limit`, and turns every way it can end into
/// a `JobError`.
async fn join_job<T>(
    job: &'static str,
    mut handle: JoinHandle<io::Result<T>>,
    limit: Duration,
) -> Result<T, JobError> {
    // `&mut handle`: a `JoinHandle` is `Unpin`, so the time-out can borrow it
    // and we keep it to abort the task. Dropping a `JoinHandle` only detaches
    // its task: it would keep running.
    match tokio::time::timeout(limit, &mut handle).await {
        Err(_elapsed) => {
            handle.abort();
            Err(JobError::TimedOut { job, limit })
        }
        Ok(Ok(Ok(value))) => Ok(value),
        Ok(Ok(Err(source))) => Err(JobError::Failed { job, source }),
        Ok(Err(e)) if e.is_panic() => Err(JobError::Panicked {
            job,
            message: panic_message(&*e.into_panic()).to_string(),
        }),
        Ok(Err(_cancelled)) => Err(JobError::Cancelled { job }),
    }
}
// ANCHOR_END: typed

/// Prints a `JobError` with its cause, the way a caller's log would.
fn report(error: &JobError) {
    match std::error::Error::source(error) {
        Some(cause) => println!("library: {error} (cause: {cause})"),
        None => println!("library: {error}"),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // A one-line report on standard output instead of the default hook's report
    // on standard error.
    std::panic::set_hook(Box::new(|info| {
        println!("[panic hook: {}]", panic_message(info.payload()));
    }));
    let error = start_up().await.unwrap_err();
    // `{:#}` prints anyhow's chain of contexts, outermost first, on one line.
    println!("application, handle.await?? with context: {error:#}");

    join_errors().await;
    runtime_survives().await;

    let limit = Duration::from_millis(50);
    let failed = join_job("resize", tokio::spawn(read_config()), limit).await;
    report(&failed.unwrap_err());
    let panicked =
        join_job("thumbnail", tokio::spawn(pick(vec![1, 2, 3], 7)), limit)
            .await;
    report(&panicked.unwrap_err());
    let cancelled = tokio::spawn(std::future::pending::<io::Result<()>>());
    cancelled.abort();
    report(&join_job("upload", cancelled, limit).await.unwrap_err());

    let ran_to_end = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&ran_to_end);
    let slow = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        flag.store(true, Ordering::SeqCst);
        Ok(())
    });
    let timed_out = join_job("slow", slow, limit).await.unwrap_err();
    // Long enough for the slow job to have finished, had it not been aborted.
    tokio::time::sleep(Duration::from_millis(100)).await;
    println!(
        "library: {timed_out}; its task ran to the end: {}",
        ran_to_end.load(Ordering::SeqCst)
    );
}
