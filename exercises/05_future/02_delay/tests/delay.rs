//! Tests for `Delay`: it completes after its duration on both runtime flavours, `poll` never
//! sleeps, the wake reaches the waker of the *latest* poll, and the wait is not a busy loop.
//!
//! The waker tests poll by hand with two `testkit::WakeCounter`s standing for two tasks.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use delay::Delay;
use testkit::{Counted, WakeCounter};

/// Generous: the longest wait here is the 2 s a wrong `poll` that sleeps would take.
const LIMIT: Duration = Duration::from_secs(3);

/// Waits (bounded by `LIMIT`) until `counter` has been woken at least once, or `other` has.
fn wait_for_a_wake(counter: &WakeCounter, other: &WakeCounter) {
    let start = Instant::now();
    while counter.count() == 0 && other.count() == 0 {
        assert!(
            start.elapsed() < LIMIT,
            "no waker was woken {LIMIT:?} after a 100 ms Delay was polled: the thread must wake \
             the stored waker when the time is up"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn completes_after_its_duration_on_both_flavours() {
    // Both flavours at once: each waits out the same 100 ms.
    testkit::both_flavours_at_once(|flavor| {
        testkit::run(flavor, LIMIT, || async {
            let start = Instant::now();
            let counted = Counted::new(Delay::new(Duration::from_millis(100)));
            let stats = counted.stats();
            counted.await;
            assert!(
                start.elapsed() >= Duration::from_millis(100),
                "a 100 ms Delay completed after only {:?}",
                start.elapsed()
            );
            assert!(
                stats.polls() <= 3,
                "a Delay should be polled about twice (once to start, once after its wake), not {}: \
                 a future that wakes itself to be polled again and again is busy-waiting",
                stats.polls()
            );
        });
    });
}

#[test]
fn poll_returns_at_once_instead_of_sleeping() {
    testkit::within(LIMIT, || {
        let counter = WakeCounter::new();
        let waker = counter.waker();
        let mut cx = Context::from_waker(&waker);
        // Two seconds: long enough that a `poll` that sleeps is plainly seen to, short enough that
        // it comes back well inside `LIMIT`, so the assertion below (not the time-out) reports it.
        let mut fut = pin!(Delay::new(Duration::from_secs(2)));
        let start = Instant::now();
        let first = fut.as_mut().poll(&mut cx);
        let took = start.elapsed();
        assert!(
            took < Duration::from_secs(1),
            "the first poll took {took:?}: `poll` must never sleep; a thread does the waiting"
        );
        assert!(
            first.is_pending(),
            "the first poll of a two-second Delay must return Pending"
        );
    });
}

#[test]
fn the_wake_goes_to_the_latest_waker() {
    testkit::within(LIMIT, || {
        let (first, latest) = (WakeCounter::new(), WakeCounter::new());
        let mut fut = pin!(Delay::new(Duration::from_millis(100)));
        let first_waker = first.waker();
        assert!(
            fut.as_mut()
                .poll(&mut Context::from_waker(&first_waker))
                .is_pending(),
            "the first poll of a 100 ms Delay returns Pending"
        );
        // Polled again, by "another task", before the time is up. The pause makes the order of
        // events certain for a wrong answer that starts a thread on every poll: the first poll's
        // thread is then always the first to finish, and wakes the first waker. The delay is ten
        // times the pause, so that a loaded machine still polls twice before the time is up.
        std::thread::sleep(Duration::from_millis(10));
        let latest_waker = latest.waker();
        assert!(
            fut.as_mut()
                .poll(&mut Context::from_waker(&latest_waker))
                .is_pending(),
            "a second poll right after the first still returns Pending"
        );
        // A wake that came before the 100 ms were up came from `poll` itself.
        let woken_during_the_polls = first.count() + latest.count();
        wait_for_a_wake(&latest, &first);
        if first.count() > 0 {
            // Already wrong; wait a little for the latest waker too, to tell which mistake it is.
            let start = Instant::now();
            while latest.count() == 0 && start.elapsed() < Duration::from_millis(200) {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let (first_wakes, latest_wakes) = (first.count(), latest.count());
        let cause = if woken_during_the_polls > 0 {
            "`poll` woke the waker itself before the time was up, which has the task polled again \
             and again: busy-waiting; only the thread should wake, once, when the time is up"
        } else if first_wakes > 0 && latest_wakes > 0 {
            "both wakers were woken, so each poll started a thread of its own: start the thread \
             on the first poll only, and let it wake the waker stored by the latest poll"
        } else {
            "store the waker on every poll, where the thread will find it when the time is up"
        };
        assert_eq!(
            (first_wakes, latest_wakes),
            (0, 1),
            "the thread must wake the waker of the latest poll exactly once, and not the first \
             one (first woken {first_wakes} times, latest {latest_wakes} times): {cause}"
        );
        assert_eq!(
            fut.as_mut().poll(&mut Context::from_waker(&latest_waker)),
            Poll::Ready(()),
            "after the wake, the Delay is ready"
        );
    });
}

/// A waker that tells the test it was woken, then holds the waking thread (up to 100 ms) until the
/// test has polled again: an executor may poll the task as soon as `wake` is called, before the
/// waking thread does anything more.
struct HeldWake {
    woken: std::sync::Mutex<std::sync::mpsc::Sender<()>>,
    polled: std::sync::Mutex<std::sync::mpsc::Receiver<()>>,
}

impl std::task::Wake for HeldWake {
    fn wake(self: std::sync::Arc<Self>) {
        let _ = self.woken.lock().unwrap().send(());
        let _ = self
            .polled
            .lock()
            .unwrap()
            .recv_timeout(Duration::from_millis(100));
    }
}

#[test]
fn ready_when_polled_right_after_the_wake() {
    testkit::within(LIMIT, || {
        let (woken_tx, woken) = std::sync::mpsc::channel();
        let (polled, polled_rx) = std::sync::mpsc::channel();
        let waker = std::task::Waker::from(std::sync::Arc::new(HeldWake {
            woken: std::sync::Mutex::new(woken_tx),
            polled: std::sync::Mutex::new(polled_rx),
        }));
        let mut cx = Context::from_waker(&waker);
        let mut fut = pin!(Delay::new(Duration::from_millis(10)));
        assert!(
            fut.as_mut().poll(&mut cx).is_pending(),
            "the first poll of a 10 ms Delay returns Pending"
        );
        woken
            .recv_timeout(LIMIT)
            .expect("no wake 3 s after a 10 ms Delay was polled: the thread must wake the stored waker when the time is up");
        // The waking thread is still inside `wake`.
        let again = fut.as_mut().poll(&mut cx);
        let _ = polled.send(());
        assert!(
            again.is_ready(),
            "the Delay was woken, but a poll right after the wake (while the waking thread was \
             still in `wake`) returned Pending, and nothing will wake it again: a lost wake-up. \
             The thread must set `done` before it calls wake, under the lock poll checks it with"
        );
    });
}

#[test]
fn the_time_counts_from_the_first_poll() {
    testkit::within(LIMIT, || {
        let counter = WakeCounter::new();
        let waker = counter.waker();
        let mut fut = pin!(Delay::new(Duration::from_millis(20)));
        // Created, then left alone for longer than its duration: nothing may have started yet.
        std::thread::sleep(Duration::from_millis(50));
        assert!(
            fut.as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending(),
            "a 20 ms Delay first polled 50 ms after it was created was Ready at once: its time \
             must count from the first poll, not from Delay::new (a future does nothing until \
             it is polled). Start the thread on the first poll"
        );
    });
}

#[test]
fn many_delays_at_once_all_complete() {
    testkit::run_both(LIMIT, || async {
        let handles: Vec<_> = (0..20u64)
            .map(|i| tokio::spawn(Delay::new(Duration::from_millis(i * 3))))
            .collect();
        for handle in handles {
            handle.await.expect("a Delay task panicked");
        }
    });
}
