//! Tests for `pipeline`, on a paused clock: the right results; the number of jobs running at once
//! never exceeds the limit and reaches it (the jobs overlap); the whole takes the time of
//! `ceil(jobs / limit)` rounds, not of one job after another; a job that finishes early makes
//! room for the next at once; and a limit of 0 is refused.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use std::panic::AssertUnwindSafe;

use futures::{FutureExt, stream};
use pipeline::pipeline;
use testkit::Flavor;
use tokio::time::{Instant, sleep};

/// Real-time limit for each test. The clock is paused, so a correct pipeline needs milliseconds;
/// the margin is for a machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(2);

/// The results for 1..=100: the squares of the 50 even numbers, sorted.
fn expected() -> Vec<u64> {
    (1..=100u64).filter(|n| n % 2 == 0).map(|n| n * n).collect()
}

/// Fails, naming the cause, when a job is given the square of an odd number.
fn check_job_input(x: u64) {
    assert!(
        x.is_multiple_of(2),
        "a job was given {x}, the square of an odd number: the jobs are for the squares of the \
         50 even numbers only. Either the filter keeps the odd numbers (keep `n % 2 == 0`), or \
         the odd numbers are dropped after the work instead of before it: filter before the \
         map and buffer_unordered, since filtering the results afterwards runs a job for every \
         number, twice the work"
    );
}

/// What a run saw: the results, the most jobs running at once, and the (paused) time it took.
struct Seen {
    results: Vec<u64>,
    max_running: usize,
    took: Duration,
}

/// Runs `pipeline` over 1..=100 with `limit`; every job takes `job_ms` of paused time and
/// returns its input.
fn run(limit: usize, job_ms: u64) -> Seen {
    testkit::run(Flavor::CurrentThread, LIMIT, move || async move {
        tokio::time::pause();
        let running = Rc::new(Cell::new(0usize));
        let max_running = Rc::new(Cell::new(0usize));
        let start = Instant::now();
        let (r, m) = (Rc::clone(&running), Rc::clone(&max_running));
        let mut results = pipeline(stream::iter(1..=100u64), limit, move |x| {
            check_job_input(x);
            let (running, max_running) = (Rc::clone(&r), Rc::clone(&m));
            async move {
                running.set(running.get() + 1);
                max_running.set(max_running.get().max(running.get()));
                sleep(Duration::from_millis(job_ms)).await;
                running.set(running.get() - 1);
                x
            }
        })
        .await;
        let took = start.elapsed();
        results.sort_unstable();
        Seen {
            results,
            max_running: max_running.get(),
            took,
        }
    })
}

#[test]
fn gives_the_squares_of_the_even_numbers() {
    let seen = run(10, 50);
    assert_eq!(
        seen.results,
        expected(),
        "the pipeline over 1..=100 must give the squares of the 50 even numbers (in any order), \
         each once"
    );
}

#[test]
fn jobs_overlap_but_never_beyond_the_limit() {
    for limit in [1, 3, 10] {
        let seen = run(limit, 50);
        assert!(
            seen.max_running <= limit,
            "with max_in_flight = {limit}, {} jobs ran at the same time: the limit was not held \
             (starting every job at once, with join_all or tokio::spawn, ignores it)",
            seen.max_running
        );
        assert_eq!(
            seen.max_running, limit,
            "with max_in_flight = {limit}, at most {} jobs ever ran at the same time: the jobs \
             must overlap up to the limit (awaiting each job in turn, as `then` does, runs one at \
             a time)",
            seen.max_running
        );
    }
}

#[test]
fn takes_as_many_rounds_as_the_limit_allows() {
    let seen = run(10, 50);
    // 50 jobs of 50 ms, 10 at a time: 5 rounds, 250 ms. One at a time would take 2.5 s. Tokio's
    // timer rounds each deadline up to the next millisecond, hence the few ms of slack.
    assert!(
        seen.took >= Duration::from_millis(250) && seen.took < Duration::from_millis(300),
        "50 jobs of 50 ms, 10 at a time, should take about 250 ms of (paused) time, took {:?}",
        seen.took
    );
}

#[test]
fn room_is_made_as_soon_as_a_job_finishes() {
    let (results, took) = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let start = Instant::now();
        // The first job (for 2, square 4) is slow; the other 49 are quick. With a limit of 2, the
        // quick ones should flow through the second slot while the slow one runs, not wait for it.
        let results = pipeline(stream::iter(1..=100u64), 2, |x| async move {
            check_job_input(x);
            let ms = if x == 4 { 1000 } else { 10 };
            sleep(Duration::from_millis(ms)).await;
            x
        })
        .await;
        (results, start.elapsed())
    });
    // Through the free slot the 49 quick jobs take 490 ms, well within the slow job's 1 s.
    assert!(
        took < Duration::from_millis(1100),
        "one slow job (1 s) and 49 quick ones (10 ms) with 2 in flight took {took:?} of (paused) \
         time: the quick jobs must go through the free slot while the slow one runs. Awaiting \
         the jobs one at a time (`then`), handing results out in input order (`buffered`), or \
         running them in batches that each wait for their slowest job (`chunks` and \
         `join_all`) holds them back"
    );
    assert_eq!(results.len(), 50, "every even number must come through");
    assert_eq!(
        results.last(),
        Some(&4),
        "the slow job finished last, so its result must come last: results are collected in the \
         order the jobs finish"
    );
}

#[test]
fn a_limit_of_zero_is_refused() {
    // With no job allowed in flight, a pipeline that does not refuse 0 waits forever; the paused
    // clock makes the minute below pass as soon as nothing else can happen.
    let outcome = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let run = AssertUnwindSafe(pipeline(stream::iter(1..=4u64), 0, |x| async move { x }));
        tokio::time::timeout(Duration::from_secs(60), run.catch_unwind()).await
    });
    let refuse = "refuse a max_in_flight of 0 at the start, with a panic that names \
        max_in_flight (`assert!(max_in_flight > 0, ..)`)";
    match outcome {
        Err(_elapsed) => panic!(
            "pipeline(.., 0, ..) never finished: with no job allowed in flight it waits forever. \
             {refuse}"
        ),
        Ok(Ok(results)) => panic!("pipeline(.., 0, ..) returned {results:?}: {refuse}"),
        Ok(Err(panic)) => {
            let message = testkit::panic_message(&*panic).unwrap_or_default();
            assert!(
                message.contains("max_in_flight"),
                "pipeline(.., 0, ..) panicked with {message:?}: {refuse}"
            );
        }
    }
}

#[test]
fn jobs_start_while_the_input_still_comes() {
    let first_start = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let start = Instant::now();
        // 1..=10, one number every 10 ms: the input ends at 100 ms; the first even number, 2,
        // comes at 20 ms.
        let slow_input = stream::unfold(1u64, |n| async move {
            if n > 10 {
                return None;
            }
            sleep(Duration::from_millis(10)).await;
            Some((n, n + 1))
        });
        let first_start = Rc::new(Cell::new(None));
        let seen = Rc::clone(&first_start);
        pipeline(slow_input, 2, move |x| {
            // A job starts when its future is first polled, not when it is made.
            let seen = Rc::clone(&seen);
            async move {
                if seen.get().is_none() {
                    seen.set(Some(start.elapsed()));
                }
                x
            }
        })
        .await;
        first_start.get()
    });
    let first_start = first_start.expect("no job ran on an input of 5 even numbers");
    assert!(
        first_start < Duration::from_millis(50),
        "the numbers came one every 10 ms until 100 ms, the first even one at 20 ms, but the \
         first job started at {first_start:?}: jobs must start as the numbers come, before the \
         input ended. This pipeline buffers the whole input first (every job's future collected \
         into a Vec, then run): an unbounded buffer, and on an endless input no job would ever \
         start. Chain filter, map and buffer_unordered on the input stream itself"
    );
}
