//! Tests for the `mock_backend` exercise. Do not edit: `cargo lab check mock_backend` runs this
//! file as it is, against your `src/lib.rs`.
//!
//! Every test runs on Tokio's paused clock: the mock's 100 ms per call cost no real time, and
//! every elapsed time is the same on every run (to the millisecond: Tokio's timer rounds a deadline
//! up to the next whole millisecond).

use std::time::Duration;

use mock_backend::{Backend, DELAY, Mock};
use testkit::Flavor;
use tokio::time::{Instant, sleep};

/// The real-time limit for every test body.
const LIMIT: Duration = Duration::from_secs(10);
/// One millisecond: the timer's rounding.
const TICK: Duration = Duration::from_millis(1);

/// Runs `body` on a fresh current_thread runtime with Tokio's clock paused.
fn paused<F: Future<Output = ()> + 'static>(body: impl FnOnce() -> F + Send + 'static) {
    testkit::run(Flavor::CurrentThread, LIMIT, || async move {
        tokio::time::pause();
        body().await;
    });
}

/// One call, bounded: on the paused clock a call that never ends fails at once.
async fn fetch(mock: &Mock, key: &str) -> Result<u32, String> {
    testkit::timeout(Duration::from_secs(5), mock.fetch(key)).await
}

#[test]
fn answers_come_from_the_script_in_order_then_an_error() {
    paused(|| async {
        let mock = Mock::new();
        mock.script("a", [Ok(1), Err("down".to_string()), Ok(3)]);
        assert_eq!(fetch(&mock, "a").await, Ok(1));
        assert_eq!(fetch(&mock, "a").await, Err("down".to_string()));
        assert_eq!(fetch(&mock, "a").await, Ok(3));
        assert_eq!(
            fetch(&mock, "a").await,
            Err("no answer scripted for a".to_string()),
            "a call with no answer left gets an error"
        );
        assert_eq!(mock.calls(), ["a", "a", "a", "a"]);
    });
}

#[test]
fn a_second_script_adds_after_any_still_queued() {
    paused(|| async {
        let mock = Mock::new();
        mock.script("k", [Ok(1)]);
        mock.script("k", [Ok(2)]);
        mock.script("other", [Ok(9)]);
        assert_eq!(
            [fetch(&mock, "k").await, fetch(&mock, "k").await],
            [Ok(1), Ok(2)],
            "script queues answers after any still queued; it does not replace them"
        );
        assert_eq!(fetch(&mock, "other").await, Ok(9));
    });
}

#[test]
fn each_call_takes_delay_of_tokio_time() {
    paused(|| async {
        let mock = Mock::new();
        mock.script("a", [Ok(1)]);
        let start = Instant::now();
        let real = std::time::Instant::now();
        fetch(&mock, "a").await.unwrap();
        let took = start.elapsed();
        assert!(
            took >= DELAY && took <= DELAY + TICK,
            "a call took {took:?} of Tokio time instead of {DELAY:?}: the mock must wait with \
             tokio::time::sleep, which follows Tokio's (here paused) clock, not the thread's sleep"
        );
        assert!(
            real.elapsed() < DELAY,
            "a call took {:?} of real time: on a paused clock tokio::time::sleep costs none, so \
             the mock waited some other way",
            real.elapsed()
        );
    });
}

#[test]
fn calls_are_recorded_when_they_start() {
    paused(|| async {
        let mock = Mock::new();
        mock.script("a", [Ok(1)]);
        mock.script("b", [Ok(2)]);
        let look = async {
            sleep(DELAY / 10).await;
            mock.calls()
        };
        let (a, b, seen) = tokio::join!(mock.fetch("a"), mock.fetch("b"), look);
        assert_eq!((a, b), (Ok(1), Ok(2)));
        assert_eq!(
            seen,
            ["a", "b"],
            "calls must be recorded when they start: 10 ms into two calls of 100 ms, both are \
             running and both must be in calls()"
        );
    });
}

#[test]
fn calls_at_once_overlap_and_are_counted() {
    paused(|| async {
        let mock = Mock::new();
        for key in ["a", "b", "c"] {
            mock.script(key, [Ok(0)]);
        }
        let start = Instant::now();
        let _ = tokio::join!(mock.fetch("a"), mock.fetch("b"), mock.fetch("c"));
        let took = start.elapsed();
        assert!(
            took <= DELAY + TICK,
            "three calls at once took {took:?} of Tokio time, not {DELAY:?}: they must wait side \
             by side"
        );
        let most = mock.most_in_flight();
        assert_eq!(
            most, 3,
            "three calls started at once, and {most} ran at once: a call that waits with \
             std::thread::sleep keeps the runtime's only thread, so the others cannot start; \
             tokio::time::sleep lets them"
        );
    });
}

#[test]
fn calls_one_after_another_never_ran_at_once() {
    paused(|| async {
        let mock = Mock::new();
        mock.script("a", [Ok(1), Ok(2), Ok(3)]);
        for _ in 0..3 {
            fetch(&mock, "a").await.unwrap();
        }
        assert_eq!(
            mock.most_in_flight(),
            1,
            "three calls one after another: at most one ran at once, so a finished call must \
             leave the count of calls in flight"
        );
    });
}
