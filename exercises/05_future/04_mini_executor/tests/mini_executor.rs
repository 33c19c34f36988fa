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

/// Generous: the slowest test waits about 100 ms of real time.
const LIMIT: Duration = Duration::from_secs(10);

/// Runs `executor.run()` on a thread of its own and waits at most `LIMIT` for it to return. If it
/// does not, the test fails with `if_stuck`, which says what the test's tasks need from `run`.
/// (The stuck thread is abandoned; it ends with the test process.)
#[track_caller]
fn run_bounded(executor: &Executor, if_stuck: &str) {
    let executor = executor.clone();
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        executor.run();
        let _ = done_tx.send(());
    });
    match done_rx.recv_timeout(LIMIT) {
        Ok(()) => {}
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("run() had not returned after {LIMIT:?}: {if_stuck}")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("run() panicked (see above)"),
    }
}

/// Said when the tasks of a test are all woken, one way or another, and `run` still does not
/// return.
const LOST_WAKE: &str = "every task was woken, so a wake must have been lost. Look at two \
    places: `run` must check the queue and go to sleep under the same lock `wake` pushes under, \
    and it must clear a task's `queued` flag before polling it, so that a wake during the poll \
    queues the task again. A busy `run` that polls the same tasks over and over is the other cause";

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
        thread::spawn(move || waker.wake())
            .join()
            .expect("the waking thread panicked");
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
    run_bounded(
        &executor,
        "100 tasks that finish on their first poll were spawned: poll each queued task once",
    );
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
    run_bounded(&executor, LOST_WAKE);
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
    // `run` that keeps checking the queue uses the CPU for the whole wait, or, on a machine busy
    // with other work, for its share of it: the bound of a tenth of the wait sits far from both.
    let executor = Executor::new();
    executor.spawn(WokenByThread::after(Duration::from_millis(100)));
    let runner = executor.clone();
    let (done_tx, done_rx) = mpsc::channel();
    thread::spawn(move || {
        let (cpu_before, start) = (thread_cpu_time(), Instant::now());
        runner.run();
        let _ = done_tx.send((thread_cpu_time() - cpu_before, start.elapsed()));
    });
    let (cpu, wall) = done_rx
        .recv_timeout(LIMIT)
        .unwrap_or_else(|_| panic!("run() had not returned after {LIMIT:?}: {LOST_WAKE}"));
    assert!(
        cpu < wall / 10,
        "run() was busy on the CPU for {cpu:?} of the {wall:?} it spent waiting for one task's \
         wake: it spins. While tasks are alive but none is queued, run() must sleep on the \
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

#[test]
fn a_lone_wake_as_run_goes_to_sleep_is_not_lost() {
    // One task, one wake from another thread, a few microseconds after the task's first poll:
    // about when `run` finds the queue empty and goes to sleep. If that wake can fall between
    // the check and the wait, nothing else will ever wake `run`. Repeated with varied delays so
    // that some wake lands in that window.
    for i in 0..300u64 {
        let executor = Executor::new();
        executor.spawn(WokenByThread::after(Duration::from_micros(i % 30)));
        run_bounded(
            &executor,
            "a single task's only wake came from another thread while run() was deciding to \
             sleep, and was lost: check the queue and wait on the Condvar under the same lock \
             guard (`changed.wait(state)`), never unlock in between",
        );
    }
}
