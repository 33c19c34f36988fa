//! # tokio93: `tokio::spawn` starts tasks that run on their own
//!
//! The primer before chapter 1, *Async Rust in 15 minutes*. `join!` runs futures together inside
//! one task. [`tokio::spawn`](https://docs.rs/tokio/latest/tokio/task/fn.spawn.html) hands a future
//! to the runtime as a *task* of its own, which the runtime runs alongside `main`'s, on any of its
//! threads. `spawn` returns at once with a
//! [`JoinHandle`](https://docs.rs/tokio/latest/tokio/task/struct.JoinHandle.html); awaiting the
//! handle gives the task's result. A spawned task must own what it uses (`async move`), because it
//! may outlive the code that spawned it. When `main` returns, the runtime shuts down and drops
//! every task that has not finished.
//!
//! ```text
//! cargo run --example tokio93
//! ```
//!
//! Prints exactly these lines, in this order, after about 0.3 s:
//!
//! ```text
//! main: spawned 3 tasks, and goes on at once
//! task 3 done after 100 ms
//! task 2 done after 200 ms
//! task 1 done after 300 ms
//! main: the results add up to 60
//! main returns; the task still sleeping is dropped and never prints
//! ```
//!
//! The tasks finish in the order of their sleeps, not of their spawns, and `main` reads the
//! results in spawn order all the same: each `JoinHandle` waits for its own task. The task spawned
//! last sleeps for a second; `main` does not wait for it, so its line is never printed.

use std::time::Duration;

use tokio::time::sleep;

// ANCHOR: main
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut handles = Vec::new();
    for id in 1..=3_u64 {
        let handle = tokio::spawn(async move {
            let ms = 100 * (4 - id);
            sleep(Duration::from_millis(ms)).await;
            println!("task {id} done after {ms} ms");
            id * 10
        });
        handles.push(handle);
    }
    println!("main: spawned 3 tasks, and goes on at once");

    let mut total = 0;
    for handle in handles {
        total += handle.await?;
    }
    println!("main: the results add up to {total}");

    tokio::spawn(async {
        sleep(Duration::from_secs(1)).await;
        println!("this line is never printed");
    });
    println!(
        "main returns; the task still sleeping is dropped and never prints"
    );
    Ok(())
}
// ANCHOR_END: main
