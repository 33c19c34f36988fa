//! # tokio87: a Tower stack: rate limit, concurrency limit, retry, time-out
//!
//! Chapter 12, *Production patterns*. [Tower](https://docs.rs/tower/latest/tower/) describes a
//! service as a `Service<Request>`: `poll_ready` says whether it can take a request now, `call`
//! starts one and returns its response future. Middleware is a service wrapping a service, and
//! [`ServiceBuilder`](https://docs.rs/tower/latest/tower/struct.ServiceBuilder.html) stacks them,
//! the first layer listed outermost:
//!
//! - `rate_limit(4, 100 ms)`: at most 4 requests admitted per 100 ms;
//! - `concurrency_limit(2)`: at most 2 in flight;
//! - `retry(..)`: one more attempt for a request that failed;
//! - `timeout(100 ms)`: an attempt that takes longer fails with "request timed out".
//!
//! The backend answers in 20 ms, except request 3, whose first attempt fails, and request 5, which
//! takes 200 ms every time. Eight requests go through the stack; each is admitted with
//! [`ServiceExt::ready`](https://docs.rs/tower/latest/tower/trait.ServiceExt.html#method.ready),
//! which waits for the rate and concurrency limits, and then runs in a task of its own. The backend
//! counts what reaches it.
//!
//! ```text
//! cargo run --example tokio87
//! ```
//!
//! The time in the last line varies; one run printed:
//!
//! ```text
//! 8 requests: 7 answered, 1 failed: request timed out
//! backend: 10 calls (8 requests, 2 retries), at most 2 at once
//! the last request was admitted 145 ms after the first
//! ```
//!
//! The retry of request 3 succeeds; request 5 times out, is retried, and times out again. Eight
//! requests at 4 per 100 ms need two windows, so the last one is admitted at least 100 ms after
//! the first.

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;
use tower::retry::Policy;
use tower::{BoxError, Service, ServiceBuilder, ServiceExt, service_fn};

// ANCHOR: policy
/// Retries a failed request once. Tower clones the policy for every request, so
/// the count is per request.
#[derive(Clone)]
struct RetryOnce {
    left: u32,
}

impl<Res> Policy<u32, Res, BoxError> for RetryOnce {
    type Future = std::future::Ready<()>;

    fn retry(
        &mut self,
        _request: &mut u32,
        result: &mut Result<Res, BoxError>,
    ) -> Option<Self::Future> {
        match result {
            Err(_) if self.left > 0 => {
                self.left -= 1;
                Some(std::future::ready(()))
            }
            _ => None,
        }
    }

    fn clone_request(&mut self, request: &u32) -> Option<u32> {
        Some(*request)
    }
}
// ANCHOR_END: policy

/// What the backend saw.
#[derive(Default)]
struct Seen {
    calls: AtomicUsize,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    failed_once: Mutex<HashSet<u32>>,
}

/// The backend: 20 ms per answer; request 3 fails on its first attempt; request 5 takes 200 ms.
async fn backend(seen: Arc<Seen>, request: u32) -> Result<String, BoxError> {
    seen.calls.fetch_add(1, Ordering::SeqCst);
    let now = seen.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    seen.most_in_flight.fetch_max(now, Ordering::SeqCst);
    // Counted down even when the time-out drops this future half-way.
    let _leaving = Leaving(&seen.in_flight);
    let work = if request == 5 { 200 } else { 20 };
    tokio::time::sleep(Duration::from_millis(work)).await;
    if request == 3 && seen.failed_once.lock().unwrap().insert(3) {
        return Err("backend unavailable".into());
    }
    Ok(format!("answer {request}"))
}

/// Decrements the in-flight count when dropped.
struct Leaving<'a>(&'a AtomicUsize);

impl Drop for Leaving<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let seen = Arc::new(Seen::default());
    let mut service = ServiceBuilder::new()
        .rate_limit(4, Duration::from_millis(100))
        .concurrency_limit(2)
        .retry(RetryOnce { left: 1 })
        .timeout(Duration::from_millis(100))
        .service(service_fn({
            let seen = seen.clone();
            move |request| backend(seen.clone(), request)
        }));

    let mut admitted = Vec::new();
    let mut responses = Vec::new();
    for request in 0..8 {
        // `ready` waits until every layer's `poll_ready` says yes; only then
        // may `call` be used.
        let ready = service.ready().await.expect("the limits never fail");
        admitted.push(Instant::now());
        responses.push(tokio::spawn(ready.call(request)));
    }
    let (mut answered, mut failures) = (0, Vec::new());
    for response in responses {
        match response.await.expect("no task panics") {
            Ok(_answer) => answered += 1,
            Err(error) => failures.push(error.to_string()),
        }
    }
    println!(
        "8 requests: {answered} answered, {} failed: {}",
        failures.len(),
        failures.join(", ")
    );
    let calls = seen.calls.load(Ordering::SeqCst);
    println!(
        "backend: {calls} calls (8 requests, {} retries), at most {} at once",
        calls - 8,
        seen.most_in_flight.load(Ordering::SeqCst)
    );
    let spread = admitted[7] - admitted[0];
    println!(
        "the last request was admitted {} ms after the first",
        spread.as_millis()
    );
}
// ANCHOR_END: main
