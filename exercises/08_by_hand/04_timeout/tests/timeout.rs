//! Tests for `timeout`, all on a paused clock: a fast future gives `Ok`; a slow one gives
//! `Err(Elapsed)` exactly at the deadline, not when the slow future would have finished; a future
//! ready at its first poll wins even when the deadline has passed; and, polled by hand, `Timeout` neither wakes
//! itself (busy polling) nor forgets to ask the timer for a wake-up (a lost wake-up).

use std::future::{Future, pending};
use std::task::Poll;
use std::time::Duration;

use testkit::{Flavor, Manual};
use timeout::{Elapsed, timeout};
use tokio::time::{Instant, sleep};

/// Real-time limit for each test. The clock is paused, so a correct `timeout` needs a few
/// milliseconds; the margin is for a machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(2);

/// More polls than any correct version needs for the runtime tests here (a handful), and far
/// fewer than a future that wakes itself in a loop makes in a second.
const MAX_POLLS: usize = 1_000;

/// `fut` under `testkit::spin_guard`: more than [`MAX_POLLS`] polls fail the test with a message
/// that names busy polling, instead of a time-out on a paused clock that cannot advance.
fn spin_guard<F: Future>(fut: F) -> testkit::SpinGuard<F> {
    testkit::spin_guard(fut, MAX_POLLS)
}

#[test]
fn a_fast_future_gives_ok() {
    let out = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        // `async` blocks are not `Unpin`: `timeout` must accept them.
        spin_guard(timeout(Duration::from_secs(2), async {
            sleep(Duration::from_secs(1)).await;
            "done"
        }))
        .await
    });
    assert_eq!(
        out,
        Ok("done"),
        "a 1 s job under a 2 s timeout finishes in time: timeout must return Ok with its output"
    );
}

#[test]
fn a_slow_future_gives_elapsed_at_the_deadline() {
    let (out, waited) = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let start = Instant::now();
        let out = spin_guard(timeout(Duration::from_secs(1), async {
            sleep(Duration::from_secs(60)).await;
            "too late"
        }))
        .await;
        (out, start.elapsed())
    });
    assert_eq!(
        out,
        Err(Elapsed),
        "a 60 s job under a 1 s timeout must give Err(Elapsed). An Ok means that nothing woke \
         the task at the deadline, so the time-out went unnoticed until the job itself finished: \
         poll the Sleep whenever the future is Pending, so the timer wakes the task at the \
         deadline"
    );
    // Tokio's timer rounds deadlines up to whole milliseconds.
    assert!(
        waited >= Duration::from_secs(1) && waited < Duration::from_secs(2),
        "timeout gave up after {waited:?} of (paused) time instead of at its 1 s deadline. Less \
         than 1 s means the wait did not go through Tokio's timer: a std::thread::sleep blocks \
         the thread, and every task on it, while Tokio's clock stands still. Wait by polling the \
         Sleep and returning Pending"
    );
}

#[test]
fn a_ready_future_wins_even_after_the_deadline() {
    let out = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        // The deadline is fixed when `timeout` is called and has passed before the first poll;
        // the future, though, is ready as soon as it is polled.
        let fut = timeout(Duration::from_secs(1), async { 42 });
        sleep(Duration::from_secs(2)).await;
        fut.await
    });
    assert_eq!(
        out,
        Ok(42),
        "the future was ready at its first poll but timeout returned Err(Elapsed): poll the \
         future before the Sleep, as tokio::time::timeout does, so work that is already done \
         is never thrown away"
    );
}

#[test]
fn a_future_ready_at_the_deadline_wins() {
    let out = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        // The job and the deadline fall due at the same instant of the paused clock, so the
        // timer wakes the task once for both. The job's output is there: it must not be thrown
        // away because the deadline has been reached too.
        timeout(
            Duration::from_secs(1),
            spin_guard(async {
                sleep(Duration::from_secs(1)).await;
                "on time"
            }),
        )
        .await
    });
    assert_eq!(
        out,
        Ok("on time"),
        "the future was ready at the deadline but timeout returned Err(Elapsed): on every poll, \
         poll the future first and look at the deadline (poll the Sleep) only when the future is \
         Pending, as tokio::time::timeout does"
    );
}

#[test]
fn timeout_asks_the_timer_for_its_wake_up_and_does_not_spin() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let mut fut = Manual::new(timeout(Duration::from_secs(1), pending::<()>()));
        assert!(
            fut.poll().is_pending(),
            "timeout returned Ready at once although its future never finishes and the deadline \
             is 1 s away"
        );
        assert_eq!(
            fut.wakes(),
            0,
            "timeout woke its own task before the deadline: that is busy polling, a loop that \
             keeps a CPU core at 100% for the whole second; let the Sleep wake the task instead"
        );
        // Move the paused clock past the deadline; the timer fires the waker it was given.
        sleep(Duration::from_millis(1500)).await;
        assert_eq!(
            fut.wakes(),
            1,
            "the deadline passed but the task was never woken: poll the Sleep whenever the future \
             is still Pending, so the timer knows whom to wake (without that, the task sleeps \
             forever: a lost wake-up)"
        );
        assert_eq!(
            fut.poll(),
            Poll::Ready(Err(Elapsed)),
            "after the deadline timeout must return Err(Elapsed)"
        );
    });
}

#[test]
fn the_deadline_is_fixed_when_timeout_is_called() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let mut fut = Manual::new(timeout(Duration::from_secs(1), pending::<()>()));
        // First polled at 0.5 s, polled again at 0.9 s: the deadline stays 1 s after the call.
        sleep(Duration::from_millis(500)).await;
        assert!(
            fut.poll().is_pending(),
            "timeout returned Ready at 0.5 s of a 1 s deadline"
        );
        sleep(Duration::from_millis(400)).await;
        assert!(
            fut.poll().is_pending(),
            "timeout returned Ready at 0.9 s of a 1 s deadline"
        );
        let after_last_poll = fut.wakes();
        sleep(Duration::from_millis(150)).await;
        if fut.wakes() > after_last_poll {
            assert_eq!(
                fut.poll(),
                Poll::Ready(Err(Elapsed)),
                "woken after the 1 s deadline, timeout must return Err(Elapsed)"
            );
            return;
        }
        // Not woken at the deadline: find out when (if ever) it would have been.
        sleep(Duration::from_millis(500)).await;
        assert!(
            fut.wakes() == after_last_poll,
            "timeout was not woken at its 1 s deadline but at about 1.5 s, 1 s after its first \
             poll (timeout was called at 0 s, first polled at 0.5 s): the deadline must be \
             counted from the call to timeout, as tokio::time::timeout does. Create the Sleep \
             in timeout(), not in the first poll"
        );
        sleep(Duration::from_millis(400)).await;
        assert!(
            fut.wakes() == after_last_poll,
            "timeout was not woken at its 1 s deadline but at about 1.9 s, 1 s after its last \
             poll: the deadline restarts on every poll, so a future that is \
             woken now and then never times out. The deadline is counted from the call to \
             timeout: create the Sleep once in timeout() and never reset it"
        );
        panic!(
            "the 1 s deadline passed and the task was never woken, not even 1 s after its last \
             poll: nothing was left to wake it (a lost wake-up). Poll the Sleep whenever the \
             future is Pending, and keep the Sleep in the Timeout struct: a Sleep made inside \
             poll is dropped when poll returns, and its registration with the timer with it"
        );
    });
}
