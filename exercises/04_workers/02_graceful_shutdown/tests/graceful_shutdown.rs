//! Tests for the `graceful_shutdown` exercise. Do not edit: `cargo lab check graceful_shutdown`
//! runs this file as it is, against your `src/lib.rs`.
//!
//! Every test body runs under a testkit time-out, so a `shutdown` that never returns fails the
//! test with "did not complete in ..." instead of hanging it.

use std::time::Duration;

use graceful_shutdown::{Receipt, Worker};
use testkit::Flavor;

/// The time-out for every test body; each needs well under a second when `shutdown` works.
const LIMIT: Duration = Duration::from_secs(3);

fn payload(id: u64) -> Vec<u8> {
    format!("job {id}").into_bytes()
}

fn receipts(ids: std::ops::Range<u64>) -> Vec<Receipt> {
    ids.map(|id| Receipt {
        id,
        digest: blake3::hash(&payload(id)),
    })
    .collect()
}

#[test]
fn shutdown_returns_a_receipt_for_every_accepted_job() {
    // Twenty jobs of 2 ms behind a queue of 8: once the queue is full, each `submit` waits for
    // the worker to take a job, so when `shutdown` is called about eight of them are still
    // waiting in the queue. All twenty must come back, in order.
    testkit::run_both(LIMIT, || async {
        let worker = Worker::start(8, Duration::from_millis(2));
        for id in 0..20 {
            worker
                .submit(id, payload(id))
                .await
                .expect("the worker is running");
        }
        assert_eq!(
            worker.shutdown().await,
            Ok(receipts(0..20)),
            "shutdown returns a receipt for every job submitted, in order"
        );
    });
}

#[test]
fn shutdown_with_nothing_submitted_returns_at_once() {
    testkit::run_both(LIMIT, || async {
        let worker = Worker::start(4, Duration::from_millis(5));
        assert_eq!(
            worker.shutdown().await,
            Ok(Vec::new()),
            "a worker that got no job shuts down with no receipts"
        );
    });
}

#[test]
fn waiting_for_the_worker_leaves_the_runtime_free() {
    // Ten jobs of 20 ms: about 200 ms of work is still queued when `shutdown` starts waiting. A
    // `shutdown` that joins the thread right on the runtime thread holds it for that long; the
    // watchdog allows 80 ms. The block is 2.5 times the allowance so that it is still caught
    // when a busy machine keeps the watching thread itself waiting for part of it, and the
    // allowance is far above the few milliseconds a healthy heartbeat is usually late. The jobs
    // sleep on the worker thread in real time, which no paused clock can shorten, so this test
    // takes those 200 ms.
    let got = testkit::run_watched(
        Flavor::CurrentThread,
        LIMIT,
        Duration::from_millis(80),
        || async {
            let worker = Worker::start(16, Duration::from_millis(20));
            for id in 0..10 {
                worker
                    .submit(id, payload(id))
                    .await
                    .expect("the worker is running");
            }
            worker.shutdown().await
        },
    );
    assert_eq!(
        got,
        Ok(receipts(0..10)),
        "every job accepted before shutdown gets its receipt, in order"
    );
}
