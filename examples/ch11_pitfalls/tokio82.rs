//! # tokio82: `block_on` inside a runtime
//!
//! Chapter 11, *Common pitfalls*. Synchronous code, called from an async task, needs the result of
//! a future and blocks on it. Two ways to do that go wrong:
//!
//! - [`Handle::block_on`](https://docs.rs/tokio/latest/tokio/runtime/struct.Handle.html#method.block_on)
//!   from a runtime thread panics, "Cannot start a runtime from within a runtime"
//!   (`runtime/context/runtime.rs`). The panic ends the task; the program sees it as a `JoinError`.
//! - [`futures::executor::block_on`](https://docs.rs/futures/latest/futures/executor/fn.block_on.html)
//!   does not check, and blocks the thread. On a current_thread runtime that thread is the only
//!   one that could fire the timer the future waits for, so it waits forever. The program runs it
//!   on a thread of its own and reports a hang after 1 s of silence (that thread is left behind).
//!
//! The fixes: in async code, `.await` the future; in synchronous code that must block, run it on
//! the blocking pool with [`spawn_blocking`](https://docs.rs/tokio/latest/tokio/task/fn.spawn_blocking.html),
//! where `Handle::block_on` is allowed, because that thread drives no tasks.
//!
//! ```text
//! cargo run --example tokio82
//! ```
//!
//! Prints after about 1 s:
//!
//! ```text
//! Handle::block_on in a task: panicked: Cannot start a runtime from within a runtime
//! futures::executor::block_on in a task: hung (no answer after 1 s)
//! .await: got 42
//! Handle::block_on in spawn_blocking: got 42
//! ```

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use tokio::runtime::Handle;

/// The value the synchronous code needs: ready after a 10 ms timer.
async fn answer() -> u32 {
    tokio::time::sleep(Duration::from_millis(10)).await;
    42
}

// ANCHOR: bug
/// The pitfall, twice: synchronous code that blocks a runtime thread on a
/// future.
fn sync_code_with_handle() -> u32 {
    Handle::current().block_on(answer())
}

fn sync_code_with_futures() -> u32 {
    futures::executor::block_on(answer())
}
// ANCHOR_END: bug

/// Runs `body` on a current_thread runtime of its own thread, and returns its result, or `None`
/// if nothing came back within 1 s.
fn on_own_runtime<T: Send + 'static>(
    body: impl AsyncFnOnce() -> T + Send + 'static,
) -> Option<T> {
    let (done, result) = mpsc::channel();
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let _ = done.send(runtime.block_on(body()));
    });
    result.recv_timeout(Duration::from_secs(1)).ok()
}

// ANCHOR: main
fn main() {
    // The first case panics on purpose; the program reports it instead of the default hook.
    std::panic::set_hook(Box::new(|_| {}));

    let got = on_own_runtime(async || {
        tokio::spawn(async { sync_code_with_handle() }).await
    });
    match got {
        Some(Err(error)) if error.is_panic() => {
            let payload = error.into_panic();
            let message = payload
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| payload.downcast_ref::<&str>().copied())
                .unwrap_or("");
            let first = message.split('.').next().unwrap_or("");
            println!("Handle::block_on in a task: panicked: {first}");
        }
        other => println!("Handle::block_on in a task: {other:?}"),
    }

    let got = on_own_runtime(async || {
        tokio::spawn(async { sync_code_with_futures() }).await
    });
    match got {
        None => println!(
            "futures::executor::block_on in a task: hung (no answer after 1 s)"
        ),
        Some(result) => {
            println!("futures::executor::block_on in a task: {result:?}")
        }
    }
    // ANCHOR_END: main
    // ANCHOR: fix
    // The fixes: `.await` in async code; `spawn_blocking` for synchronous code
    // that must block.
    let got = on_own_runtime(async || answer().await);
    println!(".await: got {}", got.expect("answers in 10 ms"));

    let got = on_own_runtime(async || {
        let handle = Handle::current();
        tokio::task::spawn_blocking(move || handle.block_on(answer()))
            .await
            .expect("no panic")
    });
    println!(
        "Handle::block_on in spawn_blocking: got {}",
        got.expect("answers in 10 ms")
    );
}
// ANCHOR_END: fix
