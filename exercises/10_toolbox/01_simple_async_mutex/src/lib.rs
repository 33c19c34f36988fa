//! # Exercise: an async mutex without `tokio::sync::Mutex` and without `unsafe`
//!
//! Chapter 10, *Tokio's toolbox*. Write [`SimpleAsyncMutex`]: `lock()` returns a future of a guard
//! that derefs (mutably) to the value. While another guard is alive, the future must wait by
//! returning `Pending` with its waker stored somewhere, never by blocking the thread and never by
//! waking itself in a loop; dropping the guard must wake a waiter. A waiter whose `lock()` future is
//! dropped while it waits (a `select!` whose other branch won) must not leave the others waiting
//! for ever.
//!
//! The tests live in `tests/simple_async_mutex.rs`. Do not edit them: `cargo lab check
//! simple_async_mutex` runs them as they are, and so does CI against the solution.
//!
//! # Layout
//!
//! - [`SimpleAsyncMutex`]: the lock, with the value and the waiters behind a `std::sync::Mutex`
//!   that is held only for a few instructions, never across an `.await`.
//! - [`SimpleAsyncMutexGuard`]: the access; it owns the value while it lives, which is how `&mut T`
//!   is handed out without `unsafe`, and gives it back when dropped.

use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};
use std::sync::Mutex;
use std::task::Waker;

/// An async mutex: [`lock`](Self::lock) waits by suspending the task, never by blocking the thread.
pub struct SimpleAsyncMutex<T> {
    /// The value and the waiters. You may change what `State` holds.
    state: Mutex<State<T>>,
}

/// Everything the short-lived std lock protects.
#[allow(
    dead_code,
    reason = "the stub's lock() does not read the state yet; yours will"
)]
struct State<T> {
    /// `Some` while the mutex is free, `None` while a guard owns the value.
    value: Option<T>,
    /// The waiting `lock()` futures' wakers, in arrival order.
    waiters: VecDeque<Waker>,
}

impl<T> SimpleAsyncMutex<T> {
    /// A free mutex holding `value`.
    pub fn new(value: T) -> Self {
        SimpleAsyncMutex {
            state: Mutex::new(State {
                value: Some(value),
                waiters: VecDeque::new(),
            }),
        }
    }

    /// Waits until the mutex is free, then returns a guard with access to the value.
    // TODO: return a future that gives a guard owning the value when the value is free, and
    // otherwise waits for a guard's drop to wake it. Read this file's header for what a `lock()`
    // future that is dropped while it waits must not do. A struct implementing
    // `std::future::Future` is the clearest way (you may change the signature to
    // `pub fn lock(&self) -> Lock<'_, T>`): it can also implement `Drop`.
    pub async fn lock(&self) -> SimpleAsyncMutexGuard<'_, T> {
        let _ = &self.state;
        todo!("wait for the value without blocking the thread")
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
    // TODO: put the value back into the mutex's state and wake the first waiter, after letting
    // go of the std lock (a waker may run code of its own).
    fn drop(&mut self) {
        let _ = (self.mutex, self.value.take());
    }
}
