//! Does not compile, on purpose: `examples/tests/subject_examples.rs` checks that rustc refuses it
//! with the error named by the `//~` annotation. Std only, so the check runs rustc alone: `spawn`
//! below is a stand-in with the bounds of `tokio::spawn` (`task/spawn.rs`), and no body.

use std::future::Future;

/// The bounds of `tokio::spawn`: the future and its output must be `Send +
/// 'static`.
fn spawn<F>(future: F)
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    drop(future);
}

// ANCHOR: spawn_borrowed
pub async fn word_counts(lines: &[String]) {
    for line in lines {
        // The task could outlive `word_counts`, and `line` is borrowed from its
        // caller.
        spawn(async move { line.split_whitespace().count() }); //~ E0521 borrowed data escapes outside of function
    }
}
// ANCHOR_END: spawn_borrowed
