//! The fix: `pin!` pins the future where it is (or `Box::pin` on the heap).
use std::pin::pin;

fn main() {
    // ANCHOR: fix
    let pinned = pin!(async { 1 });
    // ANCHOR_END: fix
    drop(pinned);
}
