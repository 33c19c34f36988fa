//! # tokio65: `LocalSet` for `!Send` futures, and task-local values
//!
//! Chapter 10, *Tokio's toolbox*. `tokio::spawn` needs a `Send + 'static` future, because any
//! worker thread may run it. A future that holds an `Rc` or a `RefCell` borrow across an `.await`
//! is not `Send`. [`LocalSet`](https://docs.rs/tokio/latest/tokio/task/struct.LocalSet.html) runs
//! such tasks, spawned with `spawn_local`, all on the thread that drives the set, so they can share
//! an `Rc<RefCell<..>>` without locks. A
//! [`task_local!`](https://docs.rs/tokio/latest/tokio/macro.task_local.html) value is visible to
//! everything a future awaits inside `scope`, and to nothing else: a request id that need not be
//! passed down by hand.
//!
//! ```text
//! cargo run --example tokio65
//! ```
//!
//! Prints, at once:
//!
//! ```text
//! LocalSet: 3 local tasks pushed to one Rc<RefCell<Vec>>: [1, 2, 3]
//! LocalSet: every local task ran on the thread that drives the set
//! task_local: request 7 logged "request 7: start", "request 7: done"
//! task_local: outside any scope the value is not set
//! ```

use std::cell::RefCell;
use std::rc::Rc;

use anyhow::Result;
use tokio::task::LocalSet;

tokio::task_local! {
    /// The id of the request the current task is handling.
    static REQUEST_ID: u32;
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    // ANCHOR: local_set
    let shared = Rc::new(RefCell::new(Vec::new()));
    let driver = std::thread::current().id();
    let local = LocalSet::new();
    let all_here = local
        .run_until(async {
            let mut handles = Vec::new();
            for n in 1..=3 {
                let shared = Rc::clone(&shared);
                handles.push(tokio::task::spawn_local(async move {
                    tokio::task::yield_now().await;
                    shared.borrow_mut().push(n);
                    std::thread::current().id() == driver
                }));
            }
            let mut all_here = true;
            for handle in handles {
                all_here &= handle.await.expect("no local task panics");
            }
            all_here
        })
        .await;
    let mut pushed = shared.borrow().clone();
    pushed.sort_unstable();
    println!(
        "LocalSet: 3 local tasks pushed to one Rc<RefCell<Vec>>: {pushed:?}"
    );
    if all_here {
        println!(
            "LocalSet: every local task ran on the thread that drives the set"
        );
    }
    // ANCHOR_END: local_set

    // ANCHOR: task_local
    let lines = REQUEST_ID.scope(7, handle_request()).await;
    println!(
        "task_local: request 7 logged {:?}, {:?}",
        lines[0], lines[1]
    );
    if REQUEST_ID.try_with(|id| *id).is_err() {
        println!("task_local: outside any scope the value is not set");
    }
    // ANCHOR_END: task_local
    Ok(())
}

/// Logs with the current request's id without being given it.
async fn handle_request() -> Vec<String> {
    let mut lines = vec![log("start")];
    tokio::task::yield_now().await;
    lines.push(log("done"));
    lines
}

fn log(what: &str) -> String {
    format!("request {}: {what}", REQUEST_ID.get())
}
