//! Verdict details, against the fixture exercises (`tests/fixtures/`, numbers 50 and up): the
//! failure shown is the one the diagnosis is about, an exercise's own diagnosis table wins over
//! the generic text, a future that is never awaited gets a note against rustc's `let _ = ...`,
//! and `reset` starts the hints again.
//!
//! Every lab process is bounded by [`run_lab`]'s limit and killed if it overruns. The fixtures
//! are built in the same target dir as `tests/cli.rs` uses, so they are built once for both.

mod common;

use common::{BUILD, fixtures};

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

/// Runs lab (bounded by `limit`) and returns its exit code and its stdout followed by its stderr.
fn run_lab(root: &Path, state: &Path, args: &[&str], limit: Duration) -> (Option<i32>, String) {
    let out = common::run_lab(root, state, args, limit);
    (
        out.code,
        format!("{}\n--- stderr ---\n{}", out.stdout, out.stderr),
    )
}

/// `lab check ID` on the fixtures: its exit code and output.
fn check(id: &str) -> (Option<i32>, String) {
    let state = tempfile::tempdir().unwrap();
    run_lab(&fixtures(), state.path(), &["check", id], BUILD)
}

/// The part of a verdict between "failure:" and "diagnosis:": the failure it shows.
fn shown(out: &str) -> &str {
    let start = out.find("failure:").expect("a verdict shows a failure");
    let end = out.find("\ndiagnosis:").expect("a verdict has a diagnosis");
    &out[start..end]
}

#[test]
fn the_failure_shown_is_the_one_the_diagnosis_is_about() {
    let (code, out) = check("fx_shown_failure");
    assert_eq!(code, Some(1), "a failed check exits with 1:\n{out}");
    assert!(
        out.contains("2 tests failed: runtime blocked"),
        "the summary names the block:\n{out}"
    );
    let failure = shown(&out);
    assert!(
        failure.contains("---- b_pauses_without_blocking stdout ----")
            && failure.contains("the runtime thread was blocked"),
        "the failure shown is the blocked test's:\n{out}"
    );
    assert!(
        !failure.contains("payload length marker"),
        "the other test's assertion is not the failure shown:\n{out}"
    );
}

#[test]
fn an_exercise_reading_wins_over_the_generic_text() {
    let (code, out) = check("fx_reading");
    assert_eq!(code, Some(1), "a failed check exits with 1:\n{out}");
    assert!(
        out.contains("2 tests failed: the channel is never closed."),
        "the summary uses the reading's name:\n{out}"
    );
    assert!(
        out.contains("diagnosis: Fixture reading: drop every sender"),
        "the diagnosis is the reading's explanation:\n{out}"
    );
    assert!(
        !out.contains("wrongly matched reading"),
        "a reading restricted to another test must not match:\n{out}"
    );
    let failure = shown(&out);
    assert!(
        failure.contains("reading marker") && !failure.contains("the answer marker"),
        "the failure shown is the one the reading matched:\n{out}"
    );
}

#[test]
fn a_future_never_awaited_gets_a_note_against_let_underscore() {
    let (code, out) = check("fx_must_use");
    assert_eq!(code, Some(1), "a failed check exits with 1:\n{out}");
    assert!(
        out.contains("does not compile") && out.contains("tokio::time::sleep(delay);"),
        "the compile error is shown:\n{out}"
    );
    assert!(
        out.contains("Add `.await` to that statement")
            && out.contains("Do not follow rustc's `let _ = ...` suggestion"),
        "the note names the missing `.await` and warns against rustc's help:\n{out}"
    );
}

#[test]
fn reset_starts_the_hints_again() {
    // A root of its own with git, holding the manifest and the one stub that is reset.
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("exercises/00_fx/03_todo/src")).unwrap();
    std::fs::copy(
        fixtures().join("exercises/lab.toml"),
        root.path().join("exercises/lab.toml"),
    )
    .unwrap();
    let stub = root.path().join("exercises/00_fx/03_todo/src/lib.rs");
    std::fs::copy(fixtures().join("exercises/00_fx/03_todo/src/lib.rs"), &stub).unwrap();
    for args in [
        &["init", "-q"][..],
        &["add", "."],
        &["commit", "-q", "-m", "shipped"],
    ] {
        let status = Command::new("git")
            .current_dir(root.path())
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .expect("git runs");
        assert!(status.success(), "git {args:?}");
    }
    let state = tempfile::tempdir().unwrap();
    let limit = Duration::from_secs(30);
    for _ in 0..2 {
        let (code, out) = run_lab(root.path(), state.path(), &["hint", "fx_todo"], limit);
        assert_eq!(code, Some(0), "`lab hint` succeeds:\n{out}");
    }
    let hints_seen = || -> serde_json::Value {
        let text = std::fs::read_to_string(state.path().join("progress.json")).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        json["hints_shown"]["fx_todo"].clone()
    };
    assert_eq!(hints_seen(), 2, "two hints were shown before the reset");
    let (code, out) = run_lab(root.path(), state.path(), &["reset", "fx_todo"], limit);
    assert_eq!(code, Some(0), "`lab reset` succeeds:\n{out}");
    assert!(
        hints_seen().is_null(),
        "after a reset no hint counts as seen, so the verdict offers them again:\n{out}"
    );
    let (_, out) = run_lab(root.path(), state.path(), &["hint", "fx_todo"], limit);
    assert!(
        out.contains("First hint for fx_todo."),
        "the next hint after a reset is the first one again:\n{out}"
    );
}

#[test]
fn a_long_compile_error_is_shown_whole_and_every_error_counted() {
    // rustc's JSON message for this E0277 ("cannot be sent between threads safely") is one line
    // of several KiB; it used to be cut at 4 KiB and dropped, leaving the second error shown as
    // the only one.
    let (code, out) = check("fx_long_error");
    assert_eq!(code, Some(1), "a failed check exits with 1:\n{out}");
    assert!(
        out.contains("does not compile (2 errors)"),
        "both errors are counted:\n{out}"
    );
    let first = &out[out
        .find("The first error")
        .expect("the first error is shown")..];
    let first = &first[..first.find("\ndiagnosis:").expect("a diagnosis follows")];
    assert!(
        first.contains("future cannot be sent between threads safely")
            && first.contains("is not `Send` as this value is used across an await")
            && first.contains("required by a bound in `tokio::spawn`"),
        "the E0277 is the first error, shown to its last note:\n{out}"
    );
    assert!(
        !first.contains("expected `u32`, found `&str`"),
        "the second error is not shown as the first:\n{out}"
    );
    assert!(
        !out.contains(".await` is probably missing"),
        "a future that is not Send has nothing to do with a missing .await:\n{out}"
    );
}
