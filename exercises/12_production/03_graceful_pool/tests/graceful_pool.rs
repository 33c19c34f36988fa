//! Tests for the `graceful_pool` exercise. Do not edit: `cargo lab check graceful_pool` runs this
//! file as it is, against your `src/lib.rs`.
//!
//! Every test runs on Tokio's paused clock (`tokio::time::pause`): jobs of an hour take no real
//! time, and the elapsed times measured are exact. Every wait that a bug could make endless is
//! bounded, and its failure message says what was being waited for.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::Poll;
use std::time::Duration;

use graceful_pool::{Closed, Job, Pool, Summary};
use testkit::Flavor;
use tokio::time::Instant;

/// The real-time limit for every test body.
const LIMIT: Duration = Duration::from_secs(10);

const HOUR: Duration = Duration::from_secs(3600);
const JOB: Duration = Duration::from_millis(100);

fn job(id: u32, work: Duration) -> Job {
    Job { id, work }
}

/// How long the runtime thread may go without making progress, in real time. Every wait here is
/// on Tokio's paused clock, so only a thread blocked for real (a std lock held across an `.await`,
/// a `std::thread::sleep`) comes near it.
const MAX_BLOCK: Duration = Duration::from_secs(1);

/// Runs `body` on a fresh current_thread runtime with Tokio's clock paused, watched for a blocked
/// thread.
fn paused<F: Future<Output = ()> + 'static>(body: impl FnOnce() -> F + Send + 'static) {
    testkit::run_watched(Flavor::CurrentThread, LIMIT, MAX_BLOCK, || async move {
        tokio::time::pause();
        body().await;
    });
}

/// Shuts the pool down with `deadline`, failing if it takes much longer than the deadline.
async fn shut_down(pool: &Pool, deadline: Duration) -> Summary {
    let bound = deadline + Duration::from_secs(60);
    tokio::time::timeout(bound, pool.shutdown(deadline))
        .await
        .unwrap_or_else(|_| {
            panic!(
                "shutdown with a deadline of {deadline:?} was still running after {bound:?}: \
                 does it wait for jobs past the deadline, for workers whose queue never closes \
                 (every Sender dropped), or for a TaskTracker that was never closed \
                 (TaskTracker::wait resolves only after TaskTracker::close)?"
            )
        })
}

#[test]
fn nothing_accepted_is_lost() {
    paused(|| async {
        let pool = Pool::start(2, 8);
        for id in 1..=6 {
            pool.submit(job(id, JOB))
                .await
                .expect("the pool is running");
        }
        let summary = shut_down(&pool, HOUR).await;
        assert_eq!(
            summary,
            Summary {
                finished: (1..=6).collect(),
                abandoned: vec![],
            },
            "nothing lost: every job accepted before shutdown, queued or running, must finish \
             when the deadline allows it"
        );
    });
}

#[test]
fn shutdown_stops_accepting() {
    paused(|| async {
        let pool = Pool::start(1, 4);
        pool.submit(job(1, JOB)).await.expect("the pool is running");
        let (summary, late) = tokio::join!(shut_down(&pool, HOUR), async {
            tokio::task::yield_now().await;
            pool.submit(job(99, JOB)).await
        });
        assert_eq!(
            late,
            Err(Closed),
            "stop accepting: a submit after shutdown has begun must be refused with Closed"
        );
        assert_eq!(
            summary.finished,
            [1],
            "the job accepted before shutdown runs"
        );
        assert!(
            !summary.abandoned.contains(&99) && !summary.finished.contains(&99),
            "a refused job must not be run"
        );
    });
}

#[test]
fn a_submit_waiting_for_room_is_refused_at_shutdown() {
    paused(|| async {
        let pool = Pool::start(1, 1);
        pool.submit(job(1, HOUR))
            .await
            .expect("the pool is running");
        // Let the worker take job 1, then fill the one slot of the queue.
        tokio::time::sleep(Duration::from_millis(1)).await;
        pool.submit(job(2, JOB)).await.expect("the queue has room");
        let (waiting, summary) = tokio::join!(pool.submit(job(3, JOB)), async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            shut_down(&pool, Duration::from_secs(1)).await
        });
        assert_eq!(
            waiting,
            Err(Closed),
            "stop accepting: a submit still waiting for room when shutdown begins must be refused, \
             not left waiting or let in"
        );
        assert_eq!(
            summary,
            Summary {
                finished: vec![],
                abandoned: vec![1, 2],
            },
            "job 1 runs past the deadline and job 2 never gets a worker: both abandoned. A job \
             missing from the summary was never recorded: either a worker stopped taking jobs at \
             the deadline and left the queued ones unlisted (a job still queued at the deadline \
             is taken and listed as abandoned), or shutdown returned before the workers had \
             recorded it (after cancelling the jobs, wait for the workers to end)"
        );
    });
}

/// Polls `fut` once, with the waker of the task that calls this.
async fn poll_once<F: Future>(fut: Pin<&mut F>) -> Poll<F::Output> {
    let mut fut = Some(fut);
    std::future::poll_fn(|cx| Poll::Ready(fut.take().expect("polled once").poll(cx))).await
}

#[test]
fn a_submit_that_could_go_either_way_is_refused() {
    // A submit waits for room; shutdown begins; then room appears. When the submit is polled
    // next, both the shutdown signal and the room are ready. Twenty rounds: a choice made at
    // random lets a job in about half the time.
    paused(|| async {
        for round in 1..=20 {
            let pool = Pool::start(1, 1);
            pool.submit(job(1, JOB)).await.expect("the pool is running");
            // Let the worker take job 1, then fill the one slot of the queue.
            tokio::time::sleep(Duration::from_millis(1)).await;
            pool.submit(job(2, JOB)).await.expect("the queue has room");
            let mut waiting = pin!(pool.submit(job(3, JOB)));
            assert!(
                poll_once(waiting.as_mut()).await.is_pending(),
                "the queue is full and the pool runs: submit must wait for room"
            );
            let mut shutdown = pin!(shut_down(&pool, HOUR));
            let _ = poll_once(shutdown.as_mut()).await;
            // Job 1 ends; the worker takes job 2, which makes room for job 3.
            tokio::time::sleep(JOB).await;
            let late = waiting.await;
            let summary = shutdown.await;
            assert!(
                late == Err(Closed) && !summary.finished.contains(&3),
                "round {round}: a submit that waited for room was let in after shutdown had \
                 begun (it returned {late:?}, and the pool ran {:?}). Either submit waited on the \
                 send alone, having looked at the shutdown signal only once before (a submit \
                 still waiting for room when shutdown begins must be refused: wait for the signal \
                 and the send together, in a select!), or its select! found the shutdown signal \
                 and the room both ready and picked at random among them: write `biased;` first, \
                 with the shutdown branch before the send, so a submit that could go either way \
                 is refused",
                summary.finished
            );
        }
    });
}

#[test]
fn the_deadline_abandons_stragglers_and_only_them() {
    paused(|| async {
        let pool = Pool::start(2, 4);
        pool.submit(job(1, HOUR))
            .await
            .expect("the pool is running");
        pool.submit(job(2, JOB)).await.expect("the pool is running");
        pool.submit(job(3, JOB)).await.expect("the pool is running");
        let started = Instant::now();
        let summary = shut_down(&pool, Duration::from_secs(1)).await;
        let took = started.elapsed();
        assert!(
            !(summary.abandoned.contains(&2) && summary.abandoned.contains(&3)),
            "jobs 2 and 3 (100 ms each) were abandoned although a second worker had the whole \
             1 s deadline for them while job 1 ran ({summary:?}): only one job ran at a time. A \
             worker that keeps the lock on the shared receiver while it runs its job keeps the \
             other workers from taking one: take the job, let the lock guard go, then run it"
        );
        assert_eq!(
            summary,
            Summary {
                finished: vec![2, 3],
                abandoned: vec![1],
            },
            "deadline: the hour-long job is abandoned at the deadline, the short ones finish (a \
             job missing from the summary was never recorded: shutdown returned before the \
             workers had recorded it (after cancelling the jobs, wait for the workers to end), or \
             a worker stopped taking jobs at the deadline instead of listing the queued ones as \
             abandoned)"
        );
        assert!(
            took >= Duration::from_secs(1) && took <= Duration::from_millis(1100),
            "deadline: shutdown took {took:?} of Tokio time; with a straggler it must wait for the \
             1 s deadline and return right after it"
        );
    });
}

#[test]
fn shutdown_returns_as_soon_as_the_work_is_done() {
    paused(|| async {
        let pool = Pool::start(1, 4);
        for id in 1..=4 {
            pool.submit(job(id, JOB))
                .await
                .expect("the pool is running");
        }
        let started = Instant::now();
        let summary = shut_down(&pool, HOUR).await;
        let took = started.elapsed();
        assert_eq!(summary.finished, [1, 2, 3, 4], "every job finishes");
        assert!(
            took <= JOB * 4 + JOB,
            "shutdown took {took:?} of Tokio time for 400 ms of work: it should return when the \
             work is done, not wait for the deadline"
        );
    });
}
