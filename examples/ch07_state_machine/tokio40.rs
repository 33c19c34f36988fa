//! # tokio40: calling an `async fn` runs none of its body
//!
//! Chapter 7, *the state machine an `async fn` becomes*. Calling an `async fn` only builds its
//! state machine in the start state, holding the arguments. The body runs in the first `poll`, up
//! to the first `.await` that returns `Pending`; the next poll resumes it right after that
//! `.await`. A future that is dropped before it is polled never runs any of its body at all.
//!
//! ```text
//! cargo run --example tokio40
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! called report("first"): nothing has run yet
//! poll 1:
//!   first: body starts
//!   first: before the .await
//! poll 1 returned Pending
//! poll 2:
//!   first: after the .await
//! poll 2 returned Ready(5)
//! called report("second") and dropped it unpolled: its body never ran
//! ```

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

/// Pending once (waking itself), then ready: one pause point.
async fn pause_once() {
    let mut paused = false;
    std::future::poll_fn(move |cx| {
        if paused {
            Poll::Ready(())
        } else {
            paused = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await
}

// ANCHOR: report
async fn report(name: &str) -> usize {
    println!("  {name}: body starts");
    println!("  {name}: before the .await");
    pause_once().await;
    println!("  {name}: after the .await");
    name.len()
}
// ANCHOR_END: report

// ANCHOR: main
fn main() {
    let mut cx = Context::from_waker(Waker::noop());
    let mut fut = pin!(report("first"));
    println!("called report(\"first\"): nothing has run yet");
    for n in 1..=2 {
        println!("poll {n}:");
        match fut.as_mut().poll(&mut cx) {
            Poll::Pending => println!("poll {n} returned Pending"),
            Poll::Ready(v) => println!("poll {n} returned Ready({v})"),
        }
    }

    let unpolled = report("second");
    drop(unpolled);
    println!(
        "called report(\"second\") and dropped it unpolled: its body never ran"
    );
}
// ANCHOR_END: main
