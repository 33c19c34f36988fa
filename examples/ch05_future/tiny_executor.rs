//! A tiny executor, built from scratch for chapter 5 and shared by `tokio32` (which shows it
//! working) and `tokio33` (which measures it against Tokio). Not an example of its own: the two
//! examples include it with `#[path]`.
//!
//! - a run queue: a `VecDeque` of tasks behind a `Mutex`, with a `Condvar` the loop sleeps on;
//! - tasks as `Arc<Task>`, made into wakers by `std::task::Wake`: waking a task pushes it onto
//!   the run queue (once, however often it is woken before it runs);
//! - `spawn` returns a `JoinHandle`, itself a future, that yields the task's output;
//! - a timer thread that stands in for a reactor: `sleep` registers a deadline and a waker, and the
//!   thread wakes the waker when the deadline passes.
//!
//! `run` never spins: when the queue is empty and tasks are still alive, it waits on the condvar
//! until a wake pushes something.

#![allow(
    dead_code,
    reason = "each example that includes this module uses part of it"
)]

use std::collections::{BinaryHeap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread;
use std::time::{Duration, Instant};

// ANCHOR: queue
/// The run queue and the count of tasks not yet finished.
#[derive(Default)]
struct Queue {
    state: Mutex<QueueState>,
    /// Signalled whenever a task is pushed or the last task finishes.
    changed: Condvar,
}

#[derive(Default)]
struct QueueState {
    ready: VecDeque<Arc<Task>>,
    alive: usize,
}

/// One spawned future, and whether it is already in the run queue.
struct Task {
    future: Mutex<Option<Pin<Box<dyn Future<Output = ()> + Send>>>>,
    queued: AtomicBool,
    queue: Arc<Queue>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        // Only the first wake since the last poll queues the task; the others
        // have nothing to add.
        if !self.queued.swap(true, Ordering::AcqRel) {
            let queue = Arc::clone(&self.queue);
            queue.state.lock().unwrap().ready.push_back(self);
            queue.changed.notify_one();
        }
    }
}
// ANCHOR_END: queue

// ANCHOR: executor
/// Runs spawned futures on the thread that calls [`Executor::run`].
#[derive(Clone, Default)]
pub struct Executor {
    queue: Arc<Queue>,
}

impl Executor {
    pub fn new() -> Self {
        Self::default()
    }

    /// Queues `fut` as a new task; its output arrives through the returned
    /// handle.
    pub fn spawn<F>(&self, fut: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let slot = Arc::new(Mutex::new(Slot {
            value: None,
            waker: None,
        }));
        let filler = Arc::clone(&slot);
        let task = Arc::new(Task {
            future: Mutex::new(Some(Box::pin(async move {
                let value = fut.await;
                let mut slot = filler.lock().unwrap();
                slot.value = Some(value);
                if let Some(waker) = slot.waker.take() {
                    waker.wake();
                }
            }))),
            queued: AtomicBool::new(false),
            queue: Arc::clone(&self.queue),
        });
        self.queue.state.lock().unwrap().alive += 1;
        task.wake();
        JoinHandle { slot }
    }

    /// Polls queued tasks until every task has finished. Sleeps while nothing
    /// is queued.
    pub fn run(&self) {
        loop {
            let task = {
                let mut state = self.queue.state.lock().unwrap();
                loop {
                    if let Some(task) = state.ready.pop_front() {
                        break task;
                    }
                    if state.alive == 0 {
                        return;
                    }
                    // Waits with the lock released; a wake pushes under the
                    // same lock, so it cannot slip in between the check above
                    // and the wait.
                    state = self.queue.changed.wait(state).unwrap();
                }
            };
            // Cleared before the poll: a wake during the poll queues the task
            // again.
            task.queued.store(false, Ordering::Release);
            let waker = Waker::from(Arc::clone(&task));
            let mut cx = Context::from_waker(&waker);
            let mut future = task.future.lock().unwrap();
            if let Some(fut) = future.as_mut()
                && fut.as_mut().poll(&mut cx).is_ready()
            {
                *future = None;
                self.queue.state.lock().unwrap().alive -= 1;
            }
        }
    }
}

struct Slot<T> {
    value: Option<T>,
    waker: Option<Waker>,
}

/// The output of a spawned task, as a future.
pub struct JoinHandle<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

impl<T> Future for JoinHandle<T> {
    type Output = T;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let mut slot = self.slot.lock().unwrap();
        match slot.value.take() {
            Some(value) => Poll::Ready(value),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

impl<T> JoinHandle<T> {
    /// The output, if the task has finished; for use after [`Executor::run`]
    /// has returned.
    pub fn try_take(&self) -> Option<T> {
        self.slot.lock().unwrap().value.take()
    }
}
// ANCHOR_END: executor

// ANCHOR: timer
/// A deadline and the waker to call when it passes, ordered soonest first.
struct Timer {
    at: Instant,
    waker: Waker,
}

impl PartialEq for Timer {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at
    }
}
impl Eq for Timer {}
impl PartialOrd for Timer {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Timer {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        other.at.cmp(&self.at) // reversed: `BinaryHeap` is a max-heap
    }
}

/// The timer thread's heap of deadlines, shared with every `Sleep`.
#[derive(Clone)]
pub struct TimerThread {
    timers: Arc<(Mutex<BinaryHeap<Timer>>, Condvar)>,
}

impl TimerThread {
    /// Starts the thread. It lives until the process ends.
    pub fn start() -> Self {
        let timers: Arc<(Mutex<BinaryHeap<Timer>>, Condvar)> = Arc::default();
        let shared = Arc::clone(&timers);
        thread::spawn(move || {
            let (heap, changed) = &*shared;
            let mut heap = heap.lock().unwrap();
            loop {
                let now = Instant::now();
                match heap.peek() {
                    Some(timer) if timer.at <= now => {
                        heap.pop().unwrap().waker.wake()
                    }
                    Some(timer) => {
                        let wait = timer.at - now;
                        heap = changed.wait_timeout(heap, wait).unwrap().0;
                    }
                    None => heap = changed.wait(heap).unwrap(),
                }
            }
        });
        TimerThread { timers }
    }

    /// A future that is ready once `duration` has passed.
    pub fn sleep(&self, duration: Duration) -> Sleep {
        Sleep {
            at: Instant::now() + duration,
            timers: self.clone(),
        }
    }
}

/// Ready at `at`; until then each poll (re-)registers the latest waker with the
/// timer thread.
pub struct Sleep {
    at: Instant,
    timers: TimerThread,
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if Instant::now() >= self.at {
            return Poll::Ready(());
        }
        let (heap, changed) = &*self.timers.timers;
        heap.lock().unwrap().push(Timer {
            at: self.at,
            waker: cx.waker().clone(),
        });
        changed.notify_one();
        Poll::Pending
    }
}
// ANCHOR_END: timer

/// Returns `Pending` once, after waking its own task: the task goes to the back of the run queue.
pub async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(move |cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}
