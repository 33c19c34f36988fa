//! # tokio110: what `#[tokio::test]` builds, and why its flavour matters
//!
//! Chapter 14, *Testing async code*. `#[tokio::test]` turns an `async fn` into a plain `#[test]`
//! that builds a runtime and calls `block_on` on the body. The attribute's default is a
//! current_thread runtime (`tokio-macros`' `src/entry.rs`: `default_flavor` is `CurrentThread` when
//! `is_test`, and the generated code is `Builder::new_current_thread()` or `new_multi_thread()`,
//! then `.enable_all().build().expect(..).block_on(body)`). This example builds both runtimes the
//! same way, by hand, and runs the same two checks on each: which thread runs a spawned task, and
//! what happens when the body blocks its thread on a std channel while waiting for a spawned task.
//! The real attributes are in the `tests` module at the bottom, run by
//! `cargo test -p examples --test ch14_attributes`.
//!
//! ```text
//! cargo run --example tokio110
//! ```
//!
//! Prints, after about 0.5 s (the current_thread runtime's blocked body waits out its 500 ms):
//!
//! ```text
//! current_thread: the spawned task ran on the test's own thread
//! current_thread: a body blocked on a std channel timed out: the task could not run
//! multi_thread, 2 workers: the spawned task ran on a worker thread, tokio-rt-worker
//! multi_thread, 2 workers: a body blocked on a std channel got 42 from a worker
//! ```
//!
//! The same test body passes on one flavour and fails on the other: a test of code that blocks
//! (or that needs two tasks running at once) must say which flavour it runs on, and a library
//! that may run on either should be tested on both.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use tokio::runtime::{Builder, Runtime};

/// How long a blocked body waits for the spawned task's answer.
const BLOCKED_WAIT: Duration = Duration::from_millis(500);

// ANCHOR: expansion
/// What `#[tokio::test]` builds for its body: the default flavour.
fn current_thread() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

/// What `#[tokio::test(flavor = "multi_thread", worker_threads = 2)]` builds.
fn multi_thread() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}
// ANCHOR_END: expansion

/// Spawns a task and reports whether it ran on the calling thread, and that
/// thread's name.
async fn where_does_a_spawned_task_run() -> (bool, String) {
    let caller = thread::current().id();
    let (id, name) = tokio::spawn(async {
        let me = thread::current();
        (me.id(), me.name().unwrap_or("unnamed").to_string())
    })
    .await
    .unwrap();
    (id == caller, name)
}

// ANCHOR: blocked
/// Spawns a task that answers 42 on a std channel, then blocks this thread
/// waiting for it.
async fn blocked_body() -> Option<u32> {
    let (tx, rx) = mpsc::channel();
    tokio::spawn(async move { tx.send(42).unwrap() });
    // A blocking wait inside async code: nothing else runs on this thread until
    // it returns.
    rx.recv_timeout(BLOCKED_WAIT).ok()
}
// ANCHOR_END: blocked

fn main() {
    let rt = current_thread();
    let (same, _) = rt.block_on(where_does_a_spawned_task_run());
    assert!(same, "a current_thread runtime has no other thread");
    println!("current_thread: the spawned task ran on the test's own thread");
    match rt.block_on(blocked_body()) {
        None => println!(
            "current_thread: a body blocked on a std channel timed out: the \
            task could not run"
        ),
        Some(n) => {
            println!("current_thread: a body blocked on a std channel got {n}")
        }
    }

    let rt = multi_thread();
    let (same, name) = rt.block_on(where_does_a_spawned_task_run());
    let place = if same {
        "the test's own thread"
    } else {
        "a worker thread"
    };
    println!(
        "multi_thread, 2 workers: the spawned task ran on {place}, {name}"
    );
    match rt.block_on(blocked_body()) {
        None => println!(
            "multi_thread, 2 workers: a body blocked on a std channel timed out"
        ),
        Some(n) => println!(
            "multi_thread, 2 workers: a body blocked on a std channel got {n} \
            from a worker"
        ),
    }
}

/// The attributes themselves. Each body is bounded by `testkit::timeout`, which
/// panics with a message instead of letting a test hang.
#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::blocked_body;

    // ANCHOR: attributes
    /// The default: one thread runs the body and every task it spawns.
    #[tokio::test]
    async fn on_current_thread_the_blocked_body_starves_the_task() {
        let got =
            testkit::timeout(Duration::from_secs(5), blocked_body()).await;
        assert_eq!(got, None);
    }

    /// Two worker threads: a spawned task runs while the body blocks.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn on_multi_thread_a_worker_runs_the_task() {
        let got =
            testkit::timeout(Duration::from_secs(5), blocked_body()).await;
        assert_eq!(got, Some(42));
    }

    /// The clock starts paused (current_thread only): an hour's sleep costs no
    /// real time.
    #[tokio::test(start_paused = true)]
    async fn with_start_paused_an_hour_passes_at_once() {
        let start = tokio::time::Instant::now();
        let real = std::time::Instant::now();
        tokio::time::sleep(Duration::from_secs(3600)).await;
        assert!(start.elapsed() >= Duration::from_secs(3600));
        assert!(real.elapsed() < Duration::from_secs(5));
    }
    // ANCHOR_END: attributes
}
