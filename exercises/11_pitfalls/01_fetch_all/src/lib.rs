//! # Exercise: spot the bugs in a fetcher
//!
//! Chapter 11, *Common pitfalls*. [`fetch_all`] fetches a list of URLs from a slow [`Service`],
//! records each finished URL in a progress list that a dashboard reads while the fetches run, and
//! returns the bodies. It works: every body comes back, in order. It also has three of the
//! chapter's pitfalls in it, and each has a test that names it. Fix all three, keeping the
//! signature. What [`fetch_all`] must do:
//!
//! - return the bodies in the order of `urls`;
//! - have up to [`MAX_IN_FLIGHT`] requests in flight at once, never more;
//! - push each URL onto `progress` as soon as its fetch has finished, and hold the progress lock
//!   only for that push, so the dashboard can read it at any time;
//! - never block the runtime thread.
//!
//! The tests live in `tests/fetch_all.rs`. Do not edit them: `cargo lab check fetch_all` runs them
//! as they are, and so does CI against the solution.
//!
//! # Layout
//!
//! - [`Service`]: the simulated service (given, correct).
//! - [`fetch_all`]: the function to fix.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::Mutex;

/// How long the simulated service takes to answer one request, on Tokio's clock.
pub const FETCH_TIME: Duration = Duration::from_millis(100);

/// The most requests [`fetch_all`] may have in flight at once.
pub const MAX_IN_FLIGHT: usize = 4;

/// A simulated slow service. It answers each request after about [`FETCH_TIME`] (up to 9 ms less,
/// depending on the URL, so answers do not come back in the order they were asked for) and counts
/// how many requests were in flight at once. It is given, and correct: the bugs are in
/// [`fetch_all`].
#[derive(Debug, Default)]
pub struct Service {
    /// Requests started and not yet answered.
    in_flight: AtomicUsize,
    /// The highest `in_flight` has been.
    most_in_flight: AtomicUsize,
}

impl Service {
    /// A service that has answered nothing yet.
    pub fn new() -> Service {
        Service::default()
    }

    /// Fetches `url`: waits [`FETCH_TIME`], less a few milliseconds that depend on the URL, with
    /// Tokio's timer, then answers `"body of <url>"`.
    pub async fn fetch(&self, url: &str) -> String {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_in_flight.fetch_max(now, Ordering::SeqCst);
        let sum: u64 = url.bytes().map(u64::from).sum();
        tokio::time::sleep(FETCH_TIME - Duration::from_millis(sum % 10)).await;
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        format!("body of {url}")
    }

    /// The most requests that were ever in flight at the same time.
    pub fn most_in_flight(&self) -> usize {
        self.most_in_flight.load(Ordering::SeqCst)
    }
}

/// Fetches every URL in `urls` from `service`, records each finished URL in `progress`, and returns
/// the bodies in the order of `urls`.
//
// TODO: this function has three async bugs; the tests name them (`cargo lab check fetch_all`).
// Find and fix all three without changing the signature. Chapter 11's examples show each kind:
// look at how the fetches are awaited, at what blocks the thread, and at how long each lock guard
// lives. Helpful APIs: `futures::stream::iter` with `StreamExt::buffered` (or `buffer_unordered`
// and a sort), `tokio::time::sleep`, and a block `{ ... }` that ends a guard's life.
pub async fn fetch_all(
    service: &Service,
    urls: &[String],
    progress: &Mutex<Vec<String>>,
) -> Vec<String> {
    let mut bodies = Vec::new();
    for url in urls {
        let mut done = progress.lock().await;
        let body = service.fetch(url).await;
        // Give the service a moment between requests.
        std::thread::sleep(Duration::from_millis(120));
        done.push(url.clone());
        bodies.push(body);
    }
    bodies
}
