//! `tokio::spawn` requires a `Send` future even on a current_thread runtime.
use std::rc::Rc;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // ANCHOR: error
    let task = tokio::spawn(async { //~ ERROR future cannot be sent between threads safely
        let shared = Rc::new(41);
        tokio::task::yield_now().await;
        *shared + 1
    });
    // ANCHOR_END: error
    task.await.unwrap();
}
