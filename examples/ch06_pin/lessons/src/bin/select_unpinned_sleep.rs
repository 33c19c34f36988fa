//! Awaiting `&mut sleep` in a `select!` loop needs `Sleep: Unpin`, and `Sleep` is not.
use std::time::Duration;

#[tokio::main]
async fn main() {
    let mut sleep = tokio::time::sleep(Duration::from_millis(10));
    loop {
        // ANCHOR: error
        tokio::select! { //~ E0277 cannot be unpinned
            _ = &mut sleep => break,
            _ = tokio::task::yield_now() => {}
        }
        // ANCHOR_END: error
    }
}
