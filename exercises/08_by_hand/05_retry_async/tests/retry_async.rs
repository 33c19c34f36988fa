//! Tests for the `retry_async` exercise. Do not edit: `cargo lab check retry_async` runs this file
//! as it is, against your `src/lib.rs`.
//!
//! The operations here are async closures that borrow the test's own state mutably (a connection,
//! a list of attempts): that is what `AsyncFnMut` allows and `FnMut() -> Fut` does not. Every test
//! runs on Tokio's paused clock (`tokio::time::pause`), so each back-off is exact and takes no real
//! time.

use std::time::Duration;

use retry_async::retry;
use testkit::Flavor;
use tokio::time::{Instant, sleep};

/// The real-time limit for every test body; the clock is paused, so a correct `retry` needs a few
/// milliseconds. The margin is for a machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(10);

const MS_100: Duration = Duration::from_millis(100);

/// Runs `body` on a fresh current_thread runtime with Tokio's clock paused.
fn paused<F: Future<Output = ()> + 'static>(body: impl FnOnce() -> F + Send + 'static) {
    testkit::run(Flavor::CurrentThread, LIMIT, || async move {
        tokio::time::pause();
        body().await;
    });
}

/// A connection that refuses the first `failures` messages, and keeps the ones it accepts.
struct Connection {
    failures: u32,
    sent: Vec<String>,
}

impl Connection {
    /// Takes 10 ms, then accepts `message` or refuses it. Needs `&mut self`: the operation that
    /// calls it borrows the connection mutably for as long as the call runs.
    async fn send(&mut self, message: String) -> Result<usize, String> {
        sleep(Duration::from_millis(10)).await;
        if self.failures > 0 {
            self.failures -= 1;
            return Err(format!("refused {message}"));
        }
        self.sent.push(message);
        Ok(self.sent.len())
    }
}

#[test]
fn an_operation_that_borrows_the_callers_connection() {
    paused(|| async {
        let mut conn = Connection {
            failures: 2,
            sent: Vec::new(),
        };
        let got = retry(5, MS_100, async |attempt| {
            conn.send(format!("hello #{attempt}")).await
        })
        .await;
        assert_eq!(
            got,
            Ok(1),
            "attempts 1 and 2 are refused, attempt 3 is accepted"
        );
        // The closure's borrow ended with `retry`: the connection is ours again.
        assert_eq!(
            conn.sent,
            ["hello #3"],
            "the accepted message is the third attempt's: attempts are numbered from 1"
        );
    });
}

/// Runs `retry` over an operation that fails until attempt `succeed_at`, and returns its result,
/// the (paused) time of each attempt since the start, and the time `retry` returned.
async fn timed(
    max_attempts: u32,
    succeed_at: u32,
) -> (Result<u32, u32>, Vec<(u32, Duration)>, Duration) {
    let start = Instant::now();
    let mut attempts = Vec::new();
    let got = retry(max_attempts, MS_100, async |attempt| {
        attempts.push((attempt, start.elapsed()));
        tokio::task::yield_now().await;
        if attempt < succeed_at {
            Err(attempt)
        } else {
            Ok(attempt)
        }
    })
    .await;
    (got, attempts, start.elapsed())
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Whether `got` is `expected`, give or take the timer's rounding: Tokio's timer counts whole
/// milliseconds and rounds a deadline up to the next one, so each sleep on the paused clock may end
/// up to 1 ms late.
fn about(got: Duration, expected: Duration) -> bool {
    got >= expected && got <= expected + ms(5)
}

#[test]
fn returns_the_first_ok() {
    paused(|| async {
        let (got, attempts, _) = timed(5, 3).await;
        assert_eq!(got, Ok(3), "attempt 3 succeeds: retry must return its Ok");
        let numbers: Vec<u32> = attempts.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            numbers,
            [1, 2, 3],
            "attempts are numbered from 1, one call of op each, and none after the first Ok"
        );
    });
}

#[test]
fn the_back_off_doubles_between_attempts() {
    paused(|| async {
        let (_, attempts, _) = timed(4, u32::MAX).await;
        let times: Vec<Duration> = attempts.iter().map(|(_, at)| *at).collect();
        let expected = [ms(0), ms(100), ms(300), ms(700)];
        assert!(
            times.len() == expected.len() && times.iter().zip(expected).all(|(t, e)| about(*t, e)),
            "attempts started at {times:?} since the start, on the paused clock; expected about \
             {expected:?}: the first at once, then after back-offs of 100, 200 and 400 ms. Each \
             back-off must double the one before"
        );
    });
}

/// A back-off must be a wait on Tokio's clock that the task awaits. Two wrong ones look alike on
/// the paused clock (no back-off at all) and are told apart by real time: `std::thread::sleep`
/// takes real time and blocks the runtime's thread, a `Sleep` created and never awaited takes none.
#[test]
fn the_back_off_is_awaited_on_tokios_clock() {
    paused(|| async {
        let real = std::time::Instant::now();
        let start = Instant::now();
        let got = retry(2, ms(50), async |attempt| Err::<(), u32>(attempt)).await;
        let (on_tokio, on_the_wall) = (start.elapsed(), real.elapsed());
        assert_eq!(
            got,
            Err(2),
            "both attempts fail: retry returns the second's Err"
        );
        if on_tokio < ms(50) && on_the_wall >= ms(45) {
            panic!(
                "the 50 ms back-off took {on_the_wall:?} of real time but {on_tokio:?} on Tokio's \
                 (paused) clock: the back-off blocks the thread (std::thread::sleep?). A blocking \
                 sleep stops every task of the runtime's thread and does not move Tokio's clock; \
                 wait with tokio::time::sleep(backoff).await"
            );
        }
        assert!(
            on_tokio >= ms(50),
            "retry returned {on_tokio:?} after the start on Tokio's clock, and {on_the_wall:?} of \
             real time: there was no back-off at all between the two attempts. A sleep future \
             never awaited does nothing (`let _ = tokio::time::sleep(backoff);` creates it and \
             drops it): write tokio::time::sleep(backoff).await"
        );
    });
}

#[test]
fn returns_the_last_err_at_once() {
    paused(|| async {
        let (got, attempts, returned) = timed(4, u32::MAX).await;
        assert_eq!(
            got,
            Err(4),
            "every attempt fails: retry returns the Err of the 4th and last attempt"
        );
        assert_eq!(
            attempts.len(),
            4,
            "max_attempts is 4, but op was called {} times",
            attempts.len()
        );
        let last_started = attempts.last().map(|(_, at)| *at).unwrap_or_default();
        let after_last = returned.saturating_sub(last_started);
        assert!(
            about(after_last, ms(0)),
            "the last attempt failed at once, but retry returned {after_last:?} after it started: \
             there is no back-off after the last attempt, nobody would retry"
        );
    });
}

#[test]
fn one_attempt_is_allowed() {
    paused(|| async {
        let (got, attempts, returned) = timed(1, u32::MAX).await;
        assert_eq!(
            got,
            Err(1),
            "with max_attempts = 1 the only attempt's Err is the result"
        );
        let numbers: Vec<u32> = attempts.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            numbers,
            [1],
            "max_attempts = 1 means one call of op, op(1): attempts are numbered from 1, and the \
             first is also the last"
        );
        assert!(
            about(returned, ms(0)),
            "retry returned after {returned:?}: there is no back-off after the last attempt (here \
             the only one)"
        );
    });
}

#[test]
#[should_panic(expected = "max_attempts")]
fn zero_attempts_is_refused() {
    paused(|| async {
        let _ = retry(0, MS_100, async |_| Err::<(), ()>(())).await;
    });
}
