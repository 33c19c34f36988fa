//! `WakeCounter`, `Counted` and `Manual` count polls and wakes exactly.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

use common::panic_message;
use testkit::{Counted, Flavor, Manual, WakeCounter, run};

const GENEROUS: Duration = Duration::from_secs(10);

/// Returns `Pending` on its first poll and has a second thread wake it once, a little later.
struct WokenFromAThread {
    done: Arc<AtomicBool>,
    started: bool,
}

impl WokenFromAThread {
    fn new() -> Self {
        WokenFromAThread {
            done: Arc::new(AtomicBool::new(false)),
            started: false,
        }
    }
}

impl Future for WokenFromAThread {
    type Output = &'static str;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
        if self.done.load(Ordering::Acquire) {
            return Poll::Ready("woken");
        }
        if !self.started {
            self.started = true;
            let done = Arc::clone(&self.done);
            let waker = cx.waker().clone();
            thread::spawn(move || {
                thread::sleep(Duration::from_millis(20));
                done.store(true, Ordering::Release);
                waker.wake();
            });
        }
        Poll::Pending
    }
}

/// Wakes itself `n` times during its first poll, then is ready on the next.
struct WakesItself {
    n: usize,
    polled: bool,
}

impl Future for WakesItself {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            return Poll::Ready(());
        }
        self.polled = true;
        for i in 0..self.n {
            // Half by reference, half through a clone, so both paths are counted.
            if i % 2 == 0 {
                cx.waker().wake_by_ref();
            } else {
                // A clone woken by value, as a timer or channel that stored the waker would do.
                let stored = cx.waker().clone();
                stored.wake();
            }
        }
        Poll::Pending
    }
}

#[test]
fn wake_counter_counts_wake_and_wake_by_ref_on_every_clone() {
    let counter = WakeCounter::new();
    assert_eq!(counter.count(), 0);
    let waker = counter.waker();
    waker.wake_by_ref();
    waker.wake_by_ref();
    let clone: Waker = waker.clone();
    clone.wake();
    waker.wake();
    assert_eq!(counter.count(), 4);
}

#[test]
fn a_future_woken_once_from_another_thread_is_polled_exactly_twice() {
    for flavor in Flavor::BOTH {
        let counted = Counted::new(WokenFromAThread::new());
        let stats = counted.stats();
        let out = run(flavor, GENEROUS, move || counted);
        assert_eq!(out, "woken");
        assert_eq!(stats.polls(), 2, "on {flavor}");
        assert_eq!(stats.wakes(), 1, "on {flavor}");
    }
}

#[test]
fn the_same_holds_for_a_spawned_task() {
    for flavor in Flavor::BOTH {
        let counted = Counted::new(WokenFromAThread::new());
        let stats = counted.stats();
        run(flavor, GENEROUS, move || async move {
            tokio::spawn(counted).await.unwrap();
        });
        assert_eq!((stats.polls(), stats.wakes()), (2, 1), "on {flavor}");
    }
}

#[test]
fn several_wakes_before_the_next_poll_lead_to_one_poll() {
    // Tokio remembers that a task was woken, not how often: a wake of a task that is already
    // notified does nothing (`transition_to_notified_by_ref` in tokio/src/runtime/task/state.rs).
    // Three wakes, one more poll.
    for flavor in Flavor::BOTH {
        let counted = Counted::new(WakesItself {
            n: 3,
            polled: false,
        });
        let stats = counted.stats();
        run(flavor, GENEROUS, move || async move {
            tokio::spawn(counted).await.unwrap();
        });
        assert_eq!((stats.polls(), stats.wakes()), (2, 3), "on {flavor}");
    }
}

#[test]
fn a_ready_future_is_polled_once_and_never_woken() {
    let counted = Counted::new(async { 1 });
    let stats = counted.stats();
    assert_eq!(run(Flavor::CurrentThread, GENEROUS, move || counted), 1);
    assert_eq!((stats.polls(), stats.wakes()), (1, 0));
}

#[test]
fn counted_counts_polls_under_manual_too() {
    let counted = Counted::new(WakesItself {
        n: 2,
        polled: false,
    });
    let stats = counted.stats();
    let mut manual = Manual::new(counted);
    assert!(manual.poll().is_pending());
    // The wakes went through `Counted`'s waker to `Manual`'s: both counted them.
    assert_eq!((stats.polls(), stats.wakes()), (1, 2));
    assert_eq!(manual.wakes(), 2);
    assert!(manual.poll().is_ready());
    assert_eq!((stats.polls(), manual.polls()), (2, 2));
}

#[test]
fn manual_sees_a_future_that_is_never_woken() {
    let mut manual = Manual::new(std::future::pending::<()>());
    for _ in 0..3 {
        assert!(manual.poll().is_pending());
    }
    assert_eq!((manual.polls(), manual.wakes()), (3, 0));
}

#[test]
fn manual_counts_a_wake_from_another_thread() {
    let mut manual = Manual::new(WokenFromAThread::new());
    assert!(manual.poll().is_pending());
    assert_eq!(manual.wakes(), 0);
    // Wait (bounded) for the other thread's wake instead of sleeping a fixed time.
    let deadline = std::time::Instant::now() + GENEROUS;
    while manual.wakes() == 0 {
        assert!(std::time::Instant::now() < deadline, "never woken");
        thread::sleep(Duration::from_millis(1));
    }
    assert_eq!(manual.poll(), Poll::Ready("woken"));
    assert_eq!((manual.polls(), manual.wakes()), (2, 1));
}

#[test]
fn manual_waker_wakes_count_too() {
    let manual = Manual::new(std::future::pending::<()>());
    manual.waker().wake();
    manual.waker().wake_by_ref();
    assert_eq!((manual.polls(), manual.wakes()), (0, 2));
}

#[test]
fn manual_refuses_to_poll_a_finished_future() {
    let mut manual = Manual::new(async { 3 });
    assert_eq!(manual.poll(), Poll::Ready(3));
    let message = panic_message(|| manual.poll());
    assert!(
        message.starts_with("Manual::poll was called after the future returned `Ready`"),
        "{message}"
    );
}
