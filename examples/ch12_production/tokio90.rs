//! # tokio90: structured concurrency with `JoinSet`: the first error cancels the rest
//!
//! Chapter 12, *Production patterns*. A request needs three backends, a, b and c, and fails if any
//! of them fails. Backend b fails after 20 ms; c would take 500 ms. With each call in a detached
//! `tokio::spawn`, returning the error early leaves c running, for an answer nobody will read.
//! With the calls in a [`JoinSet`](https://docs.rs/tokio/latest/tokio/task/struct.JoinSet.html)
//! owned by the request, returning early drops the set, and dropping a `JoinSet` aborts every task
//! still in it (`impl Drop for JoinSet`, `task/join_set.rs`): the children cannot outlive their
//! parent. Each backend notes whether it finished or was cancelled, with a guard that runs when its
//! future is dropped.
//!
//! ```text
//! cargo run --example tokio90
//! ```
//!
//! Prints after about 0.6 s:
//!
//! ```text
//! detached tasks: error "b failed"; backend c finished later anyway, for nobody
//! JoinSet: error "b failed"; backend c cancelled when the set was dropped
//! ```

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinSet;

/// How each backend call ended: "finished" or "cancelled".
type Endings = Arc<Mutex<Vec<(&'static str, &'static str)>>>;

/// Records "cancelled" if dropped before `finish` is called.
struct Ending {
    name: &'static str,
    endings: Endings,
    finished: bool,
}

impl Drop for Ending {
    fn drop(&mut self) {
        let how = if self.finished {
            "finished"
        } else {
            "cancelled"
        };
        self.endings.lock().unwrap().push((self.name, how));
    }
}

/// One backend call: `millis` of work, then an answer or an error.
async fn backend(
    name: &'static str,
    millis: u64,
    fails: bool,
    endings: Endings,
) -> Result<&'static str, String> {
    let mut ending = Ending {
        name,
        endings,
        finished: false,
    };
    tokio::time::sleep(Duration::from_millis(millis)).await;
    ending.finished = true;
    if fails {
        Err(format!("{name} failed"))
    } else {
        Ok(name)
    }
}

// ANCHOR: detached
/// Detached tasks: the early return leaves the others running.
async fn with_detached_tasks(
    endings: Endings,
) -> Result<Vec<&'static str>, String> {
    let (tx, mut rx) = tokio::sync::mpsc::channel(3);
    for (name, millis, fails) in
        [("a", 10, false), ("b", 20, true), ("c", 500, false)]
    {
        let (tx, endings) = (tx.clone(), endings.clone());
        tokio::spawn(async move {
            let _ = tx.send(backend(name, millis, fails, endings).await).await;
        });
    }
    let mut answers = Vec::new();
    for _ in 0..3 {
        answers.push(rx.recv().await.expect("each task answers")?);
    }
    Ok(answers)
}
// ANCHOR_END: detached

// ANCHOR: joinset
/// A `JoinSet`: the early return drops the set, which aborts every task still
/// in it.
async fn with_join_set(endings: Endings) -> Result<Vec<&'static str>, String> {
    let mut calls = JoinSet::new();
    for (name, millis, fails) in
        [("a", 10, false), ("b", 20, true), ("c", 500, false)]
    {
        calls.spawn(backend(name, millis, fails, endings.clone()));
    }
    let mut answers = Vec::new();
    while let Some(ended) = calls.join_next().await {
        answers.push(ended.expect("no backend panics")?);
    }
    Ok(answers)
}
// ANCHOR_END: joinset

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let endings = Endings::default();
    let error = with_detached_tasks(endings.clone()).await.unwrap_err();
    // Wait long enough for c to have finished, if it is still running.
    tokio::time::sleep(Duration::from_millis(600)).await;
    println!(
        "detached tasks: error {error:?}; backend c {}",
        describe(&endings, "c", "finished later anyway, for nobody")
    );

    let endings = Endings::default();
    let error = with_join_set(endings.clone()).await.unwrap_err();
    // Aborted tasks are dropped at their next poll; give them a moment.
    tokio::time::sleep(Duration::from_millis(10)).await;
    println!(
        "JoinSet: error {error:?}; backend c {}",
        describe(&endings, "c", "finished later anyway, for nobody")
    );
}

/// What happened to backend `name`, in words.
fn describe(
    endings: &Endings,
    name: &str,
    finished: &'static str,
) -> &'static str {
    let endings = endings.lock().unwrap();
    match endings.iter().find(|(n, _)| *n == name) {
        Some((_, "finished")) => finished,
        Some(_) => "cancelled when the set was dropped",
        None => "still running",
    }
}
// ANCHOR_END: main
