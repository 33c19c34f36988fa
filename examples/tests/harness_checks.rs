//! Checks of the harness itself: the deadline kills, a missing binary is reported with the fix, and
//! the header reader finds the blocks the example tests compare against.

mod harness;

use std::time::Duration;

use harness::{Example, example_path, header_text_block};

#[test]
fn the_deadline_kills_an_endless_example() {
    // `tokio8` never ends, so with no `stop_when` only the deadline can end the run.
    let deadline = Duration::from_millis(300);
    let run = Example::new("tokio8").deadline(deadline).run();
    assert!(run.was_still_running(), "{run}");
    assert!(!run.stopped_early, "{run}");
    assert!(
        !run.status.success(),
        "a killed process reports failure\n{run}"
    );
    // Generous: the kill itself is immediate, but the machine may be busy.
    assert!(
        run.elapsed >= deadline && run.elapsed < deadline + Duration::from_secs(5),
        "{run}"
    );
}

#[test]
fn stop_when_ends_the_run_as_soon_as_it_holds() {
    let run = Example::new("tokio9")
        .deadline(Duration::from_secs(30))
        .stop_when(|lines| lines.iter().any(|l| l.text == "Send task 5!"))
        .run();
    assert!(run.stopped_early, "{run}");
    assert!(run.was_still_running(), "{run}");
    assert!(run.texts().contains(&"Send task 5!"), "{run}");
    // The first result needs 800 ms of work; stopping at the fifth send comes long before it.
    assert!(
        !run.texts()
            .iter()
            .any(|t| t.starts_with("Worker got result")),
        "{run}"
    );
}

#[test]
#[should_panic(expected = "run the tests with `cargo test`, which builds the examples")]
fn a_missing_example_says_how_to_build_it() {
    example_path("no_such_example");
}

#[test]
fn header_blocks_are_read_in_order() {
    assert_eq!(
        header_text_block("tokio1", 0),
        ["cargo run --example tokio1"]
    );
    assert_eq!(header_text_block("tokio1", 1), ["10 + 20 = 30"]);
}

#[test]
#[should_panic(expected = "has no ```text block number 7")]
fn a_missing_header_block_is_reported() {
    header_text_block("tokio1", 7);
}
