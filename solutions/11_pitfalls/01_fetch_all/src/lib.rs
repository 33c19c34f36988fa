//! # A fetcher with its async bugs fixed
//!
//! Chapter 11, *Common pitfalls*. [`fetch_all`] fetches a list of URLs from a slow [`Service`],
//! up to [`MAX_IN_FLIGHT`] at once, records each finished URL in a progress list that a dashboard
//! reads while the fetches run, and returns the bodies in the order of the URLs.
//!
//! The three bugs of the exercise, and what replaced them:
//!
//! - **Accidental sequential execution.** Awaiting each fetch in a `for` loop ran them one after
//!   another. A stream of fetch futures with
//!   [`buffered`](https://docs.rs/futures/latest/futures/stream/trait.StreamExt.html#method.buffered)
//!   polls up to [`MAX_IN_FLIGHT`] of them at once and yields their results in input order.
//! - **Blocking the executor.** `std::thread::sleep` between requests held the runtime thread; the
//!   in-flight limit is what spares the service, so the pause is gone.
//! - **A lock held across `.await`.** The progress guard was taken before the fetch and lived
//!   through it; now the lock is taken after the fetch, for one push.
//!
//! # Layout
//!
//! - [`Service`]: the simulated service.
//! - [`fetch_all`]: the fetcher.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::stream::{self, StreamExt};
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

/// Fetches every URL in `urls` from `service`, up to [`MAX_IN_FLIGHT`] at once, records each
/// finished URL in `progress`, and returns the bodies in the order of `urls`.
pub async fn fetch_all(
    service: &Service,
    urls: &[String],
    progress: &Mutex<Vec<String>>,
) -> Vec<String> {
    stream::iter(urls)
        .map(|url| async move {
            let body = service.fetch(url).await;
            // The guard is a temporary of this statement: the lock is held for the push only.
            progress.lock().await.push(url.clone());
            body
        })
        .buffered(MAX_IN_FLIGHT)
        .collect()
        .await
}
