//! # Write your own `block_on`
//!
//! `block_on` runs a future to completion on the calling thread, the way
//! `futures::executor::block_on` does: poll it; if it is `Pending`, put the thread to sleep until
//! the future's waker is called; poll again. No busy loop, no `unsafe`.
//!
//! APIs used: [`std::task::Wake`](https://doc.rust-lang.org/std/task/trait.Wake.html),
//! [`thread::park`](https://doc.rust-lang.org/std/thread/fn.park.html),
//! [`Thread::unpark`](https://doc.rust-lang.org/std/thread/struct.Thread.html#method.unpark) and
//! [`std::pin::pin!`](https://doc.rust-lang.org/std/pin/macro.pin.html).

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::{self, Thread};

/// Wakes the thread blocked in [`block_on`].
struct ThreadWaker {
    /// The thread to unpark.
    thread: Thread,
    /// Set by every wake, cleared by `block_on` before it polls again: tells a real wake-up apart
    /// from `park` returning on its own.
    woken: AtomicBool,
}

impl Wake for ThreadWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        // The flag first, then the unpark: the blocked thread checks the flag after every return
        // from `park`, so it cannot miss a wake-up that happens between its check and its `park`.
        self.woken.store(true, Ordering::Release);
        self.thread.unpark();
    }
}

/// Polls `fut` on the calling thread until it is ready and returns its output. Between polls the
/// thread sleeps until the future's waker is called, from any thread.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let state = Arc::new(ThreadWaker {
        thread: thread::current(),
        woken: AtomicBool::new(false),
    });
    let waker = Waker::from(Arc::clone(&state));
    let mut cx = Context::from_waker(&waker);

    loop {
        if let Poll::Ready(output) = fut.as_mut().poll(&mut cx) {
            return output;
        }
        // Sleep until woken. A wake that came *during* the poll above has already set the flag,
        // so the loop does not park at all; and `unpark` before `park` leaves a token that makes
        // the next `park` return at once, so even the flag-less version would not miss it.
        while !state.woken.swap(false, Ordering::Acquire) {
            thread::park();
        }
    }
}
