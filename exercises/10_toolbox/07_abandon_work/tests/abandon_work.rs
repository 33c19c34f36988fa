//! Tests for the `abandon_work` exercise. Do not edit: `cargo lab check abandon_work` runs this
//! file as it is, against your `src/lib.rs`.
//!
//! Each test starts `serve` in a task, sends it requests and plays the requesters: some wait for
//! their answer, some give up by dropping their receiver. Every test runs on Tokio's paused clock
//! (`tokio::time::pause`), so the steps of 10 ms are exact and take no real time.

use std::time::Duration;

use abandon_work::{Report, Request, STEP, serve};
use testkit::Flavor;
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep};

/// The real-time limit for every test body; the clock is paused, so a correct `serve` needs a
/// few milliseconds. The margin is for a machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(10);

/// Runs `body` on a fresh current_thread runtime with Tokio's clock paused.
fn paused<F: Future<Output = ()> + 'static>(body: impl FnOnce() -> F + Send + 'static) {
    testkit::run(Flavor::CurrentThread, LIMIT, || async move {
        tokio::time::pause();
        body().await;
    });
}

/// Starts `serve` in a task of its own, with room for 8 queued requests.
fn start() -> (mpsc::Sender<Request>, JoinHandle<Report>) {
    let (requests, queue) = mpsc::channel(8);
    (requests, tokio::spawn(serve(queue)))
}

/// Queues a request of `steps` steps and returns the receiver of its answer.
async fn ask(requests: &mpsc::Sender<Request>, steps: u32) -> oneshot::Receiver<u32> {
    let (reply, answer) = oneshot::channel();
    requests
        .send(Request { steps, reply })
        .await
        .expect("serve is running");
    answer
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Whether `got` is `expected`, give or take the timer's rounding: Tokio's timer counts whole
/// milliseconds and rounds a deadline up, so each sleep on the paused clock may end up to 1 ms
/// late.
fn about(got: Duration, expected: Duration) -> bool {
    got >= expected && got <= expected + ms(5)
}

#[test]
fn every_request_is_answered_in_turn() {
    paused(|| async {
        let start_at = Instant::now();
        let (requests, worker) = start();
        let first = ask(&requests, 3).await;
        let second = ask(&requests, 2).await;
        assert_eq!(first.await, Ok(3), "the answer is the number of steps done");
        let first_at = start_at.elapsed();
        assert!(
            first_at >= STEP,
            "the first answer came at {first_at:?} on Tokio's paused clock, before one step of \
             10 ms could have passed: the steps did not wait on Tokio's clock. A step done with \
             std::thread::sleep blocked the thread: while it sleeps, nothing else on that thread \
             runs, not even the closed() that would notice a requester giving up. Wait with \
             tokio::time::sleep(STEP).await"
        );
        assert_eq!(
            second.await,
            Ok(2),
            "the answer is the number of steps done"
        );
        let second_at = start_at.elapsed();
        assert!(
            about(first_at, 3 * STEP) && about(second_at, 5 * STEP),
            "answers came at {first_at:?} and {second_at:?}; expected about 30 ms and 50 ms: \
             3 steps of 10 ms, then 2 more"
        );
        drop(requests);
        let report = worker.await.expect("serve does not panic");
        assert_eq!(
            report,
            Report {
                answered: 2,
                abandoned: 0,
                steps_done: 5
            }
        );
    });
}

#[test]
fn a_requester_that_gives_up_stops_the_work_at_once() {
    paused(|| async {
        let start_at = Instant::now();
        let (requests, worker) = start();
        let impatient = ask(&requests, 10).await;
        let patient = ask(&requests, 2).await;
        // The first requester waits 25 ms for an answer that takes 100 ms, then gives up.
        sleep(ms(25)).await;
        drop(impatient);
        assert_eq!(patient.await, Ok(2));
        let answered_at = start_at.elapsed();
        assert!(
            answered_at < ms(100),
            "the second request was answered at {answered_at:?}: the worker kept working for \
             the first requester after it had gone (it gave up at 25 ms). Race the work against \
             reply.closed() in select!, so that the work is dropped the moment the receiver is"
        );
        drop(requests);
        let report = worker.await.expect("serve does not panic");
        assert_eq!(
            report.steps_done, 4,
            "{} steps were done; expected 2 for the first request (at 10 and 20 ms, before its \
             requester gave up at 25 ms) and 2 for the second. Either the worker looks at the \
             receiver only between steps, which does one step too many (stop when closed() \
             completes, not at the next step), or each step is counted before its sleep, when it \
             starts, so the step cut off at 25 ms was counted (count it after its sleep, when it \
             is done)",
            report.steps_done
        );
        assert!(
            about(answered_at, ms(45)),
            "the second request was answered at {answered_at:?}; expected about 45 ms: the \
             first stopped at 25 ms, then 2 steps of 10 ms"
        );
        assert_eq!(
            report,
            Report {
                answered: 1,
                abandoned: 1,
                steps_done: 4
            }
        );
    });
}

#[test]
fn a_requester_gone_before_the_work_starts_costs_no_step() {
    paused(|| async {
        let (requests, worker) = start();
        let gone = ask(&requests, 10).await;
        drop(gone);
        let waiting = ask(&requests, 1).await;
        assert_eq!(waiting.await, Ok(1));
        drop(requests);
        let report = worker.await.expect("serve does not panic");
        assert_eq!(
            report.steps_done, 1,
            "the first requester was gone before its work started, yet the worker kept working \
             for it: {} steps in all, where the second request's 1 was the only one wanted. Race \
             the work against reply.closed(), which completes at once for a receiver already \
             dropped (looking at the receiver only between steps is one step too late)",
            report.steps_done
        );
        assert_eq!(
            report,
            Report {
                answered: 1,
                abandoned: 1,
                steps_done: 1
            },
            "the first requester was gone before its work started: it counts as abandoned"
        );
    });
}

#[test]
fn the_worker_ends_when_the_channel_closes() {
    paused(|| async {
        let (requests, worker) = start();
        drop(requests);
        let report = worker.await.expect("serve does not panic");
        assert_eq!(report, Report::default(), "no request, nothing done");
    });
}

#[test]
fn a_requester_gone_when_the_work_is_done_is_not_answered() {
    // Requests of no steps, whose requesters have already gone: the work is done at the first
    // poll, and closed() is ready at that same poll. Whichever branch select! takes, the answer
    // reaches nobody: reply.send fails.
    paused(|| async {
        const GONE: u32 = 16;
        let (requests, worker) = start();
        for _ in 0..GONE {
            drop(ask(&requests, 0).await);
        }
        drop(requests);
        let report = worker.await.expect("serve does not panic");
        assert_eq!(
            report,
            Report {
                answered: 0,
                abandoned: GONE,
                steps_done: 0
            },
            "{GONE} requests of no steps, each requester gone before it was served: none can be \
             answered. When the work won the select! (it is done at once), reply.send(...) \
             returned Err because the receiver was gone: the send failed, and the request counts \
             as abandoned, not answered. Look at the result of send: Ok is answered, Err abandoned"
        );
    });
}
