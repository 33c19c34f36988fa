//! Tests for the `job_runner` exercise. Do not edit: `cargo lab check job_runner` runs this file as
//! it is, against your `src/lib.rs`.
//!
//! Each test is named after the bug class it catches. They run on Tokio's paused clock
//! (`tokio::time::pause`): jobs take no real time, and elapsed times are exact. Every wait that
//! could last forever with a bug in place is bounded, and the bound's failure message names the
//! bug; testkit's limit is the outer guard.
//!
//! One test runs a job that panics on purpose: its "job 2 failed" message in the output is expected.

use std::time::Duration;

use job_runner::{Job, QUEUE, Report, Runner};
use testkit::Flavor;
use tokio::time::Instant;

/// The real-time limit for every test body.
const LIMIT: Duration = Duration::from_secs(10);

/// How long a correct shutdown may take here, on the paused clock: far more than any test's jobs.
const SHUTDOWN_WITHIN: Duration = Duration::from_secs(60);

const JOB: Duration = Duration::from_millis(100);

/// Runs `body` on a fresh current_thread runtime with Tokio's clock paused.
fn paused<F: Future<Output = ()> + 'static>(body: impl FnOnce() -> F + Send + 'static) {
    testkit::run(Flavor::CurrentThread, LIMIT, || async move {
        tokio::time::pause();
        body().await;
    });
}

/// Shuts `runner` down, or fails naming the forgotten-sender bug if that never finishes, and the
/// lost-panic bug if it panics.
async fn shut_down(runner: Runner) -> Report {
    let mut shutdown = std::pin::pin!(runner.shutdown());
    // Polled by hand to catch a panic of shutdown itself, which usually re-raises a worker's.
    let caught = std::future::poll_fn(|cx| {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| shutdown.as_mut().poll(cx)))
        {
            Ok(std::task::Poll::Ready(report)) => std::task::Poll::Ready(Ok(report)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(payload) => std::task::Poll::Ready(Err(payload)),
        }
    });
    tokio::time::timeout(SHUTDOWN_WITHIN, caught)
        .await
        .unwrap_or_else(|_| {
            panic!(
                "forgotten sender: shutdown did not finish within {SHUTDOWN_WITHIN:?} of Tokio \
                 time. The workers' recv() returns None only when every Sender of the queue has \
                 been dropped: is one still alive while shutdown waits for the workers?"
            )
        })
        .unwrap_or_else(|payload| {
            let message = testkit::panic_message(&*payload).unwrap_or("a panic without a message");
            panic!(
                "lost panic: shutdown panicked ({message}). A worker that runs a job inline, in \
                 its own task, dies with the job's panic, and its JoinHandle hands that panic to \
                 whoever awaits it: run each job in a task of its own and look at the result, \
                 so the worker lists the job in failed and goes on"
            )
        })
}

#[test]
fn forgotten_sender_keeps_shutdown_waiting() {
    paused(|| async {
        let runner = Runner::start(1);
        runner
            .submit(Job::ok(1, JOB))
            .await
            .expect("the runner takes jobs");
        let report = shut_down(runner).await;
        assert_eq!(
            report.done,
            [1],
            "the accepted job must be done when shutdown returns: shutdown waits until every job \
             it accepted has ended and is in the report (a job left running in a task nobody \
             awaits is missing)"
        );
    });
}

#[test]
fn unbounded_queue_never_pushes_back() {
    paused(|| async {
        let runner = Runner::start(1);
        // The worker takes job 0 and is busy with it for an hour.
        runner
            .submit(Job::ok(0, Duration::from_secs(3600)))
            .await
            .expect("the runner takes jobs");
        tokio::time::sleep(Duration::from_millis(1)).await;
        for id in 1..=QUEUE as u32 {
            let taken = tokio::time::timeout(
                Duration::from_secs(1),
                runner.submit(Job::ok(id, JOB)),
            )
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "the queue is one too short: with the worker busy, submit waited for room \
                         with only {} jobs waiting, and {QUEUE} may wait. The job a worker runs is \
                         not in the queue any more: mpsc::channel(QUEUE) holds exactly QUEUE \
                         waiting jobs",
                    id - 1
                )
            });
            taken.expect("the runner takes jobs");
        }
        // The queue is full now: the next submit must wait for room.
        let extra = Job::ok(99, JOB);
        let waited = tokio::time::timeout(Duration::from_secs(1), runner.submit(extra)).await;
        let one_more = async {
            tokio::time::timeout(Duration::from_secs(1), runner.submit(Job::ok(100, JOB)))
                .await
                .is_err()
        };
        match waited {
            Err(_still_waiting) => {}
            Ok(Ok(())) if one_more.await => panic!(
                "the queue is one too long: with the worker busy, submit took a job with {QUEUE} \
                 jobs waiting, and waited only at the next one. mpsc::channel(QUEUE) holds exactly \
                 QUEUE waiting jobs; the job a worker runs is not in it, so it needs no place of \
                 its own"
            ),
            Ok(Ok(())) => panic!(
                "unbounded queue: with the worker busy and {QUEUE} jobs waiting, submit still took \
                 another job at once. A queue without a bound grows as fast as the producer \
                 submits; a bounded channel of QUEUE makes submit wait for room. (A worker that hands \
                 its job to a task it does not wait for frees its place at once, with the same \
                 effect.)"
            ),
            Ok(Err(stopped)) => panic!(
                "submit refused the job ({stopped}) instead of waiting for room: back-pressure \
                 means waiting (`send(..).await`), not giving up (`try_send`)"
            ),
        }
    });
}

#[test]
fn guard_held_through_the_loop_body_serialises_the_workers() {
    paused(|| async {
        let runner = Runner::start(2);
        let started = Instant::now();
        for id in 1..=4 {
            runner
                .submit(Job::ok(id, JOB))
                .await
                .expect("the runner takes jobs");
        }
        while runner.ended() < 4 {
            tokio::time::sleep(Duration::from_millis(10)).await;
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "the jobs never ended: is a worker stuck?"
            );
        }
        let took = started.elapsed();
        assert!(
            took < JOB * 3,
            "lock guard held through the loop body: 4 jobs of {JOB:?} on 2 workers took {took:?} \
             of Tokio time, one at a time, instead of {:?}. In `while let Some(job) = \
             rx.lock().await.recv().await {{ .. }}` the guard lives until the end of the body; take \
             the job in a `let` statement of its own",
            JOB * 2
        );
    });
}

#[test]
fn lost_panic_is_reported_and_the_worker_goes_on() {
    paused(|| async {
        let runner = Runner::start(1);
        runner
            .submit(Job::ok(1, JOB))
            .await
            .expect("the runner takes jobs");
        runner
            .submit(Job::failing(2, JOB))
            .await
            .expect("the runner takes jobs");
        runner
            .submit(Job::ok(3, JOB))
            .await
            .expect("the runner takes jobs");
        let report = shut_down(runner).await;
        assert_eq!(
            report,
            Report {
                done: vec![1, 3],
                failed: vec![2],
            },
            "lost panic: job 2 panics. The report must list it in failed, and the worker must go on \
             to job 3. A panic ends the task it happens in, and its JoinHandle's JoinError is the \
             only place it is reported: run each job in a task of its own and look at the result"
        );
    });
}

#[test]
fn shutdown_finishes_every_queued_job() {
    paused(|| async {
        let runner = Runner::start(2);
        for id in 1..=QUEUE as u32 {
            runner
                .submit(Job::ok(id, JOB))
                .await
                .expect("the runner takes jobs");
        }
        let report = shut_down(runner).await;
        let all: Vec<u32> = (1..=QUEUE as u32).collect();
        assert_eq!(
            report.done, all,
            "jobs accepted before shutdown must all be done before it returns"
        );
    });
}
