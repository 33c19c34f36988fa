//! # tokio37: `Pin<Box<dyn Future + Send>>`, boxed recursion, and what `tokio::spawn` needs
//!
//! Chapter 6, *`Pin` and `Unpin`*. Every `async` block has a type of its own, so futures of
//! different bodies cannot share a `Vec` or be returned from the branches of one `match`. Boxing
//! and pinning them as `Pin<Box<dyn Future<Output = T> + Send>>` gives them one type (the
//! `futures` crate calls it `BoxFuture`). The same box breaks the cycle of a recursive `async fn`,
//! whose state machine would otherwise contain itself. And `tokio::spawn` takes any such future
//! that is `Send + 'static`: `Send` because a multi_thread runtime may poll it on any worker,
//! `'static` because the task may outlive the function that spawned it.
//!
//! ```text
//! cargo run --example tokio37
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! three different async blocks in one Vec: [1, 20, 300]
//! recursive async fn through Box::pin: fib(10) = 55
//! the same three boxed futures, spawned as tasks: [1, 20, 300]
//! ```

use std::future::Future;
use std::pin::Pin;

// ANCHOR: boxed
/// One type for any `Send` future with output `T`.
type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

fn three_futures() -> Vec<BoxFuture<u64>> {
    vec![
        Box::pin(async { 1 }),
        Box::pin(async {
            tokio::task::yield_now().await;
            20
        }),
        Box::pin(async {
            let n: u64 = 3;
            n * 100
        }),
    ]
}

/// A recursive `async fn` must box the recursive call: without the box the
/// future would have to contain a copy of itself (error E0733).
fn fib(n: u64) -> BoxFuture<u64> {
    Box::pin(async move {
        if n < 2 {
            n
        } else {
            fib(n - 1).await + fib(n - 2).await
        }
    })
}
// ANCHOR_END: boxed

// ANCHOR: main
#[tokio::main]
async fn main() {
    let mut outputs = Vec::new();
    for fut in three_futures() {
        outputs.push(fut.await);
    }
    println!("three different async blocks in one Vec: {outputs:?}");
    println!(
        "recursive async fn through Box::pin: fib(10) = {}",
        fib(10).await
    );

    // Each boxed future is `Send + 'static`, exactly what `tokio::spawn` asks
    // for.
    let handles: Vec<_> =
        three_futures().into_iter().map(tokio::spawn).collect();
    let mut outputs = Vec::new();
    for handle in handles {
        outputs.push(handle.await.expect("a task panicked"));
    }
    println!("the same three boxed futures, spawned as tasks: {outputs:?}");
}
// ANCHOR_END: main
