//! # tokio98: `select!` details: `?` in a branch, one type for every branch, borrows, `closed()`
//!
//! Chapter 10, *Tokio's toolbox*. Five details of
//! [`tokio::select!`](https://docs.rs/tokio/latest/tokio/macro.select.html), each checked against
//! `macros/select.rs`:
//!
//! 1. Errors. A pattern such as `Ok(n) = fut` that does not match the output *disables* that
//!    branch and `select!` waits on the others: the `Err` is dropped without a word. Bind the whole
//!    `Result` (`r = fut`) and use `?` in the handler to return it from the enclosing function; a
//!    `?` inside the branch's own `async` block returns from that block, and the handler gets the
//!    `Err` as a value.
//! 2. `select!` is an expression: its value is the value of the handler that ran, so every
//!    handler (and `else`) must have one type.
//! 3. Borrows: the branch futures are dropped before the handler runs (the futures live in a
//!    block of their own, "to separate polling from handling the output"), so a handler may use
//!    what a branch future borrowed mutably. Two branches may not borrow one variable mutably:
//!    their futures exist at the same time.
//! 4. `oneshot::Sender::closed()` completes when the receiver is dropped: a worker can `select!`
//!    on it to abandon work whose requester has given up.
//! 5. `select!` runs its branches concurrently in one task, not in parallel, and drops the losers;
//!    a spawned task goes on whatever happens to its `JoinHandle`.
//!
//! ```text
//! cargo run --example tokio98
//! ```
//!
//! Prints after about 0.2 s:
//!
//! ```text
//! pattern Ok(n): the Err disabled the branch, and the timer branch won
//! r => r?: the function returned the Err at once: "bad input"
//! ? inside the branch's async block: the handler got Err("bad input")
//! select! as an expression: every handler gives a &str, here "cache"
//! each branch borrows its own buffer mutably; the handler reads both: "left" and ""
//! oneshot::Sender::closed(): the requester gave up, the worker stopped after 3 of 10 steps
//! select! vs spawn: the losing branch stopped at 2 steps; the spawned task finished all 10
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::sleep;

/// An operation that fails at once.
async fn parse(input: &str) -> Result<u32, String> {
    tokio::task::yield_now().await;
    input.parse().map_err(|_| "bad input".to_string())
}

// ANCHOR: errors
/// `Ok(n) = ...`: an `Err` does not match, the branch is disabled, the timer
/// wins.
async fn pattern_drops_the_error() -> &'static str {
    tokio::select! {
        Ok(_n) = parse("x") => "parse",
        _ = sleep(Duration::from_millis(20)) => "timer",
    }
}

/// `r = ...` and `r?` in the handler: the error leaves the function at once.
async fn handler_returns_the_error() -> Result<&'static str, String> {
    tokio::select! {
        r = parse("x") => { let _n = r?; Ok("parse") }
        _ = sleep(Duration::from_secs(10)) => Ok("timer"),
    }
}

/// `?` inside the branch's own async block returns from that block: the handler
/// gets the `Err`.
async fn question_mark_in_the_future() -> Result<u32, String> {
    tokio::select! {
        r = async { let n = parse("x").await?; Ok::<_, String>(n * 2) } => r,
        _ = sleep(Duration::from_secs(10)) => Ok(0),
    }
}
// ANCHOR_END: errors

// ANCHOR: expression
/// Every handler has the type of the whole `select!`: here `&str`.
async fn first_source() -> &'static str {
    let cache = async { "hit" };
    let database = sleep(Duration::from_millis(10));
    tokio::select! {
        _ = cache => "cache",
        () = database => "database",
    }
}
// ANCHOR_END: expression

/// Writes `word` into `buf` after a short wait.
async fn fill(buf: &mut String, word: &str) {
    tokio::task::yield_now().await;
    buf.push_str(word);
}

// ANCHOR: borrows
/// Each branch future borrows its own buffer mutably. By the time a handler
/// runs, both futures are gone, so the handler can read both buffers; the loser
/// was dropped before it wrote.
async fn two_buffers() -> (String, String) {
    let (mut left, mut right) = (String::new(), String::new());
    tokio::select! {
        biased;
        () = fill(&mut left, "left") => (left, right),
        () = fill(&mut right, "right") => (left, right),
    }
}
// ANCHOR_END: borrows

// ANCHOR: closed
/// A worker that does 10 steps of 20 ms, unless its requester stops waiting for
/// the answer.
async fn worker(mut answer: oneshot::Sender<u32>, steps: Arc<AtomicUsize>) {
    let work = async {
        for _ in 0..10 {
            sleep(Duration::from_millis(20)).await;
            steps.fetch_add(1, Ordering::SeqCst);
        }
        42
    };
    tokio::select! {
        // Completes when the Receiver is dropped: nobody will read the answer.
        () = answer.closed() => {}
        value = work => { let _ = answer.send(value); }
    }
}
// ANCHOR_END: closed

/// Counts `steps` of 20 ms each, up to 10.
async fn count_steps(steps: Arc<AtomicUsize>) {
    for _ in 0..10 {
        sleep(Duration::from_millis(20)).await;
        steps.fetch_add(1, Ordering::SeqCst);
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    if pattern_drops_the_error().await == "timer" {
        println!(
            "pattern Ok(n): the Err disabled the branch, and the timer branch \
            won"
        );
    }
    if let Err(e) = handler_returns_the_error().await {
        println!("r => r?: the function returned the Err at once: {e:?}");
    }
    println!(
        "? inside the branch's async block: the handler got {:?}",
        question_mark_in_the_future().await
    );
    println!(
        "select! as an expression: every handler gives a &str, here {:?}",
        first_source().await
    );
    let (left, right) = two_buffers().await;
    println!(
        "each branch borrows its own buffer mutably; the handler reads both: \
        {left:?} and {right:?}"
    );

    // The requester waits 70 ms for an answer that takes 200 ms, then drops its
    // Receiver.
    let steps = Arc::new(AtomicUsize::new(0));
    let (tx, rx) = oneshot::channel();
    let handle = tokio::spawn(worker(tx, Arc::clone(&steps)));
    let _ = tokio::time::timeout(Duration::from_millis(70), rx).await;
    handle.await.expect("the worker does not panic");
    println!(
        "oneshot::Sender::closed(): the requester gave up, the worker stopped \
        after {} of 10 steps",
        steps.load(Ordering::SeqCst)
    );

    // ANCHOR: versus_spawn
    let in_select = Arc::new(AtomicUsize::new(0));
    let spawned = Arc::new(AtomicUsize::new(0));
    let handle = tokio::spawn(count_steps(Arc::clone(&spawned)));
    tokio::select! {
        () = count_steps(Arc::clone(&in_select)) => {}
        () = sleep(Duration::from_millis(50)) => {}
    }
    drop(handle); // detaches the task: it runs on
    // Wait for the detached task by its counter (the handle is gone), at most
    // two seconds: on a busy machine its ten sleeps take longer than 200 ms.
    for _ in 0..200 {
        if spawned.load(Ordering::SeqCst) == 10 {
            break;
        }
        sleep(Duration::from_millis(10)).await;
    }
    // ANCHOR_END: versus_spawn
    println!(
        "select! vs spawn: the losing branch stopped at {} steps; the spawned \
        task finished all {}",
        in_select.load(Ordering::SeqCst),
        spawned.load(Ordering::SeqCst)
    );
}
