//! Runs the chapter 11 examples (`tokio69` to `tokio82`, one per pitfall) and checks what each
//! header promises: the symptom measured on the buggy version and its absence on the fixed one,
//! both measured the same way in the same run.
//!
//! Where a figure depends on the clock (a heartbeat's gap, an elapsed time), the test checks the
//! bound that separates the bug from the fix rather than the figure itself: a blocked thread can
//! only make a gap longer than the block, never shorter, so the buggy side is checked with a lower
//! bound that always holds, and the fixed side with an upper bound equal to that same figure,
//! which a healthy runtime misses only if the machine stalls it for that long.

mod harness;

use std::time::Duration;

use harness::{
    Run, assert_page_shows_checked_outputs, header_text_block, number_after, run_to_end,
};

/// Upper bound for each run. The longest example needs about 1.2 s; the margin is for a busy
/// machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(30);

/// Runs `name`, checks it printed `lines` lines, each starting as its header's line does up to the
/// first digit (so the wording is checked even where the figures vary), and returns the run.
fn run_with_header_shape(name: &str, lines: usize) -> Run {
    let run = run_to_end(name, ENDS_WITHIN);
    let promised = header_text_block(name, 1);
    let texts = run.texts();
    assert_eq!(
        texts.len(),
        lines,
        "{name} printed the wrong number of lines\n{run}"
    );
    assert_eq!(
        promised.len(),
        lines,
        "{name}'s header shows the wrong number of lines"
    );
    for (got, promised) in texts.iter().zip(&promised) {
        let shape = |l: &str| -> String { l.chars().take_while(|c| !c.is_ascii_digit()).collect() };
        assert_eq!(
            shape(got),
            shape(promised),
            "{name}: a line is not the one its header shows\n{run}"
        );
    }
    run
}

#[test]
fn tokio69_blocking_work_stalls_the_heartbeat_and_spawn_blocking_does_not() {
    let run = run_with_header_shape("tokio69", 2);
    let texts = run.texts();
    let blocked = number_after(texts[0], "stalled for ", &run);
    let offloaded = number_after(texts[1], "stalled for ", &run);
    assert!(
        blocked >= 300,
        "300 ms of work on the only runtime thread must stop the heartbeat for at least 300 ms\n{run}"
    );
    assert!(
        offloaded < 300,
        "with the work in spawn_blocking the heartbeat must keep ticking (gap under the work's 300 ms)\n{run}"
    );
}

#[test]
fn tokio70_thread_sleep_serialises_the_tasks_and_tokio_sleep_overlaps_them() {
    let run = run_with_header_shape("tokio70", 2);
    let texts = run.texts();
    let took_blocking = number_after(texts[0], "pauses took ", &run);
    let stall_blocking = number_after(texts[0], "stalled for ", &run);
    let took_async = number_after(texts[1], "pauses took ", &run);
    let stall_async = number_after(texts[1], "stalled for ", &run);
    assert!(
        took_blocking >= 600,
        "three 200 ms thread sleeps on one thread cannot overlap\n{run}"
    );
    assert!(
        stall_blocking >= 200,
        "a thread sleep holds the heartbeat for at least one 200 ms pause\n{run}"
    );
    assert!(
        took_async < 600,
        "three tokio sleeps must overlap (under the 600 ms of three in a row)\n{run}"
    );
    assert!(
        stall_async < 200,
        "tokio sleeps must leave the heartbeat running (gap under one 200 ms pause)\n{run}"
    );
}

/// The examples whose output is the same on every run: compared line for line with the header.
#[test]
fn deterministic_examples_print_exactly_what_their_headers_show() {
    for name in [
        "tokio71", "tokio72", "tokio74", "tokio77", "tokio79", "tokio81", "tokio82",
    ] {
        let run = run_to_end(name, ENDS_WITHIN);
        assert_eq!(
            run.texts(),
            header_text_block(name, 1),
            "{name}: the buggy and fixed versions must show the symptom and its absence exactly \
             as the header says\n{run}"
        );
    }
}

#[test]
fn tokio71_the_held_guard_deadlocks_and_the_scoped_one_does_not() {
    let run = run_to_end("tokio71", ENDS_WITHIN);
    let texts = run.texts();
    assert!(
        texts[0].ends_with("deadlocked (no answer after 1 s)"),
        "a std MutexGuard held across .await, with a second locker on the same thread, deadlocks\n{run}"
    );
    assert!(
        texts[1].contains(r#"["a1", "a2", "b1", "b2"]"#),
        "with the guard scoped, both writers finish and every entry is in the log\n{run}"
    );
}

#[test]
fn tokio72_cancelling_between_steps_breaks_the_total_and_commit_at_the_end_does_not() {
    let run = run_to_end("tokio72", ENDS_WITHIN);
    let texts = run.texts();
    assert!(
        texts[0].contains("cancelled") && texts[0].ends_with("50 vanished"),
        "the timeout must cancel the stepwise transfer after its debit\n{run}"
    );
    assert!(
        texts[1].contains("cancelled") && texts[1].ends_with("0 vanished"),
        "the same cancellation must leave the total intact when both changes happen together\n{run}"
    );
}

#[test]
fn tokio73_read_line_in_select_loses_lines_and_next_line_does_not() {
    let run = run_with_header_shape("tokio73", 2);
    let texts = run.texts();
    let with_read_line = number_after(texts[0], "select!: ", &run);
    let with_lines = number_after(texts[1], "select!: ", &run);
    assert!(
        with_read_line < 5,
        "ticks every 5 ms inside 50 ms gaps must cancel read_line mid-line and lose data\n{run}"
    );
    assert_eq!(
        with_lines, 5,
        "Lines::next_line is cancel safe: every line must arrive whole\n{run}"
    );
}

#[test]
fn tokio74_drop_loses_the_buffer_and_shutdown_delivers_it() {
    let run = run_to_end("tokio74", ENDS_WITHIN);
    let texts = run.texts();
    assert!(
        texts[0].contains("got 0 of 39"),
        "BufWriter has no Drop impl: dropping it must lose the buffered bytes\n{run}"
    );
    assert!(
        texts[1].contains("got 39 of 39"),
        "shutdown().await must flush every byte\n{run}"
    );
}

#[test]
fn tokio75_biased_select_starves_the_second_branch() {
    let run = run_with_header_shape("tokio75", 3);
    let texts = run.texts();
    let promised = header_text_block("tokio75", 1);
    assert_eq!(
        texts[..2],
        promised[..2],
        "biased select! polls in order: the exact counts are fixed\n{run}"
    );
    let random = number_after(texts[2], "not biased: ", &run);
    // Each round starts at a random branch, so reaching 50 rounds without polling the ready stop
    // branch first has a chance of about 2^-50.
    assert!(
        random < 50,
        "without biased; the ready stop branch must be seen within a few rounds\n{run}"
    );
}

#[test]
fn tokio76_one_await_per_line_is_sequential_and_join_is_not() {
    let run = run_with_header_shape("tokio76", 2);
    let texts = run.texts();
    let sequential = number_after(texts[0], "answers in ", &run);
    let joined = number_after(texts[1], "answers in ", &run);
    assert!(
        sequential >= 600,
        "three 200 ms waits awaited one per line must take at least 600 ms\n{run}"
    );
    assert!(
        joined < 600,
        "join! must overlap the three waits (under the 600 ms of three in a row)\n{run}"
    );
}

#[test]
fn tokio77_the_open_spans_name_the_hung_futures() {
    let run = run_to_end("tokio77", ENDS_WITHIN);
    let texts = run.texts();
    assert!(
        texts[0].contains("did not finish")
            && texts[0].contains("worker{id=0}")
            && texts[0].contains("worker{id=1}"),
        "with a spare sender alive the workers never end, and their spans must say so\n{run}"
    );
    assert!(
        texts[1].ends_with("shutdown finished; open spans: none"),
        "without the spare sender shutdown must finish and close every span\n{run}"
    );
}

#[test]
fn tokio78_the_unbounded_queue_grows_and_the_bounded_one_does_not() {
    let run = run_with_header_shape("tokio78", 2);
    let texts = run.texts();
    let unbounded_queue = number_after(texts[0], "longest queue ", &run);
    let unbounded_heap = number_after(texts[0], "peak heap +", &run);
    let bounded_queue = number_after(texts[1], "longest queue ", &run);
    let bounded_heap = number_after(texts[1], "peak heap +", &run);
    assert!(
        unbounded_queue > 500,
        "a consumer ten times slower must leave hundreds of messages queued\n{run}"
    );
    assert!(
        unbounded_heap > 500,
        "hundreds of queued 1 KiB messages must show as hundreds of KiB of heap\n{run}"
    );
    assert!(
        bounded_queue <= 16,
        "channel(16) must never hold more than 16 messages\n{run}"
    );
    assert!(
        bounded_heap < 100,
        "16 queued 1 KiB messages and the channel's blocks stay well under 100 KiB\n{run}"
    );
}

#[test]
fn tokio79_notify_waiters_before_waiting_is_lost() {
    let run = run_to_end("tokio79", ENDS_WITHIN);
    let texts = run.texts();
    assert!(
        texts[0].ends_with("the signal was lost"),
        "notify_waiters stores nothing: a task that was not waiting yet must miss it\n{run}"
    );
    assert!(
        texts[1].ends_with("woke up"),
        "a Notified created before the signal must be woken by it\n{run}"
    );
}

#[test]
fn tokio80_the_guard_in_while_let_serialises_the_consumers() {
    let run = run_with_header_shape("tokio80", 2);
    let texts = run.texts();
    let holding_most = number_after(texts[0], "at most ", &run);
    let holding_ms = number_after(texts[0], "jobs in ", &run);
    let releasing_most = number_after(texts[1], "at most ", &run);
    assert_eq!(
        holding_most, 1,
        "a guard living through the while let body must let only one consumer work at a time\n{run}"
    );
    assert!(
        holding_ms >= 600,
        "six 100 ms jobs one at a time take at least 600 ms\n{run}"
    );
    assert_eq!(
        releasing_most, 2,
        "with the guard dropped at the end of its statement both consumers must work at once\n{run}"
    );
}

#[test]
fn tokio81_a_dropped_handle_hides_the_panic_and_a_joinset_reports_it() {
    let run = run_to_end("tokio81", ENDS_WITHIN);
    let texts = run.texts();
    assert!(
        texts[1].contains("failures noticed: 0, 1 panic happened"),
        "with the handles dropped, the panic happens and nobody notices\n{run}"
    );
    assert!(
        texts[3].contains("failures noticed: 1, 1 panic happened"),
        "a JoinSet must hand the panic back as a JoinError\n{run}"
    );
}

#[test]
fn tokio82_block_on_inside_a_runtime_panics_or_hangs() {
    let run = run_to_end("tokio82", ENDS_WITHIN);
    let texts = run.texts();
    assert!(
        texts[0].ends_with("Cannot start a runtime from within a runtime"),
        "Handle::block_on on a runtime thread must panic with Tokio's message\n{run}"
    );
    assert!(
        texts[1].ends_with("hung (no answer after 1 s)"),
        "futures' block_on on a current_thread runtime's only thread must hang\n{run}"
    );
    assert!(
        texts[2..]
            == [
                ".await: got 42",
                "Handle::block_on in spawn_blocking: got 42"
            ],
        "both fixes must get the answer\n{run}"
    );
}

#[test]
fn the_book_shows_only_checked_outputs() {
    assert_page_shows_checked_outputs(
        "ch11-pitfalls.md",
        &[
            "tokio69", "tokio70", "tokio71", "tokio72", "tokio73", "tokio74", "tokio75", "tokio76",
            "tokio77", "tokio78", "tokio79", "tokio80", "tokio81", "tokio82",
        ],
        &[],
    );
}
