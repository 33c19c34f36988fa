//! # Desugar an `async fn` into a state machine
//!
//! `weighted_sum` below is an `async fn` with three `.await`s. The compiler turns it into an
//! enum of states, one per place the function can be paused, and a `Future` impl that moves
//! from state to state. `WeightedSum` is that enum, written out; your task is its `poll`.
//!
//! The tests run `weighted_sum` and `WeightedSum` on the same inputs and compare the result, the
//! number of polls and the trace of every input's polls, so the hand-written version must poll
//! exactly what the `async fn` polls, in the same order. They also check the state after each
//! poll. One rule of `.await` decides most of it: when an awaited future is ready, the code after
//! the `.await` runs in the *same* poll, up to the next `.await` that returns `Pending`.
//!
//! APIs that help: [`std::mem::replace`](https://doc.rust-lang.org/std/mem/fn.replace.html) (take
//! the current state out of `&mut self`, leaving `Done` behind) and
//! [`Pin::new`](https://doc.rust-lang.org/std/pin/struct.Pin.html#method.new) (every state's data is
//! `Unpin`, so `Pin::new(&mut a).poll(cx)` polls an input).
//!
//! The tests live in `tests/desugar.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check desugar`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

/// A shared record of every poll of every [`Input`], in order.
pub type Trace = Arc<Mutex<Vec<String>>>;

/// An input value: `Pending` `pendings` times (waking itself each time), then `Ready(value)`.
/// Each poll is recorded in the trace as `"<name>:Pending"` or `"<name>:Ready(<value>)"`.
#[derive(Debug)]
pub struct Input {
    name: &'static str,
    pendings: u32,
    value: u32,
    trace: Trace,
}

impl Input {
    /// An input called `name`, ready with `value` on its `pendings + 1`-th poll.
    pub fn new(name: &'static str, pendings: u32, value: u32, trace: &Trace) -> Input {
        Input {
            name,
            pendings,
            value,
            trace: Arc::clone(trace),
        }
    }
}

impl Future for Input {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.pendings == 0 {
            let entry = format!("{}:Ready({})", self.name, self.value);
            self.trace.lock().unwrap().push(entry);
            return Poll::Ready(self.value);
        }
        self.pendings -= 1;
        let entry = format!("{}:Pending", self.name);
        self.trace.lock().unwrap().push(entry);
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// The `async fn` to write by hand. Do not change it: the tests compare your state machine with
/// it, poll by poll.
pub async fn weighted_sum(a: Input, b: Input, c: Input) -> u32 {
    let x = a.await;
    let weight = x * 10;
    let y = b.await;
    let z = c.await;
    weight + y + z
}

/// `weighted_sum`, as the enum of states the compiler makes of it. Each variant is a point where
/// the function can be paused and holds exactly the locals needed from there on.
#[derive(Debug)]
pub enum WeightedSum {
    /// Created, not polled yet: none of the body has run.
    Start { a: Input, b: Input, c: Input },
    /// Paused at `a.await`.
    AwaitA { a: Input, b: Input, c: Input },
    /// Paused at `b.await`. `a` is finished and gone; `x` is used only to compute `weight`, so
    /// only `weight` is kept.
    AwaitB { weight: u32, b: Input, c: Input },
    /// Paused at `c.await`.
    AwaitC { weight: u32, y: u32, c: Input },
    /// Returned. Polling again is a bug, and panics.
    Done,
}

/// Builds the state machine in its start state, as calling `weighted_sum(a, b, c)` does.
pub fn weighted_sum_by_hand(a: Input, b: Input, c: Input) -> WeightedSum {
    WeightedSum::Start { a, b, c }
}

impl Future for WeightedSum {
    type Output = u32;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        // TODO: do in each call exactly what one poll of `weighted_sum` does, starting from the
        //       state the last call left (the rule in this file's header decides how far one
        //       call goes). `Start` moves to `AwaitA` without polling anything (the body starts);
        //       `AwaitC` ends with `Ready(weight + y + z)` and leaves `Done` behind; polling `Done`
        //       panics. Whatever you return, `self` must hold the state the next call starts from.
        let _ = (self, cx);
        todo!()
    }
}
