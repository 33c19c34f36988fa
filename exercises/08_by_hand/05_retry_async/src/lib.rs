//! # Retry an async closure
//!
//! [`retry`] is the chapter's `RetryFuture` written the way application code writes it: an
//! `async fn` with a loop, taking the operation as an async closure. Attempt `n` (from 1) is
//! `op(n).await`. The first `Ok` is returned; after a failure the next attempt starts after a
//! back-off that doubles each time (`first_backoff`, then twice that, then four times, ...); after
//! `max_attempts` failures the last attempt's `Err` is returned at once, with no back-off after it.
//!
//! Why `AsyncFnMut` and not `FnMut() -> Fut`: with `F: FnMut(u32) -> Fut`, the future `Fut` is one
//! type for every call, so it cannot borrow from the closure itself, and `|n| async { conn.send(n)
//! .await }` (a closure returning an async block that uses a captured `&mut conn`) does not compile.
//! An async closure's future may borrow what the closure captured, for as long as that call runs:
//! `async |n| conn.send(n).await` works, and the caller keeps its `conn` afterwards.
//!
//! The tests live in `tests/retry_async.rs`. Do not edit them: make them pass by changing this
//! file. Run them with `cargo lab check retry_async`.

use std::time::Duration;

/// Runs `op(1)`, `op(2)`, ... until one returns `Ok` or `max_attempts` have returned `Err`,
/// sleeping `first_backoff`, `2 * first_backoff`, `4 * first_backoff`, ... between attempts.
///
/// # Panics
///
/// If `max_attempts` is 0: with no attempt there would be neither an `Ok` nor an `Err` to return.
pub async fn retry<T, E>(
    max_attempts: u32,
    first_backoff: Duration,
    mut op: impl AsyncFnMut(u32) -> Result<T, E>,
) -> Result<T, E> {
    // TODO: Call `op(attempt).await` for attempt = 1, 2, ... in a loop:
    //       - an `Ok` is the answer;
    //       - an `Err` of the last attempt (`max_attempts`) is returned at once;
    //       - any other `Err` is followed by `tokio::time::sleep(backoff).await`, and the back-off
    //         doubles for the next time (`Duration` supports `*= 2`).
    //       Refuse `max_attempts == 0` with a panic whose message names `max_attempts`.
    let _ = (max_attempts, first_backoff, &mut op);
    todo!()
}
