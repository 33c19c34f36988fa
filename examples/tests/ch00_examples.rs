//! Runs the primer's examples (`tokio91` to `tokio93`, the page before chapter 1) and checks what
//! each header promises.
//!
//! The expected lines are read back out of each example's `//!` header, so header and program
//! cannot drift apart. Every line is compared exactly: the order of the lines is the lesson (a
//! body that runs only when awaited, two waits in a row against two at once, tasks that finish in
//! the order of their sleeps), and the sleeps are 100 ms apart or more.

mod harness;

use std::time::Duration;

use harness::{assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run. Each finishes in under half a second; the margin is for a busy
/// machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(20);

#[test]
fn tokio91_an_async_fn_runs_only_when_awaited() {
    let run = run_to_end("tokio91", ENDS_WITHIN);
    assert_eq!(run.texts(), header_text_block("tokio91", 1), "{run}");
    assert!(
        !run.texts().iter().any(|l| l.contains("nobody")),
        "a future dropped without .await must not run its body\n{run}"
    );
}

#[test]
fn tokio92_join_waits_for_both_at_once() {
    let run = run_to_end("tokio92", ENDS_WITHIN);
    assert_eq!(run.texts(), header_text_block("tokio92", 1), "{run}");
    // One after the other is 350 ms of sleeps, join! about 250 ms: the whole run cannot be
    // shorter than the sum of the two.
    assert!(
        run.elapsed >= Duration::from_millis(600),
        "the run took {:?}, less than the 600 ms of sleeps it promises\n{run}",
        run.elapsed
    );
}

#[test]
fn tokio93_spawned_tasks_run_on_their_own_and_are_dropped_at_the_end() {
    let run = run_to_end("tokio93", ENDS_WITHIN);
    assert_eq!(run.texts(), header_text_block("tokio93", 1), "{run}");
}

#[test]
fn the_primer_shows_only_checked_outputs() {
    assert_page_shows_checked_outputs("primer.md", &["tokio91", "tokio92", "tokio93"], &[]);
}
