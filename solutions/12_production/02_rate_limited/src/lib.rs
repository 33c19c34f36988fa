//! # A fetcher with a concurrency limit and a rate limit
//!
//! Chapter 12, *Production patterns*. [`fetch_all`] fetches every URL from a [`Service`] with two
//! limits: a [`Semaphore`] of `max_in_flight` permits bounds the requests running at once, and an
//! [`interval`](tokio::time::interval) of one second divided by `per_second` spaces out their
//! starts. A request takes a tick first, then a permit, and only then starts; its permit goes back
//! when it ends.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::{Instant, MissedTickBehavior};

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
pub async fn fetch_all(
    service: Arc<Service>,
    urls: Vec<String>,
    max_in_flight: usize,
    per_second: u32,
) -> Vec<String> {
    let permits = Arc::new(Semaphore::new(max_in_flight));
    let mut ticks = tokio::time::interval(Duration::from_secs(1) / per_second);
    // After a wait for a permit, space the next starts a full period apart rather than firing the
    // missed ticks back to back (the default, `Burst`): gentler on the service, same limit.
    ticks.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut requests = JoinSet::new();
    let count = urls.len();
    for (position, url) in urls.into_iter().enumerate() {
        ticks.tick().await;
        let permit = permits
            .clone()
            .acquire_owned()
            .await
            .expect("the semaphore is never closed");
        let service = service.clone();
        requests.spawn(async move {
            let body = service.fetch(&url).await;
            drop(permit);
            (position, body)
        });
    }
    let mut bodies = vec![String::new(); count];
    while let Some(done) = requests.join_next().await {
        let (position, body) = done.expect("a fetch does not panic");
        bodies[position] = body;
    }
    bodies
}
