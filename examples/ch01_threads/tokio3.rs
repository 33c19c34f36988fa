//! # tokio3: waiting for a thread with `join`
//!
//! Chapter 1, *Threads and the runtime*. The smallest useful thread: spawn it, then
//! [`join`](https://doc.rust-lang.org/std/thread/struct.JoinHandle.html#method.join) it so `main`
//! does not return before the thread has done its work.
//!
//! ```text
//! cargo run --example tokio3
//! ```
//!
//! Prints exactly one line:
//!
//! ```text
//! hello from the thread
//! ```

// ANCHOR: main
use std::thread;

fn main() {
    let handle = thread::spawn(|| println!("hello from the thread"));

    handle.join().expect("the spawned thread panicked");
}
// ANCHOR_END: main
