//! Tests for `RetryFuture`: the first `Ok` is returned; after `max_attempts` failures the last
//! `Err` is; the factory is called once per attempt (attempts that wait count once, however often
//! they are polled) and not before the first poll; a failed attempt is followed by the next one
//! without losing the wake-up; and `max_attempts` of 0 is refused.

use std::cell::Cell;
use std::future::Future;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;

use retry::RetryFuture;
use testkit::{Flavor, Manual};
use tokio::time::{Instant, sleep};

/// Real-time limit for a runtime test; the clock is paused, so a correct `RetryFuture` needs a
/// few milliseconds. The margin is for a machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(2);

/// More polls than any correct version needs for the runtime tests here (a handful), and far
/// fewer than a future that wakes itself in a loop makes in a second.
const MAX_POLLS: usize = 1_000;

/// `fut` under `testkit::spin_guard`: more than [`MAX_POLLS`] polls fail the test with a message
/// that names busy polling, instead of a time-out on a paused clock that cannot advance.
fn spin_guard<F: Future>(fut: F) -> testkit::SpinGuard<F> {
    testkit::spin_guard(fut, MAX_POLLS)
}

/// A factory whose attempt number `n` (from 1) fails with `Err(n)` while `n < succeed_at`, and
/// succeeds with `Ok(n)` from then on; `calls` counts the factory's calls.
fn flaky(
    succeed_at: u32,
    calls: &Rc<Cell<u32>>,
) -> impl FnMut() -> std::future::Ready<Result<u32, u32>> + use<> {
    let calls = Rc::clone(calls);
    move || {
        calls.set(calls.get() + 1);
        let n = calls.get();
        std::future::ready(if n < succeed_at { Err(n) } else { Ok(n) })
    }
}

/// Polls `fut` by hand until it is ready. Every `Pending` must have been preceded by a wake-up
/// request somebody will honour; here nothing else runs, so a `Pending` with no wake at all means
/// the task would sleep forever.
fn drive<F: Future>(fut: F) -> F::Output {
    let mut fut = Manual::new(fut);
    loop {
        let wakes_before = fut.wakes();
        match fut.poll() {
            Poll::Ready(out) => return out,
            Poll::Pending => assert!(
                fut.wakes() > wakes_before,
                "RetryFuture returned Pending after an attempt had failed, without polling the next \
                 attempt and without anything set to wake the task: it would sleep forever (a lost \
                 wake-up). Start the next attempt and poll it in the same call to poll"
            ),
        }
        assert!(
            fut.polls() < 100,
            "RetryFuture was polled 100 times without finishing"
        );
    }
}

#[test]
fn returns_the_first_ok() {
    let calls = Rc::new(Cell::new(0));
    let out = drive(RetryFuture::new(5, flaky(3, &calls)));
    assert_eq!(
        out,
        Ok(3),
        "attempts 1 and 2 fail and attempt 3 succeeds: RetryFuture must return that Ok"
    );
    assert_eq!(
        calls.get(),
        3,
        "the factory was called {} times: it must be called once per attempt, and no attempt is \
         made after the first Ok",
        calls.get()
    );
}

#[test]
fn returns_the_last_err_after_max_attempts() {
    let calls = Rc::new(Cell::new(0));
    let out = drive(RetryFuture::new(4, flaky(u32::MAX, &calls)));
    assert_eq!(
        out,
        Err(4),
        "every attempt fails: RetryFuture must return the Err of the 4th and last attempt"
    );
    assert_eq!(
        calls.get(),
        4,
        "max_attempts is 4, but the factory was called {} times",
        calls.get()
    );
}

#[test]
fn one_attempt_is_allowed() {
    let calls = Rc::new(Cell::new(0));
    assert_eq!(
        drive(RetryFuture::new(1, flaky(u32::MAX, &calls))),
        Err(1),
        "with max_attempts = 1 the only attempt's Err is the result"
    );
    assert_eq!(calls.get(), 1, "max_attempts = 1 means one factory call");
}

#[test]
fn nothing_runs_before_the_first_poll() {
    let calls = Rc::new(Cell::new(0));
    let fut = RetryFuture::new(3, flaky(1, &calls));
    assert_eq!(
        calls.get(),
        0,
        "RetryFuture::new called the factory: futures are lazy, so start the first attempt on the \
         first poll"
    );
    drop(fut);
}

#[test]
fn an_attempt_that_waits_counts_once() {
    let (calls, out, waited) = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let calls = Rc::new(Cell::new(0u32));
        let counter = Rc::clone(&calls);
        let start = Instant::now();
        // Each attempt waits 100 ms (several polls), then fails until the third.
        let out = spin_guard(RetryFuture::new(5, move || {
            counter.set(counter.get() + 1);
            let n = counter.get();
            assert!(
                n <= 5,
                "the factory was called {n} times with max_attempts = 5: call it once per \
                 attempt, not once per poll (an attempt that returns Pending is still the same \
                 attempt, to be polled again)"
            );
            async move {
                sleep(Duration::from_millis(50)).await;
                tokio::task::yield_now().await;
                sleep(Duration::from_millis(50)).await;
                if n < 3 { Err(n) } else { Ok(n) }
            }
        }))
        .await;
        (calls.get(), out, start.elapsed())
    });
    if calls < 3 && out.is_err() {
        panic!(
            "RetryFuture gave up after {calls} attempts, with 5 allowed, returning {out:?}: \
             attempts_left was counted down more than once per attempt (on every poll, or every \
             pass of the loop?), while each attempt here is polled several times before it \
             fails. Take one off only when a new attempt is made (current is None)"
        );
    }
    assert_eq!(
        calls, 3,
        "the factory was called {calls} times for 3 attempts: call it once per attempt, not once \
         per poll (an attempt that returns Pending is still the same attempt)"
    );
    assert_eq!(out, Ok(3), "the third attempt succeeds");
    assert!(
        waited >= Duration::from_millis(300),
        "three attempts of 100 ms each finished after only {waited:?} of (paused) time: each \
         attempt must be awaited to its end before the next one starts"
    );
}

#[test]
#[should_panic(expected = "max_attempts")]
fn zero_attempts_is_refused() {
    let calls = Rc::new(Cell::new(0));
    drop(RetryFuture::new(0, flaky(1, &calls)));
}
