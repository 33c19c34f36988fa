//! # tokio114: polling by hand with `tokio-test`: seeing a lost wake-up instead of a hang
//!
//! Chapter 14, *Testing async code*. [`tokio_test::task::spawn`](https://docs.rs/tokio-test/latest/tokio_test/task/fn.spawn.html)
//! wraps a future in a mock task: the test calls `poll()` itself, and `is_woken()` says whether
//! anything woke the task since it last polled (tokio-test's `src/task.rs`). `assert_pending!` and
//! `assert_ready!` check one poll each. A test that only awaits a future can tell "done" from
//! "hung"; one that polls by hand can tell *why* it hung: a future that returns `Pending` without
//! arranging to be woken. Below, two one-shot flags are checked the same way: [`Flag`] keeps the
//! waker and wakes it in `set`; [`ForgetfulFlag`] does not keep it, and the same steps show the
//! wake that never came. Under a runtime its waiter would hang forever.
//!
//! ```text
//! cargo run --example tokio114
//! ```
//!
//! Prints at once:
//!
//! ```text
//! Flag: pending, not woken; after set: woken, then ready
//! ForgetfulFlag: pending, not woken; after set: NOT woken: a runtime would never poll it again
//! ```
//!
//! testkit's `Manual` and `WakeCounter` (`crates/testkit/src/poll.rs`), which the chapter 5 and 8
//! exercise tests use, are the same tool, written for this project.

use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use tokio_test::{assert_pending, assert_ready, task};

// ANCHOR: flag
/// A one-shot flag: `wait()` completes once `set()` has been called.
#[derive(Clone, Default)]
struct Flag {
    state: Arc<Mutex<(bool, Option<Waker>)>>,
}

impl Flag {
    fn set(&self) {
        let mut state = self.state.lock().unwrap();
        state.0 = true;
        if let Some(waker) = state.1.take() {
            waker.wake();
        }
    }

    fn wait(&self) -> Wait {
        Wait {
            flag: self.clone(),
            remember_waker: true,
        }
    }
}

/// The future of [`Flag::wait`]. `remember_waker: false` is the bug of
/// [`ForgetfulFlag`].
struct Wait {
    flag: Flag,
    remember_waker: bool,
}

impl Future for Wait {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut state = self.flag.state.lock().unwrap();
        if state.0 {
            return Poll::Ready(());
        }
        if self.remember_waker {
            state.1 = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}
// ANCHOR_END: flag

/// The same flag with the bug: its `wait` returns `Pending` without keeping the
/// waker.
#[derive(Clone, Default)]
struct ForgetfulFlag(Flag);

impl ForgetfulFlag {
    fn set(&self) {
        self.0.set();
    }

    fn wait(&self) -> Wait {
        Wait {
            flag: self.0.clone(),
            remember_waker: false,
        }
    }
}

fn main() {
    // ANCHOR: test
    let flag = Flag::default();
    let mut waiting = task::spawn(flag.wait());
    assert_pending!(waiting.poll());
    assert!(!waiting.is_woken());
    flag.set();
    assert!(waiting.is_woken(), "set() must wake the task that waits");
    assert_ready!(waiting.poll());
    // ANCHOR_END: test
    println!("Flag: pending, not woken; after set: woken, then ready");

    let flag = ForgetfulFlag::default();
    let mut waiting = task::spawn(flag.wait());
    assert_pending!(waiting.poll());
    assert!(!waiting.is_woken());
    flag.set();
    let woken = waiting.is_woken();
    println!(
        "ForgetfulFlag: pending, not woken; after set: {}",
        if woken {
            "woken"
        } else {
            "NOT woken: a runtime would never poll it again"
        }
    );
    // Polled by hand anyway, it is ready: the state is right, only the wake-up
    // is missing.
    assert_ready!(waiting.poll());
}
