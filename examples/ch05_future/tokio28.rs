//! # tokio28: `Pending` without a wake-up is a silent hang
//!
//! Chapter 5, *the `Future` trait, `poll` and wakers*. `poll` returning `Poll::Pending` is a
//! promise: "I have arranged for the waker in the `Context` to be called when I can make
//! progress." `Forgetful` breaks the promise: its condition (a flag another thread sets after
//! 20 ms) becomes true, but nobody calls the waker, so the task is never polled again. No error,
//! no panic, no CPU use: the task just sits there. `main` watches it for 500 ms, as `tokio16`'s
//! watchdog does, then runs `Keeper`, which differs only in that it hands its waker to the thread
//! that sets the flag.
//!
//! ```text
//! cargo run --example tokio28
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! forgetful: the flag was set, but after 500 ms the task was polled 1 time and is still not finished
//! keeper: finished after 2 polls
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::Duration;

/// How long the "event" takes to happen.
const EVENT_AFTER: Duration = Duration::from_millis(20);
/// How long `main` watches the forgetful task: 25 times the event's delay, a wide margin for a
/// busy machine.
const WATCH_FOR: Duration = Duration::from_millis(500);

// ANCHOR: forgetful
/// Ready once `flag` is set, but never arranges to be woken when that happens.
struct Forgetful {
    flag: Arc<AtomicBool>,
    polls: Arc<AtomicUsize>,
}

impl Future for Forgetful {
    type Output = ();

    fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
        self.polls.fetch_add(1, Ordering::SeqCst);
        if self.flag.load(Ordering::SeqCst) {
            Poll::Ready(())
        } else {
            // Wrong: `Pending` without handing `_cx.waker()` to whoever sets
            // the flag.
            Poll::Pending
        }
    }
}
// ANCHOR_END: forgetful

// ANCHOR: keeper
/// The same condition, but the thread that sets the flag is given the latest
/// waker to call. The thread is started on the first poll, so the event cannot
/// happen before the future is waiting.
struct Keeper {
    flag: Arc<AtomicBool>,
    waker: Arc<Mutex<Option<Waker>>>,
    polls: usize,
}

impl Future for Keeper {
    type Output = usize;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<usize> {
        self.polls += 1;
        // Store the waker *before* checking the flag: if the flag is set in
        // between, the setter finds the waker and wakes us, so the wake-up
        // cannot fall between the two steps.
        *self.waker.lock().unwrap() = Some(cx.waker().clone());
        if self.polls == 1 {
            set_later(Arc::clone(&self.flag), Arc::clone(&self.waker));
        }
        if self.flag.load(Ordering::SeqCst) {
            Poll::Ready(self.polls)
        } else {
            Poll::Pending
        }
    }
}

/// Sets `flag` after `EVENT_AFTER`, then wakes whatever waker is stored in
/// `waker`.
fn set_later(flag: Arc<AtomicBool>, waker: Arc<Mutex<Option<Waker>>>) {
    thread::spawn(move || {
        thread::sleep(EVENT_AFTER);
        flag.store(true, Ordering::SeqCst);
        if let Some(waker) = waker.lock().unwrap().take() {
            waker.wake();
        }
    });
}
// ANCHOR_END: keeper

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let flag = Arc::new(AtomicBool::new(false));
    let polls = Arc::new(AtomicUsize::new(0));
    let task = tokio::spawn(Forgetful {
        flag: Arc::clone(&flag),
        polls: Arc::clone(&polls),
    });
    // The thread sets the flag; there is no waker for it to call.
    set_later(Arc::clone(&flag), Arc::new(Mutex::new(None)));
    tokio::time::sleep(WATCH_FOR).await;
    let flag = if flag.load(Ordering::SeqCst) {
        "set"
    } else {
        "NOT set"
    };
    let state = if task.is_finished() {
        "finished"
    } else {
        "still not finished"
    };
    println!(
        "forgetful: the flag was {flag}, but after {} ms the task was polled \
        {} time and is {state}",
        WATCH_FOR.as_millis(),
        polls.load(Ordering::SeqCst),
    );
    task.abort();

    let keeper = Keeper {
        flag: Arc::new(AtomicBool::new(false)),
        waker: Arc::new(Mutex::new(None)),
        polls: 0,
    };
    let polls = keeper.await;
    println!("keeper: finished after {polls} polls");
}
// ANCHOR_END: main
