//! # tokio75: a `biased` `select!` starves a branch
//!
//! Chapter 11, *Common pitfalls*. A loop takes messages from a busy queue (1,000 already waiting)
//! and watches a stop signal that has already been sent. With `biased;` and the queue's branch
//! first, [`tokio::select!`](https://docs.rs/tokio/latest/tokio/macro.select.html) polls top to
//! bottom, so as long as the queue has a message the stop branch is never reached: the loop handles
//! all 1,000 before it notices the stop. The count of messages handled before the stop was seen is
//! the symptom. Two fixes: put the control branch first (`biased;` is then an explicit priority),
//! or leave out `biased;`, which makes each `select!` start at a random branch, so an always-ready
//! stop is seen within a few rounds.
//!
//! A common claim is the reverse: that the default `select!` lets a busy branch starve the others
//! and `biased;` is the cure. Tokio's macro (`macros/select.rs`) picks a random starting branch on
//! every call unless `biased;` is given; it is `biased;` that makes the order fixed.
//!
//! ```text
//! cargo run --example tokio75
//! ```
//!
//! The last number is random, usually 0 to 3; one run printed:
//!
//! ```text
//! biased, queue first: 1000 messages handled before the stop was seen
//! biased, stop first: 0 messages handled before the stop was seen
//! not biased: 1 messages handled before the stop was seen
//! ```

use tokio::sync::{mpsc, oneshot};

/// Messages waiting in the busy queue.
const WAITING: usize = 1000;

/// A queue with `WAITING` messages in it, and a stop signal that has already been sent.
fn setup() -> (mpsc::UnboundedReceiver<usize>, oneshot::Receiver<()>) {
    let (tx, rx) = mpsc::unbounded_channel();
    for n in 0..WAITING {
        tx.send(n).unwrap();
    }
    let (stop_tx, stop_rx) = oneshot::channel();
    stop_tx.send(()).unwrap();
    (rx, stop_rx)
}

// ANCHOR: bug
/// The pitfall: the busy branch comes first, and `biased;` makes that a rule.
async fn biased_queue_first() -> usize {
    let (mut queue, mut stop) = setup();
    let mut handled = 0;
    loop {
        tokio::select! {
            biased;
            Some(_message) = queue.recv() => handled += 1,
            _ = &mut stop => return handled,
        }
    }
}
// ANCHOR_END: bug

// ANCHOR: fix
/// Fix 1: the control branch first. The stop wins whenever it is ready.
async fn biased_stop_first() -> usize {
    let (mut queue, mut stop) = setup();
    let mut handled = 0;
    loop {
        tokio::select! {
            biased;
            _ = &mut stop => return handled,
            Some(_message) = queue.recv() => handled += 1,
        }
    }
}

/// Fix 2: no `biased;`. Each round starts at a random branch.
async fn not_biased() -> usize {
    let (mut queue, mut stop) = setup();
    let mut handled = 0;
    loop {
        tokio::select! {
            Some(_message) = queue.recv() => handled += 1,
            _ = &mut stop => return handled,
        }
    }
}
// ANCHOR_END: fix

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let versions = [
        ("biased, queue first", biased_queue_first().await),
        ("biased, stop first", biased_stop_first().await),
        ("not biased", not_biased().await),
    ];
    for (version, handled) in versions {
        println!(
            "{version}: {handled} messages handled before the stop was seen"
        );
    }
}
// ANCHOR_END: main
