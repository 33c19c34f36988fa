//! Tests for `select`: the first child to finish wins (paused clock); the loser is dropped when the
//! select completes; when both are always ready each side wins about half of many rounds; and
//! `Select` neither wakes itself nor misses a wake-up.

use std::future::{Future, pending, ready};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use select::{Either, select};
use testkit::{Flavor, Manual};
use tokio::sync::oneshot;
use tokio::time::{Instant, sleep};

/// Real-time limit for a runtime test; the clock is paused, so a correct `select` needs a few
/// milliseconds. The margin is for a machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(2);

/// More polls than any correct version needs for the runtime tests here (a handful), and far
/// fewer than a future that wakes itself in a loop makes in a second.
const MAX_POLLS: usize = 1_000;

/// `fut` under `testkit::spin_guard`: more than [`MAX_POLLS`] polls fail the test with a message
/// that names busy polling, instead of a time-out on a paused clock that cannot advance.
fn spin_guard<F: Future>(fut: F) -> testkit::SpinGuard<F> {
    testkit::spin_guard(fut, MAX_POLLS)
}

/// How many selects of two always-ready futures the fairness test runs.
const ROUNDS: usize = 10_000;

/// Wraps a future and raises a flag when it is dropped.
struct DropFlag<F> {
    inner: Pin<Box<F>>,
    dropped: Arc<AtomicBool>,
}

impl<F: Future> Future for DropFlag<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.inner.as_mut().poll(cx)
    }
}

impl<F> Drop for DropFlag<F> {
    fn drop(&mut self) {
        self.dropped.store(true, Ordering::Release);
    }
}

#[test]
fn the_first_to_finish_wins() {
    let (out, waited) = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let start = Instant::now();
        // `async` blocks are not `Unpin`: `select` must accept them.
        let out = spin_guard(select(
            async {
                sleep(Duration::from_secs(10)).await;
                "slow"
            },
            async {
                sleep(Duration::from_millis(100)).await;
                "fast"
            },
        ))
        .await;
        (out, start.elapsed())
    });
    assert!(
        matches!(out, Either::Right("fast")),
        "the second future finished first (100 ms against 10 s), so select must return \
         Either::Right with its output: poll both children on every poll, so that the first \
         one ready is seen"
    );
    assert!(
        waited < Duration::from_secs(1),
        "select took {waited:?} of (paused) time: it must complete as soon as one child does, \
         not wait for the other. Poll both children on every poll: a child that is not polled \
         cannot be seen finishing, and has no waker to wake"
    );
}

#[test]
fn the_loser_is_dropped_when_the_select_completes() {
    let dropped = Arc::new(AtomicBool::new(false));
    let loser = DropFlag {
        inner: Box::pin(pending::<u8>()),
        dropped: Arc::clone(&dropped),
    };
    let (tx, rx) = oneshot::channel::<u8>();
    let mut fut = Manual::new(select(loser, rx));
    assert!(
        fut.poll().is_pending(),
        "select was Ready before any child was"
    );
    tx.send(9).unwrap();
    assert!(
        matches!(fut.poll(), Poll::Ready(Either::Right(Ok(9)))),
        "the second child was ready, so select must return Either::Right with its output: \
         poll both children on every poll (the shared waker does not say which one is ready)"
    );
    // `fut` (the `Select`) is still alive here.
    assert!(
        dropped.load(Ordering::Acquire),
        "select returned Ready but the losing future is still alive inside it: drop the loser \
         when the select completes (`Pin::set(None)`), so that whatever it holds (a lock, a \
         socket, a timer) is released at once, not whenever the Select itself is dropped"
    );
}

#[test]
fn the_loser_is_dropped_on_either_side() {
    // The mirror of the test above: here the left child wins and the right one loses.
    let dropped = Arc::new(AtomicBool::new(false));
    let loser = DropFlag {
        inner: Box::pin(pending::<u8>()),
        dropped: Arc::clone(&dropped),
    };
    let (tx, rx) = oneshot::channel::<u8>();
    let mut fut = Manual::new(select(rx, loser));
    assert!(
        fut.poll().is_pending(),
        "select was Ready before any child was"
    );
    tx.send(9).unwrap();
    assert!(
        matches!(fut.poll(), Poll::Ready(Either::Left(Ok(9)))),
        "the first child was ready, so select must return Either::Left with its output"
    );
    assert!(
        dropped.load(Ordering::Acquire),
        "select returned Ready with the left child's output but the losing future (the right \
         one) is still alive inside it: drop both children when the select completes, \
         whichever side won (`Pin::set(None)`)"
    );
}

/// Ready with its value at the first poll, like a channel's receive that takes a message; raises
/// `taken` when it does, so a test can see which outputs were consumed.
struct Take {
    value: Option<u8>,
    taken: Arc<AtomicBool>,
}

impl Future for Take {
    type Output = u8;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u8> {
        let value = self
            .value
            .take()
            .expect("Take polled after it returned Ready");
        self.taken.store(true, Ordering::Release);
        Poll::Ready(value)
    }
}

#[test]
fn once_one_child_is_ready_the_other_is_not_polled() {
    // Both children would be ready at their first poll. The first one polled wins; polling the
    // other as well would take its output (a received message, say) only to throw it away.
    for _ in 0..20 {
        let (taken_a, taken_b) = (
            Arc::new(AtomicBool::new(false)),
            Arc::new(AtomicBool::new(false)),
        );
        let a = Take {
            value: Some(1),
            taken: Arc::clone(&taken_a),
        };
        let b = Take {
            value: Some(2),
            taken: Arc::clone(&taken_b),
        };
        let mut fut = Manual::new(select(a, b));
        let won = match fut.poll() {
            Poll::Ready(Either::Left(_)) => "left",
            Poll::Ready(Either::Right(_)) => "right",
            Poll::Pending => panic!("select of two ready futures returned Pending"),
        };
        let lost = if won == "left" { &taken_b } else { &taken_a };
        assert!(
            !lost.load(Ordering::Acquire),
            "both children were ready; select returned the {won} one's output, but had polled \
             the other to Ready too, so that output was lost (a message received and thrown \
             away). Poll one child, and poll the other only if the first is Pending: stop \
             polling once one child is ready"
        );
    }
}

#[test]
fn each_side_wins_about_half_the_time_when_both_are_ready() {
    let mut left = 0;
    for _ in 0..ROUNDS {
        let mut fut = Manual::new(select(ready('L'), ready('R')));
        match fut.poll() {
            Poll::Ready(Either::Left(_)) => left += 1,
            Poll::Ready(Either::Right(_)) => {}
            Poll::Pending => panic!("select of two ready futures returned Pending"),
        }
    }
    // A fair coin lands between 40% and 60% over 10,000 throws except with a probability far below
    // one in a billion (20 standard deviations), so this bound does not fail by chance.
    let share = left as f64 / ROUNDS as f64;
    assert!(
        (0.4..=0.6).contains(&share),
        "with both futures always ready, the left one won {left} of {ROUNDS} selects ({:.1}%): \
         select is biased. Whichever child is polled first wins, so always starting on the same \
         side starves the other; pick the starting side at random on each poll",
        share * 100.0
    );
}

#[test]
fn each_side_wins_about_half_the_time_when_selects_come_in_pairs() {
    // A loop whose body makes two selects, one after the other. A starting side that merely
    // alternates (a counter or a flag shared by all selects) starts the first select of every
    // pair on the same side, so that select is as biased as one that always starts left.
    let (mut left, mut second_left) = (0, 0);
    for _ in 0..ROUNDS {
        let mut first = Manual::new(select(ready('L'), ready('R')));
        match first.poll() {
            Poll::Ready(Either::Left(_)) => left += 1,
            Poll::Ready(Either::Right(_)) => {}
            Poll::Pending => panic!("select of two ready futures returned Pending"),
        }
        let mut second = Manual::new(select(ready('L'), ready('R')));
        match second.poll() {
            Poll::Ready(Either::Left(_)) => second_left += 1,
            Poll::Ready(Either::Right(_)) => {}
            Poll::Pending => panic!("select of two ready futures returned Pending"),
        }
    }
    assert!(
        left < ROUNDS || second_left < ROUNDS,
        "the left future won all {ROUNDS} selects of both kinds: a select that always polls the \
         same side first lets that side starve the other whenever both are ready. Pick the \
         starting side at random on each poll (`RandomState::new().hash_one(..)`)"
    );
    // The same bound as for a single select: 20 standard deviations from a fair coin.
    let share = left as f64 / ROUNDS as f64;
    assert!(
        (0.4..=0.6).contains(&share),
        "in a loop that makes two selects per turn, the first one's left future won {left} of \
         {ROUNDS} times ({:.1}%): the starting side follows a fixed pattern (it alternates), \
         which a loop can fall in step with. Pick it at random on each poll \
         (`RandomState::new().hash_one(..)`)",
        share * 100.0
    );
}

#[test]
fn select_neither_wakes_itself_nor_misses_a_wake_up() {
    let (tx_a, rx_a) = oneshot::channel::<u8>();
    let (_tx_b, rx_b) = oneshot::channel::<u8>();
    let mut fut = Manual::new(select(rx_a, rx_b));
    assert!(
        fut.poll().is_pending(),
        "select was Ready before any message"
    );
    assert_eq!(
        fut.wakes(),
        0,
        "select woke its own task while neither child was ready: that is busy polling; return \
         Pending and let the waiting children wake the task"
    );
    tx_a.send(1).unwrap();
    assert_eq!(
        fut.wakes(),
        1,
        "the message to the first child did not wake the task: pass the `Context` to each \
         child's poll, and poll both children on every poll (a child that was never polled \
         has no waker to wake)"
    );
    assert!(
        matches!(fut.poll(), Poll::Ready(Either::Left(Ok(1)))),
        "the first child was ready but select did not return it: poll both children on every \
         poll (the shared waker does not say which one is ready), or the wake-up is lost"
    );
}
