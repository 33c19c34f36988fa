//! Tests for `first_await`. They run against the stub you edit and, unchanged, against the solution.

use std::time::Duration;

use first_await::after;
use testkit::Flavor;

/// Paused time: when every task is waiting, the runtime's clock jumps to the next timer, so this
/// test checks the wait exactly while taking almost no real time.
#[tokio::test(start_paused = true)]
async fn waits_then_returns_the_value() {
    let start = tokio::time::Instant::now();
    let value =
        testkit::timeout(Duration::from_secs(2), after(Duration::from_millis(300), 7)).await;
    assert_eq!(
        value, 7,
        "after returns the value it was given, once the delay has passed"
    );
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(300) && waited < Duration::from_millis(400),
        "`after` waited {waited:?} of the runtime's clock instead of 300 ms: wait with `tokio::time::sleep(delay).await`"
    );
}

/// Two waits awaited together with `join!` overlap: the total is one delay, not two.
#[tokio::test(start_paused = true)]
async fn two_waits_overlap() {
    let start = tokio::time::Instant::now();
    let both = async {
        tokio::join!(
            after(Duration::from_millis(300), 1),
            after(Duration::from_millis(300), 2)
        )
    };
    let (a, b) = testkit::timeout(Duration::from_secs(2), both).await;
    assert_eq!((a, b), (1, 2), "each call of after returns its own value");
    assert!(
        start.elapsed() < Duration::from_millis(600),
        "two 300 ms waits joined took {:?}: while one waits, the other must be able to run",
        start.elapsed()
    );
}

/// With testkit's watchdog: a `std::thread::sleep` inside `after` would stop the runtime's
/// heartbeat for the whole 500 ms, twice the 250 ms allowed; `tokio::time::sleep` never stops it.
/// The margin is generous because a busy machine can delay a heartbeat briefly.
///
/// The runtime's clock is paused inside the body
/// ([`tokio::time::pause`](https://docs.rs/tokio/latest/tokio/time/fn.pause.html)), so a correct
/// `after` costs almost no real time: while every task waits, the clock jumps from one 1 ms
/// heartbeat to the next until the 500 ms have passed (`tokio/src/runtime/time/mod.rs` advances it
/// when the driver parks with no work). The watchdog still measures the heartbeat's silence by the
/// wall clock, and a blocking call takes its real 500 ms however the runtime's clock is set.
#[test]
fn does_not_block_the_runtime_thread() {
    testkit::run_watched(
        Flavor::CurrentThread,
        Duration::from_secs(2),
        Duration::from_millis(250),
        || async {
            tokio::time::pause();
            assert_eq!(
                after(Duration::from_millis(500), 3).await,
                3,
                "after returns the value it was given, once the delay has passed"
            );
        },
    );
}
