//! # tokio15: "Cannot start a runtime from within a runtime"
//!
//! Chapter 2, *`block_on`*. A thread that is inside a runtime's `block_on`, or is one of its worker
//! threads, is busy driving asynchronous tasks. If code running there calls `block_on` again, that
//! thread would stop driving them while it waits, so Tokio refuses with a panic rather than risk a
//! deadlock. This example triggers the panic on purpose on both runtime flavours, catches it with
//! [`std::panic::catch_unwind`](https://doc.rust-lang.org/std/panic/fn.catch_unwind.html), prints
//! its message, and then does what the message advises.
//!
//! ```text
//! cargo run --example tokio15
//! ```
//!
//! Prints exactly these lines (the long ones are single lines):
//!
//! ```text
//! current_thread: caught: Cannot start a runtime from within a runtime. This happens because a function (like `block_on`) attempted to block the current thread while the thread is being used to drive asynchronous tasks. If you are in an async function, use `.await` on the future instead of blocking on it.
//! current_thread: with .await instead: 42
//! multi_thread: caught: Cannot start a runtime from within a runtime. This happens because a function (like `block_on`) attempted to block the current thread while the thread is being used to drive asynchronous tasks. If you are in an async function, use `.await` on the future instead of blocking on it.
//! multi_thread: with .await instead: 42
//! ```
//!
//! The text is Tokio's own, from `enter_runtime` in `src/runtime/context/runtime.rs`: every
//! `block_on` (on a `Runtime` or a `Handle`) first marks the thread as inside a runtime, and
//! finds it already marked. The panic is raised before anything is changed, so catching it
//! leaves the runtime in working order, as the second line of each pair shows.

use std::panic::{self, AssertUnwindSafe};

use tokio::runtime::{Builder, Handle, Runtime};

/// Some async work, standing in for a library's `async fn`.
async fn answer() -> u32 {
    tokio::task::yield_now().await;
    42
}

// ANCHOR: nested
fn nested_block_on(label: &str, rt: &Runtime) {
    rt.block_on(async {
        // This is what a synchronous function called from async code often
        // does: grab the current runtime and block on a future. The thread is
        // already driving `rt`, so Tokio panics.
        let caught = panic::catch_unwind(AssertUnwindSafe(|| {
            Handle::current().block_on(answer())
        }));

        let payload = caught.expect_err("a nested block_on always panics");
        let message = payload
            .downcast_ref::<&str>()
            .copied()
            .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
            .unwrap_or("<a panic without a message>");
        println!("{label}: caught: {message}");

        // The advice in the message: inside async code, await the future.
        println!("{label}: with .await instead: {}", answer().await);
    });
}
// ANCHOR_END: nested

fn main() {
    // Silence Rust's default panic report for the two expected panics; each message is printed
    // by `nested_block_on` instead, so standard error stays empty.
    panic::set_hook(Box::new(|_| {}));

    let current = Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build the current_thread runtime");
    nested_block_on("current_thread", &current);

    let multi = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("failed to build the multi_thread runtime");
    nested_block_on("multi_thread", &multi);

    // From here on, any panic would be a real bug: report it the usual way.
    let _ = panic::take_hook();
}
