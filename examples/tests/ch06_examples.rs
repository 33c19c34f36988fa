//! Runs the chapter 6 examples (`tokio34` to `tokio38`) and checks what each header promises.
//!
//! Every one of them prints the same lines on every run (facts, not addresses or timings), so
//! each test compares the whole output with the example's header. The compile-fail lessons of the
//! chapter are checked in `ch06_compile_fail.rs`.

mod harness;

use std::time::Duration;

use harness::{assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run; each takes milliseconds. The margin is for a busy machine.
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
fn tokio34_a_self_referential_future_lives_inside_itself_and_box_pin_keeps_it_still() {
    assert_prints_its_header("tokio34");
}

#[test]
fn tokio35_the_compiler_says_which_types_are_unpin_and_each_way_to_pin_works() {
    assert_prints_its_header("tokio35");
}

#[test]
fn tokio36_the_projected_wrapper_times_a_sleep_and_counts_polls() {
    assert_prints_its_header("tokio36");
}

#[test]
fn tokio37_boxed_futures_share_a_type_recurse_and_spawn() {
    assert_prints_its_header("tokio37");
}

#[test]
fn tokio38_the_fixed_lessons_spawn_and_run() {
    assert_prints_its_header("tokio38");
}

#[test]
fn the_book_shows_only_checked_outputs() {
    assert_page_shows_checked_outputs(
        "ch06-pin.md",
        &["tokio34", "tokio35", "tokio36", "tokio37", "tokio38"],
        &[],
    );
}
