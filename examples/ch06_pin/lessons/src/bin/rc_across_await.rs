//! An `Rc` held across an `.await` makes the future `!Send`, and `tokio::spawn` needs `Send`.
use std::rc::Rc;

#[tokio::main]
async fn main() {
    // ANCHOR: error
    let task = tokio::spawn(async { //~ ERROR future cannot be sent between threads safely
        let names = Rc::new(vec!["a", "b"]);
        tokio::task::yield_now().await;
        names.len()
    });
    // ANCHOR_END: error
    task.await.unwrap();
}
