//! Checking one crate: build its tests with cargo, run them under the process-level limit.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::diagnose::{self, Verdict};
use crate::error::LabError;
use crate::manifest::{CrateInfo, Exercise};
use crate::run::{self, canon};

/// Checks the stub of `ex`: the learner's copy.
pub fn check_stub(root: &Path, ex: &Exercise) -> Result<Verdict, LabError> {
    let dir = root.join(&ex.stub);
    if !dir.is_dir() {
        return Err(LabError::MissingFolder {
            id: ex.id.clone(),
            path: ex.stub.clone(),
        });
    }
    let info = CrateInfo::read(&dir)?;
    // Only the declared test targets: the library's own unit-test harness would be one more
    // compile after every edit, and exercises keep their tests in `tests/`.
    let mut extra = Vec::new();
    for name in &info.test_names {
        extra.extend(["--test", name.as_str()]);
    }
    let report = run::build_tests(root, std::slice::from_ref(&info.package), "test", &extra)?;
    if report.stderr.contains("Blocking waiting for file lock") {
        eprintln!(
            "note: the build waited for another cargo (often rust-analyzer) to release target/. \
             Setting \"rust-analyzer.cargo.targetDir\": true gives rust-analyzer a folder of its own \
             (see the book, chapter 0)."
        );
    }
    let built = report.crates.get(&canon(&dir)).cloned().unwrap_or_default();
    if built.executables.is_empty() || !built.errors.is_empty() {
        return Ok(compile_verdict(&built.errors, &report.stderr));
    }
    run_tests(
        &dir,
        &built.executables,
        Duration::from_secs(ex.time_limit_secs),
    )
}

/// The verdict for a crate that did not build: its first error in full, or cargo's own message.
pub fn compile_verdict(errors: &[String], cargo_stderr: &str) -> Verdict {
    match errors.first() {
        Some(first) => Verdict::CompileError {
            first: first.clone(),
            count: errors.len(),
        },
        None => {
            let relevant: Vec<&str> = cargo_stderr
                .lines()
                .skip_while(|l| !l.starts_with("error"))
                .collect();
            let text = if relevant.is_empty() {
                cargo_stderr.trim().to_owned()
            } else {
                relevant.join("\n")
            };
            Verdict::CompileError {
                first: diagnose::clip(&text, 40),
                count: 1,
            }
        }
    }
}

/// Runs the test executables of the crate in `dir`, one after the other, each under `limit`.
pub fn run_tests(
    dir: &Path,
    executables: &[(String, PathBuf)],
    limit: Duration,
) -> Result<Verdict, LabError> {
    let mut passed = 0;
    for (_, exe) in executables {
        let mut cmd = Command::new(exe);
        cmd.args(["--color", "never"])
            .current_dir(dir)
            // `cargo test` sets this for the test process too; tests that find files rely on it.
            .env("CARGO_MANIFEST_DIR", dir)
            // A verdict shows the panic message and its place; a backtrace would bury them.
            // `cargo test -p <package>` still gives the full run when it is wanted.
            .env("RUST_BACKTRACE", "0");
        let done = run::run_limited(cmd, limit)?;
        if let Some(after) = done.killed_after {
            let mut list = Command::new(exe);
            list.args(["--list", "--color", "never"]).current_dir(dir);
            let names = run::run_limited(list, Duration::from_secs(10))
                .map(|l| diagnose::listed_tests(&l.stdout))
                .unwrap_or_default();
            return Ok(diagnose::from_killed(&done.stdout, after, &names));
        }
        match diagnose::from_test_run(&done.stdout, &done.stderr, done.success) {
            Verdict::Passed { tests } => passed += tests,
            failed => return Ok(failed),
        }
    }
    Ok(Verdict::Passed { tests: passed })
}

/// Prints a verdict for a learner, with the diagnosis and the next step.
pub fn print_verdict(ex: &Exercise, verdict: &Verdict, hints_left: usize) {
    let place = ex.stub.display();
    match verdict {
        Verdict::Passed { tests } => {
            let tests = if *tests == 1 {
                "the one test passes".to_owned()
            } else {
                format!("all {tests} tests pass")
            };
            println!("✓ {} ({place}): {tests}.", ex.id);
            return;
        }
        Verdict::CompileError { first, count } => {
            println!(
                "✗ {} ({place}): does not compile ({count} error{}).",
                ex.id,
                if *count == 1 { "" } else { "s" }
            );
            println!("\nThe first error, in full:\n\n{first}\n");
            println!(
                "diagnosis: a compile error. Fix the first one first: later errors are often consequences of it. \
                 rust-analyzer shows the same error in your editor."
            );
            if first.contains("Future")
                && (first.contains("E0308") || first.contains("E0277") || first.contains("E0369"))
            {
                println!(
                    "The error has a future where a value was expected: calling an async fn only creates the \
                     future, and `.await` is probably missing."
                );
            }
        }
        Verdict::Failed {
            first,
            failed,
            diagnosis,
        } => {
            println!("✗ {} ({place}): {}.", ex.id, verdict.summary());
            if !failed.is_empty() {
                println!("failed: {}", failed.join(", "));
            }
            println!("\nThe first failure:\n\n{first}\n");
            let layer = if diagnosis.is_timeout() {
                "timed out, in-test limit (testkit). "
            } else {
                ""
            };
            println!("diagnosis: {layer}{}", diagnosis.explain());
        }
        Verdict::Killed { after, running } => {
            println!("✗ {} ({place}): {}.", ex.id, verdict.summary());
            if !running.is_empty() {
                println!("still running when killed: {}", running.join(", "));
            }
            println!(
                "\ndiagnosis: timed out, process-level limit (lab). The test process tree was killed after {} s and \
                 testkit's in-test time-outs never reported, which means the test's own thread was stuck where they \
                 cannot interrupt it: usually a busy loop (a `loop {{}}` or a spin on a flag that never reaches an \
                 `.await`), or a blocking call made directly on the test thread.",
                after.as_secs()
            );
        }
    }
    if hints_left > 0 {
        println!(
            "\nStuck? `cargo lab hint {}` shows a hint ({hints_left} left). Run `cargo lab check {}` again after editing, \
             or leave `cargo lab watch` running.",
            ex.id, ex.id
        );
    } else {
        println!(
            "\nYou have seen every hint; the solution is in {}.",
            ex.solution.display()
        );
    }
}
