//! # tokio96: async closures and `AsyncFn`, `AsyncFnMut`, `AsyncFnOnce`
//!
//! Chapter 8, *Futures by hand*. A closure that returns an async block, `|| async { ... }`, is
//! two things: a closure, and a future it returns. The future cannot borrow from the closure
//! (`FnMut() -> Fut` names one type `Fut` for every call, with no lifetime tied to the call), so a
//! future that uses a captured `&mut` or the closure's own argument does not compile
//! (`compile_fail/closure_returns_async_block.rs` shows both errors). An async closure,
//! `async || { ... }` (stable since Rust 1.85), is one thing: calling it gives a future that may
//! borrow the closure's captures and its arguments for as long as that call runs. The bounds that
//! take one are `AsyncFn` (called through `&`), `AsyncFnMut` (through `&mut`, may change its
//! captures) and `AsyncFnOnce` (by value, may give its captures away), the async twins of `Fn`,
//! `FnMut` and `FnOnce`.
//!
//! ```text
//! cargo run --example tokio96
//! ```
//!
//! Prints at once:
//!
//! ```text
//! AsyncFnMut: three calls pushed to the caller's log: ["call 1", "call 2", "call 3"]
//! AsyncFn with a borrowed argument: 2 + 3 + 1 = 6 words
//! AsyncFnOnce: the closure gave its captured String away: "report of 6 words"
//! ```

use tokio::task::yield_now;

// ANCHOR: bounds
/// Calls `f` three times. `AsyncFnMut`: each call may change what `f` captured,
/// and its future may hold that `&mut` borrow across an `.await`.
async fn three_times(mut f: impl AsyncFnMut(u32)) {
    for n in 1..=3 {
        f(n).await;
    }
}

/// Counts the words of each line with `count`, one line at a time.
/// `AsyncFn(&str)`: the future of each call borrows the line it was given; no
/// `'static`, no clone of the line.
async fn total_words(
    lines: &[String],
    count: impl AsyncFn(&str) -> usize,
) -> usize {
    let mut total = 0;
    for line in lines {
        total += count(line).await;
    }
    total
}

/// Calls `send` once. `AsyncFnOnce`: the call may move the closure's captures
/// out.
async fn once(send: impl AsyncFnOnce() -> String) -> String {
    send().await
}
// ANCHOR_END: bounds

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // ANCHOR: calls
    let mut log: Vec<String> = Vec::new();
    three_times(async |n| {
        yield_now().await; // the `&mut log` borrow is held across this await
        log.push(format!("call {n}"));
    })
    .await;
    // The closure is gone, and with it its borrow: the log is the caller's
    // again.
    println!("AsyncFnMut: three calls pushed to the caller's log: {log:?}");

    let lines = vec![
        "hello async".to_string(),
        "closures in Rust".to_string(),
        "ok".into(),
    ];
    let total = total_words(&lines, async |line| {
        yield_now().await;
        line.split_whitespace().count()
    })
    .await;
    println!("AsyncFn with a borrowed argument: 2 + 3 + 1 = {total} words");

    let report = format!("report of {total} words");
    let sent = once(async move || {
        yield_now().await;
        report // moved out of the closure: only an AsyncFnOnce may do that
    })
    .await;
    println!(
        "AsyncFnOnce: the closure gave its captured String away: {sent:?}"
    );
    // ANCHOR_END: calls
}
