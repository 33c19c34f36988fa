//! Reference tests for the `test_debouncer` exercise: the suite that passes against the correct
//! debouncer and fails against every hidden bug in `bugs.toml`.
//!
//! Every test runs on Tokio's paused clock: the runtime jumps to the next timer whenever every task
//! waits (auto-advance), so 50 ms of quiet cost no real time and every elapsed time is the same on
//! every run. It is exact to the millisecond, not to the nanosecond: the timer driver counts whole
//! milliseconds and rounds a deadline up to the next one (Tokio's `runtime/time/source.rs`,
//! `deadline_to_tick`), so a 50 ms wait can end 51 ms later.

use std::time::Duration;

use test_debouncer::debounce;
use testkit::Flavor;
use tokio::sync::mpsc::{self, Receiver, Sender};
use tokio::time::{Instant, sleep};

/// The real-time limit for every test body.
const LIMIT: Duration = Duration::from_secs(10);
/// The quiet time every test gives the debouncer.
const QUIET: Duration = Duration::from_millis(50);
/// How long, on the paused clock, a test waits for an output before calling it missing. Far longer
/// than any wait the contract allows, and free: paused time jumps there at once.
const PATIENCE: Duration = Duration::from_secs(5);

/// Runs `body` on a fresh current_thread runtime with Tokio's clock paused.
fn paused<F: Future<Output = ()> + 'static>(body: impl FnOnce() -> F + Send + 'static) {
    testkit::run(Flavor::CurrentThread, LIMIT, || async move {
        tokio::time::pause();
        body().await;
    });
}

/// Spawns a debouncer with [`QUIET`] and returns its input and its output.
fn start() -> (Sender<u32>, Receiver<u32>) {
    let (input, from_test) = mpsc::channel(16);
    let (to_test, output) = mpsc::channel(16);
    tokio::spawn(debounce(from_test, to_test, QUIET));
    (input, output)
}

/// The next output, or `None` once the debouncer has ended; a panic if nothing comes in
/// [`PATIENCE`].
async fn next(output: &mut Receiver<u32>) -> Option<u32> {
    testkit::timeout(PATIENCE, output.recv()).await
}

#[test]
fn one_value_goes_out_exactly_quiet_after_it_arrived() {
    paused(|| async {
        let (input, mut output) = start();
        let sent = Instant::now();
        input.send(1).await.unwrap();
        assert_eq!(next(&mut output).await, Some(1), "the value must go out");
        let waited = sent.elapsed();
        assert!(
            waited >= QUIET,
            "the value went out {waited:?} after it was sent, before the quiet time of {QUIET:?}"
        );
        assert!(
            // One millisecond of slack for the driver's rounding, no more.
            waited <= QUIET + Duration::from_millis(1),
            "the value went out {waited:?} after it was sent, long after the quiet time of \
             {QUIET:?}"
        );
    });
}

#[test]
fn a_burst_comes_out_once_as_its_latest_value_quiet_after_the_last() {
    paused(|| async {
        let (input, mut output) = start();
        // Three values 30 ms apart: each arrives before the previous one's quiet time is over.
        for value in [1, 2] {
            input.send(value).await.unwrap();
            sleep(Duration::from_millis(30)).await;
        }
        input.send(3).await.unwrap();
        let last = Instant::now();
        let first_out = next(&mut output).await;
        assert_eq!(
            first_out,
            Some(3),
            "a burst of 1, 2, 3 must come out as its latest value, 3, and nothing before it"
        );
        let waited = last.elapsed();
        assert!(
            waited >= QUIET,
            "the burst went out {waited:?} after its last value, before the quiet time of \
             {QUIET:?}"
        );
        drop(input);
        assert_eq!(
            next(&mut output).await,
            None,
            "one burst must give exactly one output"
        );
    });
}

#[test]
fn a_value_waiting_when_the_input_closes_goes_out_at_once() {
    paused(|| async {
        let (input, mut output) = start();
        input.send(7).await.unwrap();
        let closed = Instant::now();
        drop(input);
        assert_eq!(
            next(&mut output).await,
            Some(7),
            "the value waiting when the input closed must still go out"
        );
        assert_eq!(
            closed.elapsed(),
            Duration::ZERO,
            "with the input closed there is nothing to wait for: the value goes out at once"
        );
        assert_eq!(next(&mut output).await, None, "then the debouncer ends");
    });
}

#[test]
fn bursts_far_apart_give_one_value_each() {
    paused(|| async {
        let (input, mut output) = start();
        input.send(1).await.unwrap();
        sleep(QUIET * 2).await;
        input.send(2).await.unwrap();
        sleep(QUIET * 2).await;
        drop(input);
        assert_eq!(next(&mut output).await, Some(1));
        assert_eq!(next(&mut output).await, Some(2));
        assert_eq!(next(&mut output).await, None);
    });
}
