//! Tests for `join`: both outputs, in order; the children run at the same time (paused clock);
//! a finished child is never polled again; every unfinished child is polled on each poll, so no
//! wake-up is lost; and `Join` never wakes itself (no busy polling).
//!
//! Poll-level tests drive `join` by hand with `testkit::Manual`, which counts polls and wakes;
//! runtime tests run under `testkit::run` with a time limit, so a lost wake-up fails the test
//! instead of hanging it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use join::join;
use testkit::{Flavor, Manual};
use tokio::sync::oneshot;
use tokio::time::{Instant, sleep};

/// Real-time limit for a runtime test. The clock is paused, so a correct `join` needs a few
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

/// Ready with `value` on its first poll; panics if it is polled again, as an `async` block does.
struct ReadyOnce {
    value: Option<u32>,
}

impl Future for ReadyOnce {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<u32> {
        match self.value.take() {
            Some(v) => Poll::Ready(v),
            None => panic!(
                "join polled a child again after it had returned Ready: keep a finished child's \
                 output and never poll that child again"
            ),
        }
    }
}

#[test]
fn returns_both_outputs_in_argument_order() {
    let out = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        // `async` blocks are not `Unpin`: `join` must accept them.
        join(async { "left" }, async { 2 }).await
    });
    assert_eq!(
        out,
        ("left", 2),
        "join must complete with (first future's output, second future's output)"
    );
}

#[test]
fn the_children_run_at_the_same_time() {
    let waited = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let start = Instant::now();
        let out = spin_guard(join(
            async {
                sleep(Duration::from_secs(2)).await;
                'a'
            },
            async {
                sleep(Duration::from_secs(1)).await;
                'b'
            },
        ))
        .await;
        assert_eq!(out, ('a', 'b'), "join returned the wrong outputs");
        start.elapsed()
    });
    // Tokio's timer rounds deadlines up to whole milliseconds, so a 2 s sleep may end at 2.001 s;
    // one after the other the two sleeps would take at least 3 s.
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_millis(2500),
        "joining a 2 s sleep and a 1 s sleep took {waited:?} of (paused) time: both children must \
         make progress in the same polls, so the whole takes as long as the slower one, about \
         2 s, not the sum"
    );
}

#[test]
fn a_finished_child_is_never_polled_again() {
    let (tx, rx) = oneshot::channel::<u32>();
    // The left child is ready at once; the right one only after the send below. Polling `join`
    // twice more must not poll the finished left child again (it panics if it is).
    let mut fut = Manual::new(join(ReadyOnce { value: Some(1) }, rx));
    // A join that completes when either child is done has no second output to return here, and
    // may panic looking for it: that panic is reported as what it means.
    let first = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fut.poll()));
    assert!(
        first.is_ok(),
        "join panicked in the poll where its first child finished while the second was still \
         waiting for a message (looking for an output the second child had not produced?): \
         return Ready only once both children have finished, and Pending while one is still \
         waiting"
    );
    assert!(
        first.is_ok_and(|poll| poll.is_pending()),
        "join returned Ready while its second child was still waiting for a message"
    );
    tx.send(2).unwrap();
    match fut.poll() {
        Poll::Ready((a, b)) => {
            assert_eq!((a, b), (1, Ok(2)), "join returned the wrong outputs");
        }
        Poll::Pending => panic!(
            "join stayed Pending after both children had finished: once the second child is \
             ready, join must complete in that same poll"
        ),
    }
}

#[test]
fn every_unfinished_child_is_polled_on_each_poll() {
    let (tx_a, rx_a) = oneshot::channel::<&str>();
    let (tx_b, rx_b) = oneshot::channel::<&str>();
    let rx_b = testkit::Counted::new(rx_b);
    let b_stats = rx_b.stats();
    let mut fut = Manual::new(join(rx_a, rx_b));
    assert!(fut.poll().is_pending(), "join was Ready before any message");

    // Both children become ready between two polls; the task is woken, but the wake does not say
    // which child is ready. One poll must notice both.
    tx_b.send("b").unwrap();
    tx_a.send("a").unwrap();
    assert!(
        fut.wakes() >= 1,
        "sending to a child did not wake the join's waker: hand the `Context` you were given to \
         each child's `poll`"
    );
    let b_polls_before = b_stats.polls();
    match fut.poll() {
        Poll::Ready(out) => assert_eq!(out, (Ok("a"), Ok("b")), "wrong outputs"),
        Poll::Pending if b_stats.polls() == b_polls_before => panic!(
            "both children were ready, join polled the first one and returned Pending without \
             polling the second, which was still unfinished (polling it only when the first is \
             Pending?): it must poll every unfinished child on each poll, the poll where \
             another one finishes included; the shared waker does not say which child woke it, \
             so this Pending loses the wake-up"
        ),
        Poll::Pending => {
            // Which of two mistakes? One more poll, which nothing would have made, tells them
            // apart: a join that polled both children and only noticed afterwards is Ready now.
            assert!(
                fut.poll().is_pending(),
                "both children were ready and join polled them, but returned Ready only on the \
                 next poll, which nothing would have triggered: join must complete in that same \
                 poll, checking for Ready after polling the children, not before"
            );
            panic!(
                "both children were ready but join returned Pending: it must poll every \
                 unfinished child on each poll, because the shared waker does not say which one \
                 woke it; returning Pending here loses the wake-up and the task sleeps forever"
            )
        }
    }
}

#[test]
fn join_does_not_wake_itself() {
    let (tx_a, rx_a) = oneshot::channel::<u8>();
    let (tx_b, rx_b) = oneshot::channel::<u8>();
    let mut fut = Manual::new(join(rx_a, rx_b));
    assert!(fut.poll().is_pending(), "join was Ready before any message");
    assert_eq!(
        fut.wakes(),
        0,
        "join woke its own task while neither child was ready: that is busy polling, a loop that \
         burns a CPU core; return Pending and let the child that is waiting wake the task"
    );
    tx_a.send(1).unwrap();
    assert!(
        fut.poll().is_pending(),
        "join was Ready while its second child still waited"
    );
    assert_eq!(
        fut.wakes(),
        1,
        "expected exactly one wake (from the first child's message); more means join woke \
         itself: busy polling"
    );
    tx_b.send(2).unwrap();
    assert_eq!(
        fut.poll(),
        Poll::Ready((Ok(1), Ok(2))),
        "join did not complete once both children were ready"
    );
    assert_eq!(fut.polls(), 3, "one poll per wake-up and no more");
}
