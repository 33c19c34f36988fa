//! Tests for the `simple_async_mutex` exercise. Do not edit: `cargo lab check simple_async_mutex`
//! runs this file as it is, against your `src/lib.rs`.
//!
//! Most tests poll `lock()` futures by hand with [`testkit::Manual`], which counts how often the
//! future wakes its waker: that shows exactly who was woken when, with no timing involved.

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use simple_async_mutex::{SimpleAsyncMutex, SimpleAsyncMutexGuard};
use testkit::{Flavor, Manual, WakeCounter};

/// The time limit of every runtime test; each needs a few milliseconds.
const LIMIT: Duration = Duration::from_secs(5);

/// The time limit of the tests that poll by hand on the test's own thread, where a `lock()` that
/// blocks the thread instead of returning `Pending` stops the test until the limit: short, so
/// that such a check is not kept waiting long. Each needs a few milliseconds.
const BY_HAND: Duration = Duration::from_secs(2);

/// Locks the free `mutex` by polling one `lock()` by hand: that future (which the caller keeps
/// until the end of the test, as a holder would) and the guard it gave at its first poll.
#[track_caller]
fn hold<T>(
    mutex: &SimpleAsyncMutex<T>,
) -> (
    Manual<impl Future<Output = SimpleAsyncMutexGuard<'_, T>>>,
    SimpleAsyncMutexGuard<'_, T>,
) {
    let mut holder = Manual::new(mutex.lock());
    let Poll::Ready(guard) = holder.poll() else {
        panic!("lock() on a free mutex should be ready at the first poll");
    };
    (holder, guard)
}

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
    testkit::within(BY_HAND, || {
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
    testkit::within(BY_HAND, || {
        let mutex = SimpleAsyncMutex::new(0);
        let (_holder, guard) = hold(&mutex);
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
/// to half a second for it to get through. Any access to the mutex takes its std lock, so the other
/// thread only gets through in time if the std lock is free while `wake()` runs; and that poll
/// only finds the value if it was put back before the wake-up.
struct LockProbe {
    /// The mutex the other thread polls.
    mutex: Arc<SimpleAsyncMutex<i32>>,
    /// For each wake-up: whether the other thread got through the std lock within half a second.
    got_through: Mutex<Vec<bool>>,
    /// For each wake-up the other thread got through: whether its `lock()` was ready at once.
    found_free: Mutex<Vec<bool>>,
}

impl LockProbe {
    fn new(mutex: &Arc<SimpleAsyncMutex<i32>>) -> Arc<LockProbe> {
        Arc::new(LockProbe {
            mutex: Arc::clone(mutex),
            got_through: Mutex::new(Vec::new()),
            found_free: Mutex::new(Vec::new()),
        })
    }

    fn got_through(&self) -> Vec<bool> {
        self.got_through.lock().unwrap().clone()
    }

    fn found_free(&self) -> Vec<bool> {
        self.found_free.lock().unwrap().clone()
    }
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
        let answer = rx.recv_timeout(Duration::from_millis(500));
        self.got_through.lock().unwrap().push(answer.is_ok());
        if let Ok(ready) = answer {
            self.found_free.lock().unwrap().push(ready);
        }
    }
}

#[test]
fn the_guard_wakes_its_waiter_after_letting_go_of_the_std_lock() {
    testkit::within(BY_HAND, || {
        let mutex = Arc::new(SimpleAsyncMutex::new(0));
        let (_holder, guard) = hold(&mutex);
        let probe = LockProbe::new(&mutex);
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
        let got_through = probe.got_through();
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
        assert!(
            probe.found_free().iter().all(|&free| free),
            "the guard woke its waiter before it put the value back: the woken task, on another \
             thread, polls lock() at once, finds the mutex still taken, queues again, and nobody \
             wakes it any more (a lost wake-up). Put the value back before waking, under the \
             same std lock that takes the waiter off the queue"
        );
    });
}

#[test]
fn a_waiter_passes_its_wake_up_on_after_letting_go_of_the_std_lock() {
    testkit::within(BY_HAND, || {
        let mutex = Arc::new(SimpleAsyncMutex::new(0));
        let (_holder, guard) = hold(&mutex);
        let mut a = Manual::new(mutex.lock());
        assert!(
            a.poll().is_pending(),
            "the mutex is held, so lock() must wait"
        );
        let probe = LockProbe::new(&mutex);
        let waker = Waker::from(Arc::clone(&probe));
        let mut b = pin!(mutex.lock());
        assert!(
            b.as_mut()
                .poll(&mut Context::from_waker(&waker))
                .is_pending(),
            "the mutex is held, so lock() must wait"
        );
        drop(guard);
        assert!(
            a.wakes() >= 1 && probe.got_through().is_empty(),
            "the guard was released with two lock() futures waiting, but it did not wake the \
             first of them: hand the lock over in arrival order, to the first waiter \
             (pop_front), only that one"
        );
        // `a` gives up without polling again, so its Drop passes the wake-up on to `b`.
        drop(a);
        let got_through = probe.got_through();
        assert!(
            !got_through.is_empty(),
            "a lock() future woken by the release was dropped before it polled again, and the next \
             waiter was never woken: a lock() future dropped after being woken must pass the \
             wake-up on"
        );
        assert!(
            got_through.iter().all(|&in_time| in_time),
            "a lock() future dropped after its wake-up called wake() while still holding the std \
             Mutex, to pass that wake-up on: the woken task, on another thread, polls lock() at \
             once and blocks on that std lock until drop() returns. Take the next waker out of \
             the queue, drop the std MutexGuard, then wake, in Lock's Drop as in the guard's"
        );
        assert!(
            b.as_mut().poll(&mut Context::from_waker(&waker)).is_ready(),
            "`b` was woken and the mutex is free"
        );
    });
}

#[test]
fn the_lock_goes_to_the_waiters_in_arrival_order() {
    testkit::within(BY_HAND, || {
        let mutex = SimpleAsyncMutex::new(0);
        let (_holder, guard) = hold(&mutex);
        let mut waiters: Vec<_> = (0..3).map(|_| Manual::new(mutex.lock())).collect();
        for waiter in &mut waiters {
            assert!(
                waiter.poll().is_pending(),
                "the mutex is held, so lock() must wait"
            );
        }
        let mut guard = Some(guard);
        for turn in 0..waiters.len() {
            drop(guard.take());
            let woken: Vec<usize> = waiters.iter().map(Manual::wakes).collect();
            assert!(
                woken[turn] >= 1 && woken[turn + 1..].iter().all(|&wakes| wakes == 0),
                "three lock() futures queued one after the other; release number {} should wake \
                 waiter {turn} (counting from 0) and nobody after it, but the wake-ups per waiter \
                 are {woken:?}: the guard must wake the first waiter, in arrival order \
                 (pop_front), or an early waiter can starve while newer ones overtake it",
                turn + 1
            );
            let Poll::Ready(next) = waiters[turn].poll() else {
                panic!("waiter {turn} was woken and the mutex is free, so lock() should be ready");
            };
            guard = Some(next);
        }
    });
}

#[test]
fn a_waiter_served_out_of_turn_leaves_the_queue() {
    // A lock() future may be polled while it waits without having been woken (a select! in the
    // same task, another branch of a join!); if it finds the mutex free then, it takes the value.
    testkit::within(BY_HAND, || {
        let mutex = SimpleAsyncMutex::new(0);
        let (_holder, guard) = hold(&mutex);
        let mut a = Manual::new(mutex.lock());
        let mut b = Manual::new(mutex.lock());
        assert!(
            a.poll().is_pending() && b.poll().is_pending(),
            "the mutex is held"
        );
        drop(guard);
        // `a` was woken, but `b` happens to be polled first and gets the lock.
        let Poll::Ready(guard) = b.poll() else {
            panic!("`b` was polled while the mutex was free, so lock() should be ready");
        };
        assert!(
            a.poll().is_pending(),
            "`b` holds the lock now, so `a` must wait again"
        );
        drop(guard);
        assert!(
            a.wakes() >= 2,
            "`b` got the lock while still queued (polled out of turn), and its release did not \
             wake `a`, the one left waiting: a lock() that returns Ready must remove its own \
             entry from the queue, or a later release wakes that finished future instead of a \
             real waiter"
        );
        assert!(a.poll().is_ready(), "`a` was woken and the mutex is free");
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
    testkit::within(BY_HAND, || {
        let mutex = SimpleAsyncMutex::new(0);
        let (_holder, guard) = hold(&mutex);
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
             wake-up on; it can tell it was woken only if the guard's Drop took its entry off \
             the queue (pop_front, not front) before waking it"
        );
        assert!(b.poll().is_ready(), "`b` was woken and the mutex is free");
    });
}

#[test]
fn a_waiter_dropped_before_the_release_does_not_strand_the_next() {
    testkit::within(BY_HAND, || {
        let mutex = SimpleAsyncMutex::new(0);
        let (_holder, guard) = hold(&mutex);
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

/// Spins until `flag` reaches `at_least`, giving the core away now and then (the machine may have
/// fewer cores than busy threads).
fn spin_until(flag: &AtomicUsize, at_least: usize) {
    let mut spins = 0u32;
    while flag.load(Ordering::Acquire) < at_least {
        spins += 1;
        if spins.is_multiple_of(256) {
            std::thread::yield_now();
        } else {
            std::hint::spin_loop();
        }
    }
}

#[test]
fn a_release_while_a_waiter_queues_is_not_lost() {
    // Two threads, many rounds: one polls a waiting lock() while the other drops the guard at
    // about the same moment, after a delay that varies from round to round. The check is exact, not
    // timed: a lock() that answered Pending while the release happened must have been woken,
    // whatever the interleaving. It only goes wrong when checking for the value and queueing
    // the waker are two steps under two std locks, so a release can fall in between. 3000 rounds
    // take some 30 ms; on a machine so busy that they would take longer than BUDGET, fewer run.
    testkit::within(BY_HAND, || {
        const ROUNDS: usize = 3000;
        const BUDGET: Duration = Duration::from_millis(300);
        /// The value of `go` that ends the rounds early.
        const STOP: usize = usize::MAX;
        let mutexes: Vec<SimpleAsyncMutex<usize>> =
            (0..ROUNDS).map(SimpleAsyncMutex::new).collect();
        let guards: Vec<_> = mutexes
            .iter()
            .map(|mutex| match Manual::new(mutex.lock()).poll() {
                Poll::Ready(guard) => guard,
                Poll::Pending => panic!("lock() on a free mutex should be ready at the first poll"),
            })
            .collect();
        let (ready, go, released) = (
            AtomicUsize::new(0),
            AtomicUsize::new(0),
            AtomicUsize::new(0),
        );
        let started = std::time::Instant::now();
        let (lost, rounds) = std::thread::scope(|scope| {
            let poller = scope.spawn(|| {
                let mut lost = 0;
                for (round, mutex) in mutexes.iter().enumerate() {
                    let mut waiter = Manual::new(mutex.lock());
                    ready.store(round + 1, Ordering::Release);
                    spin_until(&go, round + 1);
                    if go.load(Ordering::Acquire) == STOP {
                        return (lost, round);
                    }
                    let pending = waiter.poll().is_pending();
                    spin_until(&released, round + 1);
                    if pending && waiter.wakes() == 0 {
                        lost += 1;
                    }
                }
                (lost, ROUNDS)
            });
            for (round, guard) in guards.into_iter().enumerate() {
                spin_until(&ready, round + 1);
                if started.elapsed() > BUDGET {
                    go.store(STOP, Ordering::Release);
                    break;
                }
                go.store(round + 1, Ordering::Release);
                // Two kinds of delay, in turn. Spinning sweeps the moment of the release across
                // the poll when both threads run at once on two cores; giving the core away a few
                // times lets the release fall inside the poll when they share one core.
                if round % 2 == 0 {
                    for _ in 0..round / 2 % 100 {
                        std::hint::spin_loop();
                    }
                } else {
                    for _ in 0..round / 2 % 4 {
                        std::thread::yield_now();
                    }
                }
                drop(guard);
                released.store(round + 1, Ordering::Release);
            }
            poller.join().expect("the polling thread panicked")
        });
        assert_eq!(
            lost, 0,
            "in {lost} of {rounds} rounds a lock() answered Pending while the guard was being \
             released on another thread, and was never woken: a lost wake-up. Either poll() \
             looked for the value and queued its waker under two separate locks of the std \
             Mutex, and the release fell in between (it found the value taken, then the queue \
             empty): check for the value and queue the waker under the same std lock. Or the \
             guard's Drop took the first waiter (none yet) before it put the value back, and the \
             poll fell in between: put the value back before waking, under the same std lock \
             that takes the waiter off the queue"
        );
    });
}
