//! A time-out and a retry with back-off that run on any runtime.
//!
//! The library depends on `futures` alone. The one thing it needs from a runtime, a timer, comes
//! in through the [`Sleeper`] trait: the caller hands in Tokio's `sleep`, smol's `Timer`, or
//! anything else that completes after a while. Nothing here calls `tokio::time` or
//! `tokio::spawn`, so nothing here needs a Tokio runtime to be running.

use std::pin::pin;
use std::time::Duration;

use futures::future::{Either, select};

/// The timer a runtime provides. Implemented by the caller, once per runtime.
///
/// `Send` on the returned future lets a caller spawn the library's futures on a multi-threaded
/// executor; `Clone + Send + Sync` lets it keep a sleeper in a shared struct.
pub trait Sleeper: Clone + Send + Sync + 'static {
    /// Completes once `duration` has passed, without blocking the thread.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send;
}

/// The error of [`timeout`]: the limit passed before the future completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

impl std::fmt::Display for Elapsed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the time limit passed before the operation completed")
    }
}

impl std::error::Error for Elapsed {}

/// Awaits `fut` for at most `limit`: `Ok` with its output, or `Err(Elapsed)` as soon as the
/// limit passes. The future is dropped at the limit.
pub async fn timeout<S: Sleeper, F: Future>(
    sleeper: &S,
    limit: Duration,
    fut: F,
) -> Result<F::Output, Elapsed> {
    // `select` polls both and returns with the first to finish; the other is dropped with it.
    let fut = pin!(fut);
    let limit = pin!(sleeper.sleep(limit));
    match select(fut, limit).await {
        Either::Left((output, _sleep)) => Ok(output),
        Either::Right(((), _fut)) => Err(Elapsed),
    }
}

/// Calls `op` up to `attempts` times (at least once), until it returns `Ok`. Between two
/// attempts it sleeps `backoff`, then twice that, then four times, and so on; it does not
/// sleep after the last attempt. Returns the first `Ok`, or the last `Err`.
pub async fn retry<S, T, E>(
    sleeper: &S,
    attempts: u32,
    backoff: Duration,
    mut op: impl AsyncFnMut() -> Result<T, E>,
) -> Result<T, E>
where
    S: Sleeper,
{
    let mut wait = backoff;
    let mut attempt = 1;
    loop {
        match op().await {
            Ok(value) => return Ok(value),
            Err(error) if attempt >= attempts => return Err(error),
            Err(_) => {
                sleeper.sleep(wait).await;
                wait *= 2;
                attempt += 1;
            }
        }
    }
}
