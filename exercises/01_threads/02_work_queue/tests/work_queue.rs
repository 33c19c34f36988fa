//! Tests for `WorkQueue`: every job runs exactly once, `shutdown` waits for queued jobs and joins
//! every worker, the worker threads really end, and the workers run jobs at the same time.
//!
//! Every test runs under `testkit::within`, so a `join` that waits forever fails the test with a
//! message instead of hanging it.

use std::cell::RefCell;
use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use work_queue::WorkQueue;

/// Generous: each test does a few milliseconds of work.
const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn every_job_runs_exactly_once() {
    const JOBS: usize = 1000;
    let (counts, joined) = testkit::within(LIMIT, || {
        let counts: Arc<Vec<AtomicUsize>> =
            Arc::new((0..JOBS).map(|_| AtomicUsize::new(0)).collect());
        let queue = WorkQueue::new(4);
        for i in 0..JOBS {
            let counts = Arc::clone(&counts);
            queue.submit(move || {
                counts[i].fetch_add(1, Ordering::SeqCst);
            });
        }
        let joined = queue.shutdown();
        // Read the counts only after `shutdown` has returned: it must have waited for them all.
        let counts: Vec<usize> = counts.iter().map(|c| c.load(Ordering::SeqCst)).collect();
        (counts, joined)
    });
    assert_eq!(joined, 4, "shutdown must join all 4 workers and say so");
    for (job, &count) in counts.iter().enumerate() {
        assert_eq!(
            count,
            1,
            "job {job} ran {count} times by the time shutdown returned{}",
            if count == 0 {
                ": shutdown must wait until the workers have run every queued job (join them all)"
            } else {
                ""
            }
        );
    }
}

#[test]
fn shutdown_waits_for_slow_queued_jobs() {
    let done = testkit::within(LIMIT, || {
        let done = Arc::new(AtomicUsize::new(0));
        let queue = WorkQueue::new(2);
        for _ in 0..20 {
            let done = Arc::clone(&done);
            queue.submit(move || {
                thread::sleep(Duration::from_millis(5));
                done.fetch_add(1, Ordering::SeqCst);
            });
        }
        queue.shutdown();
        done.load(Ordering::SeqCst)
    });
    assert_eq!(
        done, 20,
        "shutdown returned before every queued job had run"
    );
}

/// Counts, through a thread-local value's destructor, the worker threads that have ended: Rust runs
/// thread-local destructors when a thread exits, before `join` on that thread returns.
struct ExitCounter(Arc<AtomicUsize>);

impl Drop for ExitCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

thread_local! {
    static ON_EXIT: RefCell<Option<ExitCounter>> = const { RefCell::new(None) };
}

#[test]
fn every_worker_thread_has_ended_when_shutdown_returns() {
    let (workers_seen, exited, joined) = testkit::within(LIMIT, || {
        let exited = Arc::new(AtomicUsize::new(0));
        let seen: Arc<Mutex<HashSet<ThreadId>>> = Arc::default();
        let queue = WorkQueue::new(3);
        // Enough jobs that each waits for the others at a barrier: all three workers take part.
        let barrier = Arc::new(Barrier::new(3));
        for _ in 0..3 {
            let (exited, seen, barrier) =
                (Arc::clone(&exited), Arc::clone(&seen), Arc::clone(&barrier));
            queue.submit(move || {
                seen.lock().unwrap().insert(thread::current().id());
                ON_EXIT.with(|slot| *slot.borrow_mut() = Some(ExitCounter(exited)));
                barrier.wait();
            });
        }
        let joined = queue.shutdown();
        let workers_seen = seen.lock().unwrap().len();
        (workers_seen, exited.load(Ordering::SeqCst), joined)
    });
    assert_eq!(joined, 3, "shutdown must return how many workers it joined");
    assert_eq!(
        exited, 3,
        "only {exited} of the 3 worker threads had ended when shutdown returned: join them all"
    );
    assert_eq!(
        workers_seen, 3,
        "the three jobs should have run on three different workers"
    );
}

#[test]
fn workers_run_jobs_at_the_same_time() {
    // Four jobs wait for each other at a barrier. If a worker held the receiver's lock while
    // running its job, the others could not take theirs and the first job would wait forever.
    let joined = testkit::within(LIMIT, || {
        let barrier = Arc::new(Barrier::new(4));
        let queue = WorkQueue::new(4);
        for _ in 0..4 {
            let barrier = Arc::clone(&barrier);
            queue.submit(move || {
                barrier.wait();
            });
        }
        queue.shutdown()
    });
    assert_eq!(
        joined, 4,
        "shutdown returns how many worker threads it joined"
    );
}

#[test]
fn jobs_can_be_submitted_from_several_threads() {
    let total = testkit::within(LIMIT, || {
        let total = Arc::new(AtomicUsize::new(0));
        let queue = WorkQueue::new(2);
        // `submit` takes `&self`: scoped threads can share the queue by reference.
        thread::scope(|s| {
            for _ in 0..4 {
                s.spawn(|| {
                    for _ in 0..50 {
                        let total = Arc::clone(&total);
                        queue.submit(move || {
                            total.fetch_add(1, Ordering::SeqCst);
                        });
                    }
                });
            }
        });
        queue.shutdown();
        total.load(Ordering::SeqCst)
    });
    assert_eq!(
        total, 200,
        "every job submitted from every thread runs exactly once before shutdown returns"
    );
}

#[test]
fn shutdown_with_no_jobs_returns_at_once() {
    let joined = testkit::within(LIMIT, || WorkQueue::new(3).shutdown());
    assert_eq!(
        joined, 3,
        "shutdown joins every worker even when no job was submitted"
    );
}
