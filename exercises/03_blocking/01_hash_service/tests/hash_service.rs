//! Tests for the `hash_service` exercise. Do not edit: `cargo lab check hash_service` runs this
//! file as it is, against your `src/lib.rs`.
//!
//! The central check is the heartbeat: `testkit::run_watched` keeps a task ticking every 1 ms on
//! the same current_thread runtime as the service and fails the test as soon as a tick is late by
//! more than `MAX_BLOCK`. One blocking hash holds the thread for 400 ms, so a service that hashes
//! on the runtime thread is caught on its first job; a service that offloads the hash never comes
//! close. The 200 ms bound is a wide margin for a busy machine, not a tight measurement.

use std::time::{Duration, Instant};

use hash_service::{HASH_TIME, Job, MAX_PAYLOAD, Receipt, ServiceError, handle, serve};
use testkit::{Flavor, Watchdog};

/// How late the heartbeat may be before the runtime counts as blocked.
const MAX_BLOCK: Duration = Duration::from_millis(200);

/// The time-out for every test body. The slowest body needs about 0.8 s.
const LIMIT: Duration = Duration::from_secs(5);

fn jobs(n: u64) -> Vec<Job> {
    (0..n)
        .map(|id| Job {
            id,
            payload: format!("job {id}").into_bytes(),
        })
        .collect()
}

fn expected(jobs: &[Job]) -> Vec<Receipt> {
    jobs.iter()
        .map(|job| Receipt {
            id: job.id,
            digest: blake3::hash(&job.payload),
        })
        .collect()
}

#[test]
fn heartbeat_keeps_its_rhythm_while_jobs_run() {
    let batch = jobs(4);
    let want = expected(&batch);
    let got = testkit::run_watched(Flavor::CurrentThread, LIMIT, MAX_BLOCK, move || {
        serve(batch)
    });
    assert_eq!(got, Ok(want));
}

#[test]
fn one_job_leaves_the_runtime_free_the_whole_time() {
    // The same rule seen from inside the body, with the numbers: a heartbeat started before the
    // job keeps beating while the job runs.
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let watchdog = Watchdog::start(Duration::from_millis(1));
        let receipt = handle(Job {
            id: 7,
            payload: b"seven".to_vec(),
        })
        .await;
        watchdog.assert_not_blocked(MAX_BLOCK);
        // 400 ms of hashing at one beat per millisecond: far more than 20 beats unless the
        // runtime thread was held.
        assert!(
            watchdog.beats() > 20,
            "only {} heartbeats while a 400 ms job ran: the runtime thread was not free",
            watchdog.beats()
        );
        assert_eq!(
            receipt,
            Ok(Receipt {
                id: 7,
                digest: blake3::hash(b"seven")
            })
        );
    });
}

#[test]
fn jobs_run_side_by_side() {
    // With the hash off the runtime thread, four jobs overlap on the blocking pool and take about
    // one `HASH_TIME`; one after the other they would take four. Three is the generous bound.
    let elapsed = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let start = Instant::now();
        let receipts = serve(jobs(4)).await.expect("every job is valid");
        assert_eq!(receipts.len(), 4);
        start.elapsed()
    });
    assert!(
        elapsed < HASH_TIME * 3,
        "four jobs took {elapsed:?}: they ran one after the other"
    );
}

#[test]
fn answers_are_correct_on_both_runtime_flavours() {
    testkit::run_both(LIMIT, || async {
        let batch = jobs(3);
        let want = expected(&batch);
        assert_eq!(serve(batch).await, Ok(want));
    });
}

#[test]
fn panicking_hash_is_an_error_for_its_job_only() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let too_long = Job {
            id: 99,
            payload: vec![0; MAX_PAYLOAD + 1],
        };
        assert_eq!(
            handle(too_long).await,
            Err(ServiceError::HashPanicked { id: 99 })
        );

        // The service carries on with the next job.
        let next = Job {
            id: 100,
            payload: b"fine".to_vec(),
        };
        assert_eq!(
            handle(next).await,
            Ok(Receipt {
                id: 100,
                digest: blake3::hash(b"fine")
            })
        );
    });
}
