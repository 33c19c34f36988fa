//! Time-outs, a blocked-runtime watchdog and poll-level tools for the exercise tests of
//! async-lab.
//!
//! An exercise test must never hang, and when it fails it should say *why*: a future that was never
//! woken, a thread waiting for something that never happens, or a runtime thread stuck in a blocking
//! call. The functions here run a test body with a limit and turn each of those into a panic whose
//! message starts with a fixed prefix (see [`messages`]), which the `lab` tool recognises.
//!
//! # Layout
//!
//! - [`Flavor`] (this file): the two runtime flavours, and how to build a runtime of each.
//! - [`run()`], [`run_both`], [`both_flavours_at_once`], [`run_watched`], [`within`] and
//!   [`timeout`] (`src/run.rs`): run a body on a fresh runtime or thread with a time limit, or bound
//!   one `.await` inside a body.
//! - [`Watchdog`] (`src/watchdog.rs`): the heartbeat task and monitor thread that notice a blocked
//!   runtime thread; [`run_watched`] uses the same heartbeat.
//! - [`WakeCounter`], [`Counted`], [`PollStats`] and [`Manual`] (`src/poll.rs`): count polls and
//!   wakes, or poll a future by hand.
//! - [`messages`] (`src/messages.rs`): the message prefixes that form the contract with `lab`.
//! - [`sync`] (`src/sync.rs`): std's `Mutex` and `Condvar`, with a hook that runs an action right
//!   after a lock is released, to put a wake exactly between a check and a wait.
//!
//! # What these functions do to the test process
//!
//! - Every body runs on a thread of its own, named after the test's thread, so a panic inside it is
//!   printed under the test's name. A body that times out is abandoned, not stopped: its thread
//!   goes on with whatever held it up (usually parked, using no CPU) until the test process exits.
//! - The first [`run_watched`] or [`Watchdog::start`] wraps the process's panic hook, once. The
//!   wrapper calls the hook that was installed before it, so panics print exactly as they did; it
//!   only tells the watchdog that the time spent printing (a backtrace with `RUST_BACKTRACE=1` can
//!   take longer than 100 ms) is not a blocked runtime. A test that installs its own hook afterwards
//!   replaces the wrapper, which only makes the watchdog less forgiving of slow hooks.
//!
//! # Which function to use
//!
//! Add the crate as a dev-dependency (`testkit.workspace = true`) and write plain `#[test]`
//! functions: they build the runtime themselves.
//!
//! A body that must finish in time, on one flavour:
//!
//! ```
//! use std::time::Duration;
//! use testkit::Flavor;
//!
//! let sum = testkit::run(Flavor::CurrentThread, Duration::from_secs(2), || async {
//!     let a = tokio::spawn(async { 1 });
//!     let b = tokio::spawn(async { 2 });
//!     a.await.unwrap() + b.await.unwrap()
//! });
//! assert_eq!(sum, 3);
//! ```
//!
//! The same check on both flavours (a failure names the flavour):
//!
//! ```
//! use std::time::Duration;
//!
//! testkit::run_both(Duration::from_secs(2), || async {
//!     let (tx, rx) = tokio::sync::oneshot::channel();
//!     tokio::spawn(async move { tx.send(5).unwrap() });
//!     assert_eq!(rx.await.unwrap(), 5);
//! });
//! ```
//!
//! A body that must not block its runtime thread (the lesson of the blocking chapter):
//!
//! ```
//! use std::time::Duration;
//! use testkit::Flavor;
//!
//! testkit::run_watched(
//!     Flavor::CurrentThread,
//!     Duration::from_secs(2),
//!     Duration::from_millis(100),
//!     || async {
//!         // `spawn_blocking` moves the blocking call off the runtime thread.
//!         tokio::task::spawn_blocking(|| std::thread::sleep(Duration::from_millis(200)))
//!             .await
//!             .unwrap();
//!     },
//! );
//! ```
//!
//! Thread code with no runtime at all:
//!
//! ```
//! use std::time::Duration;
//!
//! let doubled = testkit::within(Duration::from_secs(2), || {
//!     std::thread::scope(|s| s.spawn(|| 21 * 2).join().unwrap())
//! });
//! assert_eq!(doubled, 42);
//! ```
//!
//! One bounded `.await` inside a body that already runs on a runtime, for example under
//! `#[tokio::test(start_paused = true)]` (paused time needs Tokio's `test-util` feature, which
//! `full` does not include: add `tokio = { workspace = true, features = ["test-util"] }` to the
//! test crate's `[dev-dependencies]`):
//!
//! ```
//! use std::time::Duration;
//! use testkit::Flavor;
//!
//! testkit::run(Flavor::CurrentThread, Duration::from_secs(2), || async {
//!     let (tx, mut rx) = tokio::sync::mpsc::channel(1);
//!     tokio::spawn(async move { tx.send("ping").await.unwrap() });
//!     let got = testkit::timeout(Duration::from_millis(500), rx.recv()).await;
//!     assert_eq!(got, Some("ping"));
//! });
//! ```
//!
//! Counting polls and wakes, on a runtime or by hand:
//!
//! ```
//! use std::task::Poll;
//! use testkit::Manual;
//!
//! let mut fut = Manual::new(tokio::task::yield_now());
//! // Outside a runtime, `yield_now` wakes its waker at once and returns `Pending`.
//! assert!(fut.poll().is_pending());
//! assert_eq!(fut.wakes(), 1);
//! assert_eq!(fut.poll(), Poll::Ready(()));
//! assert_eq!(fut.polls(), 2);
//! ```

use std::fmt;

use tokio::runtime::{Builder, Runtime};

pub mod messages;
mod poll;
mod run;
mod spin;
pub mod sync;
mod watchdog;

pub use poll::{Counted, Manual, PollStats, WakeCounter};
pub use run::{both_flavours_at_once, run, run_both, run_watched, timeout, within};
pub use spin::{SpinGuard, spin_guard};
pub use watchdog::Watchdog;

/// The two flavours of Tokio runtime a test can run on.
///
/// See [`tokio::runtime::Builder`](https://docs.rs/tokio/latest/tokio/runtime/struct.Builder.html):
/// a current_thread runtime runs every task on the thread that calls `block_on`; a multi_thread
/// runtime runs spawned tasks on a pool of worker threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flavor {
    /// One thread runs the body and every task (`Builder::new_current_thread`).
    CurrentThread,
    /// Two worker threads run the spawned tasks (`Builder::new_multi_thread` with
    /// `worker_threads(2)`): enough to show tasks running in parallel, few enough to stay cheap
    /// when many tests run at once.
    MultiThread,
}

impl Flavor {
    /// Both flavours, current_thread first.
    pub const BOTH: [Flavor; 2] = [Flavor::CurrentThread, Flavor::MultiThread];

    /// Builds a fresh runtime of this flavour with every driver (time and I/O) enabled.
    ///
    /// # Panics
    ///
    /// When the runtime cannot be built, which happens only when the system cannot create threads
    /// or an I/O driver.
    pub fn runtime(self) -> Runtime {
        let mut builder = match self {
            Flavor::CurrentThread => Builder::new_current_thread(),
            Flavor::MultiThread => {
                let mut builder = Builder::new_multi_thread();
                builder.worker_threads(2);
                builder
            }
        };
        builder.enable_all().build().unwrap_or_else(|err| {
            panic!(
                "could not build a {self} runtime: {err}; the system may be out of threads or file \
                 descriptors"
            )
        })
    }
}

impl fmt::Display for Flavor {
    /// `current_thread` or `multi_thread`, the names `#[tokio::test(flavor = ...)]` uses.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Flavor::CurrentThread => "current_thread",
            Flavor::MultiThread => "multi_thread",
        })
    }
}

/// The message of a panic, from its payload (what `JoinError::into_panic` or
/// `std::thread::JoinHandle::join` hands back): `panic!("text")` carries a `&str`,
/// `panic!("{x}")` a `String`; any other payload has no message.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> Option<&str> {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
}

#[cfg(test)]
mod panic_message_tests {
    use super::panic_message;

    #[test]
    fn both_kinds_of_message_are_read_and_other_payloads_have_none() {
        let literal = std::panic::catch_unwind(|| panic!("plain")).unwrap_err();
        let formatted = std::panic::catch_unwind(|| panic!("{}", 7)).unwrap_err();
        let other = std::panic::catch_unwind(|| std::panic::panic_any(7_u8)).unwrap_err();
        assert_eq!(panic_message(&*literal), Some("plain"));
        assert_eq!(panic_message(&*formatted), Some("7"));
        assert_eq!(panic_message(&*other), None);
    }
}
