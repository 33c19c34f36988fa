//! Tests for `block_on`: it returns the output, it sleeps instead of spinning (polls are counted
//! with `testkit::Counted`), it wakes when woken from another thread, and it does not lose a
//! wake-up that arrives before the future has even returned `Pending`.
//!
//! Every test runs under `testkit::within`: a `block_on` that sleeps through its wake-up fails the
//! test with a message instead of hanging it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use my_block_on::block_on;
use testkit::Counted;

/// Generous: the slowest test waits 50 ms of real time.
const LIMIT: Duration = Duration::from_secs(5);

/// Pending until a second thread, started on the first poll, wakes it after `delay`.
struct WokenByThreadAfter {
    delay: Duration,
    done: Arc<AtomicBool>,
    waker_thread: Option<JoinHandle<()>>,
}

impl WokenByThreadAfter {
    fn new(delay: Duration) -> Self {
        WokenByThreadAfter {
            delay,
            done: Arc::new(AtomicBool::new(false)),
            waker_thread: None,
        }
    }
}

impl Future for WokenByThreadAfter {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        if self.done.load(Ordering::Acquire) {
            if let Some(waker_thread) = self.waker_thread.take() {
                waker_thread.join().expect("the waking thread panicked");
            }
            return Poll::Ready("woken by another thread");
        }
        if self.waker_thread.is_none() {
            let (delay, done, waker) = (self.delay, Arc::clone(&self.done), cx.waker().clone());
            self.waker_thread = Some(thread::spawn(move || {
                thread::sleep(delay);
                done.store(true, Ordering::Release);
                waker.wake();
            }));
        }
        Poll::Pending
    }
}

/// Wakes itself `wakes_during_poll` times inside its first poll, then returns `Pending`; ready on
/// the next poll. This is what `tokio::task::yield_now` does, with one wake.
struct WakesItselfThenPending {
    wakes_during_poll: usize,
    polled: bool,
}

impl Future for WakesItselfThenPending {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.polled {
            return Poll::Ready(7);
        }
        self.polled = true;
        for _ in 0..self.wakes_during_poll {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

/// On its first poll, has another thread wake it and waits until that thread is done, and only
/// then returns `Pending`: the wake-up is certain to come before `block_on` can go to sleep.
struct WokenByThreadBeforePending {
    polled: bool,
}

impl Future for WokenByThreadBeforePending {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.polled {
            return Poll::Ready(8);
        }
        self.polled = true;
        let waker = cx.waker().clone();
        thread::spawn(move || waker.wake())
            .join()
            .expect("the waking thread panicked");
        Poll::Pending
    }
}

/// Needs `left` wake-ups, each from a new thread started by the previous poll.
struct NeedsWakesFromThreads {
    left: usize,
}

impl Future for NeedsWakesFromThreads {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        if self.left == 0 {
            return Poll::Ready("all wakes arrived");
        }
        self.left -= 1;
        let waker = cx.waker().clone();
        thread::spawn(move || waker.wake());
        Poll::Pending
    }
}

#[test]
fn a_ready_future_is_polled_once() {
    let (out, polls) = testkit::within(LIMIT, || {
        let fut = Counted::new(async { String::from("ready at once") });
        let stats = fut.stats();
        (block_on(fut), stats.polls())
    });
    assert_eq!(out, "ready at once", "block_on returns the future's output");
    assert_eq!(
        polls, 1,
        "a future that is ready at once needs exactly one poll"
    );
}

#[test]
fn the_future_runs_on_the_calling_thread() {
    let (caller, polled_on) = testkit::within(LIMIT, || {
        let polled_on = block_on(async { thread::current().id() });
        (thread::current().id(), polled_on)
    });
    assert_eq!(
        caller, polled_on,
        "block_on must poll on the thread that called it"
    );
}

#[test]
fn woken_once_from_another_thread_means_about_two_polls() {
    let (out, polls, wakes) = testkit::within(LIMIT, || {
        let fut = Counted::new(WokenByThreadAfter::new(Duration::from_millis(50)));
        let stats = fut.stats();
        (block_on(fut), stats.polls(), stats.wakes())
    });
    // Checked first, because it names the cause of the other two going wrong. Exactly 2 is ideal
    // (one `Pending`, one `Ready`); 3 leaves room for one spurious return from `park`. A loop that
    // polls without sleeping runs up thousands in 50 ms.
    assert!(
        polls <= 3,
        "the future was polled {polls} times for one wake-up: sleep with `thread::park` between \
         polls instead of polling in a loop"
    );
    assert_eq!(
        out, "woken by another thread",
        "block_on returns the future's output"
    );
    assert_eq!(wakes, 1, "the future's thread wakes it exactly once");
}

#[test]
fn a_wake_during_the_poll_is_not_lost() {
    let (out, polls) = testkit::within(LIMIT, || {
        let fut = Counted::new(WakesItselfThenPending {
            wakes_during_poll: 1,
            polled: false,
        });
        let stats = fut.stats();
        (block_on(fut), stats.polls())
    });
    assert!(
        polls <= 3,
        "polled {polls} times for one wake-up: sleep with `thread::park` between polls instead \
         of polling in a loop"
    );
    assert_eq!(out, 7, "block_on returns the future's output");
}

#[test]
fn a_wake_from_another_thread_before_pending_is_not_lost() {
    let out = testkit::within(LIMIT, || {
        block_on(WokenByThreadBeforePending { polled: false })
    });
    assert_eq!(
        out, 8,
        "block_on returns the future's output after a wake-up that came before `Pending`"
    );
}

#[test]
fn many_wakes_from_many_threads() {
    let (out, polls, wakes) = testkit::within(LIMIT, || {
        let fut = Counted::new(NeedsWakesFromThreads { left: 100 });
        let stats = fut.stats();
        (block_on(fut), stats.polls(), stats.wakes())
    });
    // The poll count first: a loop that polls without sleeping also upsets the wake count.
    assert!(
        polls <= 2 * wakes + 1,
        "polled {polls} times for {wakes} wake-ups: sleep with `thread::park` between polls \
         instead of polling in a loop"
    );
    assert_eq!(
        out, "all wakes arrived",
        "block_on returns the future's output"
    );
    assert_eq!(
        wakes, 100,
        "the future needs 100 wake-ups, one from each of its threads"
    );
}

#[test]
fn back_to_back_calls_on_one_thread() {
    // The first future wakes itself three times during one poll, which may leave the thread with
    // an unused wake-up; the second call must still wait for its own wake-up and return the right
    // value.
    let (first, second, polls) = testkit::within(LIMIT, || {
        let first = block_on(WakesItselfThenPending {
            wakes_during_poll: 3,
            polled: false,
        });
        let fut = Counted::new(WokenByThreadAfter::new(Duration::from_millis(20)));
        let stats = fut.stats();
        (first, block_on(fut), stats.polls())
    });
    assert!(
        polls <= 3,
        "the second call polled {polls} times for one wake-up: sleep with `thread::park` between \
         polls instead of polling in a loop"
    );
    assert_eq!(first, 7, "the first call returns its future's output");
    assert_eq!(
        second, "woken by another thread",
        "the second call returns its own future's output"
    );
}

#[test]
fn nested_async_code_with_a_thread_handoff() {
    // `async` blocks awaiting hand-written futures: the waker must travel through both.
    let out = testkit::within(LIMIT, || {
        block_on(async {
            let a = WokenByThreadAfter::new(Duration::from_millis(5)).await;
            let b = WakesItselfThenPending {
                wakes_during_poll: 1,
                polled: false,
            }
            .await;
            (a, b)
        })
    });
    assert_eq!(
        out,
        ("woken by another thread", 7),
        "both awaited futures complete, each woken through the async block's waker"
    );
}
