//! Runs the examples of the sections on errors across tasks (`tokio95`), async closures,
//! `select!` details and borrowing concurrency, and checks what each header promises and that
//! each page shows only checked outputs.

mod harness;

use std::time::Duration;

use harness::{assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run. The longest example needs well under a second; the margin is for a
/// busy machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(30);

/// Compares a run of `name`, an example whose output is the same on every run, line for line
/// with the output its header promises.
fn assert_prints_its_header(name: &str, what: &str) {
    let run = run_to_end(name, ENDS_WITHIN);
    assert_eq!(
        run.texts(),
        header_text_block(name, 1),
        "{name} ({what}) must print exactly what its header shows\n{run}"
    );
}

#[test]
fn tokio95_prints_what_its_header_shows() {
    assert_prints_its_header(
        "tokio95",
        "JoinError kinds, handle.await??, a typed error with a time-out",
    );
}

#[test]
fn pages_show_only_checked_outputs() {
    assert_page_shows_checked_outputs("ch12-errors-across-tasks.md", &["tokio95"], &[]);
}
