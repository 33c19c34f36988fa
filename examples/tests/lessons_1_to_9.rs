//! Runs `tokio1` to `tokio9` and checks what each one's header promises.
//!
//! Where the output is deterministic the lines are compared exactly, and the same lines are read
//! back out of the example's `//!` header, so the header cannot drift away from the program. Hashes
//! are computed here with `blake3` rather than pasted. Where threads race, only the orderings that
//! are guaranteed are checked. The two examples that never end are stopped as soon as they have
//! shown enough, then killed.

mod harness;

use std::time::Duration;

use harness::{Example, Line, Run, header_text_block, run_to_end};

/// Upper bound for an example that ends by itself. Each of them is done in about a second; the
/// margin is for a busy machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(20);

/// Upper bound for an endless example to show three results. Three results take about 2.4 s
/// (800 ms each); the run stops as soon as they are in, so the margin costs nothing when all is well.
const ENDLESS_DEADLINE: Duration = Duration::from_secs(30);

/// How many worker results the endless examples must show while still running.
const RESULTS_WANTED: usize = 3;

/// The line a worker prints for a job whose input was `input`, hash computed here.
fn worker_result(input: &str) -> String {
    format!(
        "Worker got result: {}",
        blake3::hash(input.as_bytes()).to_hex()
    )
}

/// Runs an endless example until it has printed `RESULTS_WANTED` worker results, then kills it.
fn run_until_results(name: &str) -> Run {
    let run = Example::new(name)
        .deadline(ENDLESS_DEADLINE)
        .stop_when(|lines: &[Line]| {
            lines
                .iter()
                .filter(|l| l.text.starts_with("Worker got result: "))
                .count()
                >= RESULTS_WANTED
        })
        .run();
    assert!(
        run.stopped_early,
        "{} did not print {RESULTS_WANTED} results within {ENDLESS_DEADLINE:?}\n{run}",
        run.name
    );
    assert!(
        run.was_still_running(),
        "{} ended by itself, but it is meant to run until stopped\n{run}",
        run.name
    );
    assert!(run.stderr.is_empty(), "{} wrote to stderr\n{run}", run.name);
    run
}

/// Checks that an example printing a fixed text prints exactly `expected`, and that its header
/// shows exactly the same lines as its output.
fn assert_exact_output(name: &str, expected: &[&str]) {
    let run = run_to_end(name, ENDS_WITHIN);
    assert_eq!(run.texts(), expected, "unexpected output\n{run}");
    assert_eq!(
        header_text_block(name, 1),
        expected,
        "the //! header of examples/<chapter>/{name}.rs shows a different output"
    );
}

#[test]
fn tokio1_adds_two_numbers() {
    assert_exact_output("tokio1", &["10 + 20 = 30"]);
}

#[test]
fn tokio2_keeps_each_threads_order_and_nothing_more() {
    let run = run_to_end("tokio2", ENDS_WITHIN);
    let main_lines: Vec<String> = (1..=4)
        .map(|i| format!("hi number {i} from the main thread"))
        .collect();
    let spawned_lines: Vec<String> = (1..=9)
        .map(|i| format!("hi number {i} from the first thread"))
        .collect();

    // Split the output by thread, keeping the order in which the lines arrived. Nothing is
    // assumed about how the two threads mix: only that each thread's own lines come out whole,
    // once each and in its loop's order, and that nothing else is printed.
    let texts = run.texts();
    let from_main: Vec<&str> = texts
        .iter()
        .copied()
        .filter(|t| t.ends_with(" from the main thread"))
        .collect();
    let from_spawned: Vec<&str> = texts
        .iter()
        .copied()
        .filter(|t| t.ends_with(" from the first thread"))
        .collect();

    assert_eq!(from_main, main_lines, "main thread's lines\n{run}");
    assert_eq!(from_spawned, spawned_lines, "spawned thread's lines\n{run}");
    assert_eq!(
        texts.len(),
        main_lines.len() + spawned_lines.len(),
        "unexpected extra lines\n{run}"
    );
}

#[test]
fn tokio3_prints_from_the_joined_thread() {
    assert_exact_output("tokio3", &["hello from the thread"]);
}

#[test]
fn tokio4_runs_a_future_with_block_on() {
    assert_exact_output("tokio4", &["Hello, world!"]);
}

#[test]
fn tokio5_spawned_tasks_never_run() {
    // Neither task's three lines may appear: the runtime is dropped before it polls them.
    assert_exact_output("tokio5", &["Hello, world!"]);
}

#[test]
fn tokio6_blocking_task_delays_the_file_read() {
    let run = run_to_end("tokio6", ENDS_WITHIN);
    let result = format!("Result: {}", blake3::hash(b"Future 2").to_hex());
    // Measured here rather than written down, because the file grows as examples are added.
    // `String::len` and `str::len` both count bytes, as the example's `content.len()` does.
    let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
    let manifest_len = std::fs::read_to_string(manifest)
        .unwrap_or_else(|e| panic!("cannot read {manifest}: {e}"))
        .len();
    let content = format!("Content length: {manifest_len}");

    // The usual order is fixed by the single runtime thread: task 1 is polled first and parks on
    // the read; task 2 then holds the thread for 800 ms; only after it returns can task 1 be
    // polled again and print the length, however early the read itself finished. One other order
    // is possible: if the blocking-pool thread finishes the read before task 1 first polls it,
    // task 1 does not wait at all and prints the length before task 2 starts. What can never
    // happen is the lesson: a line between task 2's start and its result.
    let expected = [
        "Future 1 executed on thread",
        "Future 2 executed on thread",
        result.as_str(),
        content.as_str(),
    ];
    let read_already_done = [
        "Future 1 executed on thread",
        content.as_str(),
        "Future 2 executed on thread",
        result.as_str(),
    ];
    let texts = run.texts();
    assert!(
        texts == expected || texts == read_already_done,
        "unexpected output\n{run}"
    );

    // The header shows the first three lines verbatim and describes the fourth.
    let header = header_text_block("tokio6", 1);
    assert_eq!(
        header[..3],
        expected[..3],
        "the //! header of examples/ch03_blocking/tokio6.rs shows different lines"
    );
    assert_eq!(header.len(), 4, "tokio6's header should show four lines");
    assert!(
        header[3].starts_with("Content length: "),
        "tokio6's header should end with the content length line"
    );
}

#[test]
fn tokio7_exits_before_the_worker_finishes_a_job() {
    // An empty stdout is the proof that the process ended before the worker's first 800 ms job
    // did: the worker prints a line after every job.
    let run = run_to_end("tokio7", ENDS_WITHIN);
    assert!(run.lines.is_empty(), "tokio7 printed something\n{run}");
}

#[test]
fn tokio8_prints_the_same_result_and_never_ends() {
    let run = run_until_results("tokio8");
    let expected = worker_result("Future 1");
    assert!(
        run.lines.len() >= RESULTS_WANTED,
        "too few lines for {RESULTS_WANTED} results\n{run}"
    );
    for line in &run.lines {
        assert_eq!(line.text, expected, "unexpected line\n{run}");
    }
    assert_eq!(
        header_text_block("tokio8", 1),
        [expected],
        "the //! header of examples/ch04_workers/tokio8.rs shows a different line"
    );
}

/// The number of `Send task N!` lines before the first result. The channel's capacity is 32; the
/// worker holds one more message (task 1) for 800 ms, having taken it out of the channel; and the
/// producer prints one more line ("Send task 34!") before its `send` finds the channel full and
/// waits. 32 + 1 + 1 = 34.
const SENDS_BEFORE_FIRST_RESULT: usize = 32 + 1 + 1;

#[test]
fn tokio9_bounded_channel_paces_the_producer() {
    let run = run_until_results("tokio9");
    let texts = run.texts();

    // The first 34 lines are the sends 1..=34. The producer needs far less than the worker's
    // 800 ms to print them, so that margin is what this relies on. A 35th send cannot come
    // first: it needs a second slot freed, so the worker must have finished task 1 already.
    assert!(
        texts.len() > SENDS_BEFORE_FIRST_RESULT,
        "too few lines\n{run}"
    );
    for (i, text) in texts[..SENDS_BEFORE_FIRST_RESULT].iter().enumerate() {
        assert_eq!(*text, format!("Send task {}!", i + 1), "line {i}\n{run}");
    }

    // From then on the lines alternate strictly. A result comes first: its `println!` returns
    // before the worker takes the next message, and taking it is what lets the waiting send
    // through. The next send line then appears long before the next 800 ms job is done. The run
    // was killed at an arbitrary point, so the tail may end after either kind of line.
    let mut results = 0;
    for (offset, text) in texts[SENDS_BEFORE_FIRST_RESULT..].iter().enumerate() {
        let k = offset / 2 + 1;
        let expected = if offset % 2 == 0 {
            results += 1;
            worker_result(&format!("Task {k}"))
        } else {
            format!("Send task {}!", SENDS_BEFORE_FIRST_RESULT + k)
        };
        assert_eq!(
            *text,
            expected,
            "line {}\n{run}",
            SENDS_BEFORE_FIRST_RESULT + offset
        );
    }
    assert!(results >= RESULTS_WANTED, "too few results\n{run}");

    // The header's sample shows "Send task 34!" just before the first result, and the first two
    // results; check both hashes and the position.
    let header = header_text_block("tokio9", 1);
    let first_result = header
        .iter()
        .position(|l| l.starts_with("Worker got result: "))
        .expect("tokio9's header shows a result line");
    assert_eq!(
        header[first_result - 1],
        format!("Send task {SENDS_BEFORE_FIRST_RESULT}!"),
        "tokio9's header: the line before the first result"
    );
    let header_results: Vec<&String> = header
        .iter()
        .filter(|l| l.starts_with("Worker got result: "))
        .collect();
    assert_eq!(
        header_results,
        [&worker_result("Task 1"), &worker_result("Task 2")],
        "tokio9's header shows wrong hashes"
    );
}
