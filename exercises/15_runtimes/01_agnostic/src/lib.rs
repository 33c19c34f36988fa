//! A time-out and a retry with back-off that run on any runtime.
//!
//! The tests live in `tests/agnostic.rs`; do not edit them. They run every case twice, once under
//! Tokio and once under smol, each handing in its own timer. `cargo lab check agnostic` runs them.
//!
//! The library depends on `futures` alone (see `Cargo.toml`): there is no `tokio` to call. The
//! one thing it needs from a runtime, a timer, comes in through the [`Sleeper`] trait.

use std::time::Duration;

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
    // TODO: race `fut` against `sleeper.sleep(limit)`, whichever finishes first wins.
    // `futures::future::select` takes two `Unpin` futures (`std::pin::pin!` makes them so) and
    // returns `Either::Left((output, other))` or `Either::Right((output, other))`.
    let _ = (sleeper, limit, fut);
    todo!("timeout")
}

/// Calls `op` up to `attempts` times (at least once), until it returns `Ok`. Between two
/// attempts it sleeps `backoff`, then twice that, then four times, and so on; it does not
/// sleep after the last attempt. Returns the first `Ok`, or the last `Err`.
pub async fn retry<S, T, E>(
    sleeper: &S,
    attempts: u32,
    backoff: Duration,
    op: impl AsyncFnMut() -> Result<T, E>,
) -> Result<T, E>
where
    S: Sleeper,
{
    // TODO: a loop around `op().await`. Wait with `sleeper.sleep(..).await`, the only timer
    // this library has; a thread-blocking sleep would stop every other task on the executor.
    let _ = (sleeper, attempts, backoff, op);
    todo!("retry")
}
