//! # tokio94: the `Future` trait, and a future written in ten lines, polled by hand
//!
//! Chapter 5, *The `Future` trait, `poll` and wakers*. A future is any type that implements
//! [`Future`](https://doc.rust-lang.org/std/future/trait.Future.html): one associated type, the
//! `Output`, and one method, `poll`, which returns `Poll::Ready(output)` or `Poll::Pending`.
//! `SecondTime` answers `Pending` on its first poll and `Ready` on its second. `main` has no
//! runtime: it pins the future and calls `poll` itself, twice, with
//! [`Waker::noop`](https://doc.rust-lang.org/std/task/struct.Waker.html#method.noop), a waker
//! that does nothing when woken.
//!
//! ```text
//! cargo run --example tokio94
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! poll 1: Pending
//! poll 2: Ready("ready on the second poll")
//! ```
//!
//! Here `main` polls again of its own accord. An executor would not: it polls a `Pending` future
//! again only once its waker is called, and `SecondTime` never calls it, so under `.await` it
//! would hang. `tokio28` runs exactly that hang.

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};

// ANCHOR: future
/// `Pending` on the first poll, `Ready` on the second.
struct SecondTime {
    polled: bool,
}

impl Future for SecondTime {
    type Output = &'static str;

    fn poll(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<&'static str> {
        if self.polled {
            Poll::Ready("ready on the second poll")
        } else {
            self.polled = true;
            Poll::Pending
        }
    }
}
// ANCHOR_END: future

fn main() {
    // ANCHOR: main
    let mut future = pin!(SecondTime { polled: false });
    let mut cx = Context::from_waker(Waker::noop());
    println!("poll 1: {:?}", future.as_mut().poll(&mut cx));
    println!("poll 2: {:?}", future.as_mut().poll(&mut cx));
    // ANCHOR_END: main
}
