//! Tests for the `task_pool` exercise. Do not edit: `cargo lab check task_pool` runs this file as
//! it is, against your `src/lib.rs`.
//!
//! The jobs sleep on a paused clock
//! ([`tokio::time::pause`](https://docs.rs/tokio/latest/tokio/time/fn.pause.html)): while every task
//! waits, the clock jumps to the next timer, so the runs take no real time and the overlap of the
//! jobs is the same on every run, however busy the machine.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use task_pool::run_with_limit;
use testkit::Flavor;

/// The time limit of every test; each needs a few milliseconds.
const LIMIT: Duration = Duration::from_secs(5);

/// The sleep step of the jobs on a paused clock, where it costs no real time.
const STEP: Duration = Duration::from_millis(10);

/// What a job returns: a boxed future, so that every job has the same type.
type Job = Pin<Box<dyn Future<Output = usize> + Send>>;

/// What the jobs of one run saw.
#[derive(Default)]
struct Record {
    /// Jobs running right now.
    running: AtomicUsize,
    /// The most jobs ever running at once.
    most: AtomicUsize,
    /// The jobs' indexes, in the order they started.
    started: Mutex<Vec<usize>>,
}

/// `n` jobs; job `i` records itself, sleeps `(n - i) × step` (so the last job finishes first)
/// and returns `i * i`.
fn jobs(
    n: usize,
    step: Duration,
    record: &Arc<Record>,
) -> Vec<impl FnOnce() -> Job + Send + 'static> {
    (0..n)
        .map(|i| {
            let record = Arc::clone(record);
            move || {
                Box::pin(async move {
                    record.started.lock().unwrap().push(i);
                    let now = record.running.fetch_add(1, Ordering::SeqCst) + 1;
                    record.most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(step * (n - i) as u32).await;
                    record.running.fetch_sub(1, Ordering::SeqCst);
                    i * i
                }) as Job
            }
        })
        .collect()
}

#[test]
fn never_more_than_the_limit_at_once_and_the_limit_is_used() {
    let most = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let record = Arc::new(Record::default());
        run_with_limit(3, jobs(10, STEP, &record)).await;
        record.most.load(Ordering::SeqCst)
    });
    assert!(
        most <= 3,
        "{most} jobs ran at the same time with a limit of 3: the limit is not enforced"
    );
    assert_eq!(
        most, 3,
        "at most {most} job(s) ran at the same time with a limit of 3 and ten jobs waiting: the \
         jobs ran one after another instead of three at a time"
    );
}

#[test]
fn results_come_back_in_input_order() {
    let results = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let record = Arc::new(Record::default());
        run_with_limit(3, jobs(10, STEP, &record)).await
    });
    assert_eq!(
        results,
        (0..10).map(|i| i * i).collect::<Vec<_>>(),
        "results[i] must be job i's result, in input order; here the later jobs finish first, so results in \
         finishing order come out shuffled"
    );
}

#[test]
fn jobs_start_in_input_order() {
    let started = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let record = Arc::new(Record::default());
        run_with_limit(2, jobs(6, STEP, &record)).await;
        Arc::try_unwrap(record)
            .ok()
            .expect("the jobs are done")
            .started
            .into_inner()
            .unwrap()
    });
    assert_eq!(
        started,
        (0..6).collect::<Vec<_>>(),
        "jobs must start in the order they were given"
    );
}

#[test]
fn a_limit_of_one_runs_the_jobs_one_at_a_time() {
    let (most, results) = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let record = Arc::new(Record::default());
        let results = run_with_limit(1, jobs(4, STEP, &record)).await;
        (record.most.load(Ordering::SeqCst), results)
    });
    assert_eq!(
        most, 1,
        "{most} jobs ran at the same time with a limit of 1: the limit is not enforced"
    );
    assert_eq!(results, vec![0, 1, 4, 9], "results in input order");
}

#[test]
fn it_works_on_a_multi_thread_runtime_too() {
    // Real time here (paused time needs a current_thread runtime), so the steps are 1 ms: the six
    // jobs sleep about 10 ms in all, and only the results and the upper bound are checked.
    testkit::run_both(LIMIT, || async {
        let record = Arc::new(Record::default());
        let results = run_with_limit(3, jobs(6, Duration::from_millis(1), &record)).await;
        assert_eq!(
            results,
            (0..6).map(|i| i * i).collect::<Vec<_>>(),
            "results in input order"
        );
        let most = record.most.load(Ordering::SeqCst);
        assert!(most <= 3, "{most} jobs ran at once with a limit of 3");
    });
}

#[test]
fn no_jobs_no_results() {
    let results = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        run_with_limit(3, jobs(0, STEP, &Arc::new(Record::default()))).await
    });
    assert!(results.is_empty(), "no jobs should give an empty Vec");
}

#[test]
fn a_free_slot_is_filled_as_soon_as_a_job_finishes() {
    // Limit 2: one slow job (500 ms) first, then ten quick ones (10 ms each). While the slow job
    // runs, the quick ones go one after another through the other slot: 100 ms, so the whole
    // takes 500 ms of the paused clock. Running the jobs in batches of two, each batch waiting
    // for its slowest job, takes 500 + 5 × 10 = 550 ms.
    let took = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let jobs: Vec<_> = (0..11u64)
            .map(|i| {
                move || async move {
                    let ms = if i == 0 { 500 } else { 10 };
                    tokio::time::sleep(Duration::from_millis(ms)).await;
                    i
                }
            })
            .collect();
        let start = tokio::time::Instant::now();
        let results = run_with_limit(2, jobs).await;
        assert_eq!(
            results,
            (0..11).collect::<Vec<u64>>(),
            "results must come back in input order, whatever order the jobs finish in: tag each \
             task's output with its job's index"
        );
        start.elapsed()
    });
    assert!(
        took < Duration::from_millis(550),
        "one 500 ms job and ten 10 ms jobs with a limit of 2 took {took:?} of (paused) time: a \
         slot must be refilled as soon as any job finishes (`join_next`), not after a whole batch \
         of `limit` jobs has finished"
    );
}

#[test]
fn a_panicking_job_panics_run_with_limit_with_the_same_payload() {
    let outcome = std::panic::catch_unwind(|| {
        testkit::run(Flavor::CurrentThread, LIMIT, || async {
            let jobs: Vec<_> = (0..6u32)
                .map(|i| {
                    move || async move {
                        if i == 4 {
                            panic!("job 4 exploded");
                        }
                        i
                    }
                })
                .collect();
            run_with_limit(2, jobs).await
        })
    });
    let payload = match outcome {
        Ok(results) => panic!(
            "job 4 panicked, but run_with_limit returned {results:?}: a job's panic must not be \
             swallowed"
        ),
        Err(payload) => payload,
    };
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned());
    assert_eq!(
        message.as_deref(),
        Some("job 4 exploded"),
        "run_with_limit must panic with the job's own panic, unchanged: pass the payload on \
         with `std::panic::resume_unwind(err.into_panic())` (an `unwrap` or `expect` on the \
         `JoinError` panics with a message of its own)"
    );
}

#[test]
fn a_limit_of_zero_is_refused() {
    // In a task of its own, so that a panic comes back as a JoinError to look at. On the paused
    // clock, the minute below passes as soon as nothing else can happen: a run_with_limit that
    // waits for ever is reported at once.
    let (outcome, most) = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let record = Arc::new(Record::default());
        let run = tokio::spawn(run_with_limit(0, jobs(3, STEP, &record)));
        let outcome = tokio::time::timeout(Duration::from_secs(60), run).await;
        (outcome, record.most.load(Ordering::SeqCst))
    });
    let refuse = "refuse a limit of 0 at the start, with a panic that names the limit \
        (`assert!(limit > 0, ..)`)";
    match outcome {
        Err(_elapsed) => panic!(
            "run_with_limit(0, ..) never finished: with no job allowed to run it waits for ever. \
             {refuse}"
        ),
        Ok(Ok(results)) => panic!(
            "run_with_limit(0, ..) returned {results:?}, with {most} jobs running at once where \
             the limit allows none: {refuse}"
        ),
        Ok(Err(error)) => {
            let panic = error.into_panic();
            let message = testkit::panic_message(&*panic).unwrap_or_default();
            assert!(
                message.contains("limit"),
                "run_with_limit(0, ..) panicked with {message:?}: {refuse}"
            );
        }
    }
}
