//! # tokio38: making a future `Send + 'static` for `tokio::spawn`
//!
//! Chapter 6, *`Pin` and `Unpin`*. A future is `Send` only if everything its state machine holds
//! across an `.await` is `Send` (chapter 7 shows those states). So the usual fix for "future cannot
//! be sent between threads safely" is not a different type but a shorter life: let the `Rc` or the
//! `std::sync::MutexGuard` end before the `.await`. And a spawned task may outlive the function
//! that spawned it, so it must own what it uses (`async move`, with an `Arc` where the data is
//! shared) instead of borrowing it. Each function below is the fixed version of a compile-fail
//! lesson of this chapter; the lessons are in `examples/ch06_pin/lessons/`.
//!
//! ```text
//! cargo run --example tokio38
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! Rc dropped before the .await: spawned, got 3
//! MutexGuard dropped before the .await: spawned, counter is now 1
//! data moved into the task behind an Arc: spawned, sum = 6
//! ```

use std::rc::Rc;
use std::sync::{Arc, Mutex};

// ANCHOR: fixes
async fn rc_scoped() -> usize {
    let len = {
        let names = Rc::new(vec!["a", "b", "c"]);
        names.len()
    }; // the `Rc` is gone here, before the `.await`
    tokio::task::yield_now().await;
    len
}

async fn guard_scoped(counter: Arc<Mutex<u64>>) -> u64 {
    let now = {
        let mut guard = counter.lock().unwrap();
        *guard += 1;
        *guard
    }; // the guard is dropped here, unlocking, before the `.await`
    tokio::task::yield_now().await;
    now
}

fn spawn_owned(data: Arc<Vec<u64>>) -> tokio::task::JoinHandle<u64> {
    // `async move` takes its own `Arc`, so the task borrows nothing from the
    // caller.
    tokio::spawn(async move { data.iter().sum() })
}
// ANCHOR_END: fixes

#[tokio::main]
async fn main() {
    let got = tokio::spawn(rc_scoped()).await.unwrap();
    println!("Rc dropped before the .await: spawned, got {got}");

    let counter = Arc::new(Mutex::new(0));
    let now = tokio::spawn(guard_scoped(Arc::clone(&counter)))
        .await
        .unwrap();
    println!(
        "MutexGuard dropped before the .await: spawned, counter is now {now}"
    );

    let sum = spawn_owned(Arc::new(vec![1, 2, 3])).await.unwrap();
    println!("data moved into the task behind an Arc: spawned, sum = {sum}");
}
