//! Runs the chapter 5 examples (`tokio27` to `tokio33`, and `tokio94`, which opens the chapter) and
//! checks what each header promises.
//!
//! The expected lines are read back out of each example's `//!` header, so header and program
//! cannot drift apart. `tokio33` is a benchmark whose figures vary: its test runs a small workload
//! and checks the form of each line and that both executors did the same work.

mod harness;

use std::time::Duration;

use harness::{Example, assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run. The slowest example (`tokio29`) waits 500 ms twice by design; the
/// margin is for a busy machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(30);

fn assert_prints_its_header(name: &str) {
    let run = run_to_end(name, ENDS_WITHIN);
    assert_eq!(
        run.texts(),
        header_text_block(name, 1),
        "{name} did not print what its header promises\n{run}"
    );
}

#[test]
fn tokio94_a_hand_written_future_is_pending_then_ready() {
    assert_prints_its_header("tokio94");
}

#[test]
fn tokio27_logs_one_poll_per_wake() {
    assert_prints_its_header("tokio27");
}

#[test]
fn tokio28_forgetful_future_is_polled_once_and_never_again() {
    assert_prints_its_header("tokio28");
}

#[test]
fn tokio29_first_waker_only_hangs_when_moved_and_latest_waker_does_not() {
    assert_prints_its_header("tokio29");
}

#[test]
fn tokio30_join_polls_the_sleep_without_its_timer_firing() {
    assert_prints_its_header("tokio30");
}

#[test]
fn tokio31_async_block_panics_when_polled_after_ready_and_fuse_does_not() {
    assert_prints_its_header("tokio31");
}

#[test]
fn tokio32_tiny_executor_runs_every_task_with_a_fixed_number_of_polls() {
    assert_prints_its_header("tokio32");
}

#[test]
fn tokio33_benchmark_prints_both_medians_a_ratio_and_equal_work() {
    let run = Example::new("tokio33")
        .args(["50", "20", "3"])
        .deadline(ENDS_WITHIN)
        .run();
    run.assert_exited_ok();
    let texts = run.texts();
    assert_eq!(texts.len(), 5, "tokio33 should print five lines\n{run}");
    assert_eq!(
        texts[0], "workload: 50 tasks x 20 yields, median of 3 rounds",
        "the first line names the workload it was given\n{run}"
    );
    let ms = |line: &str, prefix: &str| -> f64 {
        let figure = line
            .strip_prefix(prefix)
            .and_then(|rest| rest.strip_suffix(" ms"))
            .unwrap_or_else(|| panic!("expected {prefix:?}<figure> ms, got {line:?}\n{run}"));
        figure
            .parse()
            .unwrap_or_else(|e| panic!("{figure:?} is not a number: {e}\n{run}"))
    };
    let tiny = ms(texts[1], "tiny executor: ");
    let tokio = ms(texts[2], "tokio current_thread: ");
    assert!(
        tiny > 0.0 && tokio > 0.0,
        "both medians must be positive\n{run}"
    );
    assert!(
        texts[3].starts_with("ratio: the tiny executor takes ")
            && texts[3].ends_with("x as long as tokio"),
        "the fourth line gives the ratio\n{run}"
    );
    assert_eq!(
        texts[4], "check: both ran 1000 yields",
        "both executors must run every yield of the workload\n{run}"
    );
    // The header's output block has the same shape (its figures are from a recorded run).
    let promised = header_text_block("tokio33", 1);
    assert_eq!(promised.len(), 5, "the header shows the five lines");
    assert!(
        promised[4].starts_with("check: both ran "),
        "the header's last line is the work check"
    );
}

#[test]
fn the_book_shows_only_checked_outputs() {
    assert_page_shows_checked_outputs(
        "ch05-future.md",
        &[
            "tokio94", "tokio27", "tokio28", "tokio29", "tokio30", "tokio31", "tokio32",
        ],
        &["workload: 1000 tasks x 100 yields, median of 7 rounds"],
    );
}
