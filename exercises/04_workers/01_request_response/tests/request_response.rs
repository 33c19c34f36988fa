//! Tests for the `request_response` exercise. Do not edit: `cargo lab check request_response`
//! runs this file as it is, against your `src/lib.rs`.

use std::thread;
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

/// Slow work: holds the worker thread for 400 ms first.
fn slow_hash(payload: &[u8]) -> blake3::Hash {
    thread::sleep(Duration::from_millis(400));
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
            Ok(blake3::hash(b"hello"))
        );
        assert_eq!(
            worker.submit(b"again".to_vec()).await,
            Ok(blake3::hash(b"again"))
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
    // The worker holds its own thread for 400 ms; the runtime thread must not wait with it. The
    // heartbeat may be late by at most 200 ms: far less than the job, and a wide margin for a
    // busy machine.
    let answer = testkit::run_watched(
        Flavor::CurrentThread,
        LIMIT,
        Duration::from_millis(200),
        || async {
            let worker = Worker::start(slow_hash);
            worker.submit(b"slow".to_vec()).await
        },
    );
    assert_eq!(answer, Ok(blake3::hash(b"slow")));
}

#[test]
fn a_stopped_worker_gives_an_error_instead_of_hanging() {
    testkit::run_both(LIMIT, || async {
        let worker = Worker::start(fragile_hash);
        assert_eq!(
            worker.submit(b"fine".to_vec()).await,
            Ok(blake3::hash(b"fine"))
        );
        // This job makes the worker thread panic: the job's reply channel is dropped unanswered.
        assert_eq!(
            worker.submit(b"boom".to_vec()).await,
            Err(WorkerError::Stopped)
        );
        // The thread is gone now, and with it the queue's receiving half.
        assert_eq!(
            worker.submit(b"late".to_vec()).await,
            Err(WorkerError::Stopped)
        );
    });
}
