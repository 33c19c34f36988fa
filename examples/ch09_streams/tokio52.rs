//! # tokio52: `buffered` and `buffer_unordered`: order and time, measured
//!
//! Chapter 9, *Streams and async I/O*. A stream of futures can be run several at a time:
//! [`buffered(n)`](https://docs.rs/futures/latest/futures/stream/trait.StreamExt.html#method.buffered)
//! and `buffer_unordered(n)` keep up to `n` of them running, inside the one task that polls the
//! stream. `buffered` hands the outputs out in input order; `buffer_unordered` as they finish.
//! Six jobs of 300, 100, 100, 100, 300 and 100 ms, three at a time, run with each, and one at a
//! time with `then`.
//!
//! ```text
//! cargo run --example tokio52
//! ```
//!
//! Prints three lines; the times are one run's (on a machine loaded by other builds) and vary with
//! the load; the first two orders are the same on every run, and in the third jobs 1 and 6, which
//! finish at the same moment, may swap:
//!
//! ```text
//! then (one at a time):  order [1, 2, 3, 4, 5, 6] in 1078 ms
//! buffered(3):           order [1, 2, 3, 4, 5, 6] in 608 ms
//! buffer_unordered(3):   order [2, 3, 4, 1, 6, 5] in 401 ms
//! ```
//!
//! One at a time costs the sum, 1,000 ms. `buffered(3)` keeps the input order and pays for it:
//! jobs 2 and 3 finish at 100 ms, but their outputs wait behind job 1 (300 ms) and keep their
//! slots, so jobs 4 to 6 start only at 300 ms and job 5 ends at 600 ms. `buffer_unordered(3)`
//! frees a slot the moment a job finishes: 4 and 5 start at 100 ms, 6 at 200 ms, and the last job
//! ends at 400 ms.

// ANCHOR: main
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};

/// Job number and how long it takes, in ms.
const JOBS: [(u32, u64); 6] =
    [(1, 300), (2, 100), (3, 100), (4, 100), (5, 300), (6, 100)];

async fn job((n, ms): (u32, u64)) -> u32 {
    tokio::time::sleep(Duration::from_millis(ms)).await;
    n
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let start = Instant::now();
    let order: Vec<u32> = stream::iter(JOBS).then(job).collect().await;
    println!(
        "then (one at a time):  order {order:?} in {} ms",
        start.elapsed().as_millis()
    );

    let start = Instant::now();
    let order: Vec<u32> =
        stream::iter(JOBS).map(job).buffered(3).collect().await;
    println!(
        "buffered(3):           order {order:?} in {} ms",
        start.elapsed().as_millis()
    );

    let start = Instant::now();
    let order: Vec<u32> = stream::iter(JOBS)
        .map(job)
        .buffer_unordered(3)
        .collect()
        .await;
    println!(
        "buffer_unordered(3):   order {order:?} in {} ms",
        start.elapsed().as_millis()
    );
}
// ANCHOR_END: main
