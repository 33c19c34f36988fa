//! Tests for `Sequencer::generate`: it must return `0..bound` when called with no runtime, from a
//! current_thread runtime and from a multi_thread runtime, and from blocking-pool threads.
//!
//! Every test runs under a testkit time-out: a call that deadlocks fails the test with a message
//! (on a current_thread runtime, "did not complete in ...") instead of hanging it.

use std::time::Duration;

use sync_bridge::{PlainSequencer, Sequencer};
use testkit::Flavor;

/// Generous: one call waits 5 ms per number, 25 ms in all.
const LIMIT: Duration = Duration::from_secs(3);

fn sequencer() -> PlainSequencer {
    PlainSequencer { bound: 5 }
}

#[test]
fn works_with_no_runtime_at_all() {
    let numbers = testkit::within(LIMIT, || sequencer().generate());
    assert_eq!(
        numbers,
        [0, 1, 2, 3, 4],
        "generate returns every number, in order"
    );
}

#[test]
fn works_from_async_code_on_a_current_thread_runtime() {
    // The hang of chapter 2's story: the caller is the runtime's only thread.
    let numbers = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        sequencer().generate()
    });
    assert_eq!(
        numbers,
        [0, 1, 2, 3, 4],
        "generate returns every number, in order"
    );
}

#[test]
fn works_from_async_code_on_a_multi_thread_runtime() {
    let numbers = testkit::run(Flavor::MultiThread, LIMIT, || async {
        sequencer().generate()
    });
    assert_eq!(
        numbers,
        [0, 1, 2, 3, 4],
        "generate returns every number, in order"
    );
}

#[test]
fn works_from_a_spawned_task_on_both_flavours() {
    testkit::run_both(LIMIT, || async {
        let numbers = tokio::spawn(async { sequencer().generate() })
            .await
            .expect("the task panicked");
        assert_eq!(
            numbers,
            [0, 1, 2, 3, 4],
            "generate returns every number, in order"
        );
    });
}

#[test]
fn works_from_the_blocking_pool_on_both_flavours() {
    testkit::run_both(LIMIT, || async {
        let numbers = tokio::task::spawn_blocking(|| sequencer().generate())
            .await
            .expect("the blocking task panicked");
        assert_eq!(
            numbers,
            [0, 1, 2, 3, 4],
            "generate returns every number, in order"
        );
    });
}

#[test]
fn other_tasks_carry_on_after_the_call() {
    // After `generate` returns, the caller's runtime still works: its timers fire and its tasks run.
    testkit::run_both(LIMIT, || async {
        let ticker = tokio::spawn(async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            "ticked"
        });
        let numbers = sequencer().generate();
        assert_eq!(
            numbers,
            [0, 1, 2, 3, 4],
            "generate returns every number, in order"
        );
        assert_eq!(
            ticker.await.expect("the ticker panicked"),
            "ticked",
            "the other task ran to its end after the call"
        );
    });
}
