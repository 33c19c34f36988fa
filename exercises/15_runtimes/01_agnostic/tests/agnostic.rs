//! Tests for the `agnostic` exercise. Do not edit: `cargo lab check agnostic` runs this file as it
//! is, against your `src/lib.rs`.
//!
//! Every case runs twice, as `<case>::tokio` and `<case>::smol`: the same body, once on a Tokio
//! runtime with a sleeper built on `tokio::time::sleep`, once under `smol::block_on` with one built
//! on `smol::Timer`. A library that calls Tokio itself cannot pass the smol half, and one that
//! blocks the thread cannot pass either. The clocks are real (smol has no paused clock), so the
//! waits are short and the bounds have wide margins for a busy machine.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::{Duration, Instant};

use agnostic::{Elapsed, Sleeper, retry, timeout};
use testkit::Flavor;

/// The real-time limit for one test body; the longest needs under a second, and no wrong answer
/// makes one last more than a few seconds.
const LIMIT: Duration = Duration::from_secs(10);

/// Tokio's timer, as the library asks for it.
#[derive(Clone)]
struct TokioSleeper;

impl Sleeper for TokioSleeper {
    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}

/// smol's timer, as the library asks for it.
#[derive(Clone)]
struct SmolSleeper;

impl Sleeper for SmolSleeper {
    async fn sleep(&self, duration: Duration) {
        smol::Timer::after(duration).await;
    }
}

/// Defines `$case::tokio` and `$case::smol`, each running `$body` with `$sleeper` bound to that
/// runtime's sleeper.
macro_rules! on_both_runtimes {
    ($case:ident, |$sleeper:ident| $body:block) => {
        mod $case {
            use super::*;

            #[test]
            fn tokio() {
                testkit::run(Flavor::CurrentThread, LIMIT, || async {
                    let $sleeper = TokioSleeper;
                    $body
                });
            }

            #[test]
            fn smol() {
                testkit::within(LIMIT, || {
                    smol::block_on(async {
                        let $sleeper = SmolSleeper;
                        $body
                    })
                });
            }
        }
    };
}

on_both_runtimes!(a_ready_future_gives_its_value, |sleeper| {
    assert_eq!(
        timeout(&sleeper, Duration::from_secs(1), async { 7 }).await,
        Ok(7)
    );
});

on_both_runtimes!(a_slow_future_times_out_at_the_limit, |sleeper| {
    let limit = Duration::from_millis(100);
    let start = Instant::now();
    let slow = sleeper.sleep(Duration::from_secs(1));
    let result = timeout(&sleeper, limit, slow).await;
    let took = start.elapsed();
    assert_eq!(
        result,
        Err(Elapsed),
        "the future needed 1 s and the limit was {limit:?}, yet timeout returned after \
         {took:?} without Elapsed"
    );
    assert!(
        took >= limit - Duration::from_millis(5),
        "timeout gave up after {took:?}, before its limit of {limit:?}"
    );
    assert!(
        took < Duration::from_millis(700),
        "timeout returned Elapsed after {took:?}: it waited for the future, not for the limit"
    );
});

on_both_runtimes!(a_finished_future_does_not_wait_for_the_limit, |sleeper| {
    let start = Instant::now();
    let quick = async {
        sleeper.sleep(Duration::from_millis(20)).await;
        1
    };
    let result = timeout(&sleeper, Duration::from_millis(1500), quick).await;
    let took = start.elapsed();
    assert_eq!(result, Ok(1));
    assert!(
        took < Duration::from_secs(1),
        "the future finished after 20 ms but timeout returned after {took:?}: it waited for \
         the limit too. Race the future against the sleep (futures::future::select), so that \
         the first to finish ends the wait"
    );
});

on_both_runtimes!(the_future_is_dropped_at_the_limit, |sleeper| {
    struct SetOnDrop(Arc<AtomicBool>);
    impl Drop for SetOnDrop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let dropped = Arc::new(AtomicBool::new(false));
    let guard = SetOnDrop(Arc::clone(&dropped));
    let inner = sleeper.clone();
    let slow = async move {
        let _guard = guard;
        inner.sleep(Duration::from_secs(1)).await;
    };
    let result = timeout(&sleeper, Duration::from_millis(20), slow).await;
    assert_eq!(result, Err(Elapsed));
    assert!(
        dropped.load(Ordering::SeqCst),
        "timeout returned Elapsed but the future it gave up on was not dropped"
    );
});

on_both_runtimes!(retry_returns_the_first_ok, |sleeper| {
    let calls = AtomicU32::new(0);
    let result = retry(&sleeper, 5, Duration::from_millis(5), async || {
        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
        if n < 3 { Err(n) } else { Ok(42) }
    })
    .await;
    assert_eq!(result, Ok(42));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "retry must stop at the first Ok"
    );
});

on_both_runtimes!(retry_gives_up_with_the_last_error, |sleeper| {
    let calls = AtomicU32::new(0);
    let result: Result<(), u32> = retry(&sleeper, 3, Duration::from_millis(5), async || {
        Err(calls.fetch_add(1, Ordering::SeqCst) + 1)
    })
    .await;
    assert_eq!(result, Err(3), "retry must return the last attempt's error");
    assert_eq!(
        calls.load(Ordering::SeqCst),
        3,
        "retry must try exactly `attempts` times"
    );
});

on_both_runtimes!(retry_tries_at_least_once, |sleeper| {
    let calls = AtomicU32::new(0);
    let result = retry(&sleeper, 0, Duration::from_millis(5), async || {
        calls.fetch_add(1, Ordering::SeqCst);
        Ok::<_, ()>("done")
    })
    .await;
    assert_eq!(result, Ok("done"));
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "attempts = 0 still calls once"
    );
});

on_both_runtimes!(
    retry_doubles_the_wait_and_stops_after_the_last_attempt,
    |sleeper| {
        let base = Duration::from_millis(25);
        let calls = std::sync::Mutex::new(Vec::new());
        let result: Result<(), ()> = retry(&sleeper, 3, base, async || {
            calls.lock().unwrap().push(Instant::now());
            Err(())
        })
        .await;
        let returned = Instant::now();
        assert_eq!(result, Err(()));
        let calls = calls.into_inner().unwrap();
        assert_eq!(calls.len(), 3, "retry must try exactly `attempts` times");
        let slack = Duration::from_millis(5);
        let (first, second) = (calls[1] - calls[0], calls[2] - calls[1]);
        assert!(
            first >= base - slack && second >= 2 * base - slack,
            "the waits between attempts were {first:?} and {second:?}; with a back-off of \
         {base:?} they must be at least {base:?}, then twice that"
        );
        // A sleep after the last attempt would be the next back-off, four times `base`.
        let after_last = returned - calls[2];
        assert!(
            after_last < Duration::from_millis(60),
            "retry returned {after_last:?} after the last attempt failed: it slept after the \
         last attempt, which only delays the error"
        );
    }
);

on_both_runtimes!(other_work_runs_while_retry_waits, |sleeper| {
    let done = AtomicBool::new(false);
    let ticks = AtomicU32::new(0);
    let retrying = async {
        let result: Result<(), ()> =
            retry(&sleeper, 3, Duration::from_millis(25), async || Err(())).await;
        done.store(true, Ordering::SeqCst);
        result
    };
    let ticker = async {
        while !done.load(Ordering::SeqCst) {
            sleeper.sleep(Duration::from_millis(5)).await;
            ticks.fetch_add(1, Ordering::SeqCst);
        }
    };
    let (result, ()) = futures::join!(retrying, ticker);
    assert_eq!(result, Err(()));
    let ticks = ticks.load(Ordering::SeqCst);
    assert!(
        ticks >= 5,
        "during retry's 75 ms of back-off, a ticker on the same thread ticked {ticks} \
         times, not about 15: retry blocked the thread (std::thread::sleep?). Wait with \
         sleeper.sleep(..).await, which lets the executor run other work"
    );
});
