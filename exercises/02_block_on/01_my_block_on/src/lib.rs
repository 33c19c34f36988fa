//! # Write your own `block_on`
//!
//! `block_on` runs a future to completion on the calling thread, the way
//! `futures::executor::block_on` does: poll it; if it is `Pending`, put the thread to sleep until
//! the future's waker is called; poll again. No busy loop, no `unsafe`.
//!
//! APIs that help: [`std::task::Wake`](https://doc.rust-lang.org/std/task/trait.Wake.html),
//! [`thread::park`](https://doc.rust-lang.org/std/thread/fn.park.html),
//! [`Thread::unpark`](https://doc.rust-lang.org/std/thread/struct.Thread.html#method.unpark) and
//! [`std::pin::pin!`](https://doc.rust-lang.org/std/pin/macro.pin.html).
//!
//! The tests live in `tests/my_block_on.rs`. Do not edit them: make them pass by changing this
//! file. Run them with `cargo lab check my_block_on`.

use std::future::Future;

/// Polls `fut` on the calling thread until it is ready and returns its output. Between polls the
/// thread sleeps until the future's waker is called, from any thread.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    // TODO: 1. Write a waker: a struct holding the calling thread's handle
    //          (`std::thread::current()`), with `impl std::task::Wake` whose `wake` calls
    //          `Thread::unpark`. `Waker::from(Arc::new(...))` turns it into a `std::task::Waker`.
    //       2. Pin the future on the stack with `std::pin::pin!` and build a
    //          `std::task::Context::from_waker(&waker)`.
    //       3. Loop: `fut.as_mut().poll(&mut cx)`; on `Poll::Ready(v)` return `v`; on
    //          `Poll::Pending` call `std::thread::park()` before polling again.
    //       `park` can return without a wake-up ("spuriously"); a flag in the waker that `wake`
    //       sets and the loop clears keeps such returns from turning into extra polls.
    // The next line only keeps the compiler quiet about an unused argument; replace it.
    drop(fut);
    todo!()
}
