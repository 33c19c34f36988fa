//! # `Delay`: a future completed by another thread
//!
//! `Delay::new(duration)` becomes ready once `duration` has passed since its first poll. A thread
//! started on that first poll sleeps, marks the delay done and wakes the latest waker stored by
//! `poll`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

/// What `poll` and the thread share.
#[derive(Debug, Default)]
struct Shared {
    /// Set by the thread when the time is up.
    done: bool,
    /// The waker of the latest poll; the thread wakes it.
    waker: Option<Waker>,
}

/// Ready once `duration` has passed since its first poll; a thread of its own does the waiting.
#[derive(Debug)]
pub struct Delay {
    /// How long to wait.
    duration: Duration,
    /// Shared with the thread.
    shared: Arc<Mutex<Shared>>,
    /// Whether the thread has been started.
    started: bool,
}

impl Delay {
    /// A delay of `duration`. Nothing starts until the first poll.
    pub fn new(duration: Duration) -> Delay {
        Delay {
            duration,
            shared: Arc::default(),
            started: false,
        }
    }
}

impl Future for Delay {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        {
            let mut shared = self.shared.lock().unwrap();
            if shared.done {
                return Poll::Ready(());
            }
            // Checked and stored under the same lock the thread takes to set `done`, so the
            // thread either sees this waker or `done` was already true above.
            match &shared.waker {
                Some(waker) if waker.will_wake(cx.waker()) => {}
                _ => shared.waker = Some(cx.waker().clone()),
            }
        }
        if !self.started {
            self.started = true;
            let (duration, shared) = (self.duration, Arc::clone(&self.shared));
            thread::spawn(move || {
                thread::sleep(duration);
                let waker = shared.lock().unwrap().waker.take();
                if let Some(waker) = waker {
                    waker.wake();
                }
                shared.lock().unwrap().done = true;
            });
        }
        Poll::Pending
    }
}
