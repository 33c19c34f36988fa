//! # tokio46: retrying an operation, by hand and with a pause between attempts
//!
//! Chapter 8, *Futures by hand*. A future cannot be restarted once it has finished, so a retry
//! takes a *factory*, a closure that makes a fresh attempt each time it is called. `Retry` polls
//! the current attempt; on `Err` it makes the next one and polls it at once, in the same `poll`,
//! because nothing else would wake the task to do it later.
//!
//! ```text
//! cargo run --example tokio46
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! attempt 1: Err("connection refused")
//! attempt 2: Err("connection refused")
//! attempt 3: Ok("connected")
//! flaky service: Ok("connected") after 3 attempts
//! attempt 1: Err("connection refused")
//! attempt 2: Err("connection refused")
//! dead service: Err("connection refused") after 2 attempts
//! with backoff: Ok("connected") after waiting 100 + 200 ms between attempts
//! ```
//!
//! The flaky service succeeds at its third attempt; the dead one never does, and the last error
//! is returned once `max_attempts` (2) have failed. Retrying at once is rarely what you want
//! against a struggling service: the last case waits between attempts with an `async fn` and a
//! plain loop, which is simpler than a hand-written future once waiting is involved. The waits
//! are `tokio::time::sleep`, never `std::thread::sleep`, which would stop every task on the thread.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

// ANCHOR: retry
struct Retry<F, Fut> {
    factory: F,
    current: Option<Fut>,
    attempts: usize,
    max_attempts: usize,
}

impl<F, Fut, T, E> Future for Retry<F, Fut>
where
    F: FnMut() -> Fut + Unpin,
    Fut: Future<Output = Result<T, E>> + Unpin,
{
    type Output = (Result<T, E>, usize);

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Self::Output> {
        let this = &mut *self;
        loop {
            let attempt = match &mut this.current {
                Some(attempt) => attempt,
                None => {
                    this.attempts += 1;
                    this.current.insert((this.factory)())
                }
            };
            match Pin::new(attempt).poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Err(_)) if this.attempts < this.max_attempts => {
                    this.current = None
                }
                Poll::Ready(done) => return Poll::Ready((done, this.attempts)),
            }
        }
    }
}
// ANCHOR_END: retry

// ANCHOR: backoff
/// Up to `max_attempts` attempts, sleeping `first_wait`, then twice as long,
/// and so on, between them.
async fn retry_with_backoff<F, Fut, T, E>(
    max_attempts: usize,
    first_wait: Duration,
    mut factory: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    let mut wait = first_wait;
    let mut attempt = 1;
    loop {
        match factory().await {
            Err(_) if attempt < max_attempts => {
                tokio::time::sleep(wait).await;
                wait *= 2;
                attempt += 1;
            }
            done => return done,
        }
    }
}
// ANCHOR_END: backoff

/// A service that refuses the first `failures` connections; counts the calls in
/// `calls`.
fn service(
    failures: usize,
    log: bool,
) -> impl FnMut()
    -> Pin<Box<dyn Future<Output = Result<&'static str, &'static str>>>>
+ Unpin {
    let mut calls = 0;
    move || {
        calls += 1;
        let n = calls;
        Box::pin(async move {
            // The attempt takes more than one poll.
            tokio::task::yield_now().await;
            let result = if n > failures {
                Ok("connected")
            } else {
                Err("connection refused")
            };
            if log {
                println!("attempt {n}: {result:?}");
            }
            result
        })
    }
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let flaky = Retry {
        factory: service(2, true),
        current: None,
        attempts: 0,
        max_attempts: 5,
    };
    let (result, attempts) = flaky.await;
    println!("flaky service: {result:?} after {attempts} attempts");

    let dead = Retry {
        factory: service(usize::MAX, true),
        current: None,
        attempts: 0,
        max_attempts: 2,
    };
    let (result, attempts) = dead.await;
    println!("dead service: {result:?} after {attempts} attempts");

    let result =
        retry_with_backoff(5, Duration::from_millis(100), service(2, false))
            .await;
    println!(
        "with backoff: {result:?} after waiting 100 + 200 ms between attempts"
    );
}
// ANCHOR_END: main
