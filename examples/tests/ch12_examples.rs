//! Runs the chapter 12 examples (`tokio83` to `tokio90`, production patterns) and checks what each
//! header promises. Where the output depends on timing (a heap peak, an admission time, the order
//! in which two concurrent requests log) the test checks the rule that holds on every run.

mod harness;

use std::time::Duration;

use harness::{
    Example, assert_page_shows_checked_outputs, assert_prints_its_header, header_text_block,
    number_after, run_to_end,
};

/// Upper bound for each run. The longest example needs about 0.8 s; the margin is for a busy
/// machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(30);

/// The examples whose output is the same on every run: compared line for line with the header.
#[test]
fn deterministic_examples_print_exactly_what_their_headers_show() {
    for (name, what) in [
        (
            "tokio83",
            "queued jobs dropped by stop-at-once, all finished by close-and-drain",
        ),
        (
            "tokio84",
            "child token, server token, deadline and abort, each counted",
        ),
        (
            "tokio88",
            "poll_ready follows the inner limit; the gauge drops with a dropped future",
        ),
        (
            "tokio90",
            "a detached task outlives the error; a dropped JoinSet aborts it",
        ),
    ] {
        assert_prints_its_header(name, what, ENDS_WITHIN);
    }
}

#[test]
fn tokio85_a_semaphore_bounds_the_handlers_and_the_heap() {
    let run = run_to_end("tokio85", ENDS_WITHIN);
    let texts = run.texts();
    assert_eq!(texts.len(), 2, "{run}");
    let unlimited_most = number_after(texts[0], "at most ", &run);
    let unlimited_heap = number_after(texts[0], "peak heap +", &run);
    let limited_most = number_after(texts[1], "at most ", &run);
    let limited_heap = number_after(texts[1], "peak heap +", &run);
    assert_eq!(
        unlimited_most, 200,
        "without a limit all 200 handlers run at once\n{run}"
    );
    assert!(
        unlimited_heap >= 200 * 64,
        "200 live 64 KiB buffers need at least 12800 KiB\n{run}"
    );
    assert_eq!(
        limited_most, 8,
        "Semaphore(8) allows exactly 8 handlers at once\n{run}"
    );
    assert!(
        limited_heap < 200 * 64 / 4,
        "with 8 handlers the heap must stay far below the unlimited peak\n{run}"
    );
    for line in &texts {
        assert!(
            line.ends_with("200 served"),
            "every request must be served\n{run}"
        );
    }
}

#[test]
fn tokio86_backoff_deadline_and_propagation() {
    let run = run_to_end("tokio86", ENDS_WITHIN);
    let texts = run.texts();
    let promised = header_text_block("tokio86", 1);
    assert_eq!(texts.len(), 7, "{run}");
    assert_eq!(
        texts[..4],
        promised[..4],
        "the seeded jitter gives the same waits on every run, and the fourth attempt answers\n{run}"
    );
    let attempts = number_after(texts[4], "stopped after ", &run);
    assert!(
        attempts >= 2,
        "within 100 ms there is room for at least two attempts\n{run}"
    );
    assert!(
        texts[4].ends_with("the next wait would pass the deadline")
            || texts[4].ends_with("the last one cut off at the deadline"),
        "the retry loop must stop because of the deadline\n{run}"
    );
    assert_eq!(
        texts[5], promised[5],
        "a backend not told the deadline does all its work\n{run}"
    );
    let told = number_after(texts[6], "told the deadline: ", &run);
    assert!(
        told < 30,
        "a backend told the deadline must stop before the end of its work\n{run}"
    );
}

#[test]
fn tokio87_the_tower_stack_limits_retries_and_times_out() {
    let run = run_to_end("tokio87", ENDS_WITHIN);
    let texts = run.texts();
    let promised = header_text_block("tokio87", 1);
    assert_eq!(texts.len(), 3, "{run}");
    assert_eq!(
        texts[..2],
        promised[..2],
        "request 3 answers on its retry, request 5 times out twice, at most 2 in flight\n{run}"
    );
    let spread = number_after(texts[2], "admitted ", &run);
    assert!(
        spread >= 100,
        "8 requests at 4 per 100 ms cannot all be admitted within 100 ms\n{run}"
    );
}

#[test]
fn tokio89_every_line_names_its_request_and_the_filter_works() {
    let run = Example::new("tokio89")
        .args(["--filter", "info"])
        .deadline(ENDS_WITHIN)
        .run();
    run.assert_exited_ok();
    let mut got = run.texts();
    let mut promised = header_text_block("tokio89", 1);
    // The two requests interleave differently from run to run; each request's own lines keep
    // their order.
    for user in ["user=1", "user=2"] {
        let mine = |lines: &[&str]| -> Vec<String> {
            lines
                .iter()
                .filter(|l| l.contains(&format!("handle{{{user}}}")))
                .map(|l| l.to_string())
                .collect()
        };
        let promised_refs: Vec<&str> = promised.iter().map(String::as_str).collect();
        assert_eq!(
            mine(&got),
            mine(&promised_refs),
            "each request's lines, in order, inside its handle span\n{run}"
        );
    }
    got.sort();
    promised.sort();
    assert_eq!(got, promised, "no other line at the info level\n{run}");

    let debug = Example::new("tokio89")
        .args(["--filter", "debug"])
        .deadline(ENDS_WITHIN)
        .run();
    debug.assert_exited_ok();
    let queries = debug
        .texts()
        .iter()
        .filter(|l| l.starts_with("DEBUG") && l.contains(":orders{") && l.contains("querying"))
        .count();
    assert_eq!(
        queries, 2,
        "with --filter debug each request's query line appears, inside the spawned task's \
         orders span, itself inside handle\n{debug}"
    );
}

#[test]
fn the_book_shows_only_checked_outputs() {
    assert_page_shows_checked_outputs(
        "ch12-production.md",
        &[
            "tokio83", "tokio84", "tokio85", "tokio86", "tokio87", "tokio88", "tokio89", "tokio90",
        ],
        &[],
    );
}
