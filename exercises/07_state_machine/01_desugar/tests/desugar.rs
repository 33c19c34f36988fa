//! Tests for `WeightedSum`: on the same inputs as the `async fn` `weighted_sum` it gives the same
//! result after the same number of polls and polls the inputs in the same order (the trace); it
//! is in the expected state after each poll; it never returns `Pending` without a wake-up
//! arranged; and it panics, like the `async fn`, when polled after it returned.
//!
//! Everything is polled by hand with a counting waker, so no test needs a runtime or can hang:
//! the driver stops at the first `Pending` that came without a wake.

use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

use desugar::{Input, Trace, WeightedSum, weighted_sum, weighted_sum_by_hand};
use testkit::WakeCounter;

/// What one run to the end looked like.
#[derive(Debug, PartialEq)]
struct Outcome {
    output: u32,
    polls: usize,
    trace: Vec<String>,
}

/// Polls `fut` until it is ready, with a counting waker, polling again only after a wake (as an
/// executor would). Panics, naming `who`, if it returns `Pending` with no wake since its poll.
fn drive<F: Future<Output = u32>>(who: &str, fut: F, trace: &Trace) -> Outcome {
    let counter = WakeCounter::new();
    let waker = counter.waker();
    let mut cx = Context::from_waker(&waker);
    let mut fut = Box::pin(fut);
    let mut polls = 0;
    loop {
        let wakes_before = counter.count();
        polls += 1;
        assert!(polls <= 100, "{who}: still not ready after 100 polls");
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(output) => {
                let trace = trace.lock().unwrap().clone();
                return Outcome {
                    output,
                    polls,
                    trace,
                };
            }
            Poll::Pending => assert!(
                counter.count() > wakes_before,
                "{who}: poll {polls} returned Pending with no wake-up arranged, so an executor \
                 would never poll it again. When an input is Ready, go on (loop) to the next \
                 state in the same poll, as the code after an .await does; return Pending only \
                 when the input you polled returned Pending. Trace so far: {:?}",
                trace.lock().unwrap()
            ),
        }
    }
}

/// Runs both versions on inputs with the given numbers of `Pending`s and values.
fn compare(pendings: [u32; 3], values: [u32; 3]) {
    let make = |trace: &Trace| {
        (
            Input::new("a", pendings[0], values[0], trace),
            Input::new("b", pendings[1], values[1], trace),
            Input::new("c", pendings[2], values[2], trace),
        )
    };
    let trace = Trace::default();
    let (a, b, c) = make(&trace);
    let expected = drive("weighted_sum (the async fn)", weighted_sum(a, b, c), &trace);
    let trace = Trace::default();
    let (a, b, c) = make(&trace);
    let got = drive(
        "WeightedSum (by hand)",
        weighted_sum_by_hand(a, b, c),
        &trace,
    );
    if got.output == expected.output && got.trace == expected.trace && got.polls > expected.polls {
        panic!(
            "with pendings {pendings:?} and values {values:?}, the hand-written state machine gave \
             the right output and polled the inputs in the right order, but took {} polls where \
             the async fn took {}: it returned Pending (waking itself) although an input was \
             Ready. Go on to the next state in the same poll, as the code after an .await does",
            got.polls, expected.polls
        );
    }
    assert_eq!(
        got, expected,
        "with pendings {pendings:?} and values {values:?}, the hand-written state machine \
         (left) must give the async fn's output after the same number of polls, polling the \
         inputs in the same order (right)"
    );
}

#[test]
fn same_result_polls_and_trace_when_every_input_is_ready_at_once() {
    compare([0, 0, 0], [1, 2, 3]);
}

#[test]
fn same_result_polls_and_trace_when_inputs_make_it_wait() {
    compare([1, 0, 2], [2, 3, 4]);
    compare([3, 2, 1], [5, 6, 7]);
    compare([0, 4, 0], [9, 8, 7]);
}

#[test]
fn each_poll_leaves_the_expected_state() {
    let trace = Trace::default();
    let mut fut = weighted_sum_by_hand(
        Input::new("a", 1, 2, &trace),
        Input::new("b", 1, 3, &trace),
        Input::new("c", 1, 4, &trace),
    );
    assert!(
        matches!(fut, WeightedSum::Start { .. }),
        "weighted_sum_by_hand builds the Start state and runs nothing: {fut:?}"
    );
    assert!(
        trace.lock().unwrap().is_empty(),
        "creating the state machine must not poll any input"
    );
    let counter = WakeCounter::new();
    let waker = counter.waker();
    let mut cx = Context::from_waker(&waker);
    // Polls once and checks that a `Pending` comes with a wake-up arranged.
    let mut poll = |fut: &mut WeightedSum| {
        let wakes_before = counter.count();
        let result = Pin::new(fut).poll(&mut cx);
        assert!(
            result.is_ready() || counter.count() > wakes_before,
            "a poll returned Pending with no wake-up arranged, so an executor would never poll \
             it again. When an input is Ready, go on (loop) to the next state in the same poll, \
             as the code after an .await does"
        );
        result
    };

    assert_eq!(poll(&mut fut), Poll::Pending, "poll 1: a is Pending");
    assert_eq!(
        *trace.lock().unwrap(),
        ["a:Pending"],
        "poll 1 must poll a and nothing else: the async fn does not touch b or c before a.await \
         has finished"
    );
    assert!(
        matches!(fut, WeightedSum::AwaitA { .. }),
        "after poll 1 the machine waits at a.await, but it is \
         {fut:?} (if it is Done, the poll took the state out and did not put it back before Pending)"
    );
    assert_eq!(
        poll(&mut fut),
        Poll::Pending,
        "poll 2: a is Ready, b is Pending"
    );
    assert!(
        matches!(fut, WeightedSum::AwaitB { weight: 20, .. }),
        "after poll 2 the machine waits at b.await, keeping weight = a * 10 = 20, but it is \
         {fut:?} (if it is Done, the poll took the state out and did not put it back before Pending)"
    );
    assert_eq!(
        poll(&mut fut),
        Poll::Pending,
        "poll 3: b is Ready, c is Pending"
    );
    assert!(
        matches!(
            fut,
            WeightedSum::AwaitC {
                weight: 20,
                y: 3,
                ..
            }
        ),
        "after poll 3 the machine waits at c.await, keeping weight = 20 and y = 3, but it is \
         {fut:?} (if it is Done, the poll took the state out and did not put it back before Pending)"
    );
    assert_eq!(
        poll(&mut fut),
        Poll::Ready(27),
        "poll 4: c is Ready, and the result is weight + y + z = 20 + 3 + 4"
    );
    assert!(
        matches!(fut, WeightedSum::Done),
        "after returning, the machine is Done: {fut:?}"
    );
}

#[test]
fn polling_after_ready_panics_like_the_async_fn() {
    let trace = Trace::default();
    let mut fut = weighted_sum_by_hand(
        Input::new("a", 0, 1, &trace),
        Input::new("b", 0, 1, &trace),
        Input::new("c", 0, 1, &trace),
    );
    let counter = WakeCounter::new();
    let waker = counter.waker();
    let mut cx = Context::from_waker(&waker);
    assert_eq!(
        Pin::new(&mut fut).poll(&mut cx),
        Poll::Ready(12),
        "inputs that are all ready at once give 1 * 10 + 1 + 1 in the first poll: a Pending \
         here comes with no wake-up arranged, since no input was pending. When an input is \
         Ready, go on (loop) to the next state in the same poll"
    );
    let again = panic::catch_unwind(AssertUnwindSafe(|| Pin::new(&mut fut).poll(&mut cx)));
    assert!(
        again.is_err(),
        "polling WeightedSum after it returned Ready must panic, as the async fn's state \
         machine does (`async fn` resumed after completion); it returned {:?}",
        again.ok()
    );
}
