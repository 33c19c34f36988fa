//! # A tiny executor: `spawn` and `run`
//!
//! An executor of your own, from scratch: `Executor::spawn` turns a future into a task and queues
//! it; `Executor::run` polls queued tasks on the calling thread until every task has finished. A
//! task is an `Arc<Task>`; implementing `std::task::Wake` for `Task` turns it into a `Waker`
//! (`Waker::from(task)`), and waking it pushes it back onto the run queue. The join handle, the
//! queue types and the wrapping of a future into a task body are written for you below.
//!
//! What the tests check: every task finishes and `run` then returns (also with no tasks at all);
//! `run` does not spin (a task waiting for a wake is not polled until the wake comes, and while
//! nothing is queued the thread sleeps on the `Condvar`); a wake from another thread is never lost,
//! even one that arrives during the poll or just as `run` decides to sleep; a wait that returns
//! with nothing queued (a `Condvar` may wake a thread spuriously) is waited again; a task can
//! spawn more tasks and await their handles.
//!
//! APIs that help: [`std::task::Wake`](https://doc.rust-lang.org/std/task/trait.Wake.html),
//! [`Waker::from`](https://doc.rust-lang.org/std/task/struct.Waker.html#impl-From%3CArc%3CW%3E%3E-for-Waker),
//! [`Condvar::wait`](https://doc.rust-lang.org/std/sync/struct.Condvar.html#method.wait) and
//! [`Condvar::notify_one`](https://doc.rust-lang.org/std/sync/struct.Condvar.html#method.notify_one).
//!
//! The tests live in `tests/mini_executor.rs`. Do not edit them: make them pass by changing this
//! file. Run them with `cargo lab check mini_executor`.

#![allow(
    dead_code,
    unused_imports,
    reason = "the types and imports below are there for your code to use; until it does, nothing reads them"
)]

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
        // TODO: put this task on `self.queue`'s ready list, and get `run` going again if it is
        //       asleep on `changed`. A task woken several times before its next poll belongs in
        //       the queue once (`queued`). APIs that help: `AtomicBool::swap`,
        //       `Condvar::notify_one`.
        todo!()
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
        // TODO: build an `Arc<Task>` around `body`, count it as alive, and queue it.
        let _ = (body, handle);
        todo!()
    }

    /// Polls queued tasks until every spawned task has finished. Sleeps, without spinning, while
    /// tasks are alive but none is queued.
    pub fn run(&self) {
        // TODO: poll queued tasks until no task is alive; while tasks are alive but none is
        //       queued, sleep on `changed` instead of spinning. Poll a task's body with a `Context`
        //       made from the task's own waker; a finished task's body is dropped and the task no
        //       longer counts as alive. A wake can come from any thread at any moment: while this
        //       loop polls that very task, or while it decides to sleep. APIs that help:
        //       `Condvar::wait`, `Waker::from`, `Context::from_waker`.
        todo!()
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
