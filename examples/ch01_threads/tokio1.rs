//! # tokio1: the smallest Tokio program
//!
//! Chapter 1, *Threads and the runtime*. `#[tokio::main]` turns an `async fn main` into an ordinary
//! `fn main` that builds a multi_thread runtime and hands the body to
//! [`Runtime::block_on`](https://docs.rs/tokio/latest/tokio/runtime/struct.Runtime.html#method.block_on).
//! Nothing here awaits anything; the point is that the program still runs inside a runtime, which is
//! what every later `.await` needs.
//!
//! ```text
//! cargo run --example tokio1
//! ```
//!
//! Prints exactly one line:
//!
//! ```text
//! 10 + 20 = 30
//! ```
//!
//! `tokio13` writes out by hand what the attribute expands to.

// ANCHOR: main
#[tokio::main]
async fn main() {
    let a = 10;
    let b = 20;
    println!("{a} + {b} = {}", a + b);
}
// ANCHOR_END: main
