//! Runs the examples of four sections, async closures (`tokio96`, chapter 8), borrowing
//! concurrency (`tokio97`) and `select!` details (`tokio98`, both chapter 10), errors across tasks
//! (`tokio95`, chapter 12), and checks what each header promises and that each page shows only
//! checked outputs. The compile-fail snippets the pages rely on (`chNN_topic/compile_fail/`) are
//! checked with rustc alone: they use std only.

mod harness;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use harness::{assert_page_shows_checked_outputs, header_text_block, number_after, run_to_end};

/// Upper bound for each run. The longest example needs well under a second; the margin is for a
/// busy machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(30);

/// Compares a run of `name`, an example whose output is the same on every run, line for line
/// with the output its header promises.
fn assert_prints_its_header(name: &str, what: &str) {
    harness::assert_prints_its_header(name, what, ENDS_WITHIN);
}

#[test]
fn tokio95_prints_what_its_header_shows() {
    assert_prints_its_header(
        "tokio95",
        "JoinError kinds, handle.await??, a typed error with a time-out",
    );
}

#[test]
fn tokio96_prints_what_its_header_shows() {
    assert_prints_its_header("tokio96", "AsyncFnMut, AsyncFn and AsyncFnOnce at work");
}

/// The longest one rustc run may take: the snippets use std only, so a check takes well under a
/// second; the margin is for a busy machine.
const RUSTC_LIMIT: Duration = Duration::from_secs(120);

/// One error rustc reported: its code, its message and the line of its primary span.
#[derive(Debug)]
struct RustcError {
    code: Option<String>,
    message: String,
    line: Option<u64>,
}

/// Type-checks the std-only file `path` with rustc alone (edition 2024, as the workspace) and
/// returns its errors. Panics if rustc cannot be started or runs longer than [`RUSTC_LIMIT`].
fn rustc_errors(path: &Path) -> Vec<RustcError> {
    let out_dir = tempfile::tempdir().expect("a scratch folder for rustc's output");
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".to_string());
    let mut child = Command::new(&rustc)
        .args([
            "--edition",
            "2024",
            "--crate-type",
            "lib",
            "--emit=metadata",
        ])
        .args(["--error-format=json", "--out-dir"])
        .arg(out_dir.path())
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {rustc}: {e}"));
    let stderr = child.stderr.take().expect("stderr was piped");
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let started = Instant::now();
    while child.try_wait().expect("rustc's status").is_none() {
        if started.elapsed() > RUSTC_LIMIT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "rustc ran longer than {RUSTC_LIMIT:?} on {}",
                path.display()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = reader.join().expect("the stderr reader");
    text.lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|d| {
            d["level"] == "error" && !d["message"].as_str().unwrap_or("").starts_with("aborting")
        })
        .map(|d| RustcError {
            code: d["code"]["code"].as_str().map(str::to_string),
            message: d["message"].as_str().unwrap_or("").to_string(),
            line: d["spans"]
                .as_array()
                .and_then(|spans| spans.iter().find(|s| s["is_primary"] == true))
                .and_then(|s| s["line_start"].as_u64()),
        })
        .collect()
}

/// The folder of a chapter's compile-fail snippets.
fn compile_fail_dir(chapter: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(chapter)
        .join("compile_fail")
}

/// Checks that `path` fails to compile with exactly the errors its `//~` annotations name, each on
/// the line the error points at: `//~ E0373` (a code), `//~ E0521 phrase` (a code and a phrase of
/// the message) or `//~ ERROR phrase` (a phrase, for an error without a code). Only the code, the
/// line and the phrase are compared, never whole messages, which rustc rewords between releases.
fn assert_fails_as_annotated(path: &Path, how_many: usize) {
    let source = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut expected = Vec::new();
    for (i, text) in source.lines().enumerate() {
        for note in text.split("//~ ").skip(1) {
            let note = note.trim();
            let line = i as u64 + 1;
            let (code, phrase) = match note.split_once(' ').unwrap_or((note, "")) {
                ("ERROR", phrase) => (None, phrase),
                (code, phrase) => (Some(code.to_string()), phrase),
            };
            expected.push((line, code, phrase.to_string()));
        }
    }
    assert_eq!(
        expected.len(),
        how_many,
        "{} must name {how_many} errors",
        path.display()
    );
    let errors = rustc_errors(path);
    for (line, code, phrase) in &expected {
        assert!(
            errors.iter().any(|e| e.line == Some(*line)
                && (code.is_none() || e.code == *code)
                && e.message.contains(phrase.as_str())),
            "rustc did not report {code:?} {phrase:?} on line {line} of {}; it reported {errors:#?}",
            path.display()
        );
    }
    assert_eq!(
        errors.len(),
        expected.len(),
        "rustc reported errors the annotations of {} do not name: {errors:#?}",
        path.display()
    );
}

/// `closure_returns_async_block.rs` fails with the errors its annotations name, and the same calls
/// written as async closures compile. The page's claim that `|| async {}` cannot borrow what the
/// closure captured, nor the closure's argument, rests on this.
#[test]
fn a_closure_returning_an_async_block_cannot_borrow_and_an_async_closure_can() {
    let dir = compile_fail_dir("ch08_by_hand");
    assert_fails_as_annotated(&dir.join("closure_returns_async_block.rs"), 3);
    let fixed = dir.join("async_closures.rs");
    let errors = rustc_errors(&fixed);
    assert!(
        errors.is_empty(),
        "{} must compile: {errors:#?}",
        fixed.display()
    );
}

/// A future that borrows its caller's data cannot be given to a function with `tokio::spawn`'s
/// bounds.
#[test]
fn a_spawned_future_cannot_borrow() {
    assert_fails_as_annotated(
        &compile_fail_dir("ch10_toolbox").join("spawn_borrowed.rs"),
        1,
    );
}

#[test]
fn tokio97_prints_what_its_header_shows() {
    assert_prints_its_header(
        "tokio97",
        "join_all and FuturesUnordered over borrowed data, spawn with an Arc",
    );
}

/// The first five lines of tokio98 are the same on every run. The last two count steps of 20 ms
/// against time-outs of 70 and 50 ms, so their figures depend on the timers; the test checks the
/// rule that holds on every run: the abandoned work stopped before its end, the spawned task did
/// not.
#[test]
fn tokio98_select_details() {
    let run = run_to_end("tokio98", ENDS_WITHIN);
    let texts = run.texts();
    let promised = header_text_block("tokio98", 1);
    assert_eq!(texts.len(), promised.len(), "{run}");
    assert_eq!(
        texts[..5],
        promised[..5],
        "tokio98's first five lines must be exactly what its header shows\n{run}"
    );
    let worker_steps = number_after(texts[5], "stopped after ", &run);
    assert!(
        texts[5].starts_with("oneshot::Sender::closed(): the requester gave up")
            && (1..10).contains(&worker_steps),
        "the worker must stop when the requester drops its Receiver, before its 10th step\n{run}"
    );
    let select_steps = number_after(texts[6], "stopped at ", &run);
    let spawned_steps = number_after(texts[6], "finished all ", &run);
    assert!(
        select_steps < 10 && spawned_steps == 10,
        "the losing select! branch must stop before its end, the detached task must finish\n{run}"
    );
}

#[test]
fn pages_show_only_checked_outputs() {
    assert_page_shows_checked_outputs("ch12-errors-across-tasks.md", &["tokio95"], &[]);
    assert_page_shows_checked_outputs("ch08-async-closures.md", &["tokio96"], &[]);
    assert_page_shows_checked_outputs("ch10-borrowing-concurrency.md", &["tokio97"], &[]);
    assert_page_shows_checked_outputs("ch10-select-details.md", &["tokio98"], &[]);
}
