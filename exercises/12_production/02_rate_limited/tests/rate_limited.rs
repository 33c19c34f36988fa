//! Tests for the `rate_limited` exercise. Do not edit: `cargo lab check rate_limited` runs this
//! file as it is, against your `src/lib.rs`.
//!
//! Every test runs on Tokio's paused clock (`tokio::time::pause`): the service's 100 ms answers and
//! the fetcher's waits take no real time, and every time the service records is exact.

use std::time::Duration;

use rate_limited::{FETCH_TIME, Service, fetch_all};
use testkit::Flavor;
use tokio::time::Instant;

/// The real-time limit for every test body.
const LIMIT: Duration = Duration::from_secs(10);

fn urls(n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| format!("https://api.test/item/{i}"))
        .collect()
}

/// Runs `body` on a fresh current_thread runtime with Tokio's clock paused.
fn paused<F: Future<Output = ()> + 'static>(body: impl FnOnce() -> F + Send + 'static) {
    testkit::run(Flavor::CurrentThread, LIMIT, || async move {
        tokio::time::pause();
        body().await;
    });
}

/// Awaits `fut` for at most an hour of Tokio's paused clock, which passes in no real time once
/// nothing else can run: a fetcher stuck for good fails at once, with the likely cause.
async fn bounded<T>(fut: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(3600), fut)
        .await
        .unwrap_or_else(|_| {
            panic!(
                "fetch_all had not returned after an hour of Tokio's clock (a few seconds would \
                 do): it waits for something that never comes. The likely cause is a permit that \
                 never comes back: a permit forgotten (forget()) or kept after its request \
                 ended runs the semaphore dry after max_in_flight requests. Move the \
                 OwnedSemaphorePermit (acquire_owned) into the request's task, so it is dropped \
                 when the fetch ends"
            )
        })
}

#[test]
fn every_body_comes_back_in_order() {
    paused(|| async {
        let service = Service::new();
        let bodies = bounded(fetch_all(service, urls(7), 3, 100)).await;
        let expected: Vec<String> = urls(7).iter().map(|u| format!("body of {u}")).collect();
        assert_eq!(
            bodies, expected,
            "one body per URL, in the order of the URLs"
        );
    });
}

#[test]
fn never_more_than_max_in_flight() {
    paused(|| async {
        let service = Service::new();
        // A generous rate, so that only the concurrency limit holds the requests back.
        bounded(fetch_all(service.clone(), urls(12), 3, 1000)).await;
        let most = service.most_in_flight();
        assert!(
            most <= 3,
            "concurrency limit: {most} requests were in flight at once, the limit was 3"
        );
        assert_eq!(
            most, 3,
            "with 12 requests and a fast rate the fetcher should use all 3 slots, it used \
             {most}: are the requests really running side by side (spawned), or does each wait \
             for the one before?"
        );
    });
}

#[test]
fn never_more_than_per_second_started_in_a_second() {
    paused(|| async {
        let service = Service::new();
        // Plenty of concurrency, so that only the rate holds the requests back.
        bounded(fetch_all(service.clone(), urls(13), 20, 4)).await;
        let starts = service.starts();
        assert_eq!(starts.len(), 13, "every URL must be fetched once");
        // Any 5 consecutive starts must span at least one second: otherwise some one-second
        // window held 5 starts, over the limit of 4.
        for (i, window) in starts.windows(5).enumerate() {
            let span = window[4] - window[0];
            // Starts at the very same instant of a paused clock were not spaced by any Tokio
            // timer: the likely cause is a wait that Tokio's clock does not see.
            let note = if span.is_zero() {
                " No Tokio time passed between them: a wait with std::thread::sleep (or any \
                 blocking wait) does not move Tokio's clock, which is paused in these tests, and it \
                 blocks the runtime thread besides; space the starts with a tokio::time::interval \
                 (tick().await)"
            } else {
                ""
            };
            assert!(
                span >= Duration::from_secs(1),
                "rate limit: requests {} to {} started within {span:?} of Tokio's clock, so 5 \
                 started in under a second with a limit of 4 per second.{note}",
                i + 1,
                i + 5
            );
        }
    });
}

#[test]
fn a_stall_does_not_release_a_burst_of_starts() {
    paused(|| async {
        let service = Service::new();
        let fetching = tokio::spawn(fetch_all(service.clone(), urls(9), 20, 4));
        // 10 ms in, the first request has started and the second waits for its turn.
        tokio::time::sleep(Duration::from_millis(10)).await;
        let early = service.starts().len();
        assert!(
            early <= 1,
            "{early} requests started in the first 10 ms of Tokio's clock, with a limit of 4 per \
             second: nothing spaced them on Tokio's clock. A wait with std::thread::sleep (or any \
             blocking wait) does not move Tokio's clock, which is paused in these tests, and it \
             blocks the runtime thread besides; space the starts with a tokio::time::interval \
             (tick().await)"
        );
        // The process stalls for 2 s (a long poll elsewhere, a suspended machine): Tokio's clock
        // jumps ahead, and every timer due in between is due at once.
        tokio::time::advance(Duration::from_secs(2)).await;
        bounded(fetching).await.expect("fetch_all panicked");
        let starts = service.starts();
        assert_eq!(starts.len(), 9, "every URL must be fetched once");
        for (i, window) in starts.windows(5).enumerate() {
            let span = window[4] - window[0];
            assert!(
                span >= Duration::from_secs(1),
                "after a 2 s stall, requests {} to {} started within {span:?}: the interval fired \
                 the ticks it had missed back to back, which is what an interval does by default \
                 (MissedTickBehavior::Burst), and the service got 5 starts in under a second with \
                 a limit of 4. Set MissedTickBehavior::Delay on the interval \
                 (set_missed_tick_behavior) so the next start waits a full period",
                i + 1,
                i + 5
            );
        }
    });
}

#[test]
fn not_slower_than_the_limits_require() {
    paused(|| async {
        let service = Service::new();
        let started = Instant::now();
        bounded(fetch_all(service.clone(), urls(8), 2, 20)).await;
        let took = started.elapsed();
        // 8 requests of 100 ms, 2 at a time, one start per 50 ms at most: request n starts when
        // both its tick and a permit are there, at 0, 50, 100, ..., 350 ms, and the last ends at
        // 450 ms. One at a time would take 800 ms.
        let needed = FETCH_TIME * 4 + FETCH_TIME / 2;
        assert!(
            took <= needed + FETCH_TIME / 2,
            "8 fetches, 2 at a time, at most 20 per second, took {took:?} of Tokio time; the limits \
             need only {needed:?}. Are the requests really running side by side, or does each wait \
             for a whole second, or for the one before it?"
        );
    });
}
