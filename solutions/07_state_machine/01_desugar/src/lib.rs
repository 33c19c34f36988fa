//! # Desugar an `async fn` into a state machine
//!
//! `WeightedSum` is `weighted_sum` written out as the enum of states the compiler makes of it,
//! with the `Future` impl that moves from state to state.

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

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        loop {
            let this = &mut *self;
            // Take the state out (leaving `Done`), decide, and put the next state back.
            *this = match std::mem::replace(this, WeightedSum::Done) {
                WeightedSum::Start { a, b, c } => WeightedSum::AwaitA { a, b, c },
                WeightedSum::AwaitA { mut a, b, c } => match Pin::new(&mut a).poll(cx) {
                    Poll::Ready(x) => WeightedSum::AwaitB {
                        weight: x * 10,
                        b,
                        c,
                    },
                    Poll::Pending => {
                        *this = WeightedSum::AwaitA { a, b, c };
                        return Poll::Pending;
                    }
                },
                WeightedSum::AwaitB { weight, mut b, c } => match Pin::new(&mut b).poll(cx) {
                    Poll::Ready(y) => WeightedSum::AwaitC { weight, y, c },
                    Poll::Pending => {
                        *this = WeightedSum::AwaitB { weight, b, c };
                        return Poll::Pending;
                    }
                },
                WeightedSum::AwaitC { weight, y, mut c } => match Pin::new(&mut c).poll(cx) {
                    Poll::Ready(z) => return Poll::Ready(weight + y + z),
                    Poll::Pending => {
                        *this = WeightedSum::AwaitC { weight, y, c };
                        return Poll::Pending;
                    }
                },
                WeightedSum::Done => panic!("WeightedSum polled after it returned"),
            };
        }
    }
}
