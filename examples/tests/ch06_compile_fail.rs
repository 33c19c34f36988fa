//! The compile-fail lessons of chapter 6: each `examples/ch06_pin/lessons/src/bin/NAME.rs` must
//! fail to compile with exactly the errors its `//~` annotations name, and each `NAME_fixed.rs`
//! must compile.
//!
//! An annotation sits at the end of the line the error points at, as in ui_test:
//! `//~ E0277 cannot be unpinned` (an error code and a key phrase of the message) or
//! `//~ ERROR future cannot be sent between threads safely` (a key phrase only, for an error that
//! has no code). The check runs `cargo check --message-format=json` on the lessons package once,
//! and compares only the error code, the line and the key phrase of each error, never the whole
//! message: rustc rewords its messages between releases, and a check that compared whole outputs
//! (as trybuild's snapshots do) would break with them. It fails when a lesson compiles, when it
//! fails with an error no annotation names (it fails "for another reason"), when an annotation
//! finds no error on its line, and when a fixed version does not compile.
//!
//! An error raised inside a macro (`tokio::select!`) is placed on the line of the macro call in
//! the lesson, following the span's expansion chain.
//!
//! The lessons package lives outside the workspace; its build goes to `target/ch06-lessons`, so
//! after the first run (about 10 s to check tokio) a run takes a few seconds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use serde_json::Value;

/// Process-level limit for the one `cargo check`. The first run checks tokio (about 10 s on an
/// idle machine); the margin is for a machine busy with other builds.
const CHECK_LIMIT: Duration = Duration::from_secs(600);

fn lessons_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ch06_pin/lessons")
}

/// What an annotation asks for.
#[derive(Debug, Clone)]
struct Expected {
    line: usize,
    code: Option<String>,
    phrase: String,
}

/// One error rustc reported, placed on a line of the lesson file.
#[derive(Debug, Clone)]
struct Reported {
    line: Option<usize>,
    code: Option<String>,
    message: String,
}

fn annotations(path: &Path) -> Vec<Expected> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some((_, rest)) = line.split_once("//~ ") else {
            continue;
        };
        let (head, phrase) = rest
            .split_once(' ')
            .unwrap_or_else(|| panic!("{}:{}: annotation without a phrase", path.display(), i + 1));
        let code = match head {
            "ERROR" => None,
            code if code.starts_with('E') && code.len() == 5 => Some(code.to_string()),
            other => panic!(
                "{}:{}: annotation must start with ERROR or an error code, not {other:?}",
                path.display(),
                i + 1
            ),
        };
        out.push(Expected {
            line: i + 1,
            code,
            phrase: phrase.trim().to_string(),
        });
    }
    out
}

/// The line in `file` (a path like `src/bin/x.rs`) a span points at, following macro expansions
/// back to the call site when the span itself lies in another file.
fn line_in(span: &Value, file: &str) -> Option<usize> {
    if span["file_name"].as_str() == Some(file) {
        return span["line_start"].as_u64().map(|l| l as usize);
    }
    line_in(&span["expansion"]["span"], file)
}

/// Runs `cargo check` on the lessons package, bounded by `CHECK_LIMIT`, and returns the errors
/// reported for each binary, by binary name.
fn check_lessons() -> BTreeMap<String, Vec<Reported>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let target = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/ch06-lessons");
    let child = Command::new(cargo)
        .args([
            "check",
            "--offline",
            "--locked",
            "--bins",
            "--keep-going",
            "--message-format=json",
        ])
        .current_dir(lessons_dir())
        .env("CARGO_TARGET_DIR", target)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot start cargo check on the lessons");
    let id = child.id();
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    let output = match rx.recv_timeout(CHECK_LIMIT) {
        Ok(output) => output.expect("cargo check on the lessons failed to run"),
        Err(_) => {
            // Ends the `cargo check` this test started, by its id.
            let _ = Command::new("kill").arg(id.to_string()).status();
            panic!("cargo check on the lessons did not finish within {CHECK_LIMIT:?}");
        }
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let mut by_target: BTreeMap<String, Vec<Reported>> = BTreeMap::new();
    for line in stdout.lines() {
        let Ok(msg) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-message" || msg["message"]["level"] != "error" {
            continue;
        }
        let name = msg["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let file = format!("src/bin/{name}.rs");
        let message = &msg["message"];
        let spans = message["spans"].as_array().cloned().unwrap_or_default();
        if spans.is_empty() {
            continue; // "aborting due to ..." summaries
        }
        let line = spans
            .iter()
            .filter(|s| s["is_primary"] == true)
            .find_map(|s| line_in(s, &file));
        by_target.entry(name).or_default().push(Reported {
            line,
            code: message["code"]["code"].as_str().map(str::to_string),
            message: message["message"].as_str().unwrap_or_default().to_string(),
        });
    }
    assert!(
        !stdout.is_empty(),
        "cargo check printed nothing; its stderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    by_target
}

fn matches(e: &Expected, r: &Reported) -> bool {
    r.line == Some(e.line)
        && (e.code.is_none() || r.code == e.code)
        && r.message.contains(&e.phrase)
}

/// The lesson names (files without `_fixed`), sorted.
fn lesson_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(lessons_dir().join("src/bin"))
        .expect("cannot list the lessons")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            let stem = name.strip_suffix(".rs")?.to_string();
            (!stem.ends_with("_fixed")).then_some(stem)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn every_lesson_fails_as_annotated_and_every_fix_compiles() {
    let names = lesson_names();
    assert_eq!(names.len(), 8, "eight compile-fail lessons: {names:?}");
    let reported = check_lessons();
    let mut problems = Vec::new();
    for name in &names {
        let path = lessons_dir().join(format!("src/bin/{name}.rs"));
        let expected = annotations(&path);
        if expected.is_empty() {
            problems.push(format!("{name}: has no //~ annotation"));
        }
        let errors = reported.get(name).cloned().unwrap_or_default();
        if errors.is_empty() {
            problems.push(format!(
                "{name}: compiles, but the lesson is that it must not"
            ));
        }
        for e in &expected {
            if !errors.iter().any(|r| matches(e, r)) {
                problems.push(format!(
                    "{name}:{}: expected an error {} containing {:?} on this line; got {errors:?}",
                    e.line,
                    e.code.as_deref().unwrap_or("(no code)"),
                    e.phrase
                ));
            }
        }
        for r in &errors {
            if !expected.iter().any(|e| matches(e, r)) {
                problems.push(format!(
                    "{name}: fails for another reason, an error no annotation names: {r:?}"
                ));
            }
        }
        let fixed = format!("{name}_fixed");
        assert!(
            lessons_dir().join(format!("src/bin/{fixed}.rs")).is_file(),
            "{name} has no fixed version {fixed}.rs"
        );
        if let Some(errors) = reported.get(&fixed) {
            problems.push(format!("{fixed}: must compile, but: {errors:?}"));
        }
    }
    assert!(
        problems.is_empty(),
        "the compile-fail lessons do not behave as annotated:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_book_names_every_lessons_error() {
    let page = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/src/ch06-pin.md"),
    )
    .expect("cannot read docs/src/ch06-pin.md");
    for name in lesson_names() {
        let path = lessons_dir().join(format!("src/bin/{name}.rs"));
        for e in annotations(&path) {
            if let Some(code) = &e.code {
                assert!(
                    page.contains(code.as_str()),
                    "the page does not name {code} ({name})"
                );
            }
            assert!(
                page.contains(&e.phrase),
                "the page does not quote {:?}, the error of {name}",
                e.phrase
            );
            assert!(
                page.contains(&format!("lessons/src/bin/{name}.rs:error"))
                    && page.contains(&format!("lessons/src/bin/{name}_fixed.rs:fix")),
                "the page must show {name} and its fix next to each other"
            );
        }
    }
}
