//! # tokio92: two waits one after the other, and the same two at once with `join!`
//!
//! The primer before chapter 1, *Async Rust in 15 minutes*. `.await` waits for one future before
//! the next line runs, so two awaits in a row take the sum of their times. To wait for both at
//! once, hand both futures to [`tokio::join!`](https://docs.rs/tokio/latest/tokio/macro.join.html):
//! it polls them in turns on the same thread and returns when both are done. While a future waits
//! on [`tokio::time::sleep`](https://docs.rs/tokio/latest/tokio/time/fn.sleep.html) it gives the
//! thread back, so the other one can start: that hand-over is what "async" buys.
//!
//! ```text
//! cargo run --example tokio92
//! ```
//!
//! Prints exactly these lines, in this order, after about 0.6 s:
//!
//! ```text
//! one after the other:
//!   tea starts (100 ms)
//!   tea done
//!   toast starts (250 ms)
//!   toast done
//! with join!:
//!   tea starts (100 ms)
//!   toast starts (250 ms)
//!   tea done
//!   toast done
//! one after the other took the sum of the waits; join! took about the longer one
//! ```
//!
//! One after the other, the toast starts only when the tea is done: 350 ms. With `join!` both
//! start at once and the whole takes about 250 ms. The last line compares the two measured times
//! (the first at least 350 ms, the second less than the first).

use std::time::{Duration, Instant};

use tokio::time::sleep;

// ANCHOR: main
async fn make(what: &str, ms: u64) {
    println!("  {what} starts ({ms} ms)");
    sleep(Duration::from_millis(ms)).await;
    println!("  {what} done");
}

#[tokio::main]
async fn main() {
    println!("one after the other:");
    let start = Instant::now();
    make("tea", 100).await;
    make("toast", 250).await;
    let in_a_row = start.elapsed();

    println!("with join!:");
    let start = Instant::now();
    tokio::join!(make("tea", 100), make("toast", 250));
    let together = start.elapsed();
    // ANCHOR_END: main

    if in_a_row >= Duration::from_millis(350) && together < in_a_row {
        println!(
            "one after the other took the sum of the waits; join! took about \
            the longer one"
        );
    } else {
        println!(
            "unexpected times: one after the other {in_a_row:?}, join! \
            {together:?}"
        );
    }
}
