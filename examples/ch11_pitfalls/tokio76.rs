//! # tokio76: accidental sequential execution
//!
//! Chapter 11, *Common pitfalls*. Three independent requests, each taking 200 ms. Awaiting them one
//! per line runs them one after the other: each `.await` waits for its request to finish before the
//! next one is even created, because a future does nothing until it is polled. Handing all three
//! to [`tokio::join!`](https://docs.rs/tokio/latest/tokio/macro.join.html) polls them together, so
//! their waits overlap. The measurement is the elapsed time of each version.
//!
//! ```text
//! cargo run --example tokio76
//! ```
//!
//! The times differ a little from run to run; one run printed:
//!
//! ```text
//! one .await per line: 3 answers in 602 ms
//! tokio::join!: 3 answers in 201 ms
//! ```
//!
//! The first is never under 600 ms (three waits in a row); the second is about one wait.

use std::time::{Duration, Instant};

/// A request to a service that takes 200 ms to answer.
async fn fetch(name: &str) -> String {
    tokio::time::sleep(Duration::from_millis(200)).await;
    format!("answer from {name}")
}

// ANCHOR: bug
/// The pitfall: each request starts only when the one before it has finished.
async fn one_after_another() -> Vec<String> {
    let a = fetch("a").await;
    let b = fetch("b").await;
    let c = fetch("c").await;
    vec![a, b, c]
}
// ANCHOR_END: bug

// ANCHOR: fix
/// The fix: all three polled together, by one `join!`.
async fn together() -> Vec<String> {
    let (a, b, c) = tokio::join!(fetch("a"), fetch("b"), fetch("c"));
    vec![a, b, c]
}
// ANCHOR_END: fix

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let started = Instant::now();
    let answers = one_after_another().await;
    println!(
        "one .await per line: {} answers in {} ms",
        answers.len(),
        started.elapsed().as_millis()
    );

    let started = Instant::now();
    let answers = together().await;
    println!(
        "tokio::join!: {} answers in {} ms",
        answers.len(),
        started.elapsed().as_millis()
    );
}
// ANCHOR_END: main
