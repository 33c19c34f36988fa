//! Runs the chapter 8 examples (`tokio43` to `tokio48`, futures written by hand) and checks what
//! each header promises.
//!
//! Where a line depends on chance (the random side of a fair select), the test checks the exact
//! lines around it and bounds the random counts instead of copying one run.

mod harness;

use std::time::Duration;

use harness::{assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run. The longest example needs about 0.7 s; the margin is for a busy
/// machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(30);

/// Parses "…: left L, right R" into (L, R).
fn counts(line: &str) -> (usize, usize) {
    let rest = line
        .rsplit_once(": left ")
        .map(|(_, rest)| rest)
        .unwrap_or_else(|| panic!("not a count line: {line:?}"));
    let (left, right) = rest
        .split_once(", right ")
        .unwrap_or_else(|| panic!("not a count line: {line:?}"));
    (left.parse().unwrap(), right.parse().unwrap())
}

/// Checks that a fair select's counts over 10,000 rounds are both between 40% and 60%. A fair coin
/// leaves that band with a probability far below one in a billion (20 standard deviations), so
/// this check does not fail by chance, while any bias worth the name fails it.
fn assert_fair(line: &str, run: &harness::Run) {
    let (left, right) = counts(line);
    assert_eq!(left + right, 10_000, "{run}");
    assert!(
        (4_000..=6_000).contains(&left),
        "a fair select should give each side about half of 10,000 rounds: {line}\n{run}"
    );
}

#[test]
fn tokio43_polls_both_children_then_only_the_unfinished_one() {
    let run = run_to_end("tokio43", ENDS_WITHIN);
    assert_eq!(run.texts(), header_text_block("tokio43", 1), "{run}");
}

#[test]
fn tokio44_only_a_random_start_is_fair_and_free_of_patterns() {
    let run = run_to_end("tokio44", ENDS_WITHIN);
    let texts = run.texts();
    let promised = header_text_block("tokio44", 1);
    assert_eq!(texts.len(), 4, "{run}");
    assert_eq!(texts[..3], promised[..3], "{run}");
    assert!(
        texts[3].starts_with("random side on every poll: left "),
        "{run}"
    );
    assert_fair(texts[3], &run);
    // The header's last line is one real run; it must be a fair one too.
    assert_fair(&promised[3], &run);
}

#[test]
fn tokio45_the_slow_job_is_dropped_at_the_deadline() {
    let run = run_to_end("tokio45", ENDS_WITHIN);
    assert_eq!(run.texts(), header_text_block("tokio45", 1), "{run}");
    // The slow job would need 10 s; the deadline is 300 ms. Ending in under 5 s proves the job was
    // cancelled and not awaited, with room for a loaded machine.
    let last = run.lines.last().expect("checked above");
    assert!(
        last.at < Duration::from_secs(5),
        "the timeout did not cut the slow job short: {:?}\n{run}",
        last.at
    );
}

#[test]
fn tokio46_retries_until_ok_or_max_attempts_and_waits_between() {
    let run = run_to_end("tokio46", ENDS_WITHIN);
    assert_eq!(run.texts(), header_text_block("tokio46", 1), "{run}");
    // The backoff waits 100 + 200 ms before the last line; nothing else in the example waits.
    let dead = run
        .lines
        .iter()
        .find(|l| l.text.starts_with("dead service"))
        .expect("checked above");
    let last = run.lines.last().expect("checked above");
    assert!(
        last.at - dead.at >= Duration::from_millis(300),
        "the backoff did not wait 300 ms between attempts\n{run}"
    );
}

#[test]
fn tokio47_keeps_the_input_order() {
    let run = run_to_end("tokio47", ENDS_WITHIN);
    assert_eq!(run.texts(), header_text_block("tokio47", 1), "{run}");
}

#[test]
fn tokio48_library_versions_behave_as_described() {
    let run = run_to_end("tokio48", ENDS_WITHIN);
    let texts = run.texts();
    let promised = header_text_block("tokio48", 1);
    assert_eq!(texts.len(), 6, "{run}");
    assert_eq!(texts[..5], promised[..5], "{run}");
    assert!(
        texts[5].starts_with("tokio::select!, 10000 rounds"),
        "{run}"
    );
    assert_fair(texts[5], &run);
    assert_fair(&promised[5], &run);
}

#[test]
fn the_book_shows_only_checked_outputs() {
    assert_page_shows_checked_outputs(
        "ch08-by-hand.md",
        &["tokio43", "tokio45", "tokio46", "tokio47"],
        // tokio44 and tokio48 end with a random count: their output blocks on the page are one
        // recorded run each (the tests above check the fixed lines and bound the random ones).
        &[
            "left first, always: left 10000, right 0",
            "futures::join! and tokio::join!: (\"left after 200 ms\", \"right after 100 ms\"), the same twice",
        ],
    );
}
