//! Runs the chapter 9 examples (`tokio49` to `tokio56`, streams and async I/O) and checks what
//! each header promises.
//!
//! `tokio52` prints measured times: its test checks the orders and bounds the times by what the
//! schedule allows, with margins for a loaded machine, instead of copying one run.

mod harness;

use std::time::Duration;

use harness::{assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run. The longest example needs about 2.1 s; the margin is for a busy
/// machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(30);

/// The examples whose whole output is fixed: the run must print exactly the header's block.
#[test]
fn examples_with_a_fixed_output_print_their_header() {
    for name in [
        "tokio49", "tokio50", "tokio51", "tokio53", "tokio54", "tokio55", "tokio56",
    ] {
        let run = run_to_end(name, ENDS_WITHIN);
        assert_eq!(run.texts(), header_text_block(name, 1), "{name}\n{run}");
    }
}

#[test]
fn tokio49_ticks_come_100_ms_apart() {
    let run = run_to_end("tokio49", ENDS_WITHIN);
    // A `Sleep` never ends early: three waits of 100 ms take at least 300 ms.
    let last = run.lines.last().expect("tokio49 prints four lines");
    assert!(last.at >= Duration::from_millis(300), "{run}");
}

/// Parses "…: order [a, b, …] in N ms" into the order and the milliseconds.
fn order_and_ms(line: &str) -> (Vec<u32>, u64) {
    let rest = line
        .split_once("order [")
        .unwrap_or_else(|| panic!("no order in {line:?}"))
        .1;
    let (order, rest) = rest.split_once("] in ").expect("an order then a time");
    let order = order.split(", ").map(|n| n.parse().unwrap()).collect();
    let ms = rest
        .strip_suffix(" ms")
        .expect("a time in ms")
        .parse()
        .unwrap();
    (order, ms)
}

#[test]
fn tokio52_buffered_keeps_order_and_buffer_unordered_is_faster() {
    let run = run_to_end("tokio52", ENDS_WITHIN);
    let texts = run.texts();
    assert_eq!(texts.len(), 3, "{run}");
    let (then_order, then_ms) = order_and_ms(texts[0]);
    let (buffered_order, buffered_ms) = order_and_ms(texts[1]);
    let (unordered_order, unordered_ms) = order_and_ms(texts[2]);
    assert_eq!(then_order, [1, 2, 3, 4, 5, 6], "{run}");
    assert_eq!(buffered_order, [1, 2, 3, 4, 5, 6], "{run}");
    // Jobs 2, 3, 4 finish first, then 1 and 6 (both at 300 ms, either first), then 5 (400 ms).
    assert_eq!(unordered_order[..3], [2, 3, 4], "{run}");
    assert_eq!(unordered_order[5], 5, "{run}");
    // Timers never end early, so each schedule's minimum is a hard lower bound; the upper
    // bounds leave 150 ms or more for a loaded machine before two schedules could be confused.
    assert!((1000..1500).contains(&then_ms), "{run}");
    assert!((600..900).contains(&buffered_ms), "{run}");
    assert!((400..600).contains(&unordered_ms), "{run}");
}

#[test]
fn the_book_shows_only_checked_outputs() {
    assert_page_shows_checked_outputs(
        "ch09-streams.md",
        &[
            "tokio49", "tokio50", "tokio51", "tokio53", "tokio54", "tokio55", "tokio56",
        ],
        // tokio52's times are a recorded run, shown with its command.
        &["then (one at a time):  order [1, 2, 3, 4, 5, 6] in 1078 ms"],
    );
}
