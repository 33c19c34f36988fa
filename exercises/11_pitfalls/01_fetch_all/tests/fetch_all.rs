//! Tests for the `fetch_all` exercise. Do not edit: `cargo lab check fetch_all` runs this file as
//! it is, against your `src/lib.rs`.
//!
//! Each test is named after the bug class it catches. The timing tests run on Tokio's paused clock
//! (`tokio::time::pause`): the service's 100 ms answers take no real time, and the elapsed time
//! they measure is exact. The blocking test is the exception: a blocked thread is only visible on
//! the real clock, so it runs under testkit's watchdog.

use std::time::Duration;

use fetch_all::{FETCH_TIME, MAX_IN_FLIGHT, Service, fetch_all};
use testkit::Flavor;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// The real-time limit for every test body.
const LIMIT: Duration = Duration::from_secs(10);

fn urls(n: usize) -> Vec<String> {
    (1..=n)
        .map(|i| format!("https://example.test/{i}"))
        .collect()
}

/// How long the runtime thread may go without making progress, in real time, in the tests on
/// Tokio's paused clock: they take a few milliseconds, so only a thread blocked for real (a
/// blocking call inside async code) comes near it, and it fails in a quarter of a second instead
/// of running into the 10 s limit.
const MAX_BLOCK: Duration = Duration::from_millis(250);

/// Runs `body` on a fresh current_thread runtime with Tokio's clock paused, watched for a blocked
/// thread.
fn paused<F: Future<Output = ()> + 'static>(body: impl FnOnce() -> F + Send + 'static) {
    testkit::run_watched(Flavor::CurrentThread, LIMIT, MAX_BLOCK, || async move {
        tokio::time::pause();
        body().await;
    });
}

#[test]
fn bodies_come_back_in_input_order_and_progress_lists_every_url() {
    paused(|| async {
        let service = Service::new();
        let progress = Mutex::new(Vec::new());
        // Twelve: `.../10` sorts before `.../2` as text, so sorting the bodies by text does not
        // give back the order of the URLs.
        let urls = urls(12);
        let bodies = fetch_all(&service, &urls, &progress).await;
        let expected: Vec<String> = urls.iter().map(|u| format!("body of {u}")).collect();
        assert_eq!(
            bodies, expected,
            "one body per URL, in the order of the URLs (the service answers some URLs sooner than \
             others: buffer_unordered yields the bodies as they arrive, buffered in the order of \
             its input)"
        );
        let mut done = progress.into_inner();
        done.sort();
        let mut all = urls.clone();
        all.sort();
        assert_eq!(
            done, all,
            "progress must list every URL once its fetch has finished"
        );
    });
}

#[test]
fn accidental_sequential_execution() {
    paused(|| async {
        let service = Service::new();
        let progress = Mutex::new(Vec::new());
        let started = Instant::now();
        fetch_all(&service, &urls(MAX_IN_FLIGHT + 1), &progress).await;
        let took = started.elapsed();
        // One more URL than the limit: two rounds of FETCH_TIME. One at a time would be five.
        let rounds = 2;
        let most = service.most_in_flight();
        // Fetches that did overlap, and still took too long, waited for something else.
        assert!(
            took <= FETCH_TIME * rounds + FETCH_TIME / 2 || most < 2,
            "{} fetches of {FETCH_TIME:?} took {took:?} of Tokio time although they did run side \
             by side ({most} at once); with {MAX_IN_FLIGHT} in flight they take {:?}. Something in \
             each job waits besides the fetch: a leftover sleep (a pause between requests)? The \
             in-flight limit is what spares the service; the pause has to go",
            MAX_IN_FLIGHT + 1,
            FETCH_TIME * rounds
        );
        assert!(
            took <= FETCH_TIME * rounds + FETCH_TIME / 2,
            "accidental sequential execution: {} fetches of {FETCH_TIME:?} took {took:?} of Tokio \
             time, one at a time, but with {MAX_IN_FLIGHT} in flight they take {:?}. Is each fetch \
             awaited before the next one is even created, or does each fetch hold a lock the \
             others wait for (a lock held across .await, see the test lock_held_across_await)?",
            MAX_IN_FLIGHT + 1,
            FETCH_TIME * rounds
        );
    });
}

#[test]
fn idle_slot_between_chunks() {
    paused(|| async {
        // The service answers a URL in 100 ms less (the sum of its bytes % 10) ms: pick four URLs
        // it answers in 91 ms and one in 100 ms, the slow one fourth. A sliding window starts the
        // fifth fetch when the first ends (91 ms) and is done at 182 ms; chunks of four start it
        // only when the slow one ends (100 ms), and are done at 191 ms.
        let answers_in = |ms: u64| {
            (1..)
                .map(|i| format!("https://example.test/{i}"))
                .filter(move |u| 100 - u.bytes().map(u64::from).sum::<u64>() % 10 == ms)
        };
        let fast: Vec<String> = answers_in(91).take(4).collect();
        let slow = answers_in(100).next().expect("some URL");
        let urls = vec![
            fast[0].clone(),
            fast[1].clone(),
            fast[2].clone(),
            slow,
            fast[3].clone(),
        ];
        let service = Service::new();
        let progress = Mutex::new(Vec::new());
        let started = Instant::now();
        fetch_all(&service, &urls, &progress).await;
        let took = started.elapsed();
        let most = service.most_in_flight();
        // Fetches one at a time, or all at once, are named by the tests of those bug classes.
        if most == MAX_IN_FLIGHT && took <= FETCH_TIME * 2 + FETCH_TIME / 2 {
            assert!(
                took <= Duration::from_millis(186),
                "idle slot: 5 fetches took {took:?} of Tokio time; a sliding window of \
                 {MAX_IN_FLIGHT} takes 182 ms here. The fifth fetch started only when the whole \
                 first group had finished: fetching in chunks of {MAX_IN_FLIGHT} (join_all per \
                 chunk) leaves a slot idle while its chunk waits for its slowest fetch. Start the \
                 next fetch as soon as one ends: buffered({MAX_IN_FLIGHT}) keeps {MAX_IN_FLIGHT} \
                 in flight"
            );
        }
    });
}

#[test]
fn unbounded_concurrency() {
    paused(|| async {
        let service = Service::new();
        let progress = Mutex::new(Vec::new());
        fetch_all(&service, &urls(MAX_IN_FLIGHT + 2), &progress).await;
        let most = service.most_in_flight();
        assert!(
            most <= MAX_IN_FLIGHT,
            "unbounded concurrency: {most} requests were in flight at once, the limit is \
             {MAX_IN_FLIGHT}. Starting every fetch at once (join_all, a spawn per URL) overloads the \
             service; cap them with buffered({MAX_IN_FLIGHT}) or a Semaphore"
        );
    });
}

#[test]
fn lock_held_across_await() {
    paused(|| async {
        let service = Service::new();
        let progress = Mutex::new(Vec::new());
        let urls = urls(4);
        let dashboard = async {
            // Half-way through the first round of fetches, none has finished: nothing needs the
            // progress lock, so the dashboard must get it at once.
            tokio::time::sleep(FETCH_TIME / 2).await;
            let got = tokio::time::timeout(Duration::from_millis(1), progress.lock()).await;
            let listed = got.unwrap_or_else(|_| {
                panic!(
                    "lock held across .await: half-way through a fetch the dashboard could not \
                     lock the progress list. Is a guard taken before the fetch and kept across its \
                     .await?"
                )
            });
            assert!(
                listed.is_empty(),
                "half-way through the first round of fetches, none has finished, but progress \
                 already lists {listed:?}: a URL is recorded before its fetch. Record it once \
                 its fetch has finished"
            );
        };
        tokio::join!(fetch_all(&service, &urls, &progress), dashboard);
    });
}

#[test]
fn blocking_the_executor() {
    // The watchdog fails the test, naming a blocked runtime thread, if the thread that runs the
    // fetches stops for more than 100 ms. The service answers in 100 ms, on the real clock here.
    testkit::run_watched(
        Flavor::CurrentThread,
        LIMIT,
        Duration::from_millis(100),
        || async {
            let service = Service::new();
            let progress = Mutex::new(Vec::new());
            let bodies = fetch_all(&service, &urls(3), &progress).await;
            assert_eq!(bodies.len(), 3, "one body per URL");
        },
    );
}
