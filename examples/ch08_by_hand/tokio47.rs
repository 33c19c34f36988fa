//! # tokio47: `join_all` by hand: any number of futures, outputs in input order
//!
//! Chapter 8, *Futures by hand*. `JoinAll` is `Join` for a `Vec`: every future that has not
//! finished is polled on every poll, each output is stored in the slot of its future, and the
//! whole completes when every slot is full. The futures here finish in a different order from the
//! one they were given in; the result keeps the given order.
//!
//! ```text
//! cargo run --example tokio47
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! finished: job 2 (100 ms)
//! finished: job 3 (200 ms)
//! finished: job 1 (300 ms)
//! results in input order: [10, 20, 30]
//! JoinAll polled 4 times for 3 jobs
//! ```
//!
//! Four polls: one to start, one per wake-up. Each of those polls goes over every unfinished
//! future, which is fine for a handful. Above 30 futures, or when their number is not known in
//! advance, `futures::future::join_all` switches to `FuturesOrdered`, which polls only the futures
//! whose wakers fired (see `tokio48`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

// ANCHOR: join_all
/// Futures of one output type, boxed so they can sit in one `Vec` whatever
/// their concrete types.
type BoxFuture<T> = Pin<Box<dyn Future<Output = T>>>;

struct JoinAll<T> {
    /// The future of each slot while it runs; `None` once it has finished.
    futures: Vec<Option<BoxFuture<T>>>,
    outputs: Vec<Option<T>>,
    polls: usize,
}

fn join_all<T>(futures: Vec<BoxFuture<T>>) -> JoinAll<T> {
    let outputs = futures.iter().map(|_| None).collect();
    JoinAll {
        futures: futures.into_iter().map(Some).collect(),
        outputs,
        polls: 0,
    }
}

impl<T: Unpin> Future for JoinAll<T> {
    type Output = (Vec<T>, usize);

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Self::Output> {
        // A `BoxFuture` is `Unpin` (the box is what is pinned), so with `T:
        // Unpin` all of `JoinAll` is, and can be used through a plain `&mut`.
        let this = &mut *self;
        this.polls += 1;
        for (slot, output) in this.futures.iter_mut().zip(&mut this.outputs) {
            if let Some(fut) = slot
                && let Poll::Ready(out) = fut.as_mut().poll(cx)
            {
                *output = Some(out);
                *slot = None; // Finished: dropped, never polled again.
            }
        }
        if this.futures.iter().all(Option::is_none) {
            let outputs =
                this.outputs.iter_mut().map(|o| o.take().unwrap()).collect();
            Poll::Ready((outputs, this.polls))
        } else {
            Poll::Pending
        }
    }
}
// ANCHOR_END: join_all

// ANCHOR: main
async fn job(n: u32, ms: u64) -> u32 {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    println!("finished: job {n} ({ms} ms)");
    n * 10
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let jobs: Vec<BoxFuture<u32>> = vec![
        Box::pin(job(1, 300)),
        Box::pin(job(2, 100)),
        Box::pin(job(3, 200)),
    ];
    let (results, polls) = join_all(jobs).await;
    println!("results in input order: {results:?}");
    println!("JoinAll polled {polls} times for {} jobs", results.len());
}
// ANCHOR_END: main
