//! # tokio4: a runtime of your own, driven by `block_on`
//!
//! Chapter 2, *`block_on`*. A runtime is an ordinary value. Here a plain OS thread builds a
//! [current_thread runtime](https://docs.rs/tokio/latest/tokio/runtime/struct.Builder.html#method.new_current_thread)
//! and calls [`block_on`](https://docs.rs/tokio/latest/tokio/runtime/struct.Runtime.html#method.block_on),
//! which polls the future on this very thread until it completes and then returns its output.
//! `main` itself is not async at all.
//!
//! ```text
//! cargo run --example tokio4
//! ```
//!
//! Prints exactly one line:
//!
//! ```text
//! Hello, world!
//! ```

// ANCHOR: main
use std::thread;

use tokio::runtime::Builder;

fn main() {
    let handle = thread::spawn(|| {
        // A current_thread runtime has no worker threads of its own: it runs
        // tasks only while some thread is inside its `block_on`. `enable_all`
        // turns on the I/O and timer drivers.
        let rt = Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("failed to build the runtime");

        rt.block_on(async {
            println!("Hello, world!");
        });
    });

    handle.join().expect("the runtime thread panicked");
}
// ANCHOR_END: main
