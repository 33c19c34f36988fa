//! Runs the chapter 14 examples (`tokio110` to `tokio115`, testing async code) and checks what each
//! header promises. Every one of them prints the same lines on every run: paused time, in-memory
//! pipes, hand polling and a current_thread schedule leave nothing to chance, which is the
//! chapter's point.

mod harness;

use std::time::Duration;

use harness::{assert_page_shows_checked_outputs, assert_prints_its_header};

/// Upper bound for each run. The longest example needs about 0.5 s (tokio110's blocked body waits
/// out its time-out); the margin is for a busy machine.
const ENDS_WITHIN: Duration = Duration::from_secs(30);

#[test]
fn every_example_prints_exactly_what_its_header_shows() {
    for (name, what) in [
        (
            "tokio110",
            "the flavour decides whether a blocked body starves its task",
        ),
        ("tokio111", "auto-advance and advance on a paused clock"),
        (
            "tokio112",
            "a scripted mock counts the cache's backend calls",
        ),
        (
            "tokio113",
            "a duplex pipe carries whole and cut lines, and fills up",
        ),
        ("tokio114", "hand polling sees the lost wake-up"),
        ("tokio115", "the lost update appears only side by side"),
    ] {
        assert_prints_its_header(name, what, ENDS_WITHIN);
    }
}

#[test]
fn the_book_shows_only_checked_outputs() {
    assert_page_shows_checked_outputs(
        "ch14-testing.md",
        &[
            "tokio110", "tokio111", "tokio112", "tokio113", "tokio114", "tokio115",
        ],
        &[],
    );
}
