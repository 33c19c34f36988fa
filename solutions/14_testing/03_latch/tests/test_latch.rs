//! Reference tests for the `test_latch` exercise: the suite that passes against the correct latch
//! and fails against every hidden bug in `bugs.toml`.
//!
//! Most tests poll by hand with `tokio_test::task::spawn`: each wrapped future gets a waker of its
//! own, `poll()` polls it once, and `is_woken()` says whether anything woke it since. That shows
//! what a runtime hides: a wake too early costs only a wasted poll there, and a wake that never
//! comes is a hang with no message.

use std::time::Duration;

use test_latch::Latch;
use testkit::Flavor;
use tokio_test::{assert_pending, assert_ready, task};

#[test]
fn a_waiter_is_woken_when_the_count_reaches_zero_and_not_before() {
    let latch = Latch::new(2);
    let mut waiting = task::spawn(latch.wait());
    assert_pending!(waiting.poll());
    latch.count_down();
    assert_eq!(latch.count(), 1);
    assert!(
        !waiting.is_woken(),
        "the count went from 2 to 1 and the waiting task was woken for nothing"
    );
    assert_pending!(waiting.poll());
    latch.count_down();
    assert!(
        waiting.is_woken(),
        "the count reached zero and the waiting task was not woken"
    );
    assert_ready!(waiting.poll());
}

#[test]
fn every_waiting_task_is_woken() {
    let latch = Latch::new(1);
    let mut waiters: Vec<_> = (0..3).map(|_| task::spawn(latch.wait())).collect();
    for waiting in &mut waiters {
        assert_pending!(waiting.poll());
    }
    latch.count_down();
    for (i, waiting) in waiters.iter_mut().enumerate() {
        assert!(
            waiting.is_woken(),
            "waiting task {i} of 3 was not woken at zero"
        );
        assert_ready!(waiting.poll());
    }
}

#[test]
fn the_task_that_polled_last_is_the_one_woken() {
    let latch = Latch::new(1);
    let mut first_task = task::spawn(latch.wait());
    assert_pending!(first_task.poll());
    // The same `Wait` moves to another task, as a future inside `select!` in a loop can.
    let mut second_task = task::spawn(first_task.into_inner());
    assert_pending!(second_task.poll());
    latch.count_down();
    assert!(
        second_task.is_woken(),
        "the Wait was last polled by the second task, which was not woken at zero"
    );
    assert_ready!(second_task.poll());
}

#[test]
fn a_wait_at_zero_is_ready_at_once() {
    let latch = Latch::new(1);
    let early = latch.wait();
    latch.count_down();
    let mut late = task::spawn(latch.wait());
    assert_ready!(
        late.poll(),
        "a Wait created at zero must be ready on its first poll"
    );
    let mut early = task::spawn(early);
    assert_ready!(early.poll(), "a Wait first polled at zero must be ready");
    latch.count_down();
    assert_eq!(latch.count(), 0, "the count never goes below zero");
}

#[test]
fn tasks_on_a_runtime_wait_for_the_count_downs() {
    // The same latch under a real scheduler: three waiting tasks, three count-downs from other
    // tasks. The clock is paused, so a task that is never woken fails the time-out as soon as
    // every task waits, not after seconds of real time.
    testkit::run(Flavor::CurrentThread, Duration::from_secs(5), || async {
        tokio::time::pause();
        let latch = Latch::new(3);
        let waiters: Vec<_> = (0..3).map(|_| tokio::spawn(latch.wait())).collect();
        for _ in 0..3 {
            let latch = latch.clone();
            tokio::spawn(async move { latch.count_down() });
        }
        for waiter in waiters {
            testkit::timeout(Duration::from_secs(2), waiter)
                .await
                .unwrap();
        }
    });
}
