//! `drop(guard)` before the `.await` is not enough: the future is still `!Send`.
use std::sync::{Arc, Mutex};

#[tokio::main]
async fn main() {
    let counter = Arc::new(Mutex::new(0u64));
    // ANCHOR: error
    let task = tokio::spawn(async move { //~ ERROR future cannot be sent between threads safely
        let mut guard = counter.lock().unwrap();
        *guard += 1;
        let now = *guard;
        drop(guard);
        tokio::task::yield_now().await;
        now
    });
    // ANCHOR_END: error
    task.await.unwrap();
}
