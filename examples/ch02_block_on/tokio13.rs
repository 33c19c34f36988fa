//! # tokio13: `#[tokio::main]` written out by hand
//!
//! Chapter 2, *`block_on`*. `tokio1` with the attribute expanded by hand. The macro removes
//! `async` from `main`, turns the body into an `async` block, builds a multi_thread runtime with
//! every driver enabled, and returns what
//! [`Runtime::block_on`](https://docs.rs/tokio/latest/tokio/runtime/struct.Runtime.html#method.block_on)
//! returns (see `parse_knobs` in tokio-macros' `src/entry.rs`). `block_on` polls the body on the
//! thread that called it, `main`'s own thread, until it is ready.
//!
//! ```text
//! cargo run --example tokio13
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! runtime flavor: MultiThread
//! 10 + 20 = 30
//! ```
//!
//! The first line asks the running runtime what it is, through
//! [`Handle::current`](https://docs.rs/tokio/latest/tokio/runtime/struct.Handle.html#method.current):
//! a multi_thread one, the default for `#[tokio::main]` (`#[tokio::test]` defaults to
//! current_thread).

// ANCHOR: main
use tokio::runtime::{Builder, Handle};

fn main() {
    // What was the body of `async fn main` becomes a future. Nothing in it runs
    // yet.
    let body = async {
        println!("runtime flavor: {:?}", Handle::current().runtime_flavor());
        let a = 10;
        let b = 20;
        println!("{a} + {b} = {}", a + b);
    };

    // The macro's own words, down to the `expect` message. `enable_all` turns
    // on the I/O and time drivers; without it, a `tokio::time::sleep` in the
    // body would panic.
    #[allow(
        clippy::needless_return,
        reason = "kept to mirror the macro, which writes an explicit `return`"
    )]
    return Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("Failed building the Runtime")
        .block_on(body);
}
// ANCHOR_END: main
