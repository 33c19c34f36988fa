//! Tests for `CountdownFuture`: its output, its exact number of polls, one self-wake per
//! `Pending`, and that a real runtime (both flavours) runs it to the end.
//!
//! Polls are counted by hand with `testkit::Manual` (no runtime at all) and on Tokio with
//! `testkit::Counted`. Every runtime test has a time-out: a countdown that returns `Pending`
//! without waking itself is never polled again, and the time-out says so.

use std::future::Future;
use std::task::Poll;
use std::time::Duration;

use countdown::CountdownFuture;
use testkit::{Counted, Manual};

/// Generous: a countdown of 1000 takes well under a millisecond.
const LIMIT: Duration = Duration::from_secs(2);

#[test]
fn zero_is_ready_on_the_first_poll() {
    let mut fut = Manual::new(CountdownFuture::new(0));
    assert_eq!(
        fut.poll(),
        Poll::Ready("Liftoff!"),
        "CountdownFuture::new(0) must complete with \"Liftoff!\" on its first poll"
    );
    assert_eq!(
        fut.wakes(),
        0,
        "a future that returns Ready must not wake itself: nothing is left to do"
    );
}

#[test]
fn three_is_pending_three_times_then_liftoff() {
    let mut fut = Manual::new(CountdownFuture::new(3));
    for step in 1..=3 {
        assert_eq!(
            fut.poll(),
            Poll::Pending,
            "poll {step} of CountdownFuture::new(3) must return Pending (it completes on poll 4)"
        );
        assert_eq!(
            fut.wakes(),
            step,
            "each Pending must come with one wake of the context's waker: after {step} \
             Pending polls the waker was woken {} times",
            fut.wakes()
        );
    }
    assert_eq!(
        fut.poll(),
        Poll::Ready("Liftoff!"),
        "poll 4 of CountdownFuture::new(3) must return Ready(\"Liftoff!\")"
    );
    assert_eq!(fut.polls(), 4, "polled exactly n + 1 times");
    assert_eq!(
        fut.wakes(),
        3,
        "woken exactly n times, once per Pending: a future that returns Ready must not wake \
         itself, nothing is left to do"
    );
}

#[test]
fn a_runtime_polls_it_exactly_n_plus_one_times_on_both_flavours() {
    for n in [0u32, 1, 5, 1000] {
        testkit::run_both(LIMIT, move || async move {
            let counted = Counted::new(CountdownFuture::new(n));
            let stats = counted.stats();
            assert_eq!(
                counted.await,
                "Liftoff!",
                "CountdownFuture::new({n}) completes with \"Liftoff!\""
            );
            assert_eq!(
                stats.polls(),
                n as usize + 1,
                "CountdownFuture::new({n}) must be polled exactly {} times: it completes on poll \
                 {}, after {n} Pending",
                n + 1,
                n + 1
            );
            assert_eq!(
                stats.wakes(),
                n as usize,
                "CountdownFuture::new({n}) must wake itself once per Pending{}",
                if stats.wakes() > n as usize {
                    ", and no more: a future that returns Ready must not wake itself"
                } else {
                    ": each Pending must come with one wake, or nothing polls it again"
                }
            );
        });
    }
}

#[test]
fn two_countdowns_share_one_task_and_both_finish() {
    testkit::run_both(LIMIT, || async {
        let (a, b) = tokio::join!(CountdownFuture::new(2), CountdownFuture::new(7));
        assert_eq!(
            (a, b),
            ("Liftoff!", "Liftoff!"),
            "two countdowns joined in one task"
        );
    });
}

#[test]
fn it_is_a_plain_unpin_future_with_a_static_str_output() {
    fn assert_future<F: Future<Output = &'static str> + Unpin + Send + 'static>(_: &F) {}
    let fut = CountdownFuture::new(1);
    assert_future(&fut);
}
