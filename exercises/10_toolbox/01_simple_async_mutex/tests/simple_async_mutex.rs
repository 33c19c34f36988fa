//! Tests for the `simple_async_mutex` exercise. Do not edit: `cargo lab check simple_async_mutex`
//! runs this file as it is, against your `src/lib.rs`.
//!
//! Most tests poll `lock()` futures by hand with [`testkit::Manual`], which counts how often the
//! future wakes its waker: that shows exactly who was woken when, with no timing involved.

use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use simple_async_mutex::SimpleAsyncMutex;
use testkit::{Flavor, Manual, WakeCounter};

/// The time limit of every test; each needs a few milliseconds.
const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn the_guard_gives_read_and_write_access() {
    testkit::run_both(LIMIT, || async {
        let mutex = SimpleAsyncMutex::new(vec![1]);
        {
            let mut guard = mutex.lock().await;
            guard.push(2);
            assert_eq!(guard.len(), 2, "the guard should read what it just wrote");
        }
        assert_eq!(
            *mutex.lock().await,
            vec![1, 2],
            "a change made through the guard was lost when the guard was dropped"
        );
    });
}

#[test]
fn a_waiting_lock_sleeps_until_the_guard_is_dropped() {
    testkit::within(LIMIT, || {
        let mutex = SimpleAsyncMutex::new(0);
        let mut first = Manual::new(mutex.lock());
        let Poll::Ready(guard) = first.poll() else {
            panic!("lock() on a free mutex should be ready at the first poll");
        };
        let mut second = Manual::new(mutex.lock());
        assert!(
            second.poll().is_pending(),
            "lock() returned a second guard while the first was alive: the mutex is not exclusive"
        );
        assert!(second.poll().is_pending(), "still locked, still pending");
        assert_eq!(
            second.wakes(),
            0,
            "a waiting lock() woke itself while the mutex was still held: that is busy polling, \
             which keeps a CPU spinning; store the waker and wake it only when the guard is dropped"
        );
        drop(guard);
        assert!(
            second.wakes() >= 1,
            "dropping the guard did not wake the waiting lock(): a lost wake-up, the waiter would \
             sleep for ever; the guard's Drop must wake a stored waker"
        );
        assert!(
            second.poll().is_ready(),
            "after the guard was dropped and the waiter woken, lock() should be ready"
        );
    });
}

#[test]
fn a_waiter_polled_again_with_a_new_waker_is_woken_through_it() {
    // A task that moves to another thread, or a `select!` polled from another task, polls the same
    // `lock()` future again with a different waker. Only the newest waker reaches the task now.
    testkit::within(LIMIT, || {
        let mutex = SimpleAsyncMutex::new(0);
        let mut holder = Manual::new(mutex.lock());
        let Poll::Ready(guard) = holder.poll() else {
            panic!("lock() on a free mutex should be ready at the first poll");
        };
        let mut waiter = pin!(mutex.lock());
        let (first, second) = (WakeCounter::new(), WakeCounter::new());
        let first_poll = waiter
            .as_mut()
            .poll(&mut Context::from_waker(&first.waker()));
        let second_poll = waiter
            .as_mut()
            .poll(&mut Context::from_waker(&second.waker()));
        assert!(
            first_poll.is_pending() && second_poll.is_pending(),
            "the mutex is held, so lock() must wait"
        );
        drop(guard);
        assert!(
            second.count() >= 1,
            "the waiting lock() was polled again with a new waker, but the release woke only the \
             waker of its first poll ({} wake-ups there, {} through the new one): the task now \
             behind that future is never woken. On every Pending poll, replace the stored waker \
             with cx.waker() (Waker::clone_from, or will_wake to skip an equal one) instead of \
             keeping the first or queueing a second entry",
            first.count(),
            second.count()
        );
        assert!(
            waiter
                .as_mut()
                .poll(&mut Context::from_waker(&second.waker()))
                .is_ready(),
            "the waiter was woken and the mutex is free"
        );
    });
}

/// A waker that, when woken, asks another thread to poll `lock()` on the same mutex and waits up
/// to a second for it to get through. Any access to the mutex takes its std lock, so the other
/// thread only gets through in time if the std lock is free while `wake()` runs.
struct LockProbe {
    /// The mutex the other thread polls.
    mutex: Arc<SimpleAsyncMutex<i32>>,
    /// For each wake-up: whether the other thread got through the std lock within a second.
    got_through: Mutex<Vec<bool>>,
}

impl Wake for LockProbe {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        let (tx, rx) = mpsc::channel();
        let mutex = Arc::clone(&self.mutex);
        std::thread::spawn(move || {
            let poll = pin!(mutex.lock())
                .as_mut()
                .poll(&mut Context::from_waker(Waker::noop()))
                .is_ready();
            let _ = tx.send(poll);
        });
        let in_time = rx.recv_timeout(Duration::from_secs(1)).is_ok();
        self.got_through.lock().unwrap().push(in_time);
    }
}

#[test]
fn the_guard_wakes_its_waiter_after_letting_go_of_the_std_lock() {
    testkit::within(LIMIT, || {
        let mutex = Arc::new(SimpleAsyncMutex::new(0));
        let mut holder = Manual::new(mutex.lock());
        let Poll::Ready(guard) = holder.poll() else {
            panic!("lock() on a free mutex should be ready at the first poll");
        };
        let probe = Arc::new(LockProbe {
            mutex: Arc::clone(&mutex),
            got_through: Mutex::new(Vec::new()),
        });
        let waker = Waker::from(Arc::clone(&probe));
        let mut waiter = pin!(mutex.lock());
        assert!(
            waiter
                .as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending(),
            "the mutex is held, so lock() must wait"
        );
        drop(guard);
        let got_through = probe.got_through.lock().unwrap().clone();
        assert!(
            !got_through.is_empty(),
            "dropping the guard did not wake the waiting lock(): a lost wake-up, the waiter would \
             sleep for ever; the guard's Drop must wake a stored waker"
        );
        assert!(
            got_through.iter().all(|&in_time| in_time),
            "the guard called wake() while still holding the std Mutex: the woken task, on another \
             thread, polls lock() at once and blocks on that std lock until drop() returns. A \
             waker may run code of its own (here: another thread polling lock()). Take the waker \
             out of the queue, drop the std MutexGuard, then wake"
        );
    });
}

#[test]
fn waiting_for_the_lock_does_not_block_the_runtime_thread() {
    // One runtime thread: the holder keeps the guard for 50 ms while a second task waits for it.
    // If that wait blocks the thread (a std lock, a spin with `thread::sleep`), the holder can
    // never be resumed to release the guard, and the watchdog reports the block. The clock is
    // paused, so a passing run costs no real time; a blocked thread cannot move even a paused
    // clock, and the watchdog measures the block in real time.
    let got = testkit::run_watched(
        Flavor::CurrentThread,
        LIMIT,
        Duration::from_millis(200),
        || async {
            tokio::time::pause();
            let mutex = Arc::new(SimpleAsyncMutex::new(1));
            let mut guard = mutex.lock().await;
            let waiter = tokio::spawn({
                let mutex = Arc::clone(&mutex);
                async move { *mutex.lock().await }
            });
            tokio::time::sleep(Duration::from_millis(50)).await;
            *guard = 2;
            drop(guard);
            waiter.await.expect("the waiting task panicked")
        },
    );
    assert_eq!(got, 2, "the waiter should see the value the holder wrote");
}

#[test]
fn a_waiter_dropped_after_its_wake_up_does_not_strand_the_next() {
    testkit::within(LIMIT, || {
        let mutex = SimpleAsyncMutex::new(0);
        let mut holder = Manual::new(mutex.lock());
        let Poll::Ready(guard) = holder.poll() else {
            panic!("lock() on a free mutex should be ready at the first poll");
        };
        let mut a = Manual::new(mutex.lock());
        let mut b = Manual::new(mutex.lock());
        assert!(
            a.poll().is_pending() && b.poll().is_pending(),
            "the mutex is held"
        );
        drop(guard);
        // Whoever was woken, `a` gives up without polling again, as a lock() inside a select!
        // that another branch won would.
        drop(a);
        assert!(
            b.wakes() >= 1,
            "the guard was released and the only other waiter dropped its lock() future, but `b` \
             was never woken: either its waker was never stored, or the wake-up went to a waiter \
             that no longer exists. A lock() future dropped after being woken must pass the \
             wake-up on"
        );
        assert!(b.poll().is_ready(), "`b` was woken and the mutex is free");
    });
}

#[test]
fn a_waiter_dropped_before_the_release_does_not_strand_the_next() {
    testkit::within(LIMIT, || {
        let mutex = SimpleAsyncMutex::new(0);
        let mut holder = Manual::new(mutex.lock());
        let Poll::Ready(guard) = holder.poll() else {
            panic!("lock() on a free mutex should be ready at the first poll");
        };
        let mut a = Manual::new(mutex.lock());
        let mut b = Manual::new(mutex.lock());
        assert!(
            a.poll().is_pending() && b.poll().is_pending(),
            "the mutex is held"
        );
        drop(a);
        drop(guard);
        assert!(
            b.wakes() >= 1,
            "the guard was released but `b` was never woken: either its waker was never stored, \
             or the release woke only the waker of `a`, a waiter that no longer exists: its \
             lock() future had already been dropped. Store the waker when returning Pending, and remove a waiter's entry when \
             its future is dropped"
        );
        assert!(b.poll().is_ready(), "`b` was woken and the mutex is free");
    });
}

#[test]
fn many_tasks_never_lose_an_update() {
    // Each task reads, gives way while holding the guard, then writes back: if two tasks ever held
    // the lock at once, one of their writes would overwrite the other's and the total would be short.
    testkit::run_both(LIMIT, || async {
        const TASKS: u64 = 8;
        const ROUNDS: u64 = 200;
        let mutex = Arc::new(SimpleAsyncMutex::new(0u64));
        let mut tasks = Vec::new();
        for _ in 0..TASKS {
            let mutex = Arc::clone(&mutex);
            tasks.push(tokio::spawn(async move {
                for _ in 0..ROUNDS {
                    let mut guard = mutex.lock().await;
                    let read = *guard;
                    tokio::task::yield_now().await;
                    *guard = read + 1;
                }
            }));
        }
        for task in tasks {
            task.await.expect("a task panicked");
        }
        assert_eq!(
            *mutex.lock().await,
            TASKS * ROUNDS,
            "updates were lost: two tasks held the lock at the same time"
        );
    });
}
