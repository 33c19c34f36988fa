//! # tokio39: an `async fn` and the state machine it becomes, side by side
//!
//! Chapter 7, *the state machine an `async fn` becomes*. The compiler turns an `async fn` into a
//! type that implements `Future`: an enum with one variant per place the function can be paused
//! (its start, each `.await`, its end), each holding the locals still needed from there on.
//! `add_and_scale` is an `async fn` with three `.await`s; `AddAndScale` is the same function
//! written by hand as such an enum. Both run on the same inputs, with every poll of every input
//! recorded, and the two traces are printed and compared.
//!
//! ```text
//! cargo run --example tokio39
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! async fn: a:Pending a:Ready(2) b:Ready(3) c:Pending c:Pending c:Ready(4) => 50 after 4 polls
//! by hand:  a:Pending a:Ready(2) b:Ready(3) c:Pending c:Pending c:Ready(4) => 50 after 4 polls
//! same trace, same output, same number of polls: true
//! ```

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// A shared record of every poll of every input.
type Trace = Arc<Mutex<Vec<String>>>;

/// An input: `Pending` (waking itself) `pendings` times, then `Ready(value)`; logs each poll.
struct Input {
    name: &'static str,
    pendings: u32,
    value: u32,
    trace: Trace,
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

// ANCHOR: async_fn
async fn add_and_scale(a: Input, b: Input, c: Input) -> u32 {
    let x = a.await;
    let sum = x + b.await;
    let scale = c.await;
    sum * (scale + 6)
}
// ANCHOR_END: async_fn

// ANCHOR: by_hand
/// `add_and_scale`, by hand. Each variant is a point where the function can be
/// paused, holding exactly the locals it still needs: the inputs not yet
/// awaited, and the results so far.
enum AddAndScale {
    /// Created, not polled yet: nothing has run.
    Start { a: Input, b: Input, c: Input },
    /// Paused at `a.await`.
    AwaitA { a: Input, b: Input, c: Input },
    /// Paused at `b.await`; `x` is kept because it is used after it.
    AwaitB { x: u32, b: Input, c: Input },
    /// Paused at `c.await`; `a`, `b` and `x` are gone, `sum` is kept.
    AwaitC { sum: u32, c: Input },
    /// Returned; polling again is a bug.
    Done,
}

impl Future for AddAndScale {
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        // `Input` is `Unpin`, so the whole enum is, and it can be matched
        // through `&mut`. Each arm either returns `Pending` (staying in its
        // state) or moves to the next state and goes round the loop, just as
        // the code after an `.await` runs in the same poll when the awaited
        // future is ready at once.
        loop {
            let this = &mut *self;
            match std::mem::replace(this, AddAndScale::Done) {
                AddAndScale::Start { a, b, c } => {
                    *this = AddAndScale::AwaitA { a, b, c }
                }
                AddAndScale::AwaitA { mut a, b, c } => match Pin::new(&mut a)
                    .poll(cx)
                {
                    Poll::Ready(x) => *this = AddAndScale::AwaitB { x, b, c },
                    Poll::Pending => {
                        *this = AddAndScale::AwaitA { a, b, c };
                        return Poll::Pending;
                    }
                },
                AddAndScale::AwaitB { x, mut b, c } => {
                    match Pin::new(&mut b).poll(cx) {
                        Poll::Ready(y) => {
                            *this = AddAndScale::AwaitC { sum: x + y, c }
                        }
                        Poll::Pending => {
                            *this = AddAndScale::AwaitB { x, b, c };
                            return Poll::Pending;
                        }
                    }
                }
                AddAndScale::AwaitC { sum, mut c } => {
                    match Pin::new(&mut c).poll(cx) {
                        Poll::Ready(scale) => {
                            return Poll::Ready(sum * (scale + 6));
                        }
                        Poll::Pending => {
                            *this = AddAndScale::AwaitC { sum, c };
                            return Poll::Pending;
                        }
                    }
                }
                AddAndScale::Done => {
                    panic!("AddAndScale polled after it returned")
                }
            }
        }
    }
}
// ANCHOR_END: by_hand

/// Runs `fut` to the end by hand with a do-nothing waker (every input wakes itself, so polling
/// again at once is what an executor would do) and returns its output and poll count.
fn drive<F: Future<Output = u32>>(fut: F) -> (u32, usize) {
    let mut fut = std::pin::pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0;
    loop {
        polls += 1;
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return (v, polls);
        }
    }
}

fn inputs(trace: &Trace) -> (Input, Input, Input) {
    let input = |name, pendings, value| Input {
        name,
        pendings,
        value,
        trace: Arc::clone(trace),
    };
    (input("a", 1, 2), input("b", 0, 3), input("c", 2, 4))
}

// ANCHOR: main
fn main() {
    let trace_async: Trace = Trace::default();
    let (a, b, c) = inputs(&trace_async);
    let (out_async, polls_async) = drive(add_and_scale(a, b, c));

    let trace_hand: Trace = Trace::default();
    let (a, b, c) = inputs(&trace_hand);
    let (out_hand, polls_hand) = drive(AddAndScale::Start { a, b, c });

    let (ta, th) = (trace_async.lock().unwrap(), trace_hand.lock().unwrap());
    println!(
        "async fn: {} => {out_async} after {polls_async} polls",
        ta.join(" ")
    );
    println!(
        "by hand:  {} => {out_hand} after {polls_hand} polls",
        th.join(" ")
    );
    let same = *ta == *th && out_async == out_hand && polls_async == polls_hand;
    println!("same trace, same output, same number of polls: {same}");
}
// ANCHOR_END: main
