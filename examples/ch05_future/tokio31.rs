//! # tokio31: polling a future after it returned `Ready`
//!
//! Chapter 5, *the `Future` trait, `poll` and wakers*. Once `poll` has returned `Ready`, the
//! future is done, and the `Future` docs leave any further call to `poll` unspecified: it may
//! panic, block or do anything else that is not undefined behaviour. An `async` block panics.
//! `futures::FutureExt::fuse` wraps a future so that a finished one returns `Pending` forever
//! instead, and says so through `FusedFuture::is_terminated`: that is what a loop that polls the
//! same future many times (the `futures::select!` macro, for one) needs.
//!
//! ```text
//! cargo run --example tokio31
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! async block, poll 1: Ready(7)
//! async block, poll 2: panicked: `async fn` resumed after completion
//! fused, poll 1: Ready(7), is_terminated: true
//! fused, poll 2: Pending, is_terminated: true
//! ```

use std::panic::{self, AssertUnwindSafe};
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use futures::FutureExt;
use futures::future::FusedFuture;

fn show(poll: Poll<u32>) -> String {
    match poll {
        Poll::Ready(v) => format!("Ready({v})"),
        Poll::Pending => "Pending".to_string(),
    }
}

// ANCHOR: main
fn main() {
    // A waker that does nothing: these futures never return `Pending` for a
    // reason.
    let mut cx = Context::from_waker(Waker::noop());

    let mut fut = pin!(async { 7 });
    println!("async block, poll 1: {}", show(fut.as_mut().poll(&mut cx)));
    // Silence the default panic message; the caught panic is printed below.
    panic::set_hook(Box::new(|_| {}));
    let again =
        panic::catch_unwind(AssertUnwindSafe(|| fut.as_mut().poll(&mut cx)));
    let _ = panic::take_hook();
    let message = again
        .err()
        .and_then(|payload| {
            payload.downcast_ref::<&str>().map(|s| s.to_string())
        })
        .unwrap_or_else(|| "no panic".to_string());
    println!("async block, poll 2: panicked: {message}");

    let mut fused = pin!(async { 7 }.fuse());
    for n in 1..=2 {
        let poll = show(fused.as_mut().poll(&mut cx));
        println!(
            "fused, poll {n}: {poll}, is_terminated: {}",
            fused.is_terminated()
        );
    }
}
// ANCHOR_END: main
