//! A spawned task may outlive the function that spawned it, so it cannot borrow its locals.
#[tokio::main]
async fn main() {
    let data = vec![1, 2, 3];
    // ANCHOR: error
    let task = tokio::spawn(async { data.iter().sum::<i32>() }); //~ E0373 may outlive the current function
    // ANCHOR_END: error
    task.await.unwrap();
}
