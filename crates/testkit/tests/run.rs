//! `run`, `run_both`, `run_watched`, `within` and `timeout`: each message fires when it should and
//! only then.
//!
//! Limits are short (a few hundred milliseconds) where a time-out is the expected outcome, so the
//! suite stays fast, and long where the test must pass, so a busy machine cannot fail it.

mod common;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::{Context, Poll};
use std::thread;
use std::time::{Duration, Instant};

use common::{blocked_ms, panic_message};
use testkit::messages::{RUNTIME_BLOCKED, THREAD_TIMED_OUT, TIMED_OUT};
use testkit::{Flavor, run, run_both, run_watched, timeout, within};

/// A limit for bodies that must pass: far above what they need.
const GENEROUS: Duration = Duration::from_secs(10);

/// A limit for bodies that must time out: short, to keep the suite fast.
const SHORT: Duration = Duration::from_millis(200);

/// The classic mistake: returns `Pending` without keeping the waker, so nothing ever wakes it.
struct Forgetful;

impl Future for Forgetful {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        Poll::Pending
    }
}

#[test]
fn run_returns_the_output_on_both_flavours() {
    for flavor in Flavor::BOTH {
        let out = run(flavor, GENEROUS, || async {
            let task = tokio::spawn(async { "from a task" });
            task.await.unwrap()
        });
        assert_eq!(out, "from a task");
    }
}

#[test]
fn run_uses_the_flavour_it_is_given() {
    let seen = run(Flavor::CurrentThread, GENEROUS, || async {
        tokio::runtime::Handle::current().runtime_flavor()
    });
    assert_eq!(seen, tokio::runtime::RuntimeFlavor::CurrentThread);
    let (seen, workers) = run(Flavor::MultiThread, GENEROUS, || async {
        let handle = tokio::runtime::Handle::current();
        (handle.runtime_flavor(), handle.metrics().num_workers())
    });
    assert_eq!(seen, tokio::runtime::RuntimeFlavor::MultiThread);
    assert_eq!(workers, 2);
}

#[test]
fn run_accepts_a_future_that_is_not_send() {
    // The runtime is built on the body's thread, so an `Rc` held across an `.await` is fine.
    let n = run(Flavor::CurrentThread, GENEROUS, || async {
        let shared = std::rc::Rc::new(5);
        tokio::task::yield_now().await;
        *shared
    });
    assert_eq!(n, 5);
}

#[test]
fn a_future_that_is_never_woken_times_out_with_the_documented_message() {
    for flavor in Flavor::BOTH {
        let start = Instant::now();
        let message = panic_message(|| run(flavor, SHORT, || Forgetful));
        let took = start.elapsed();
        assert_eq!(
            message,
            format!(
                "did not complete in 200 ms on a {flavor} runtime: it was still waiting for something \
                 that never happened (a future that returns `Pending` must arrange to be woken)"
            )
        );
        assert!(message.starts_with(TIMED_OUT));
        // It waited the full limit, and not much longer.
        assert!(took >= SHORT, "gave up after {took:?}");
        assert!(took < SHORT + Duration::from_secs(2), "took {took:?}");
    }
}

#[test]
fn a_limit_too_large_for_the_clock_means_no_limit() {
    assert_eq!(run(Flavor::CurrentThread, Duration::MAX, || async { 1 }), 1);
    assert_eq!(within(Duration::MAX, || 2), 2);
}

#[test]
fn a_panic_in_the_body_keeps_its_original_message() {
    for flavor in Flavor::BOTH {
        let message = panic_message(|| {
            run(flavor, GENEROUS, || async {
                tokio::task::yield_now().await;
                panic!("the answer was {}", 41);
            })
        });
        assert_eq!(message, "the answer was 41");
    }
}

#[test]
#[should_panic(expected = "assertion `left == right` failed")]
fn should_panic_sees_the_body_s_assertion() {
    run(Flavor::CurrentThread, GENEROUS, || async {
        assert_eq!(1 + 1, 3);
    });
}

#[test]
fn a_panic_while_making_the_future_keeps_its_message() {
    let message = panic_message(|| {
        run(
            Flavor::CurrentThread,
            GENEROUS,
            || -> std::future::Ready<()> { panic!("no future for you") },
        )
    });
    assert_eq!(message, "no future for you");
}

#[test]
fn a_panic_is_not_mistaken_for_a_time_out_even_with_a_short_limit() {
    let message = panic_message(|| {
        run(Flavor::CurrentThread, Duration::from_secs(2), || async {
            panic!("quick failure")
        })
    });
    assert_eq!(message, "quick failure");
}

#[test]
fn run_both_runs_current_thread_then_multi_thread() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = Arc::clone(&seen);
    run_both(GENEROUS, move || {
        let record = Arc::clone(&record);
        async move {
            let flavor = tokio::runtime::Handle::current().runtime_flavor();
            record.lock().unwrap().push(flavor);
        }
    });
    use tokio::runtime::RuntimeFlavor::{CurrentThread, MultiThread};
    assert_eq!(*seen.lock().unwrap(), [CurrentThread, MultiThread]);
}

#[test]
fn run_both_names_the_flavour_that_timed_out() {
    // Pending forever on multi_thread only: the current_thread run passes, the second one fails.
    let message = panic_message(|| {
        run_both(SHORT, || async {
            if tokio::runtime::Handle::current().runtime_flavor()
                == tokio::runtime::RuntimeFlavor::MultiThread
            {
                Forgetful.await;
            }
        })
    });
    assert!(message.starts_with(TIMED_OUT), "{message}");
    assert!(message.contains("on a multi_thread runtime"), "{message}");
}

#[test]
fn run_both_keeps_the_body_s_panic_message() {
    let message = panic_message(|| run_both(GENEROUS, || async { panic!("broken on both") }));
    assert_eq!(message, "broken on both");
}

#[test]
fn both_flavours_at_once_runs_each_flavour_at_the_same_time() {
    // Each check waits at a barrier that only opens when both are there: one after the other,
    // the first would wait forever, and `within` would fail the test.
    let barrier = std::sync::Barrier::new(2);
    let seen = Mutex::new(Vec::new());
    within(GENEROUS, move || {
        testkit::both_flavours_at_once(|flavor| {
            let name = thread::current().name().map(str::to_owned);
            barrier.wait();
            seen.lock().unwrap().push((flavor, name));
        });
        let mut seen = seen.into_inner().unwrap();
        seen.sort_by_key(|(flavor, _)| *flavor == Flavor::MultiThread);
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].0, Flavor::CurrentThread);
        assert_eq!(seen[1].0, Flavor::MultiThread);
        for (flavor, name) in &seen {
            let name = name.as_deref().unwrap_or_default();
            assert!(
                name.ends_with(&format!("({flavor})")),
                "thread named {name:?}"
            );
        }
    });
}

#[test]
fn both_flavours_at_once_re_raises_a_failure_on_either_flavour() {
    for failing in Flavor::BOTH {
        let message = panic_message(|| {
            testkit::both_flavours_at_once(|flavor| {
                if flavor == failing {
                    panic!("broken on {flavor}");
                }
            })
        });
        assert_eq!(message, format!("broken on {failing}"));
    }
}

#[test]
fn a_healthy_watched_body_passes() {
    let start = Instant::now();
    let out = run_watched(
        Flavor::CurrentThread,
        GENEROUS,
        Duration::from_millis(100),
        || async {
            for _ in 0..10 {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            "slept politely"
        },
    );
    assert_eq!(out, "slept politely");
    assert!(start.elapsed() >= Duration::from_millis(200));
}

#[test]
fn a_blocking_sleep_is_reported_as_blocked() {
    let message = panic_message(|| {
        run_watched(
            Flavor::CurrentThread,
            GENEROUS,
            Duration::from_millis(100),
            || async {
                std::thread::sleep(Duration::from_millis(300));
            },
        )
    });
    assert!(message.starts_with(RUNTIME_BLOCKED), "{message}");
    assert!(
        message.ends_with("ms: is a blocking call running inside async code?"),
        "{message}"
    );
    assert!(blocked_ms(&message) > 100, "{message}");
}

#[test]
fn a_block_is_reported_without_waiting_for_the_body() {
    // The body blocks for 3 s; the report must come long before that (the margin is generous
    // because the test machine may be busy).
    let start = Instant::now();
    let message = panic_message(|| {
        run_watched(
            Flavor::CurrentThread,
            GENEROUS,
            Duration::from_millis(100),
            || async {
                std::thread::sleep(Duration::from_secs(3));
            },
        )
    });
    let took = start.elapsed();
    assert!(message.starts_with(RUNTIME_BLOCKED), "{message}");
    assert!(
        took < Duration::from_millis(1500),
        "reported after {took:?}"
    );
}

#[test]
fn a_runtime_blocked_forever_is_reported_as_blocked_not_as_a_time_out() {
    let message = panic_message(|| {
        run_watched(
            Flavor::CurrentThread,
            Duration::from_secs(2),
            Duration::from_millis(100),
            || async {
                // A blocking receive on a channel whose sender is kept alive: never returns.
                let (tx, rx) = mpsc::channel::<()>();
                let _keep = tx;
                let _ = rx.recv();
            },
        )
    });
    assert!(message.starts_with(RUNTIME_BLOCKED), "{message}");
}

#[test]
fn a_watched_body_that_is_never_woken_still_times_out() {
    // The heartbeat keeps beating, so nothing is blocked: this is a plain time-out.
    let message = panic_message(|| {
        run_watched(
            Flavor::CurrentThread,
            Duration::from_millis(300),
            Duration::from_millis(100),
            || Forgetful,
        )
    });
    assert!(message.starts_with(TIMED_OUT), "{message}");
    assert!(message.contains("current_thread"), "{message}");
}

#[test]
fn a_panicking_watched_body_keeps_its_message() {
    let message = panic_message(|| {
        run_watched(
            Flavor::CurrentThread,
            GENEROUS,
            Duration::from_millis(100),
            || async {
                tokio::time::sleep(Duration::from_millis(5)).await;
                panic!("plain failure")
            },
        )
    });
    assert_eq!(message, "plain failure");
}

#[test]
fn within_returns_the_value_and_keeps_panics() {
    assert_eq!(within(GENEROUS, || 6 * 7), 42);
    let message = panic_message(|| within(GENEROUS, || panic!("thread failed")));
    assert_eq!(message, "thread failed");
}

#[test]
fn within_reports_a_join_on_a_worker_whose_channel_never_closes() {
    let start = Instant::now();
    let message = panic_message(|| {
        within(SHORT, || {
            let (tx, rx) = mpsc::channel::<u32>();
            let worker = thread::spawn(move || rx.iter().sum::<u32>());
            tx.send(1).unwrap();
            // The deadlock: `tx` is still alive, so the worker's loop never ends and `join` waits
            // forever.
            let total = worker.join().unwrap();
            drop(tx);
            total
        })
    });
    let took = start.elapsed();
    assert_eq!(
        message,
        "did not finish in 200 ms: is a thread waiting for something that never happens, such as \
         a `join` on a worker whose channel never closes, or a lock that is never released?"
    );
    assert!(message.starts_with(THREAD_TIMED_OUT));
    assert!(
        took >= SHORT && took < SHORT + Duration::from_secs(2),
        "{took:?}"
    );
}

#[test]
fn timeout_passes_the_output_through() {
    let out = run(Flavor::CurrentThread, GENEROUS, || async {
        timeout(Duration::from_secs(5), async { 9 }).await
    });
    assert_eq!(out, 9);
}

#[test]
fn timeout_fires_inside_a_body_with_the_documented_message() {
    let message = panic_message(|| {
        run(Flavor::MultiThread, GENEROUS, || async {
            timeout(Duration::from_millis(50), Forgetful).await;
        })
    });
    let (text, at) = message
        .split_once(" [testkit::timeout called at ")
        .expect("the message names where the time-out was set");
    assert_eq!(
        text,
        "did not complete in 50 ms: it was still waiting for something that never happened \
         (a future that returns `Pending` must arrange to be woken)"
    );
    assert!(
        at.starts_with("crates/testkit/tests/run.rs:") && at.ends_with(']'),
        "the place is this test's call of `timeout`, not a line inside testkit: {at}"
    );
}

#[test]
fn timeout_follows_paused_time() {
    // An hour of virtual time passes in an instant: the paused clock jumps to the time-out.
    let start = Instant::now();
    let message = panic_message(|| {
        run(Flavor::CurrentThread, GENEROUS, || async {
            tokio::time::pause();
            timeout(Duration::from_secs(3600), Forgetful).await;
        })
    });
    assert!(
        message.starts_with("did not complete in 3600 s:"),
        "{message}"
    );
    assert!(start.elapsed() < Duration::from_secs(2));
}

// `testkit::timeout` is the in-test time-out here; with paused time it costs no real time.
#[tokio::test(start_paused = true)]
async fn timeout_works_under_tokio_test_with_start_paused() {
    let start = Instant::now();
    let woke = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&woke);
    timeout(Duration::from_secs(60), async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        flag.store(true, Ordering::Release);
    })
    .await;
    assert!(woke.load(Ordering::Acquire));
    assert!(start.elapsed() < Duration::from_secs(2));
}
