//! Tests for `merge`: every item of both sides, each side's order kept; the end only after both
//! sides end, and `None` again after that; an ended side never polled again; neither side
//! starved; items as they come on a paused clock; and, polled by hand, no wake-up lost and no
//! busy polling.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{self, Stream, StreamExt};
use merge::merge;
use testkit::{Flavor, Manual};
use tokio::sync::mpsc;
use tokio::time::{Instant, sleep};

/// Real-time limit for each runtime test. The clock is paused, so a correct `merge` needs
/// milliseconds; the margin is for a machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(2);

/// Yields `items`, then `None` once; panics if polled again after that.
struct EndsOnce {
    items: Vec<u32>,
    ended: bool,
}

impl Stream for EndsOnce {
    type Item = u32;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<u32>> {
        assert!(
            !self.ended,
            "merge polled a side again after it had returned Ready(None): a stream that has \
             ended must not be polled again; drop it (`Pin::set(None)`)"
        );
        if self.items.is_empty() {
            self.ended = true;
            Poll::Ready(None)
        } else {
            Poll::Ready(Some(self.items.remove(0)))
        }
    }
}

/// Collects the whole merged stream by polling it by hand; fails on a `Pending` (every side here
/// is always ready) and on a stream that never ends.
fn collect_ready<S: Stream>(stream: S) -> Vec<S::Item> {
    let mut stream = Box::pin(stream);
    let counter = testkit::WakeCounter::new();
    let waker = counter.waker();
    let mut cx = Context::from_waker(&waker);
    let mut items = Vec::new();
    loop {
        match stream.as_mut().poll_next(&mut cx) {
            Poll::Ready(Some(item)) => items.push(item),
            Poll::Ready(None) => return items,
            // Polled once more, a merge that ends at once had seen its last side end in the
            // call that returned Pending.
            Poll::Pending => match stream.as_mut().poll_next(&mut cx) {
                Poll::Ready(None) => panic!(
                    "merge returned Pending in the call in which the last open side ended (the \
                     next call returned None at once): that Pending came with no waker behind \
                     it, so a task awaiting next() would sleep for ever. Decide the end after \
                     polling the sides: when no side had an item and both have now ended, \
                     return Ready(None), not Pending"
                ),
                _ => panic!(
                    "merge returned Pending although both sides always have an item or have \
                     ended: poll every open side on each call, going on to the other side when \
                     the one you start with has nothing"
                ),
            },
        }
        assert!(items.len() <= 10_000, "merge never ended");
    }
}

#[test]
fn every_item_of_both_sides_in_each_sides_order() {
    let items = collect_ready(merge(
        EndsOnce {
            items: vec![1, 2, 3],
            ended: false,
        },
        EndsOnce {
            items: vec![10, 20, 30, 40, 50],
            ended: false,
        },
    ));
    let left: Vec<u32> = items.iter().copied().filter(|x| *x < 10).collect();
    let right: Vec<u32> = items.iter().copied().filter(|x| *x >= 10).collect();
    // Items missing from the middle of a side, not just its end, were taken and then dropped.
    let whole_start = |got: &[u32], side: &[u32]| side.starts_with(got);
    assert!(
        items.len() >= 8
            || (whole_start(&left, &[1, 2, 3]) && whole_start(&right, &[10, 20, 30, 40, 50])),
        "items are lost from the middle of a side: got {items:?} from [1, 2, 3] and [10, 20, \
         30, 40, 50]. An item taken from a side and then thrown away is gone for good: poll the \
         second side only when the first had nothing (`a.or_else(|| b)`, not `a.or(b)`, which \
         polls b first and drops its item when a had one)"
    );
    assert_eq!(
        items.len(),
        8,
        "3 + 5 items must come out, got {items:?}: when one side ends (Ready(None)), merge \
         must go on with the other, and end only when both have ended"
    );
    assert_eq!(
        left,
        [1, 2, 3],
        "the first side's items, in its order: {items:?}"
    );
    assert_eq!(
        right,
        [10, 20, 30, 40, 50],
        "the second side's items, in its order: {items:?}"
    );
}

#[test]
fn ends_only_when_both_sides_have_ended_and_stays_ended() {
    let mut merged = Manual::new(async {
        let mut merged = Box::pin(merge(
            EndsOnce {
                items: vec![],
                ended: false,
            },
            EndsOnce {
                items: vec![7],
                ended: false,
            },
        ));
        let first = merged.next().await;
        let end = merged.next().await;
        let again = merged.next().await;
        (first, end, again)
    });
    match merged.poll() {
        Poll::Ready((first, end, again)) => {
            assert_eq!(
                first,
                Some(7),
                "the first side ended at once, but the second still had an item: merge must go \
                 on with the other side, not end with the first"
            );
            assert_eq!(end, None, "both sides have ended: merge must return None");
            assert_eq!(
                again, None,
                "polled again after its end, merge must keep returning None"
            );
        }
        Poll::Pending => panic!(
            "merge returned Pending on two sides that never wait. Either it did not poll every \
             open side on each call (go on to the other side when the one you start with has \
             nothing), or it returned Pending in the call in which the last open side ended \
             (decide the end after polling the sides: then return Ready(None), not Pending)"
        ),
    }
}

#[test]
fn neither_side_is_starved() {
    // Two endless streams that always have an item.
    let items: Vec<char> =
        collect_ready(merge(stream::repeat('L'), stream::repeat('R')).take(1000));
    let left = items.iter().filter(|c| **c == 'L').count();
    assert!(
        (400..=600).contains(&left),
        "two sides that always have an item: the left gave {left} of 1000 items. One side \
         starves the other when every poll starts with it; change the side you start with from \
         one item to the next"
    );
}

#[test]
fn items_come_as_they_are_ready() {
    let (order, took) = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let start = Instant::now();
        // The left side waits 300 ms before each item, the right 100 ms: both are `!Unpin`.
        let slow = stream::iter([1u32, 2]).then(|x| async move {
            sleep(Duration::from_millis(300)).await;
            x
        });
        let quick = stream::iter([10u32, 20, 30]).then(|x| async move {
            sleep(Duration::from_millis(100)).await;
            x
        });
        let order: Vec<u32> = merge(slow, quick).collect().await;
        (order, start.elapsed())
    });
    let ended_early = if order.len() < 5 {
        ": items are missing, so merge ended when the quick side ended, although the slow one \
         still had one; end only when both sides have ended"
    } else {
        ""
    };
    assert_eq!(
        order,
        [10, 20, 1, 30, 2],
        "items must come out as soon as they are ready (quick ones at 100, 200, 300 ms, slow ones \
         at 300 and 600 ms){ended_early}"
    );
    assert!(
        took < Duration::from_millis(700),
        "both sides must run at the same time: took {took:?} of (paused) time"
    );
}

#[test]
fn no_lost_wake_up_and_no_busy_polling() {
    let (tx_a, rx_a) = mpsc::unbounded_channel::<u32>();
    let (tx_b, rx_b) = mpsc::unbounded_channel::<u32>();
    let a = tokio_stream_of(rx_a);
    let b = tokio_stream_of(rx_b);
    let mut merged = Box::pin(merge(a, b));
    let counter = testkit::WakeCounter::new();
    let waker = counter.waker();
    let mut cx = Context::from_waker(&waker);

    assert!(
        merged.as_mut().poll_next(&mut cx).is_pending(),
        "no side has an item yet: merge must return Pending"
    );
    assert_eq!(
        counter.count(),
        0,
        "merge woke its own task while neither side had an item: that is busy polling; return \
         Pending and let the sides wake the task"
    );
    tx_b.send(5).unwrap();
    assert_eq!(
        counter.count(),
        1,
        "an item sent to the second side did not wake the task: poll both sides, passing them \
         the `Context`, before returning Pending"
    );
    assert_eq!(
        merged.as_mut().poll_next(&mut cx),
        Poll::Ready(Some(5)),
        "the second side had an item but merge did not return it: poll every open side on each \
         call, or the wake-up is lost"
    );
    drop(tx_a);
    drop(tx_b);
    assert_eq!(
        merged.as_mut().poll_next(&mut cx),
        Poll::Ready(None),
        "both channels are closed: merge must end"
    );
}

/// A `Stream` over an unbounded mpsc receiver, without tokio-stream.
fn tokio_stream_of(rx: mpsc::UnboundedReceiver<u32>) -> impl Stream<Item = u32> {
    stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|x| (x, rx)) })
}
