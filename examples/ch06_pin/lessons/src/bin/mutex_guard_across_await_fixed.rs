//! The fix: drop the guard before the `.await` (or, if the lock must be held across it, use
//! `tokio::sync::Mutex`).
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
