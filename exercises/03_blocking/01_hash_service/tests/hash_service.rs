//! Tests for the `hash_service` exercise. Do not edit: `cargo lab check hash_service` runs this
//! file as it is, against your `src/lib.rs`.
//!
//! The central check is the heartbeat: `testkit::run_watched` keeps a task ticking every 1 ms on
//! the same current_thread runtime as the service and fails the test as soon as a tick is late by
//! more than `MAX_BLOCK`. One blocking hash holds the thread for 200 ms, so a service that hashes
//! on the runtime thread is caught on its first job; a service that offloads the hash never comes
//! close. The 80 ms bound is far above the few milliseconds a healthy heartbeat is usually late,
//! and the hash is 2.5 times as long, so it is still caught when a busy machine keeps the watching
//! thread itself waiting for part of it.
//!
//! Every valid job really holds a thread for `HASH_TIME`, so each test that hashes takes at least
//! that long. To keep a check near one `HASH_TIME` even where the test harness runs only two tests
//! at a time (it runs as many as the machine has cores), there are two such tests: one batch of
//! jobs on both runtime flavours at once, and one panicking job followed by a good one.

use std::time::{Duration, Instant};

use hash_service::{HASH_TIME, Job, MAX_PAYLOAD, Receipt, ServiceError, handle, serve};
use testkit::{Flavor, Watchdog};

/// How late the heartbeat may be before the runtime counts as blocked.
const MAX_BLOCK: Duration = Duration::from_millis(80);

/// The time-out for every test body. Each needs about one `HASH_TIME` (0.2 s).
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
fn jobs_run_side_by_side_and_the_heartbeat_keeps_its_rhythm() {
    // The same batch on both flavours, for the answers and the timing; on current_thread, where
    // the service shares the one runtime thread with everything else, also under the watchdog.
    // With the hash off the runtime thread, four jobs overlap on the blocking pool and take about
    // one `HASH_TIME`; one after the other they would take four. Three is the generous bound.
    testkit::both_flavours_at_once(|flavor| {
        let batch = jobs(4);
        let want = expected(&batch);
        let body = move || async move {
            let start = Instant::now();
            let got = serve(batch).await;
            (got, start.elapsed())
        };
        let (got, elapsed) = match flavor {
            Flavor::CurrentThread => testkit::run_watched(flavor, LIMIT, MAX_BLOCK, body),
            Flavor::MultiThread => testkit::run(flavor, LIMIT, body),
        };
        assert_eq!(
            got,
            Ok(want),
            "every job gets its receipt, in the order of the jobs"
        );
        assert!(
            elapsed < HASH_TIME * 3,
            "four jobs took {elapsed:?} on a {flavor} runtime: they ran one after the other"
        );
    });
}

#[test]
fn a_panicking_hash_fails_its_job_only_and_the_next_job_leaves_the_runtime_free() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let too_long = Job {
            id: 99,
            payload: vec![0; MAX_PAYLOAD + 1],
        };
        assert_eq!(
            handle(too_long).await,
            Err(ServiceError::HashPanicked { id: 99 }),
            "a hash that panics fails its own job with HashPanicked and its id"
        );

        // The service carries on with the next job. The rule of the first test, seen from inside
        // the body with the numbers: a heartbeat started before the job keeps beating while the
        // job runs.
        let watchdog = Watchdog::start(Duration::from_millis(1));
        let receipt = handle(Job {
            id: 100,
            payload: b"fine".to_vec(),
        })
        .await;
        watchdog.assert_not_blocked(MAX_BLOCK);
        // 200 ms of hashing at one beat per millisecond: far more than 20 beats unless the
        // runtime thread was held.
        assert!(
            watchdog.beats() > 20,
            "only {} heartbeats while a 200 ms job ran: the runtime thread was not free",
            watchdog.beats()
        );
        assert_eq!(
            receipt,
            Ok(Receipt {
                id: 100,
                digest: blake3::hash(b"fine")
            }),
            "the next job is served as usual after a panic"
        );
    });
}
