//! Your tests for the `test_debouncer` exercise. This is the file you edit.
//!
//! `cargo lab check test_debouncer` runs every test here against the correct debouncer (each must
//! pass), then against hidden variants of it, each with one bug (at least one test must fail
//! against each). The contract you are testing is in `src/lib.rs`.
//!
//! The helpers below are the tools: a paused clock (`tokio::time::pause`: when every task waits, the
//! runtime jumps to the next timer, so a 50 ms wait costs no real time and always measures the
//! same), a debouncer spawned between two channels, and a bounded wait for its next output. One
//! test is written, as an example of the shape. It passes against every variant, so it catches
//! nothing on its own.

use std::time::Duration;

use test_debouncer::debounce;
use testkit::Flavor;
use tokio::sync::mpsc::{self, Receiver, Sender};
use tokio::time::sleep;

/// The real-time limit for every test body.
const LIMIT: Duration = Duration::from_secs(10);
/// The quiet time every test gives the debouncer.
const QUIET: Duration = Duration::from_millis(50);
/// How long, on the paused clock, a test waits for an output before calling it missing. Free:
/// paused time jumps there at once.
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

#[test]
fn a_burst_comes_out_as_one_value() {
    // TODO: send several values closer together than QUIET, and check what comes out: which
    // value, how many, and when (`tokio::time::Instant::now()` and `.elapsed()` read the paused
    // clock).
    todo!("test what a burst of values turns into")
}

#[test]
fn the_output_waits_exactly_the_quiet_time() {
    // TODO: measure, on the paused clock, how long after a value its output comes. Tokio's timer
    // counts whole milliseconds and rounds a deadline up, so allow one millisecond over, not under.
    todo!("test when the output comes")
}

#[test]
fn closing_the_input_keeps_the_contract() {
    // TODO: the contract says what happens to a value still waiting when every sender is dropped.
    todo!("test what closing the input does")
}
