//! # tokio81: a dropped `JoinHandle` loses a panic
//!
//! Chapter 11, *Common pitfalls*. Three jobs are spawned; job 2 panics. Spawned and forgotten (the
//! [`JoinHandle`](https://docs.rs/tokio/latest/tokio/task/struct.JoinHandle.html) dropped, which
//! detaches the task), the panic ends job 2's task and nothing else: the program collects the
//! answers that arrive and reports success with one answer missing. The only trace is the panic
//! hook's message, which in a service scrolls by in a log. Kept in a
//! [`JoinSet`](https://docs.rs/tokio/latest/tokio/task/struct.JoinSet.html) and joined, every task's
//! end comes back to its owner, and the panic arrives as a
//! [`JoinError`](https://docs.rs/tokio/latest/tokio/task/struct.JoinError.html) for which
//! `is_panic()` is true.
//!
//! The program installs a panic hook that counts panics and prints one line to standard output
//! instead of the default message on standard error, so both versions can be compared with the
//! number of panics that really happened.
//!
//! ```text
//! cargo run --example tokio81
//! ```
//!
//! Prints at once:
//!
//! ```text
//! panic hook: job 2 failed
//! handles dropped: 2 answers, failures noticed: 0, 1 panic happened
//! panic hook: job 2 failed
//! JoinSet joined: 2 answers, failures noticed: 1, 1 panic happened
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::mpsc;
use tokio::task::JoinSet;

/// Panics counted by the hook since the last reset.
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Job 2 fails.
async fn job(n: u32) -> u32 {
    if n == 2 {
        panic!("job 2 failed");
    }
    n * 10
}

// ANCHOR: bug
/// The pitfall: each `JoinHandle` is dropped, so no one hears how the task
/// ended.
async fn spawn_and_forget() -> (usize, usize) {
    let (tx, mut rx) = mpsc::channel(3);
    for n in 1..=3 {
        let tx = tx.clone();
        tokio::spawn(async move {
            let answer = job(n).await;
            let _ = tx.send(answer).await;
        });
    }
    drop(tx);
    let mut answers = 0;
    while rx.recv().await.is_some() {
        answers += 1;
    }
    (answers, 0)
}
// ANCHOR_END: bug

// ANCHOR: fix
/// The fix: the tasks live in a `JoinSet`, and every end is looked at.
async fn join_every_task() -> (usize, usize) {
    let mut tasks = JoinSet::new();
    for n in 1..=3 {
        tasks.spawn(job(n));
    }
    let (mut answers, mut failures) = (0, 0);
    while let Some(ended) = tasks.join_next().await {
        match ended {
            Ok(_answer) => answers += 1,
            Err(error) if error.is_panic() => failures += 1,
            Err(error) => panic!("no task is cancelled here: {error}"),
        }
    }
    (answers, failures)
}
// ANCHOR_END: fix

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    std::panic::set_hook(Box::new(|info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        let message = info.payload().downcast_ref::<&str>().copied();
        println!("panic hook: {}", message.unwrap_or("(a panic)"));
    }));

    let ending = spawn_and_forget().await;
    report("handles dropped", ending);
    let ending = join_every_task().await;
    report("JoinSet joined", ending);
}

/// Prints what the program noticed next to the panics the hook counted, and resets the count.
fn report(version: &str, (answers, failures): (usize, usize)) {
    let panics = PANICS.swap(0, Ordering::SeqCst);
    let noun = if panics == 1 { "panic" } else { "panics" };
    println!(
        "{version}: {answers} answers, failures noticed: {failures}, {panics} {noun} happened"
    );
}
// ANCHOR_END: main
