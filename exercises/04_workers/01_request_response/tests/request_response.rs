//! Tests for the `request_response` exercise. Do not edit: `cargo lab check request_response`
//! runs this file as it is, against your `src/lib.rs`.

use std::sync::{Condvar, Mutex};
use std::time::Duration;

use futures::future::join_all;
use request_response::{Worker, WorkerError};
use testkit::Flavor;

/// The time-out for every test body; each needs well under a second.
const LIMIT: Duration = Duration::from_secs(5);

/// The plain work: blake3 of the payload.
fn hash(payload: &[u8]) -> blake3::Hash {
    blake3::hash(payload)
}

/// A gate the worker thread waits at, opened by a task on the test's runtime.
///
/// A std [`Mutex`] with a [`Condvar`](https://doc.rust-lang.org/std/sync/struct.Condvar.html):
/// the worker is a plain thread, and waiting on a condition variable parks it without using the
/// CPU. Both are `const`-constructible, so the gate can be a `static`, which the plain `fn` that
/// `Worker::start` takes needs (it cannot capture anything).
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    const fn new() -> Gate {
        Gate {
            open: Mutex::new(false),
            opened: Condvar::new(),
        }
    }

    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }

    /// Waits until the gate is open, or for [`LIMIT`] at most, so that a worker thread never waits
    /// for the rest of the test process when the runtime that should open the gate is stuck.
    fn wait(&self) {
        let open = self.open.lock().unwrap();
        let _still_closed = self
            .opened
            .wait_timeout_while(open, LIMIT, |open| !*open)
            .unwrap();
    }
}

/// The gate of `waiting_for_the_answer_leaves_the_runtime_free`; no other test uses it.
static GATE: Gate = Gate::new();

/// Slow work: holds the worker thread until a task on the runtime opens [`GATE`].
fn gated_hash(payload: &[u8]) -> blake3::Hash {
    GATE.wait();
    blake3::hash(payload)
}

/// Work that makes the worker thread panic, and so end, on the payload `b"boom"`.
fn fragile_hash(payload: &[u8]) -> blake3::Hash {
    assert!(payload != b"boom", "the job asked the worker to explode");
    blake3::hash(payload)
}

#[test]
fn submit_returns_the_jobs_result_on_both_flavours() {
    testkit::run_both(LIMIT, || async {
        let worker = Worker::start(hash);
        assert_eq!(
            worker.submit(b"hello".to_vec()).await,
            Ok(blake3::hash(b"hello")),
            "submit returns the worker's answer to this request"
        );
        assert_eq!(
            worker.submit(b"again".to_vec()).await,
            Ok(blake3::hash(b"again")),
            "a second request gets its own answer"
        );
    });
}

#[test]
fn concurrent_callers_each_get_their_own_answer() {
    testkit::run_both(LIMIT, || async {
        let worker = Worker::start(hash);
        let payloads: Vec<Vec<u8>> = (0..40).map(|i| format!("job {i}").into_bytes()).collect();
        // All forty requests are in flight at once, more than the worker's queue holds.
        let answers = join_all(payloads.iter().map(|p| worker.submit(p.clone()))).await;
        for (payload, answer) in payloads.iter().zip(answers) {
            assert_eq!(
                answer,
                Ok(blake3::hash(payload)),
                "wrong answer for {payload:?}"
            );
        }
    });
}

#[test]
fn waiting_for_the_answer_leaves_the_runtime_free() {
    // The job finishes only after a task on the same current_thread runtime has opened the gate,
    // 50 ms later by the runtime's clock. A `submit` that waits for the answer by holding the
    // runtime thread therefore waits for a job that cannot finish: the heartbeat stops, and the
    // watchdog reports the block after 200 ms, however busy the machine. A `submit` that awaits
    // the answer leaves the thread to the timer, the gate opens, and the job is done.
    //
    // The clock is paused
    // ([`tokio::time::pause`](https://docs.rs/tokio/latest/tokio/time/fn.pause.html)):
    // while every task waits, it jumps to the next timer instead of waiting in real time
    // (tokio/src/runtime/time/mod.rs), so a passing run takes a few milliseconds. A blocked
    // runtime thread cannot move the clock at all, paused or not.
    let answer = testkit::run_watched(
        Flavor::CurrentThread,
        LIMIT,
        Duration::from_millis(200),
        || async {
            tokio::time::pause();
            let worker = Worker::start(gated_hash);
            tokio::spawn(async {
                tokio::time::sleep(Duration::from_millis(50)).await;
                GATE.open();
            });
            worker.submit(b"slow".to_vec()).await
        },
    );
    assert_eq!(
        answer,
        Ok(blake3::hash(b"slow")),
        "the slow request gets its answer, however long it takes"
    );
}

#[test]
fn a_stopped_worker_gives_an_error_instead_of_hanging() {
    testkit::run_both(LIMIT, || async {
        let worker = Worker::start(fragile_hash);
        assert_eq!(
            worker.submit(b"fine".to_vec()).await,
            Ok(blake3::hash(b"fine")),
            "a request before the crash gets its answer"
        );
        // This job makes the worker thread panic: the job's reply channel is dropped unanswered.
        assert_eq!(
            worker.submit(b"boom".to_vec()).await,
            Err(WorkerError::Stopped),
            "the request whose job panics the worker gets WorkerError::Stopped, not a hang"
        );
        // The thread is gone now, and with it the queue's receiving half.
        assert_eq!(
            worker.submit(b"late".to_vec()).await,
            Err(WorkerError::Stopped),
            "a request after the worker stopped gets WorkerError::Stopped"
        );
    });
}
