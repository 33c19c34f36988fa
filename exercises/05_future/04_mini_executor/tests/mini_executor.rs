//! Tests for the tiny executor: every task finishes and `run` returns, `run` does not spin, a
//! wake from another thread is never lost, and tasks can spawn tasks and await their handles.
//!
//! Every `run` is bounded: `run_bounded` runs it on a thread of its own and fails the test, with a
//! message naming the likely cause, if it has not returned within `LIMIT`. Polls are counted with
//! `testkit::Counted`.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

use mini_executor::Executor;
use testkit::Counted;

/// Generous: the slowest test waits about 100 ms of real time. A failing test ends within it, and
/// once one test has found `run` stuck, the others give their own `run` only `GRACE` more, so a
/// `run` stuck everywhere fails the whole file in about `LIMIT`, whatever the number of cores.
const LIMIT: Duration = Duration::from_secs(2);
const GRACE: Duration = Duration::from_millis(150);

/// Set by the first test whose `run` did not return within `LIMIT`.
static STUCK: AtomicBool = AtomicBool::new(false);

/// Runs `executor.run()` on a thread of its own and waits for it to return, at most `LIMIT` (less
/// once another test has found `run` stuck). Returns `false` if it has not returned by then.
/// (The stuck thread is abandoned; it ends with the test process.)
fn run_returns(executor: &Executor) -> bool {
    let executor = executor.clone();
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        executor.run();
        let _ = done_tx.send(());
    });
    receive_within(&done_rx, LIMIT).is_some()
}

/// Waits at most `limit` (less once another test has found `run` stuck) for what a thread that
/// calls `run` sends when `run` returns. `None`, and other tests told so, if nothing came.
fn receive_within<T>(done: &mpsc::Receiver<T>, limit: Duration) -> Option<T> {
    let mut deadline = Instant::now() + limit;
    loop {
        match done.recv_timeout(Duration::from_millis(10)) {
            Ok(value) => return Some(value),
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("run() panicked (see above)"),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        let now = Instant::now();
        if STUCK.load(Ordering::Relaxed) {
            deadline = deadline.min(now + GRACE);
        }
        if now >= deadline {
            STUCK.store(true, Ordering::Relaxed);
            return None;
        }
    }
}

/// Runs `executor.run()` as [`run_returns`] does; if it does not return, the test fails with
/// `if_stuck`, which says what the test's tasks need from `run`.
#[track_caller]
fn run_bounded(executor: &Executor, if_stuck: &str) {
    if !run_returns(executor) {
        panic!("run() had not returned after {LIMIT:?}: {if_stuck}")
    }
}

/// Said when the tasks of a test are all woken, one way or another, and `run` still does not
/// return.
const LOST_WAKE: &str = "every task was woken, so a wake must have been lost. Look at three \
    places: `run` must check the queue and go to sleep under the same lock `wake` pushes under; \
    `wake` must push the task first and notify after, so that `run` never wakes up to a queue \
    still empty; and `run` must clear a task's `queued` flag before polling it, so that a wake \
    during the poll queues the task again. A busy `run` that polls the same tasks over and over is \
    the other cause";

/// Pending until a thread, started on the first poll, wakes it after `delay`.
struct WokenByThread {
    delay: Duration,
    state: Arc<(AtomicBool, Mutex<Option<Waker>>)>,
    started: bool,
}

impl WokenByThread {
    fn after(delay: Duration) -> Self {
        WokenByThread {
            delay,
            state: Arc::default(),
            started: false,
        }
    }
}

impl Future for WokenByThread {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        *self.state.1.lock().unwrap() = Some(cx.waker().clone());
        if self.state.0.load(Ordering::Acquire) {
            return Poll::Ready(());
        }
        if !self.started {
            self.started = true;
            let (delay, state) = (self.delay, Arc::clone(&self.state));
            thread::spawn(move || {
                thread::sleep(delay);
                state.0.store(true, Ordering::Release);
                if let Some(waker) = state.1.lock().unwrap().take() {
                    waker.wake();
                }
            });
        }
        Poll::Pending
    }
}

/// On its first poll, has another thread wake it and waits for that thread, then returns
/// `Pending`: the wake arrives while the executor is still inside `poll`.
struct WokenDuringPoll {
    polled: bool,
}

impl Future for WokenDuringPoll {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            return Poll::Ready(());
        }
        self.polled = true;
        let waker = cx.waker().clone();
        let (woke_tx, woke_rx) = mpsc::channel();
        thread::spawn(move || {
            waker.wake();
            let _ = woke_tx.send(());
        });
        match woke_rx.recv_timeout(LIMIT / 4) {
            Ok(()) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the waking thread panicked"),
            Err(mpsc::RecvTimeoutError::Timeout) => panic!(
                "a wake from another thread during the poll had not finished after {:?}: run() \
                 holds the queue's lock while it polls the task, so `wake` waits for that lock for \
                 ever. Take the task off the queue under the lock, let the guard go, then poll",
                LIMIT / 4
            ),
        }
        Poll::Pending
    }
}

#[test]
fn run_with_no_tasks_returns() {
    run_bounded(
        &Executor::new(),
        "with no task spawned at all, run() must return at once",
    );
}

#[test]
fn every_task_finishes_and_hands_back_its_output() {
    let executor = Executor::new();
    let handles: Vec<_> = (0..100u32)
        .map(|i| executor.spawn(async move { i * 2 }))
        .collect();
    if !run_returns(&executor) {
        let finished = handles.iter().filter(|h| h.try_take().is_some()).count();
        if finished == 100 {
            panic!(
                "all 100 tasks finished (each handle holds its output), yet run() had not \
                 returned after {LIMIT:?}: count a finished task out (`alive -= 1` under the \
                 queue's lock) and return once no task is alive"
            );
        }
        panic!(
            "run() had not returned after {LIMIT:?} and only {finished} of 100 tasks that finish \
             on their first poll had finished: poll each queued task once"
        );
    }
    let outputs: Vec<Option<u32>> = handles.iter().map(|h| h.try_take()).collect();
    let expected: Vec<Option<u32>> = (0..100).map(|i| Some(i * 2)).collect();
    assert_eq!(
        outputs, expected,
        "after run() returns, every task has finished and each handle holds its own task's output"
    );
}

#[test]
fn a_waiting_task_is_polled_only_after_its_wake() {
    let executor = Executor::new();
    let counted = Counted::new(WokenByThread::after(Duration::from_millis(50)));
    let stats = counted.stats();
    executor.spawn(counted);
    if !run_returns(&executor) {
        // The wake came 50 ms after the first poll, long after `run` had gone to sleep. Does
        // `run` wake up for anything at all? Spawn one more task and see whether it is polled.
        let probe = Arc::new(AtomicBool::new(false));
        let polled = Arc::clone(&probe);
        executor.spawn(async move { polled.store(true, Ordering::SeqCst) });
        thread::sleep(Duration::from_millis(200));
        if probe.load(Ordering::SeqCst) {
            panic!(
                "run() woke up for a newly spawned task, but a task woken by another thread 50 ms \
                 after its first poll was never polled again: that wake did not queue it. Poll each \
                 task with a `Context` made from its own waker (`Waker::from(Arc::clone(&task))`) \
                 so that waking it queues it; `wake` must push the task when its `queued` flag was false, and `run` must clear the \
                 flag (`store(false, ..)`) each time it takes the task off the queue"
            );
        }
        panic!(
            "run() sleeps on while a task is queued: `wake` does not notify the Condvar. A task \
             woken by another thread 50 ms after its first poll, when run() was asleep, was not \
             polled again, and neither was a task spawned after that. After pushing a task, \
             `wake` must wake the thread sleeping in run() with `changed.notify_one()`"
        );
    }
    let polls = stats.polls();
    assert!(
        polls >= 2,
        "run() returned after {polls} poll(s) of a task that was still waiting for its wake: it \
         must return only when no task is alive, not when the queue is empty"
    );
    assert_eq!(
        polls, 2,
        "a task that waits 50 ms for one wake from another thread must be polled exactly twice \
         (once to start, once after the wake), not {polls} times: run() must sleep while nothing \
         is queued instead of polling tasks again and again"
    );
}

/// The CPU time the calling thread has used so far, from Linux's per-thread scheduler statistics
/// (its first field is the time spent on a CPU, in nanoseconds).
#[cfg(target_os = "linux")]
fn thread_cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat")
        .expect("/proc/thread-self/schedstat is readable on Linux");
    let nanos: u64 = stat
        .split_whitespace()
        .next()
        .and_then(|field| field.parse().ok())
        .expect("the first field of schedstat is a number of nanoseconds");
    Duration::from_nanos(nanos)
}

#[cfg(target_os = "linux")]
#[test]
fn run_sleeps_instead_of_spinning_while_nothing_is_queued() {
    // One task that waits 100 ms for a wake from another thread. Meanwhile nothing is queued and
    // `run` should be asleep on the Condvar, using next to no CPU (well under a millisecond). A
    // `run` that keeps checking the queue uses as much CPU as a thread that spins on purpose
    // gets meanwhile: all of the wait on an idle machine, its share on a busy one. A tenth of
    // what such a thread gets sits far from both.
    let spinning = Arc::new(AtomicBool::new(true));
    let (spin_tx, spin_rx) = mpsc::channel();
    let keep_spinning = Arc::clone(&spinning);
    thread::spawn(move || {
        let cpu_before = thread_cpu_time();
        while keep_spinning.load(Ordering::Relaxed) {
            std::hint::spin_loop();
        }
        let _ = spin_tx.send(thread_cpu_time() - cpu_before);
    });
    let executor = Executor::new();
    executor.spawn(WokenByThread::after(Duration::from_millis(100)));
    let runner = executor.clone();
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        let (cpu_before, start) = (thread_cpu_time(), Instant::now());
        runner.run();
        let _ = done_tx.send((thread_cpu_time() - cpu_before, start.elapsed()));
    });
    let returned = receive_within(&done_rx, LIMIT);
    spinning.store(false, Ordering::Relaxed);
    let (cpu, wall) =
        returned.unwrap_or_else(|| panic!("run() had not returned after {LIMIT:?}: {LOST_WAKE}"));
    let spinner_cpu = spin_rx
        .recv_timeout(LIMIT)
        .expect("the spinning thread reports its CPU time once told to stop");
    assert!(
        wall >= Duration::from_millis(100),
        "run() returned after {wall:?}, before its one task was woken (100 ms after its first \
         poll): run() must return only when no task is alive, not when the queue is empty"
    );
    assert!(
        cpu < spinner_cpu / 10,
        "run() was busy on the CPU for {cpu:?} of the {wall:?} it spent waiting for one task's \
         wake, while a thread spinning on purpose got {spinner_cpu:?}: it spins. While tasks are alive but none is queued, run() must sleep on the \
         Condvar (`changed.wait(state)`), not loop checking the queue"
    );
}

#[test]
fn run_waits_for_tasks_that_are_alive_but_not_queued() {
    let executor = Executor::new();
    let done = Arc::new(AtomicUsize::new(0));
    for i in 0..20u64 {
        let done = Arc::clone(&done);
        executor.spawn(async move {
            WokenByThread::after(Duration::from_millis(i)).await;
            done.fetch_add(1, Ordering::SeqCst);
        });
    }
    run_bounded(&executor, LOST_WAKE);
    let done = done.load(Ordering::SeqCst);
    assert_eq!(
        done,
        20,
        "run() returned while {} of 20 tasks were still waiting for a wake: it must return only \
         when no task is alive, not when the queue is empty",
        20 - done
    );
}

#[test]
fn a_wake_during_the_poll_is_not_lost() {
    let executor = Executor::new();
    for _ in 0..50 {
        executor.spawn(WokenDuringPoll { polled: false });
    }
    run_bounded(
        &executor,
        "each task was woken by another thread while run() was still inside its poll, and that \
         wake was lost: clear the task's `queued` flag before polling it, not after",
    );
}

#[test]
fn many_wakes_from_other_threads_are_not_lost() {
    // Short, varied delays make wakes arrive at every point of `run`'s loop, including just as it
    // finds the queue empty and decides to sleep.
    let executor = Executor::new();
    for i in 0..300u64 {
        executor.spawn(async move {
            for _ in 0..3 {
                WokenByThread::after(Duration::from_micros(i % 7 * 50)).await;
            }
        });
    }
    run_bounded(&executor, LOST_WAKE);
}

#[test]
fn a_task_can_spawn_tasks_and_await_their_handles() {
    let executor = Executor::new();
    let spawner = executor.clone();
    let total = executor.spawn(async move {
        let handles: Vec<_> = (1..=10u32)
            .map(|i| {
                spawner.spawn(async move {
                    WokenByThread::after(Duration::from_millis(u64::from(i))).await;
                    i
                })
            })
            .collect();
        let mut sum = 0;
        for handle in handles {
            sum += handle.await;
        }
        sum
    });
    run_bounded(&executor, LOST_WAKE);
    let sum = total.try_take();
    assert_eq!(
        sum,
        Some(55),
        "a task that spawns ten tasks and awaits their handles gets 1 + 2 + ... + 10"
    );
}

/// On its first poll, makes the next three Condvar waits of the thread polling it (`run`'s)
/// return with nothing notified (`testkit::sync::spurious_wakeups`); then waits for a wake from
/// another thread after 20 ms.
struct SpuriousThenWoken {
    first: bool,
    inner: Pin<Box<WokenByThread>>,
}

impl Future for SpuriousThenWoken {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if std::mem::take(&mut self.first) {
            testkit::sync::spurious_wakeups(3);
        }
        self.inner.as_mut().poll(cx)
    }
}

#[test]
fn a_wait_that_returns_with_nothing_queued_is_waited_again() {
    // A Condvar may wake a waiting thread with nothing notified and nothing changed (a
    // "spurious wakeup", which std's documentation allows). `run` must then look at the queue
    // again and go back to sleep: it waits in a loop, not once in an `if`.
    let executor = Executor::new();
    executor.spawn(SpuriousThenWoken {
        first: true,
        inner: Box::pin(WokenByThread::after(Duration::from_millis(20))),
    });
    let runner = executor.clone();
    let run = thread::spawn(move || runner.run());
    let start = Instant::now();
    while !run.is_finished() {
        if start.elapsed() > LIMIT {
            panic!("run() had not returned after {LIMIT:?}: {LOST_WAKE}");
        }
        thread::sleep(Duration::from_millis(2));
    }
    if run.join().is_err() {
        panic!(
            "run() panicked (see above) after its wait on the Condvar returned with nothing \
             queued: a Condvar can wake a thread up spuriously, with nothing notified. After every \
             wait, check the queue again, in a loop (`loop {{ if let Some(task) = pop {{ break }} \
             ... state = wait(state) }}`), not once in an `if`"
        );
    }
}

/// Pending until a thread, started on the first poll, wakes it after `delay`; that thread sends
/// whether the wake notified the Condvar before it took any lock
/// (`testkit::sync::notified_before_locking`).
struct WokenWatchingNotify {
    delay: Duration,
    done: Arc<AtomicBool>,
    report: Option<mpsc::Sender<Option<bool>>>,
}

impl Future for WokenWatchingNotify {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.done.load(Ordering::Acquire) {
            return Poll::Ready(());
        }
        if let Some(report) = self.report.take() {
            let (delay, done, waker) = (self.delay, Arc::clone(&self.done), cx.waker().clone());
            thread::spawn(move || {
                thread::sleep(delay);
                done.store(true, Ordering::Release);
                testkit::sync::watch_notify_order();
                waker.wake();
                let _ = report.send(testkit::sync::notified_before_locking());
            });
        }
        Poll::Pending
    }
}

#[test]
fn a_wake_pushes_the_task_before_it_notifies() {
    // Another thread wakes the task while `run` sleeps. A `wake` that calls `notify_one` before it
    // has locked the queue to push the task can get `run` up to a queue still empty; `run` sleeps
    // again, and the push that follows wakes nobody. That happens now and then; the order is
    // seen every time.
    let executor = Executor::new();
    let (report, seen) = mpsc::channel();
    executor.spawn(WokenWatchingNotify {
        delay: Duration::from_millis(20),
        done: Arc::default(),
        report: Some(report),
    });
    let returned = run_returns(&executor);
    if let Ok(Some(true)) = seen.recv_timeout(LIMIT) {
        panic!(
            "`wake` notified the Condvar before it pushed the task: its `notify_one` came before \
             it locked the queue. That can wake run() to a queue still empty; run() then sleeps \
             again, and the push that follows wakes nobody. Push the task first (under the \
             queue's lock), then call `changed.notify_one()`"
        );
    }
    if !returned {
        panic!("run() had not returned after {LIMIT:?}: {LOST_WAKE}");
    }
}

/// Pending on its first poll, at whose end it asks for its wake right after `run`'s thread
/// releases a lock for the `nth` time from then on (through `testkit::sync::after_unlock`), or
/// from another thread after `FALLBACK` if no such release comes; ready on the next poll.
struct WokenAfterUnlock {
    nth: usize,
    /// Set by whichever of the two wakes comes first; the other then does nothing.
    woken: Arc<AtomicBool>,
    /// Set if the wake came right after a release, not from the fallback thread.
    by_release: Arc<AtomicBool>,
    polled: bool,
}

/// How long a `WokenAfterUnlock` waits for its release before another thread wakes it.
const FALLBACK: Duration = Duration::from_millis(2);

impl Future for WokenAfterUnlock {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            return Poll::Ready(());
        }
        self.polled = true;
        let (waker, woken, by_release) = (
            cx.waker().clone(),
            Arc::clone(&self.woken),
            Arc::clone(&self.by_release),
        );
        testkit::sync::after_unlock(self.nth, move || {
            if !woken.swap(true, Ordering::AcqRel) {
                by_release.store(true, Ordering::Release);
                waker.wake();
            }
        });
        let (waker, woken) = (cx.waker().clone(), Arc::clone(&self.woken));
        thread::spawn(move || {
            thread::sleep(FALLBACK);
            if !woken.swap(true, Ordering::AcqRel) {
                waker.wake();
            }
        });
        Poll::Pending
    }
}

/// Which releases after the first poll get the wake: the 1st up to this one. A `run` that checks
/// the queue and then waits under a second lock guard releases the first guard within its first
/// few releases after a poll.
const RELEASES_TRIED: usize = 8;

/// Said when a wake put right after a lock release is lost.
const LOST: &str = "a lost wake-up: the test woke the task right after run() let go of the \
    queue's lock, between finding the queue empty and waiting on the Condvar, and run() slept \
    through it with the task queued. Check the queue and wait on the Condvar under the same lock \
    guard (`changed.wait(state)` with the guard that found the queue empty), never unlocking in \
    between";

/// One run of one task whose wake comes right after release `nth`: `Some(waited)` if the wake
/// came that way, with whether `run` then went to wait on the Condvar all the same (with the task
/// queued: a lost wake, which a `wait_timeout` finds again later); `None` if the wake came from
/// the fallback thread. Panics if `run` does not return.
fn lone_wake_after_release(nth: usize) -> Option<bool> {
    let executor = Executor::new();
    let (woken, by_release) = (Arc::new(AtomicBool::new(false)), Arc::default());
    executor.spawn(WokenAfterUnlock {
        nth,
        woken: Arc::clone(&woken),
        by_release: Arc::clone(&by_release),
        polled: false,
    });
    let (done_tx, done_rx) = mpsc::channel();
    let runner = executor.clone();
    thread::spawn(move || {
        runner.run();
        let waited = testkit::sync::waited_after_action();
        // Nothing may be left for a later run on this thread.
        testkit::sync::cancel_after_unlock();
        let _ = done_tx.send(waited);
    });
    // One run takes microseconds, or `FALLBACK`; a stuck one is seen long before `LIMIT`.
    let Some(waited) = receive_within(&done_rx, LIMIT / 4) else {
        if by_release.load(Ordering::Acquire) {
            panic!("{LOST} (the wake came right after release {nth} following the poll)");
        }
        if woken.load(Ordering::Acquire) {
            panic!("run() had not returned after {:?}: {LOST_WAKE}", LIMIT / 4);
        }
        panic!(
            "run() had not returned after {:?}, and the task's first poll never came: `spawn` \
             must queue the new task, and `run` poll what is queued",
            LIMIT / 4
        );
    };
    let fired = by_release.load(Ordering::Acquire);
    fired.then_some(waited)
}

#[test]
fn a_lone_wake_as_run_goes_to_sleep_is_not_lost() {
    // One task, one wake, put right after `run`'s thread releases a lock: after the 1st release
    // that follows the task's first poll in one run, after the 2nd in the next, and so on. If `run`
    // checks the queue under one guard, lets go of it, and waits on the Condvar under another, one
    // of these wakes lands between the check and the wait: pushed and notified while nobody
    // waits, it is lost, and `run` sleeps with the task queued (or, with a `wait_timeout`, until
    // the time-out). `Condvar::wait(guard)` releases the lock inside, where no wake can be put,
    // which is why it is the right way.
    let mut any_by_release = false;
    for nth in 1..=RELEASES_TRIED {
        let Some(waited) = lone_wake_after_release(nth) else {
            continue;
        };
        any_by_release = true;
        if waited {
            panic!(
                "{LOST}. Here run() went to wait on the Condvar after the wake had queued the task, \
                 and found it only when the wait timed out: a wait with a time-out hides a lost \
                 wake-up, it does not prevent it (the wake came right after release {nth} \
                 following the poll)"
            );
        }
    }
    assert!(
        any_by_release,
        "run() never released a lock on its own thread after a poll, so the test could not put \
         a wake between its check of the queue and its wait. Keep `Mutex` and `Condvar` from \
         `testkit::sync` (imported at the top of src/lib.rs): they are std's, with the hook this \
         test uses"
    );
}

/// On its first poll, wakes itself twice and returns `Pending`; ready on the next poll.
struct WakesItselfTwice {
    polled: bool,
}

impl Future for WakesItselfTwice {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.polled {
            return Poll::Ready(());
        }
        self.polled = true;
        cx.waker().wake_by_ref();
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn a_task_woken_twice_before_its_poll_is_queued_once() {
    let executor = Executor::new();
    let counted = Counted::new(async {
        WakesItselfTwice { polled: false }.await;
        WokenByThread::after(Duration::from_millis(20)).await;
    });
    let stats = counted.stats();
    executor.spawn(counted);
    run_bounded(&executor, LOST_WAKE);
    let polls = stats.polls();
    assert!(
        polls >= 3,
        "run() returned after {polls} poll(s) of a task that was still waiting for a wake: it \
         must return only when no task is alive, not when the queue is empty"
    );
    assert_eq!(
        polls, 3,
        "a task that wakes itself twice in one poll, then waits 20 ms for a wake from another \
         thread, must be polled 3 times, not {polls}: a task woken twice before its next poll was \
         queued twice and polled again for nothing. `wake` must push the task only if it is not \
         queued already: that is what the `queued` flag is for"
    );
}
