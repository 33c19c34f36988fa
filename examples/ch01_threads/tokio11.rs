//! # tokio11: `std::sync::mpsc`, unbounded and bounded
//!
//! Chapter 1, *Threads and the runtime*. Threads can hand values to each other instead of sharing
//! them. [`std::sync::mpsc::channel`](https://doc.rust-lang.org/std/sync/mpsc/fn.channel.html)
//! makes an unbounded queue: `send` never waits, and the receiver's loop ends once every `Sender`
//! is gone. [`sync_channel(n)`](https://doc.rust-lang.org/std/sync/mpsc/fn.sync_channel.html)
//! makes a bounded one: it holds at most `n` messages, `try_send` reports `Full` instead of
//! waiting, and `send` waits until the receiver has made room.
//!
//! ```text
//! cargo run --example tokio11
//! ```
//!
//! Prints exactly these lines, in this order:
//!
//! ```text
//! unbounded: 3 producers sent 9 messages, received 9
//! unbounded: the receiving loop ended because every Sender was dropped
//! bounded(2): try_send(1) -> Ok
//! bounded(2): try_send(2) -> Ok
//! bounded(2): try_send(3) -> Full(3): the buffer already holds 2
//! producer: calling send(3) while the buffer is full
//! main: taking one message out
//! producer: send(3) returned
//! main: received 1, then [2, 3]
//! ```
//!
//! The order is the same on every run, although two threads print: each line is printed before
//! the event that lets the other thread go on. `send(3)` can only return after `main` has taken a
//! message out, and `main` only does that after the producer has said it is about to send.

use std::sync::mpsc::{self, TrySendError};
use std::thread;

// ANCHOR: unbounded
fn unbounded() {
    let (tx, rx) = mpsc::channel::<String>();
    let mut producers = Vec::new();
    for p in 0..3 {
        // Every producer owns a clone of the sending half.
        let tx = tx.clone();
        producers.push(thread::spawn(move || {
            for i in 0..3 {
                tx.send(format!("producer {p}, message {i}"))
                    .expect("the receiver is still alive in main");
            }
        }));
    }
    // `main` keeps no `Sender` of its own. If it did, the loop below would
    // never end: the channel closes only when the last `Sender` is dropped.
    drop(tx);

    // Iterating a `Receiver` calls `recv` until it returns `Err`, which means
    // "closed and empty".
    let received: Vec<String> = rx.iter().collect();
    for producer in producers {
        producer.join().expect("a producer panicked");
    }
    println!(
        "unbounded: 3 producers sent 9 messages, received {}",
        received.len()
    );
    println!(
        "unbounded: the receiving loop ended because every Sender was dropped"
    );
}
// ANCHOR_END: unbounded

// ANCHOR: bounded
fn bounded() {
    let (tx, rx) = mpsc::sync_channel::<u32>(2);
    for n in 1..=3 {
        match tx.try_send(n) {
            Ok(()) => println!("bounded(2): try_send({n}) -> Ok"),
            Err(TrySendError::Full(n)) => {
                println!(
                    "bounded(2): try_send({n}) -> Full({n}): the buffer \
                    already holds 2"
                );
            }
            Err(TrySendError::Disconnected(_)) => {
                unreachable!("`rx` is alive in this function")
            }
        }
    }

    // A second channel only to order the output: the producer says "I am about
    // to send".
    let (ready_tx, ready_rx) = mpsc::channel::<()>();
    let producer = thread::spawn(move || {
        println!("producer: calling send(3) while the buffer is full");
        ready_tx.send(()).expect("main waits for this signal");
        // `send` on a full bounded channel parks this thread until a slot frees
        // up.
        tx.send(3).expect("the receiver is still alive in main");
        println!("producer: send(3) returned");
        // `tx` is dropped here, which closes the channel once its messages are
        // read.
    });

    ready_rx
        .recv()
        .expect("the producer signals before sending");
    println!("main: taking one message out");
    let first = rx.recv().expect("the buffer holds two messages");
    producer.join().expect("the producer panicked");
    let rest: Vec<u32> = rx.iter().collect();
    println!("main: received {first}, then {rest:?}");
}
// ANCHOR_END: bounded

fn main() {
    unbounded();
    bounded();
}
