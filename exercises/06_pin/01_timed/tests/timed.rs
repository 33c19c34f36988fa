//! Tests for `timed`: it passes the output through, measures from the first poll to `Ready` on
//! Tokio's (paused) clock, and works for `!Unpin` futures (an `async` block, Tokio's `Sleep`).
//!
//! Time is paused (`start_paused`), so a sleep of an hour takes no real time and the measured
//! durations are exact. Each test has an in-test time-out (`testkit::timeout`), and the tests that
//! wait also count polls, since a `Timed` that wakes itself would stop the paused clock.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use testkit::timeout;
use timed::{Timed, timed};

/// Virtual time: with the clock paused it passes at once.
const LIMIT: Duration = Duration::from_secs(3600);

/// More polls than a correct `Timed` needs in these tests (a handful), and far fewer than a future
/// that wakes itself in a loop makes in a moment.
const MAX_POLLS: usize = 1_000;

/// Wraps a future and fails the test, naming busy polling, when it is polled more than
/// [`MAX_POLLS`] times. On a paused clock a future that keeps waking itself stops time from
/// advancing, so the virtual time-out would never fire.
struct SpinGuard<F> {
    inner: Pin<Box<F>>,
    polls: usize,
}

fn spin_guard<F: Future>(fut: F) -> SpinGuard<F> {
    SpinGuard {
        inner: Box::pin(fut),
        polls: 0,
    }
}

impl<F: Future> Future for SpinGuard<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.polls += 1;
        assert!(
            self.polls <= MAX_POLLS,
            "Timed was polled more than {MAX_POLLS} times: it wakes its task itself. When the \
             inner future returns Pending, return Pending and nothing else: the inner future has \
             already arranged its wake-up"
        );
        self.inner.as_mut().poll(cx)
    }
}

#[tokio::test(start_paused = true)]
async fn a_ready_future_passes_its_output_through_in_no_time() {
    let (output, took) = timeout(LIMIT, timed(async { 5 })).await;
    assert_eq!(output, 5, "timed(fut) completes with fut's output");
    assert_eq!(
        took,
        Duration::ZERO,
        "a future ready on its first poll takes no time on Tokio's paused clock, but {took:?} \
         was measured: a std::time::Instant reads the real clock, which moves even while \
         Tokio's is paused. Read Tokio's clock with tokio::time::Instant"
    );
}

#[tokio::test(start_paused = true)]
async fn measures_a_sleep_exactly() {
    // `Sleep` is `!Unpin`: this compiles only if `Timed` does not require `F: Unpin`.
    let (_, took) = timeout(
        LIMIT,
        spin_guard(timed(tokio::time::sleep(Duration::from_millis(100)))),
    )
    .await;
    assert_ne!(
        took,
        Duration::ZERO,
        "timed(sleep(100 ms)) measured no time at all: Tokio's paused clock moved 100 ms while \
         the sleep was pending, between two polls. The start must be noted once, at the first \
         poll, and kept: a start taken again on every poll measures only the last poll"
    );
    assert_eq!(
        took,
        Duration::from_millis(100),
        "timed(sleep(100 ms)) measured {took:?}, not the 100 ms that Tokio's paused clock moved: \
         a std::time::Instant reads the real clock, which barely moves meanwhile. Read Tokio's \
         clock with tokio::time::Instant"
    );
}

#[tokio::test(start_paused = true)]
async fn measures_from_the_first_poll_not_from_creation() {
    let fut: Timed<_> = timed(async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        "slept"
    });
    // One second passes between creating the wrapper and polling it for the first time.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let (output, took) = timeout(LIMIT, spin_guard(fut)).await;
    assert_eq!(output, "slept", "the async block's output passes through");
    assert_eq!(
        took,
        Duration::from_millis(50),
        "timed measured {took:?}: it must start at the first poll (a future does nothing before \
         it is polled), not in `timed()` or `Timed::new()`"
    );
}

#[tokio::test(start_paused = true)]
async fn works_for_a_not_unpin_async_block_with_several_awaits() {
    let (sum, took) = timeout(
        LIMIT,
        spin_guard(timed(async {
            let mut sum = 0;
            for i in 1..=3u64 {
                tokio::time::sleep(Duration::from_millis(10 * i)).await;
                sum += i;
            }
            sum
        })),
    )
    .await;
    assert_eq!(sum, 6, "the async block's output passes through");
    assert_eq!(
        took,
        Duration::from_millis(60),
        "three sleeps of 10, 20 and 30 ms take 60 ms from the first poll to `Ready`, measured \
         {took:?}{}",
        if took == Duration::from_millis(30) {
            ": that is the last sleep alone, so the start was taken again on a later poll; note \
             it once, at the first poll, and keep it"
        } else {
            ""
        }
    );
}

/// Polled twice: the first poll takes `first` and returns Pending (waking its task at once), the
/// second takes `last` and returns Ready. The time is spent inside `poll` (a CPU-heavy step,
/// played here by `std::thread::sleep`), so it passes on the real clock, and only a `Timed` that
/// reads the clock before the first inner poll and after the last one counts it.
struct SlowPolls {
    first: Duration,
    last: Duration,
    polled: bool,
}

impl Future for SlowPolls {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if !self.polled {
            self.polled = true;
            std::thread::sleep(self.first);
            cx.waker().wake_by_ref();
            Poll::Pending
        } else {
            std::thread::sleep(self.last);
            Poll::Ready(())
        }
    }
}

/// Real time, not paused: these two tests measure work done inside polls.
const REAL_LIMIT: Duration = Duration::from_secs(5);

const WORK: Duration = Duration::from_millis(30);

#[tokio::test]
async fn the_first_inner_poll_is_measured() {
    let fut = SlowPolls {
        first: WORK,
        last: Duration::ZERO,
        polled: false,
    };
    let ((), took) = timeout(REAL_LIMIT, spin_guard(timed(fut))).await;
    assert!(
        took >= WORK,
        "the inner future's first poll took {WORK:?}, but timed measured {took:?} in all: the \
         start must be noted before the first poll of the inner future, not after it, or the \
         work done in that poll is not counted"
    );
}

#[tokio::test]
async fn the_last_inner_poll_is_measured() {
    let fut = SlowPolls {
        first: Duration::ZERO,
        last: WORK,
        polled: false,
    };
    let ((), took) = timeout(REAL_LIMIT, spin_guard(timed(fut))).await;
    assert!(
        took >= WORK,
        "the inner future's last poll took {WORK:?}, but timed measured {took:?} in all: read \
         the elapsed time after the inner future returns Ready, not before polling it, or the \
         work done in that last poll is not counted"
    );
}
