//! A `std::sync::MutexGuard` held across an `.await` makes the future `!Send`.
use std::sync::{Arc, Mutex};

#[tokio::main]
async fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    // ANCHOR: error
    let task = tokio::spawn(async move { //~ ERROR future cannot be sent between threads safely
        let mut guard = counter.lock().unwrap();
        *guard += 1;
        tokio::task::yield_now().await;
        *guard
    });
    // ANCHOR_END: error
    task.await.unwrap();
}
