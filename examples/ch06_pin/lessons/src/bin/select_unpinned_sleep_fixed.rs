//! The fix: pin the `Sleep` once, before the loop, and await `&mut` of the pinned one.
use std::time::Duration;

#[tokio::main]
async fn main() {
    // ANCHOR: fix
    let sleep = tokio::time::sleep(Duration::from_millis(10));
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            _ = &mut sleep => break,
            _ = tokio::task::yield_now() => {}
        }
    }
    // ANCHOR_END: fix
}
