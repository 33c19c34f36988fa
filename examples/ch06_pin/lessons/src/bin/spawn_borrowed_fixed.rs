//! The fix: `async move`, so the task owns the data (clone an `Arc` first to share it).
#[tokio::main]
async fn main() {
    let data = vec![1, 2, 3];
    // ANCHOR: fix
    let task = tokio::spawn(async move { data.iter().sum::<i32>() });
    // ANCHOR_END: fix
    task.await.unwrap();
}
