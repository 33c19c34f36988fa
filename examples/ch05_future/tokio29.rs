//! # tokio29: store the latest waker on every poll
//!
//! Chapter 5, *the `Future` trait, `poll` and wakers*. A future may be polled by different tasks
//! during its life: polled once in one task, then moved into another (as here), or polled inside a
//! combinator such as `FuturesUnordered` that gives each child a waker of its own. The waker in
//! the *latest* `Context` is the one that reaches whoever polls it now. `FirstWakerOnly` keeps the
//! first waker it saw and ignores the rest: moved to task B, it wakes task A, which has already
//! finished, and task B waits forever (here: until `main` gives up after 500 ms). `LatestWaker`
//! replaces its waker on every poll (skipping the clone when `Waker::will_wake` says it is the
//! same one) and task B finishes.
//!
//! The last line checks the other direction: a task's own waker does *not* change from poll to
//! poll, even when a multi_thread runtime polls the task on different worker threads, so
//! `will_wake` lets a future skip the clone in the common case.
//!
//! ```text
//! cargo run --example tokio29
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! first waker only: task B still waiting after 500 ms (the wake went to task A)
//! latest waker: task B finished
//! one task polled 50 times on a multi_thread runtime: will_wake was true on every poll
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

/// How long `main` waits for task B before calling it stuck. The event comes after 20 ms.
const GIVE_UP_AFTER: Duration = Duration::from_millis(500);

/// What the event thread and the future share.
#[derive(Default)]
struct Shared {
    fired: bool,
    waker: Option<Waker>,
}

// ANCHOR: wakers
/// Keeps only the first waker it is given. Wrong.
struct FirstWakerOnly(Arc<Mutex<Shared>>);

impl Future for FirstWakerOnly {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut shared = self.0.lock().unwrap();
        if shared.fired {
            return Poll::Ready(());
        }
        if shared.waker.is_none() {
            shared.waker = Some(cx.waker().clone());
        }
        Poll::Pending
    }
}

/// Keeps the waker of the latest poll. Right.
struct LatestWaker(Arc<Mutex<Shared>>);

impl Future for LatestWaker {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let mut shared = self.0.lock().unwrap();
        if shared.fired {
            return Poll::Ready(());
        }
        match &shared.waker {
            Some(old) if old.will_wake(cx.waker()) => {}
            _ => shared.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}
// ANCHOR_END: wakers

/// The event: 20 ms from now, mark `shared` as fired and wake the stored waker.
fn fire_later(shared: Arc<Mutex<Shared>>) {
    thread::spawn(move || {
        thread::sleep(Duration::from_millis(20));
        let waker = {
            let mut shared = shared.lock().unwrap();
            shared.fired = true;
            shared.waker.take()
        };
        if let Some(waker) = waker {
            waker.wake();
        }
    });
}

// ANCHOR: move_between_tasks
/// Polls `fut` once in task A, moves it to task B, fires the event, and reports
/// whether task B finishes within `GIVE_UP_AFTER`.
async fn poll_in_a_then_finish_in_b<F>(
    fut: F,
    shared: Arc<Mutex<Shared>>,
) -> bool
where
    F: Future<Output = ()> + Send + Unpin + 'static,
{
    #[allow(
        clippy::async_yields_async,
        reason = "task A hands back the unfinished future itself, to move it \
                  into task B"
    )]
    let task_a = tokio::spawn(async move {
        let mut fut = fut;
        // `poll!` polls once with task A's own waker and hands back the result;
        // we keep the future.
        assert!(
            futures::poll!(&mut fut).is_pending(),
            "not ready before the event"
        );
        fut
    });
    // Task A is over; its waker now wakes nobody.
    let fut = task_a.await.unwrap();
    let task_b = tokio::spawn(fut);
    fire_later(shared);
    tokio::time::timeout(GIVE_UP_AFTER, task_b).await.is_ok()
}
// ANCHOR_END: move_between_tasks

/// Polled `left` times with a wake in between; checks `will_wake` against the first waker.
struct SameWaker {
    first: Option<Waker>,
    left: usize,
    always_same: bool,
}

impl Future for SameWaker {
    type Output = bool;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<bool> {
        match &self.first {
            None => self.first = Some(cx.waker().clone()),
            Some(first) => {
                let same = first.will_wake(cx.waker());
                self.always_same &= same;
            }
        }
        self.left -= 1;
        if self.left == 0 {
            return Poll::Ready(self.always_same);
        }
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let shared = Arc::new(Mutex::new(Shared::default()));
    let finished =
        poll_in_a_then_finish_in_b(FirstWakerOnly(Arc::clone(&shared)), shared)
            .await;
    if finished {
        println!("first waker only: task B finished (unexpected)");
    } else {
        println!(
            "first waker only: task B still waiting after {} ms (the wake \
            went to task A)",
            GIVE_UP_AFTER.as_millis()
        );
    }

    let shared = Arc::new(Mutex::new(Shared::default()));
    let finished =
        poll_in_a_then_finish_in_b(LatestWaker(Arc::clone(&shared)), shared)
            .await;
    println!(
        "latest waker: task B {}",
        if finished {
            "finished"
        } else {
            "still waiting (unexpected)"
        }
    );

    // ANCHOR: same_task
    let polls = 50;
    let same = tokio::spawn(SameWaker {
        first: None,
        left: polls,
        always_same: true,
    })
    .await
    .unwrap();
    // ANCHOR_END: same_task
    println!(
        "one task polled {polls} times on a multi_thread runtime: will_wake \
        was {same} on every poll"
    );
}
