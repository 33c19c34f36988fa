//! # Solution: an async mutex without `tokio::sync::Mutex` and without `unsafe`
//!
//! Chapter 10, *Tokio's toolbox*. [`SimpleAsyncMutex`] keeps its value and a queue of waiting
//! tasks' wakers behind a `std::sync::Mutex`, which is only ever held for a few instructions and
//! never across an `.await`. Locking takes the value *out* of the cell and puts it in the guard, so
//! the guard owns it: no `unsafe` is needed to hand out `&mut T`, and the guard is `Send` whenever
//! `T` is. Dropping the guard puts the value back and wakes the first waiter.
//!
//! # Layout
//!
//! - [`SimpleAsyncMutex`]: the lock; [`SimpleAsyncMutex::lock`] returns a [`Lock`] future.
//! - [`Lock`]: waits its turn; dropping it while it waits passes on a wake-up it may have taken.
//! - [`SimpleAsyncMutexGuard`]: the access, released when dropped.

use std::collections::VecDeque;
use std::future::Future;
use std::ops::{Deref, DerefMut};
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

/// An async mutex: [`lock`](Self::lock) waits by suspending the task, never by blocking the thread.
pub struct SimpleAsyncMutex<T> {
    /// The value (absent while a guard holds it) and the queue of waiters.
    state: Mutex<State<T>>,
}

/// Everything the short-lived std lock protects.
struct State<T> {
    /// `Some` while the mutex is free, `None` while a guard owns the value.
    value: Option<T>,
    /// Waiting `Lock` futures in arrival order, by id, each with the waker to use on its turn.
    waiters: VecDeque<(u64, Waker)>,
    /// The id the next waiting `Lock` future gets.
    next_id: u64,
}

impl<T> SimpleAsyncMutex<T> {
    /// A free mutex holding `value`.
    pub fn new(value: T) -> Self {
        SimpleAsyncMutex {
            state: Mutex::new(State {
                value: Some(value),
                waiters: VecDeque::new(),
                next_id: 0,
            }),
        }
    }

    /// Waits until the mutex is free, then returns a guard with access to the value.
    pub fn lock(&self) -> Lock<'_, T> {
        Lock {
            mutex: self,
            id: None,
        }
    }

    /// Locks the inner std mutex. No code of this crate panics while holding it, so a poisoned
    /// lock can only come from a panicking waker; its data is still consistent, so carry on.
    fn state(&self) -> MutexGuard<'_, State<T>> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The future returned by [`SimpleAsyncMutex::lock`].
pub struct Lock<'a, T> {
    /// The mutex being waited for.
    mutex: &'a SimpleAsyncMutex<T>,
    /// This future's id once it has queued, `None` before it queues and after it has the lock.
    id: Option<u64>,
}

impl<'a, T> Future for Lock<'a, T> {
    type Output = SimpleAsyncMutexGuard<'a, T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mutex = self.mutex;
        let mut state = mutex.state();
        if let Some(value) = state.value.take() {
            if let Some(id) = self.id.take() {
                state.waiters.retain(|(waiter, _)| *waiter != id);
            }
            return Poll::Ready(SimpleAsyncMutexGuard {
                mutex,
                value: Some(value),
            });
        }
        // Taken: queue (or refresh the waker if still queued), and wait to be woken.
        let id = match self.id {
            Some(id) => id,
            None => {
                let id = state.next_id;
                state.next_id += 1;
                id
            }
        };
        match state.waiters.iter_mut().find(|(waiter, _)| *waiter == id) {
            Some((_, waker)) => waker.clone_from(cx.waker()),
            None => state.waiters.push_back((id, cx.waker().clone())),
        }
        drop(state);
        self.id = Some(id);
        Poll::Pending
    }
}

impl<T> Drop for Lock<'_, T> {
    fn drop(&mut self) {
        let Some(id) = self.id else { return };
        let mut state = self.mutex.state();
        let queued = state.waiters.len();
        state.waiters.retain(|(waiter, _)| *waiter != id);
        let was_queued = state.waiters.len() < queued;
        // Not queued any more means a released guard took this future off the queue and woke it.
        // That wake-up was meant to hand over the lock: pass it on, or the next waiter is stranded.
        if !was_queued
            && state.value.is_some()
            && let Some((_, next)) = state.waiters.pop_front()
        {
            drop(state);
            next.wake();
        }
    }
}

/// Access to the value of a [`SimpleAsyncMutex`]; dropping it releases the mutex.
pub struct SimpleAsyncMutexGuard<'a, T> {
    /// The mutex to give the value back to.
    mutex: &'a SimpleAsyncMutex<T>,
    /// The value, owned while the guard lives; `None` only inside `drop`.
    value: Option<T>,
}

impl<T> Deref for SimpleAsyncMutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value
            .as_ref()
            .expect("the guard holds the value until it is dropped")
    }
}

impl<T> DerefMut for SimpleAsyncMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.value
            .as_mut()
            .expect("the guard holds the value until it is dropped")
    }
}

impl<T> Drop for SimpleAsyncMutexGuard<'_, T> {
    fn drop(&mut self) {
        let mut state = self.mutex.state();
        state.value = self.value.take();
        // The first waiter leaves the queue and is woken; if it was dropped in the meantime, its
        // own `Drop` passes the wake-up on.
        let next = state.waiters.pop_front();
        drop(state);
        if let Some((_, waker)) = next {
            waker.wake();
        }
    }
}
