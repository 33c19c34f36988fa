//! The fix: let the `Rc` end before the `.await` (or use an `Arc`).
use std::rc::Rc;

#[tokio::main]
async fn main() {
    // ANCHOR: fix
    let task = tokio::spawn(async {
        let len = {
            let names = Rc::new(vec!["a", "b"]);
            names.len()
        };
        tokio::task::yield_now().await;
        len
    });
    // ANCHOR_END: fix
    task.await.unwrap();
}
