//! Runs the examples of chapter 15, under the runtime and other runtimes (`tokio130`..`tokio135`),
//! and checks what each header promises. `tokio134` needs the `console` feature and
//! `--cfg tokio_unstable`, which the default build and `cargo test` never turn on: its test checks
//! that it stays out of the default build, not its output.

mod harness;

use std::time::Duration;

use harness::{Example, assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run. The longest (tokio135) needs about a second; the margin is for a busy
/// machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(60);

/// The first column of each table row: the label, before the figures.
fn label(line: &str) -> &str {
    line.get(..26).unwrap_or(line).trim_end()
}

#[test]
fn tokio130_compares_the_three_executors_in_one_run() {
    let run = Example::new("tokio130")
        .args(["300", "50", "2"])
        .deadline(ENDS_WITHIN)
        .run();
    run.assert_exited_ok();
    let lines = run.texts();
    let promised = header_text_block("tokio130", 1);
    assert_eq!(
        lines.len(),
        promised.len(),
        "one line per promised line\n{run}"
    );
    assert_eq!(
        lines[0], "median of 2 rounds, the executors taking turns",
        "{run}"
    );
    // The table: the same rows as the header, each with three figures.
    for (line, shown) in lines.iter().zip(&promised).skip(1).take(7) {
        assert_eq!(label(line), label(shown), "the table's rows\n{run}");
    }
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["job", "tokio", "smol", "tiny"],
        "{run}"
    );
    for line in &lines[2..8] {
        let figures: Vec<f64> = line[26..]
            .split_whitespace()
            .map(|f| {
                f.parse()
                    .unwrap_or_else(|_| panic!("not a figure in {line:?}\n{run}"))
            })
            .collect();
        assert_eq!(figures.len(), 3, "three figures in {line:?}\n{run}");
    }
    assert_eq!(
        lines[8], "check: all ran 300 tasks, echoed 50 x 64 bytes, got the same hash",
        "{run}"
    );
    assert_eq!(
        lines[9], "check: every ticker ticked while the CPU job ran",
        "{run}"
    );
    assert_eq!(
        lines[10],
        "check: Tokio's TcpStream on the tiny executor: \"there is no reactor running, ...\"",
        "Tokio's socket needs Tokio's reactor; the header says so\n{run}"
    );
}

#[test]
fn tokio131_runs_one_futures_function_on_both_runtimes() {
    let run = run_to_end("tokio131", ENDS_WITHIN);
    assert_eq!(
        run.texts(),
        header_text_block("tokio131", 1),
        "tokio131 (a futures-io function on a Tokio socket through compat, and on a smol \
         socket) must print exactly what its header shows\n{run}"
    );
}

#[test]
fn tokio132_shows_the_waker_edge_and_level() {
    let run = run_to_end("tokio132", ENDS_WITHIN);
    assert_eq!(
        run.texts(),
        header_text_block("tokio132", 1),
        "tokio132 (mio's loop, edge- and level-triggered epoll) must print exactly what its \
         header shows\n{run}"
    );
}

#[test]
fn tokio133_reads_through_io_uring_or_says_why_not() {
    let run = run_to_end("tokio133", ENDS_WITHIN);
    let texts = run.texts();
    let completed = header_text_block("tokio133", 1);
    if texts == completed {
        return;
    }
    let refused = header_text_block("tokio133", 2);
    assert_eq!(
        texts.len(),
        1,
        "either the three lines of a read or one refusal\n{run}"
    );
    let (before, after) = refused[0]
        .split_once('(')
        .expect("the header's refusal line");
    let tail = after.split_once(')').expect("the header's refusal line").1;
    assert!(
        texts[0].starts_with(before) && texts[0].ends_with(tail),
        "tokio133 printed neither the read nor a refusal that says why\n{run}"
    );
}

#[test]
fn tokio134_is_left_out_of_the_default_build() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .expect("examples/Cargo.toml");
    let entry = manifest
        .split("[[example]]")
        .find(|e| e.contains("name = \"tokio134\""))
        .expect("an [[example]] entry for tokio134");
    assert!(
        entry.contains("required-features = [\"console\"]"),
        "tokio134 must need the `console` feature:\n{entry}"
    );
    assert!(
        manifest.contains("console-subscriber = { workspace = true, optional = true }")
            && manifest.contains("console = [\"dep:console-subscriber\"]"),
        "console-subscriber must be optional, behind the `console` feature"
    );
    let built = harness::example_path("tokio133").with_file_name("tokio134");
    assert!(
        !built.exists() || cfg!(feature = "console"),
        "{} was built without the console feature",
        built.display()
    );
}

#[test]
fn tokio135_sees_the_worker_that_never_parks() {
    let run = run_to_end("tokio135", ENDS_WITHIN);
    let texts = run.texts();
    assert_eq!(texts[0], "workers: 2", "{run}");
    let stuck: Vec<&&str> = texts
        .iter()
        .filter(|l| {
            l.ends_with("awake the whole sample without parking: a task that never yields?")
        })
        .collect();
    assert!(
        !stuck.is_empty(),
        "while the hog spins, one worker is awake every sample without parking\n{run}"
    );
    assert!(
        texts
            .iter()
            .any(|l| l.starts_with("sample 1: alive tasks 2,")),
        "the ticker and the hog are alive in the first sample\n{run}"
    );
    assert_eq!(
        texts.last().copied(),
        Some("after the hog: alive tasks 1, no worker awake the whole sample"),
        "{run}"
    );
}

#[test]
fn the_page_shows_only_checked_outputs() {
    assert_page_shows_checked_outputs(
        "ch15-under-the-runtime.md",
        &["tokio132", "tokio133"],
        &[
            "io_uring: refused here (Operation not permitted (os error 1)); the read needs a kernel that allows io_uring",
        ],
    );
    assert_page_shows_checked_outputs(
        "ch15-other-runtimes.md",
        &["tokio131"],
        &["median of 5 rounds, the executors taking turns"],
    );
    assert_page_shows_checked_outputs("ch15-seeing-a-running-program.md", &[], &["workers: 2"]);
}
