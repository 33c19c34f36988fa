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
    assert!(
        max_attempts >= 1,
        "retry: max_attempts must be at least 1, got 0"
    );
    let mut backoff = first_backoff;
    let mut attempt = 1;
    loop {
        match op(attempt).await {
            Ok(value) => return Ok(value),
            Err(error) if attempt == max_attempts => return Err(error),
            Err(_) => {
                tokio::time::sleep(backoff).await;
                backoff *= 2;
                attempt += 1;
            }
        }
    }
}
