//! The fix: `spawn_local` on a `LocalSet`, which runs `!Send` futures on the current thread.
use std::rc::Rc;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    // ANCHOR: fix
    let local = tokio::task::LocalSet::new();
    let answer = local
        .run_until(async {
            let task = tokio::task::spawn_local(async {
                let shared = Rc::new(41);
                tokio::task::yield_now().await;
                *shared + 1
            });
            task.await.unwrap()
        })
        .await;
    // ANCHOR_END: fix
    assert_eq!(answer, 42);
}
