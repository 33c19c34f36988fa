//! # Exercise: a fetcher with a concurrency limit and a rate limit
//!
//! Chapter 12, *Production patterns*. Write [`fetch_all`]: fetch every URL from a [`Service`] and
//! return the bodies in the order of the URLs, with two limits, as a polite client of a real API
//! would have:
//!
//! - at most `max_in_flight` requests in flight at once;
//! - at most `per_second` requests *started* in any one second.
//!
//! The tests run on Tokio's paused clock and read the service's own records (the start time of
//! every request, the most in flight) to prove both limits, and that the fetcher is not slower
//! than the limits make it.
//!
//! The tests live in `tests/rate_limited.rs`. Do not edit them: `cargo lab check rate_limited`
//! runs them as they are, and so does CI against the solution.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

/// How long the simulated service takes to answer one request, on Tokio's clock.
pub const FETCH_TIME: Duration = Duration::from_millis(100);

/// A simulated service. It answers every request after [`FETCH_TIME`] and records when each
/// request started and how many were in flight at once. Given, and correct.
#[derive(Debug, Default)]
pub struct Service {
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    starts: Mutex<Vec<Instant>>,
}

impl Service {
    /// A service that has answered nothing yet, shared.
    pub fn new() -> Arc<Service> {
        Arc::new(Service::default())
    }

    /// Fetches `url`: waits [`FETCH_TIME`], then answers `"body of <url>"`.
    pub async fn fetch(&self, url: &str) -> String {
        self.starts.lock().unwrap().push(Instant::now());
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(FETCH_TIME).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        format!("body of {url}")
    }

    /// The most requests that were ever in flight at the same time.
    pub fn most_in_flight(&self) -> usize {
        self.most_in_flight.load(Ordering::SeqCst)
    }

    /// When each request started, in the order they started (Tokio's clock).
    pub fn starts(&self) -> Vec<Instant> {
        self.starts.lock().unwrap().clone()
    }
}

/// Fetches every URL, at most `max_in_flight` at once and at most `per_second` started per
/// second, and returns the bodies in the order of `urls`.
//
// TODO: fetch every URL with both limits kept (at most `max_in_flight` requests running, at most
// `per_second` starts a second) and return the bodies in the order of `urls`. APIs that help:
// `tokio::sync::Semaphore` (`acquire_owned`), `tokio::time::interval` and `tokio::task::JoinSet`.
pub async fn fetch_all(
    service: Arc<Service>,
    urls: Vec<String>,
    max_in_flight: usize,
    per_second: u32,
) -> Vec<String> {
    let _ = (service, urls, max_in_flight, per_second);
    todo!("fetch every URL within both limits")
}
