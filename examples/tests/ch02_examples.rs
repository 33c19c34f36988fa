//! Runs the chapter 2 examples added after the original lessons (`tokio13` to `tokio16`) and checks
//! what each header promises.
//!
//! The expected lines are read back out of each example's `//!` header, so header and program
//! cannot drift apart. `tokio16` demonstrates a hang: the test checks that its watchdog reports
//! the hang and that the program then ends by itself, well inside the test's own deadline.

mod harness;

use std::time::Duration;

use harness::{assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run. `tokio16` takes about 2 s by design, the others well under one; the
/// margin is for a busy machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(20);

#[test]
fn tokio13_hand_written_main_runs_on_a_multi_thread_runtime() {
    let run = run_to_end("tokio13", ENDS_WITHIN);
    assert_eq!(run.texts(), header_text_block("tokio13", 1), "{run}");
    assert_eq!(run.texts(), ["runtime flavor: MultiThread", "10 + 20 = 30"]);
}

#[test]
fn tokio14_futures_block_on_runs_a_oneshot_but_not_a_tokio_timer() {
    let run = run_to_end("tokio14", ENDS_WITHIN);
    assert_eq!(run.texts(), header_text_block("tokio14", 1), "{run}");
    // Tokio's own text, quoted from `src/util/error.rs` (`CONTEXT_MISSING_ERROR`).
    assert!(
        run.texts()[2].ends_with(
            "there is no reactor running, must be called from the context of a Tokio 1.x runtime"
        ),
        "{run}"
    );
}

#[test]
fn tokio15_nested_block_on_panics_with_tokios_message_on_both_flavours() {
    let run = run_to_end("tokio15", ENDS_WITHIN);
    assert_eq!(run.texts(), header_text_block("tokio15", 1), "{run}");
    // Tokio's own text, quoted from `enter_runtime` in `src/runtime/context/runtime.rs`.
    let tokio_message = "Cannot start a runtime from within a runtime. This happens because a \
        function (like `block_on`) attempted to block the current thread while the thread is \
        being used to drive asynchronous tasks. If you are in an async function, use `.await` on \
        the future instead of blocking on it.";
    for flavour in ["current_thread", "multi_thread"] {
        let caught = format!("{flavour}: caught: {tokio_message}");
        assert!(
            run.texts().contains(&caught.as_str()),
            "no line {caught:?}\n{run}"
        );
    }
}

#[test]
fn tokio16_watchdog_reports_the_hang_and_the_program_still_ends() {
    let run = run_to_end("tokio16", ENDS_WITHIN);
    assert_eq!(run.texts(), header_text_block("tokio16", 1), "{run}");
    // The report comes from the watchdog's deadline (2 s), not from the call returning early. The
    // lower bound allows for coarse timers; the upper one is the test's own deadline.
    let calling = &run.lines[1];
    let report = &run.lines[2];
    let waited = report.at.saturating_sub(calling.at);
    assert!(
        waited >= Duration::from_millis(1900),
        "the hang was reported after only {waited:?}\n{run}"
    );
}

#[test]
fn the_book_shows_only_checked_outputs() {
    // Every output block on the chapter's page is one of these examples' header outputs, which
    // the tests above (or `lessons_1_to_9.rs`) compare with a real run.
    assert_page_shows_checked_outputs(
        "ch02-block-on.md",
        &["tokio4", "tokio13", "tokio14", "tokio15", "tokio16"],
        &[],
    );
}
