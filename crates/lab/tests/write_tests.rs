//! Exercises where the learner writes the tests (`kind = "write_tests"`): the tests must pass on
//! the code as shipped and fail with each of its bugs switched on; a bug they miss is named by
//! what it does, never by its code; an edit of the code under test is not a pass; a bug switched
//! on in the learner's own shell changes nothing.
//!
//! Each test works on a copy of the fixture `tests/fixtures/exercises/00_fx/55_write_tests`
//! (and its solution) in a git repository of its own, so it can edit the tests freely.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{BUILD, Out, copy_dir, fixtures, git, run_lab};

const STUB: &str = "exercises/00_fx/55_write_tests";
const TESTS: &str = "exercises/00_fx/55_write_tests/tests/fx_write_tests.rs";

/// A workspace holding only the fixture and its solution, committed as shipped. `tag` makes the
/// package names unique, so that copies built at the same time do not share artifacts.
fn workspace(tag: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let fx = fixtures();
    for (from, pkg) in [
        (STUB, "fx-55-write-tests"),
        ("solutions/00_fx/55_write_tests", "fxsol-55-write-tests"),
    ] {
        copy_dir(&fx.join(from), &root.path().join(from));
        let toml = root.path().join(from).join("Cargo.toml");
        let text = std::fs::read_to_string(&toml)
            .unwrap()
            .replace(pkg, &format!("{pkg}-{tag}"));
        std::fs::write(&toml, text).unwrap();
    }
    let manifest = std::fs::read_to_string(fx.join("Cargo.toml"))
        .unwrap()
        .replace("\"hostile/exercises/*/*\",", "");
    std::fs::write(root.path().join("Cargo.toml"), manifest).unwrap();
    let lab_toml = std::fs::read_to_string(fx.join("exercises/lab.toml")).unwrap();
    let entry = lab_toml
        .split("[[exercise]]")
        .find(|e| e.contains("id = \"fx_write_tests\""))
        .expect("the fixture's entry");
    std::fs::write(
        root.path().join("exercises/lab.toml"),
        format!("[[exercise]]{entry}"),
    )
    .unwrap();
    git(root.path(), &["init", "-q"]);
    git(root.path(), &["add", "."]);
    git(root.path(), &["commit", "-q", "-m", "shipped"]);
    root
}

fn check(root: &Path) -> Out {
    let state = tempfile::tempdir().unwrap();
    run_lab(root, state.path(), &["check", "fx_write_tests"], BUILD)
}

fn write_tests(root: &Path, body: &str) {
    std::fs::write(
        root.join(TESTS),
        format!("use fx_write_tests::double;\n\n{body}"),
    )
    .unwrap();
}

#[test]
fn the_learners_tests_are_run_against_the_code_and_each_bug() {
    let root = workspace("verdicts");
    let root = root.path();

    let shipped = check(root);
    assert_eq!(shipped.code, Some(1), "{}", shipped.stdout);
    assert!(
        shipped.stdout.contains("todo!() reached")
            && shipped
                .stdout
                .contains("On the code as shipped, which is correct"),
        "the shipped TODO fails on the correct code:\n{}",
        shipped.stdout
    );

    // Tests that fail on the correct code are told so before any bug is tried.
    write_tests(
        root,
        "#[test]\nfn wrong() {\n    assert_eq!(double(2), 5);\n}\n",
    );
    let wrong = check(root);
    assert_eq!(wrong.code, Some(1), "{}", wrong.stdout);
    assert!(
        wrong.stdout.contains("your tests fail") && wrong.stdout.contains("right: 5"),
        "{}",
        wrong.stdout
    );

    // A weak suite: it catches `adds_one` and misses `zero_is_one`, which is named by what it
    // does, and neither its name nor its code is shown.
    write_tests(
        root,
        "#[test]\nfn two() {\n    assert_eq!(double(2), 4);\n}\n",
    );
    let weak = check(root);
    assert_eq!(weak.code, Some(1), "{}", weak.stdout);
    assert!(
        weak.stdout.contains("your tests miss a bug")
            && weak.stdout.contains("catch 1 of its 2 bugs")
            && weak.stdout.contains("  - the double of 0 comes out as 1"),
        "the missed bug is named by what it does:\n{}",
        weak.stdout
    );
    assert!(
        !weak.stdout.contains("zero_is_one")
            && !weak.stdout.contains("x == 0")
            && !weak.stdout.contains("every result is one more"),
        "neither the bug's name, its code nor a caught bug is shown:\n{}",
        weak.stdout
    );

    let good = "#[test]\nfn doubles() {\n    assert_eq!(double(2), 4);\n    assert_eq!(double(0), 0);\n}\n";
    write_tests(root, good);
    let pass = check(root);
    assert_eq!(pass.code, Some(0), "{}\n{}", pass.stdout, pass.stderr);
    assert!(pass.stdout.contains("✓ fx_write_tests"), "{}", pass.stdout);

    // A bug switched on in the learner's shell does not reach the run on the shipped code.
    let state = tempfile::tempdir().unwrap();
    let mut cmd = common::lab(root, state.path(), &["check", "fx_write_tests"]);
    cmd.env("ASYNC_LAB_BUG", "adds_one");
    let started = std::time::Instant::now();
    let with_env = common::finish(cmd.spawn().unwrap(), started, BUILD, "lab check");
    assert_eq!(with_env.code, Some(0), "{}", with_env.stdout);

    // Code that fails whenever a bug is switched on makes a weak suite "catch" every bug, which
    // does not count.
    write_tests(
        root,
        "#[test]\nfn two() {\n    assert_eq!(double(2), 4);\n}\n",
    );
    let lib = root.join(STUB).join("src/lib.rs");
    let text = std::fs::read_to_string(&lib).unwrap();
    std::fs::write(
        &lib,
        text.replace(
            "pub fn double(x: u32) -> u32 {\n",
            "pub fn double(x: u32) -> u32 {\n    assert!(bugs::active().is_none());\n",
        ),
    )
    .unwrap();
    let modified = check(root);
    assert_eq!(modified.code, Some(1), "{}", modified.stdout);
    assert!(
        modified
            .stdout
            .contains("the code under test was modified: this is not a pass")
            && modified.stdout.contains("src/lib.rs differs from HEAD"),
        "{}",
        modified.stdout
    );
    let status = Command::new("git")
        .current_dir(root)
        .args(["checkout", "-q", "--", "."])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn verify_proves_the_reference_tests_catch_every_bug() {
    let root = workspace("verify");
    let state = tempfile::tempdir().unwrap();
    let out = run_lab(
        root.path(),
        state.path(),
        &["verify", "fx_write_tests"],
        BUILD,
    );
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("fx_write_tests "))
        .unwrap_or_else(|| panic!("no row:\n{}", out.stdout));
    assert!(
        row.contains("pass") && row.contains("test_failure: test_failure") && row.contains(" 1/1 "),
        "the reference tests pass and catch every bug, the stub fails, the weak suite is caught: {row}"
    );

    // Reference tests that miss a bug are a breach.
    let reference = root
        .path()
        .join("solutions/00_fx/55_write_tests/tests/fx_write_tests.rs");
    let text = std::fs::read_to_string(&reference).unwrap();
    std::fs::write(
        &reference,
        text.replace("assert_eq!(double(0), 0);", "assert_eq!(double(3), 6);"),
    )
    .unwrap();
    let weak = run_lab(
        root.path(),
        state.path(),
        &["verify", "fx_write_tests"],
        Duration::from_secs(300),
    );
    assert_eq!(weak.code, Some(1), "{}", weak.stdout);
    assert!(
        weak.stdout
            .contains("✗ fx_write_tests: the solution does not pass: your tests miss a bug"),
        "{}",
        weak.stdout
    );
}
