//! # A tiny executor: `spawn` and `run`
//!
//! `Executor::spawn` turns a future into an `Arc<Task>` and queues it; waking the task (it is its
//! own `Waker`, through `std::task::Wake`) pushes it back onto the run queue; `Executor::run` polls
//! queued tasks on the calling thread until every task has finished, sleeping on a `Condvar` while
//! nothing is queued.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};

// `Mutex` and `Condvar` are std's, wrapped: they behave exactly like `std::sync`'s, and let
// the tests put a wake right after a lock is released, where a wake can get lost.
use testkit::sync::{Condvar, Mutex};

/// The run queue, shared by the executor and every task (a task pushes itself when woken).
#[derive(Debug, Default)]
struct Queue {
    /// The tasks ready to be polled, and how many tasks have not finished yet.
    state: Mutex<QueueState>,
    /// Signalled when a task is pushed (and when the last task finishes).
    changed: Condvar,
}

#[derive(Debug, Default)]
struct QueueState {
    /// Tasks woken and not polled since, in the order they were woken.
    ready: VecDeque<Arc<Task>>,
    /// Tasks spawned and not finished.
    alive: usize,
}

/// A boxed task body: the spawned future, wrapped so that it sends its output to the handle.
type Body = Pin<Box<dyn Future<Output = ()> + Send>>;

/// One spawned task.
struct Task {
    /// The future; `None` once it has finished.
    body: Mutex<Option<Body>>,
    /// `true` while the task sits in the run queue, so that several wakes queue it only once.
    queued: AtomicBool,
    /// Where a wake pushes the task.
    queue: Arc<Queue>,
}

impl std::fmt::Debug for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Task")
            .field("queued", &self.queued)
            .finish_non_exhaustive()
    }
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        // Only the first wake since the last poll queues the task.
        if !self.queued.swap(true, Ordering::AcqRel) {
            let queue = Arc::clone(&self.queue);
            queue.state.lock().unwrap().ready.push_back(self);
            queue.changed.notify_one();
        }
    }
}

/// Runs spawned futures on the thread that calls [`Executor::run`]. Clones share one run queue,
/// so a task can hold a clone and spawn more tasks.
#[derive(Debug, Clone, Default)]
pub struct Executor {
    queue: Arc<Queue>,
}

impl Executor {
    /// An executor with no tasks.
    pub fn new() -> Executor {
        Executor::default()
    }

    /// Queues `fut` as a new task; its output arrives through the returned handle.
    pub fn spawn<F>(&self, fut: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (body, handle) = body_and_handle(fut);
        let task = Arc::new(Task {
            body: Mutex::new(Some(body)),
            queued: AtomicBool::new(false),
            queue: Arc::clone(&self.queue),
        });
        self.queue.state.lock().unwrap().alive += 1;
        task.wake();
        handle
    }

    /// Polls queued tasks until every spawned task has finished. Sleeps, without spinning, while
    /// tasks are alive but none is queued.
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
                    // `wait` releases the lock while asleep; a wake pushes under the same lock,
                    // so it cannot fall between the check above and the wait.
                    state = self.queue.changed.wait(state).unwrap();
                }
            };
            // Cleared before the poll, so that a wake during the poll queues the task again.
            task.queued.store(false, Ordering::Release);
            let waker = Waker::from(Arc::clone(&task));
            let mut cx = Context::from_waker(&waker);
            let mut body = task.body.lock().unwrap();
            if let Some(fut) = body.as_mut()
                && fut.as_mut().poll(&mut cx).is_ready()
            {
                *body = None;
                self.queue.state.lock().unwrap().alive -= 1;
            }
        }
    }
}

/// Where a task leaves its output for its [`JoinHandle`].
#[derive(Debug)]
struct Slot<T> {
    value: Option<T>,
    waker: Option<Waker>,
}

/// The output of a spawned task: await it from another task, or take it after
/// [`Executor::run`] has returned.
#[derive(Debug)]
pub struct JoinHandle<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

impl<T> JoinHandle<T> {
    /// The output, if the task has finished and nobody has taken it yet.
    pub fn try_take(&self) -> Option<T> {
        self.slot.lock().unwrap().value.take()
    }
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

/// Wraps `fut` into a task body that stores its output in a new slot, and returns both.
fn body_and_handle<F>(fut: F) -> (Body, JoinHandle<F::Output>)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let slot = Arc::new(Mutex::new(Slot {
        value: None,
        waker: None,
    }));
    let filler = Arc::clone(&slot);
    let body = Box::pin(async move {
        let value = fut.await;
        let waker = {
            let mut slot = filler.lock().unwrap();
            slot.value = Some(value);
            slot.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    });
    (body, JoinHandle { slot })
}
