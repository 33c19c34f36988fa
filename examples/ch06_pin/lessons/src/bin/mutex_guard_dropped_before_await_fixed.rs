//! The fix: end the guard's scope with a block, which the `Send` check sees.
use std::sync::{Arc, Mutex};

#[tokio::main]
async fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    // ANCHOR: fix
    let task = tokio::spawn(async move {
        let now = {
            let mut guard = counter.lock().unwrap();
            *guard += 1;
            *guard
        };
        tokio::task::yield_now().await;
        now
    });
    // ANCHOR_END: fix
    task.await.unwrap();
}
