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
    // TODO: poll `fut` until it is ready, and between polls let the thread sleep until the
    // future's waker is called (from any thread). The pieces: `std::task::Wake` and
    // `Waker::from` to make a waker of your own, `std::pin::pin!`, `Context::from_waker`,
    // `Future::poll`, and `std::thread::park` / `Thread::unpark`. Mind a wake-up that arrives
    // before the thread goes to sleep, and `park` returning without any.
    // The next line only keeps the compiler quiet about an unused argument; replace it.
    drop(fut);
    todo!()
}
