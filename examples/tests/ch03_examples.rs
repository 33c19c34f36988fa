//! Runs the chapter 3 examples (`tokio17` to `tokio20`, the fixes for the blocking-task pitfall)
//! and checks what each header promises.
//!
//! Expected lines are read back out of each example's `//!` header, so the header and the program
//! cannot drift apart. Where a line depends on the machine (a file size, a count of timer ticks),
//! the test computes or bounds it instead.

mod harness;

use std::time::Duration;

use harness::{assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run. Each example needs at most about 2 s; the margin is for a busy
/// machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(20);

/// The line `tokio6`, `tokio17` and `tokio18` print after reading the examples crate's manifest.
fn content_length_line() -> String {
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let len = std::fs::read_to_string(manifest)
        .expect("cannot read examples/Cargo.toml")
        .len();
    format!("Content length: {len}")
}

/// `tokio17` and `tokio18` print the same four lines; only the way task 2 waits differs. Besides
/// the order, the file line must not have waited for the 800 ms pause. The check allows half of
/// that pause as a margin for a busy machine: in `tokio6` the gap is zero or negative.
fn check_file_line_does_not_wait(name: &str) {
    let run = run_to_end(name, ENDS_WITHIN);
    let promised = header_text_block(name, 1);
    let texts = run.texts();
    assert_eq!(texts.len(), 4, "{run}");
    assert_eq!(texts[0], promised[0], "{run}");
    // Task 2's first line and the file line may come in either order: usually task 1 finds the
    // read still running and task 2 gets the thread first, but if the blocking-pool thread has
    // finished the read before task 1 first polls it, task 1 goes straight on and prints first.
    let content = content_length_line();
    assert!(
        (texts[1] == promised[1] && texts[2] == content)
            || (texts[1] == content && texts[2] == promised[1]),
        "{run}"
    );
    assert_eq!(texts[3], promised[3], "{run}");
    assert_eq!(
        promised[3],
        format!("Result: {}", blake3::hash(b"Future 2")),
        "the header's hash is not blake3 of \"Future 2\""
    );

    let file_line = if texts[1] == content { 1 } else { 2 };
    let gap = run.lines[3].at.saturating_sub(run.lines[file_line].at);
    assert!(
        gap >= Duration::from_millis(400),
        "the file line should arrive about 800 ms before the result, but the gap was {gap:?}\n{run}"
    );
}

#[test]
fn tokio17_async_sleep_lets_the_file_line_through_first() {
    check_file_line_does_not_wait("tokio17");
}

#[test]
fn tokio18_spawn_blocking_lets_the_file_line_through_first() {
    check_file_line_does_not_wait("tokio18");
}

#[test]
fn tokio19_yield_now_interleaves_the_tasks() {
    // The order is fixed by the current_thread scheduler's queues, not by timing; a few runs make a
    // lucky pass of a racy order less likely.
    for _ in 0..3 {
        let run = run_to_end("tokio19", ENDS_WITHIN);
        let texts = run.texts();
        assert_eq!(texts, header_text_block("tokio19", 1), "{run}");

        // The lesson, checked on its own so a header edit cannot quietly drop it: without
        // yielding A runs all its chunks before B starts; with yielding B starts right after A's
        // first chunk, and neither task runs all three chunks while the other waits.
        let with = texts
            .iter()
            .position(|l| *l == "with yield_now:")
            .unwrap_or_else(|| panic!("no \"with yield_now:\" line\n{run}"));
        let without: String = texts[1..with].iter().map(|l| &l.trim()[..1]).collect();
        assert_eq!(without, "AAABBB", "{run}");
        let polite: String = texts[with + 1..].iter().map(|l| &l.trim()[..1]).collect();
        assert!(polite.starts_with("AB"), "{run}");
        assert!(!polite.contains("AAA") && !polite.contains("BBB"), "{run}");
    }
}

#[test]
fn tokio20_block_in_place_keeps_other_tasks_running_and_panics_on_current_thread() {
    let run = run_to_end("tokio20", ENDS_WITHIN);
    let promised = header_text_block("tokio20", 1);
    let texts = run.texts();
    assert_eq!(texts.len(), 3, "{run}");

    // A plain blocking call on the only worker stops the ticker completely: exactly zero.
    assert_eq!(texts[0], promised[0], "{run}");

    // With `block_in_place` the ticker keeps going. About 7 ticks fit in 800 ms at 100 ms each;
    // the test asks for at least 2 so that a slow machine cannot make it fail.
    let ticks: u64 = texts[1]
        .strip_prefix("multi_thread, 1 worker, block_in_place: ")
        .and_then(|rest| rest.strip_suffix(" ticks while it blocked"))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("unexpected second line\n{run}"));
    assert!(
        ticks >= 2,
        "the ticker should keep running during block_in_place\n{run}"
    );

    // The panic on current_thread is caught and reported with Tokio's own message, and the
    // example's silenced hook keeps stderr empty (checked by `assert_exited_ok`).
    assert_eq!(texts[2], promised[2], "{run}");
}

#[test]
fn the_book_shows_only_checked_outputs() {
    // Every output block on the chapter's page is one of these examples' header outputs, which
    // the tests above (or `lessons_1_to_9.rs`) compare with a real run.
    assert_page_shows_checked_outputs(
        "ch03-blocking.md",
        &[
            "tokio5", "tokio6", "tokio17", "tokio18", "tokio19", "tokio20",
        ],
        &[],
    );
}
