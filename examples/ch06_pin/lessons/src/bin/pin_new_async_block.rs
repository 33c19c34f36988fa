//! `Pin::new` only accepts a pointer to an `Unpin` value, and an `async` block is not `Unpin`.
use std::pin::Pin;

fn main() {
    let mut fut = async { 1 };
    // ANCHOR: error
    let pinned = Pin::new(&mut fut); //~ E0277 cannot be unpinned
    // ANCHOR_END: error
    drop(pinned);
}
