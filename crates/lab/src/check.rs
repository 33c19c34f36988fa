//! Checking one crate: build its tests with cargo, run them under the process-level limit.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::diagnose::{self, Diagnosis, Verdict};
use crate::error::LabError;
use crate::manifest::{CrateInfo, Exercise, Kind, Reading};
use crate::run::{self, TestExe, canon};
use crate::{integrity, procs, replay, results};

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
    // Comparing the tests with the shipped ones runs git a few times (some 15-20 ms in all), so it
    // runs on a thread of its own while cargo builds, instead of before the build.
    let (modified, verdict) = std::thread::scope(|scope| {
        let compare = scope.spawn(|| integrity::modified(root, ex));
        let verdict = build_and_run(root, ex, &dir, &info);
        let modified = compare
            .join()
            .unwrap_or_else(|_| Err("the comparison stopped with a panic".to_owned()));
        (modified, verdict)
    });
    let verdict = verdict?;
    let what = ex.kind.guarded_name();
    let diagnosis = match ex.kind {
        Kind::Implement => Diagnosis::TestsModified,
        Kind::WriteTests => Diagnosis::CodeModified,
    };
    match modified {
        Ok(m) if m.any() => {
            let Verdict::Passed { tests } = verdict else {
                println!(
                    "note: the exercise's {what} differs from what was shipped, so this run is not the real verdict:\n{}",
                    m.describe()
                );
                return Ok(verdict);
            };
            Ok(Verdict::Failed {
                first: format!(
                    "{}\nWith this modified {what}, {tests} passed; that does not count.",
                    m.describe()
                ),
                failed: Vec::new(),
                diagnosis,
            })
        }
        Ok(_) => Ok(verdict),
        Err(why) => {
            eprintln!("note: the {what} could not be compared with what was shipped ({why}).");
            Ok(verdict)
        }
    }
}

/// Builds the exercise's test targets and runs them.
fn build_and_run(
    root: &Path,
    ex: &Exercise,
    dir: &Path,
    info: &CrateInfo,
) -> Result<Verdict, LabError> {
    match build(root, ex, dir, info)? {
        Ok(executables) => run_built(root, ex, dir, &executables),
        Err(verdict) => Ok(verdict),
    }
}

/// Runs the test executables [`build`] gave, under the exercise's limit and diagnosis table; for
/// an exercise where the learner writes the tests, once on the code as shipped and once per bug.
pub fn run_built(
    root: &Path,
    ex: &Exercise,
    dir: &Path,
    executables: &[TestExe],
) -> Result<Verdict, LabError> {
    let limit = Duration::from_secs(ex.time_limit_secs);
    match ex.kind {
        Kind::Implement => run_tests_with(
            dir,
            executables,
            limit,
            ex.test_threads,
            &ex.diagnosis,
            None,
        ),
        Kind::WriteTests => run_against_bugs(root, ex, dir, executables, limit),
    }
}

/// The tests must pass on the code as shipped, and fail with each bug of `bugs.toml` switched
/// on; the verdict names each bug they miss by what it does.
fn run_against_bugs(
    root: &Path,
    ex: &Exercise,
    dir: &Path,
    executables: &[TestExe],
    limit: Duration,
) -> Result<Verdict, LabError> {
    let bugs = crate::bugs::load(root, ex)?;
    let clean = run_tests_with(
        dir,
        executables,
        limit,
        ex.test_threads,
        &ex.diagnosis,
        None,
    )?;
    let tests = match clean {
        Verdict::Passed { tests } => tests,
        Verdict::Failed {
            first,
            failed,
            diagnosis,
        } if !diagnosis.is_about_the_tests() => {
            return Ok(Verdict::Failed {
                first: format!(
                    "On the code as shipped, which is correct (no bug switched on), your tests fail:\n\n{first}"
                ),
                failed,
                diagnosis,
            });
        }
        other => return Ok(other),
    };
    let mut missed = Vec::new();
    for bug in &bugs {
        let run = run_tests_with(
            dir,
            executables,
            limit,
            ex.test_threads,
            &[],
            Some((crate::bugs::SWITCH, bug.name.as_str())),
        )?;
        if run.fail_kind().is_none() {
            missed.push(bug);
        }
    }
    if missed.is_empty() {
        return Ok(Verdict::Passed { tests });
    }
    let list: Vec<String> = missed.iter().map(|b| format!("  - {}", b.about)).collect();
    Ok(Verdict::Failed {
        first: format!(
            "Your {tests} tests pass on the code as shipped, and catch {} of its {} bugs. They pass with \
             these switched on, so they miss them:\n{}",
            bugs.len() - missed.len(),
            bugs.len(),
            list.join("\n")
        ),
        failed: Vec::new(),
        diagnosis: Diagnosis::BugsMissed,
    })
}

/// Builds the exercise's test targets in `dir` (the stub's folder): the test executables, or
/// the verdict when they could not be built.
pub fn build(
    root: &Path,
    ex: &Exercise,
    dir: &Path,
    info: &CrateInfo,
) -> Result<Result<Vec<TestExe>, Verdict>, LabError> {
    let expected = expected_tests(root, ex, info);
    // With nothing changed but the exercise's sources, its two rustc commands run without cargo.
    // `LAB_REPLAY_LOG=1` says which way each build went, and why.
    let log = std::env::var_os("LAB_REPLAY_LOG").is_some_and(|v| v == "1");
    let replayed = if replay::enabled() {
        replay::build(root, &info.package, dir, &expected)
    } else {
        Err("off".to_owned())
    };
    if log {
        match &replayed {
            Ok((_, done)) => eprintln!("lab replay: {done}"),
            Err(why) => eprintln!("lab replay: through cargo: {why}"),
        }
    }
    let report = match replayed {
        Ok((report, _)) => report,
        Err(_) => {
            // Only the exercise's test targets: the library's own unit-test harness would be one
            // more compile after every edit, and exercises keep their tests in `tests/`.
            let mut extra = Vec::new();
            for name in &expected {
                extra.extend(["--test", name.as_str()]);
            }
            // `-vv` makes cargo print the commands it runs, with their variables, for the record.
            if replay::enabled() {
                extra.push("-vv");
            }
            // A build script of the exercise's that hangs is cut off at the exercise's limit;
            // compiling itself keeps the generous build limit (a cold build of Tokio takes minutes).
            let mut report = run::build_tests_with(
                root,
                std::slice::from_ref(&info.package),
                "test",
                &extra,
                Some(Duration::from_secs(ex.time_limit_secs)),
            )?;
            if replay::enabled() {
                replay::record(root, &info.package, dir, &expected, &report);
                report.stderr = replay::quiet(&report.stderr);
            }
            report
        }
    };
    let built = report.crates.get(&canon(dir)).cloned().unwrap_or_default();
    if built.errors.is_empty()
        && !report.success
        && let Some(detail) = infrastructure_failure(root, &report.stderr)
    {
        return Err(LabError::Infrastructure { detail });
    }
    if built.errors.is_empty() && missing_target(&report.stderr) {
        return Ok(Err(missing_tests_verdict(&report.stderr, &expected)));
    }
    if built.executables.is_empty() || !built.errors.is_empty() {
        return Ok(Err(compile_verdict(&built.errors, &report.stderr)));
    }
    let absent: Vec<&String> = expected
        .iter()
        .filter(|name| {
            !built
                .executables
                .iter()
                .any(|exe| exe.integration && &exe.target == *name)
        })
        .collect();
    if !absent.is_empty() {
        let names: Vec<&str> = absent.iter().map(|n| n.as_str()).collect();
        return Ok(Err(missing_tests_verdict(
            &format!("cargo built no test target named {}", names.join(", ")),
            &expected,
        )));
    }
    Ok(Ok(built.executables))
}

/// The names of the test targets that make up the exercise.
///
/// They are read from the solution's Cargo.toml, which the learner has no reason to edit and
/// which runs the same test files: a stub whose `[[test]]` entry was removed or renamed must
/// not be checked against fewer tests than CI runs. Without a readable solution, the stub's own
/// entries are used, and without those the convention that the test target is named after the
/// exercise.
fn expected_tests(root: &Path, ex: &Exercise, stub: &CrateInfo) -> Vec<String> {
    let from_solution = CrateInfo::read(&root.join(&ex.solution))
        .map(|s| s.test_names)
        .unwrap_or_default();
    if !from_solution.is_empty() {
        from_solution
    } else if !stub.test_names.is_empty() {
        stub.test_names.clone()
    } else {
        vec![ex.id.clone()]
    }
}

/// cargo's lines about a failure of the machine rather than of the code: a full disk, a
/// read-only or unwritable target folder, a quota, or a target path that is not a folder.
/// `None` when nothing like that is in cargo's stderr.
fn infrastructure_failure(root: &Path, cargo_stderr: &str) -> Option<String> {
    const OS_ERRORS: [&str; 4] = [
        "(os error 28)",  // ENOSPC: no space left on device
        "(os error 30)",  // EROFS: read-only file system
        "(os error 122)", // EDQUOT: disk quota exceeded
        "(os error 13)",  // EACCES: permission denied
    ];
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let target = target.to_string_lossy().into_owned();
    let machine = OS_ERRORS.iter().any(|e| cargo_stderr.contains(e))
        || (cargo_stderr.contains("(os error") && cargo_stderr.contains(target.as_str()));
    if !machine {
        return None;
    }
    let from = cargo_stderr
        .lines()
        .position(|l| l.starts_with("error"))
        .unwrap_or(0);
    let all: Vec<&str> = cargo_stderr.lines().skip(from).collect();
    Some(diagnose::clip(&all.join("\n"), 12))
}

/// Whether cargo refused the build because a test target does not exist: `--test NAME` for a
/// target the package lacks, or a `[[test]]` entry whose file is gone.
fn missing_target(cargo_stderr: &str) -> bool {
    // Cargo 1.95 says "can't find integration-test `x` at path ..." for a missing file; the
    // last, looser test also covers the "can't find `x` test at ..." wording.
    cargo_stderr.contains("no test target named")
        || cargo_stderr.contains("can't find integration-test")
        || (cargo_stderr.contains("can't find `") && cargo_stderr.contains("` test at"))
}

/// The verdict for an exercise whose test target is gone, quoting cargo's reason.
fn missing_tests_verdict(cargo_says: &str, expected: &[String]) -> Verdict {
    let relevant: Vec<&str> = cargo_says
        .lines()
        .skip_while(|l| !l.starts_with("error") && !l.starts_with("cargo built"))
        .collect();
    let reason = if relevant.is_empty() {
        cargo_says.trim().to_owned()
    } else {
        relevant.join("\n")
    };
    Verdict::Failed {
        first: format!(
            "the test target{} {} could not be built:\n{}",
            if expected.len() == 1 { "" } else { "s" },
            expected.join(", "),
            diagnose::clip(&reason, 20)
        ),
        failed: Vec::new(),
        diagnosis: diagnose::Diagnosis::MissingTestTarget,
    }
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

/// What libtest 1.95 writes to stderr first when given `--logfile`.
const LOGFILE_WARNING: &str = "warning: `--logfile` is deprecated";

/// Runs the test executables of the crate in `dir`, one after the other, each under `limit`,
/// `threads` tests at a time (libtest's default, one per core, when `None`).
///
/// Each binary is first listed (`--list`), then run with libtest's results log in a fresh
/// folder; [`crate::results`] explains why the verdict is counted from those and not from stdout.
pub fn run_tests(
    dir: &Path,
    executables: &[TestExe],
    limit: Duration,
    threads: Option<usize>,
) -> Result<Verdict, LabError> {
    run_tests_with(dir, executables, limit, threads, &[], None)
}

/// [`run_tests`], reading a failure with an exercise's own diagnosis table first, with one more
/// environment variable for the test process when `env` is given.
pub fn run_tests_with(
    dir: &Path,
    executables: &[TestExe],
    limit: Duration,
    threads: Option<usize>,
    readings: &[Reading],
    env: Option<(&str, &str)>,
) -> Result<Verdict, LabError> {
    let mut passed = 0;
    for TestExe {
        path: exe,
        integration,
        ..
    } in executables
    {
        // Listing runs no test code and takes a few milliseconds; it runs while the tests do.
        let lister = {
            let exe = exe.clone();
            let dir = dir.to_path_buf();
            std::thread::spawn(move || {
                let mut list = Command::new(&exe);
                list.args(["--list", "--color", "never"]).current_dir(&dir);
                run::run_limited(list, Duration::from_secs(10))
                    .map(|l| diagnose::listed_tests(&l.stdout))
            })
        };
        let logs = tempfile::Builder::new()
            .prefix("lab-results-")
            .tempdir()
            .map_err(LabError::io("creating a folder in", std::env::temp_dir()))?;
        let log_path = logs.path().join("results.log");
        let mut cmd = Command::new(exe);
        cmd.args(["--color", "never", "--logfile"])
            .arg(&log_path)
            .current_dir(dir)
            // `cargo test` sets this for the test process too; tests that find files rely on it.
            .env("CARGO_MANIFEST_DIR", dir)
            // A verdict shows the panic message and its place; a backtrace would bury them.
            // `cargo test -p <package>` still gives the full run when it is wanted.
            .env("RUST_BACKTRACE", "0");
        if let Some(threads) = threads {
            cmd.arg("--test-threads").arg(threads.to_string());
        }
        if let Some((key, value)) = env {
            cmd.env(key, value);
        } else {
            // A bug switched on in the learner's shell must not change the verdict.
            cmd.env_remove(crate::bugs::SWITCH);
        }
        let done = run::run_test_process(cmd, limit)?;
        let names = lister.join().unwrap_or_else(|_| Ok(Vec::new()))?;
        let log = results::parse_log(&std::fs::read_to_string(&log_path).unwrap_or_default());
        // libtest warns, without a newline, that `--logfile` is deprecated; the warning is lab's
        // doing, not the test's.
        let stderr = done
            .stderr
            .strip_prefix(LOGFILE_WARNING)
            .unwrap_or(&done.stderr)
            .to_owned();
        if let Some(after) = done.killed_after {
            return Ok(diagnose::from_killed(
                &done.stdout,
                after,
                &names,
                done.busy,
            ));
        }
        if let Some(signal) = done.signal {
            return Ok(diagnose::from_crash(
                signal,
                &done.stdout,
                &stderr,
                done.memory_limited.then_some(procs::MEMORY_LIMIT_GIB),
            ));
        }
        if !done.success {
            let verdict = diagnose::from_test_run_for(&done.stdout, &stderr, false, readings);
            // Tests the log records as failed, in case their lines on stdout were garbled.
            return Ok(match verdict {
                Verdict::Failed {
                    first,
                    failed,
                    diagnosis,
                } if failed.is_empty() => Verdict::Failed {
                    first,
                    failed: log
                        .iter()
                        .filter(|(_, r)| **r == results::Logged::Failed)
                        .map(|(n, _)| n.clone())
                        .collect(),
                    diagnosis,
                },
                other => other,
            });
        }
        if names.is_empty() {
            // A library's unit-test harness may rightly hold no test; an exercise's test file
            // may not, and neither may the whole crate (checked below).
            if *integration {
                return Ok(diagnose::from_test_run(&done.stdout, &stderr, true));
            }
            continue;
        }
        match results::judge_success(&names, &log, &done.stdout) {
            None => passed += names.len(),
            Some(results::Shortfall::Ignored(ignored)) => {
                return Ok(Verdict::Failed {
                    first: format!("skipped with #[ignore]: {}", ignored.join(", ")),
                    failed: Vec::new(),
                    diagnosis: Diagnosis::IgnoredTests,
                });
            }
            Some(results::Shortfall::NeverRan(never)) => {
                return Ok(Verdict::Failed {
                    first: format!(
                        "the test process exited with status 0, but {} of its {} tests never reported a result: {}",
                        never.len(),
                        names.len(),
                        never.join(", ")
                    ),
                    failed: Vec::new(),
                    diagnosis: Diagnosis::EndedEarly,
                });
            }
            Some(results::Shortfall::Inconsistent(why)) => {
                return Ok(Verdict::Failed {
                    first: why,
                    failed: Vec::new(),
                    diagnosis: Diagnosis::ResultsInconsistent,
                });
            }
        }
    }
    if passed == 0 {
        return Ok(diagnose::from_test_run("running 0 tests\n", "", true));
    }
    Ok(Verdict::Passed { tests: passed })
}

/// Prints a verdict for a learner, with the diagnosis and the next step.
pub fn print_verdict(ex: &Exercise, verdict: &Verdict, hints_left: usize) {
    print!("{}", render_verdict(ex, verdict, hints_left));
}

/// The verdict as [`print_verdict`] shows it: what `verify` matches a wrong answer's expected
/// words against.
pub fn render_verdict(ex: &Exercise, verdict: &Verdict, hints_left: usize) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let place = ex.stub.display();
    match verdict {
        Verdict::Passed { tests } => {
            let tests = if *tests == 1 {
                "the one test passes".to_owned()
            } else {
                format!("all {tests} tests pass")
            };
            let _ = writeln!(out, "✓ {} ({place}): {tests}.", ex.id);
            return out;
        }
        Verdict::CompileError { first, count } => {
            let _ = writeln!(
                out,
                "✗ {} ({place}): does not compile ({count} error{}).",
                ex.id,
                if *count == 1 { "" } else { "s" }
            );
            let _ = writeln!(out, "\nThe first error, in full:\n\n{first}\n");
            let _ = writeln!(
                out,
                "diagnosis: a compile error. Fix the first one first: later errors are often consequences of it. \
                 rust-analyzer shows the same error in your editor."
            );
            if let Some(note) = diagnose::compile_note(first) {
                let _ = writeln!(out, "{note}");
            }
        }
        Verdict::Failed {
            first,
            failed,
            diagnosis,
        } => {
            let _ = writeln!(out, "✗ {} ({place}): {}.", ex.id, verdict.summary());
            if !failed.is_empty() {
                let _ = writeln!(out, "failed: {}", failed.join(", "));
            }
            let heading = if diagnosis.is_about_the_tests() {
                "What was found"
            } else {
                "The first failure"
            };
            let _ = writeln!(out, "\n{heading}:\n\n{first}\n");
            let layer = if diagnosis.is_timeout() {
                "timed out, in-test limit (testkit). "
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "diagnosis: {layer}{}",
                diagnosis.explain().replace("<id>", &ex.id)
            );
        }
        Verdict::Crashed {
            how,
            explain,
            output,
        } => {
            let _ = writeln!(out, "✗ {} ({place}): {how}.", ex.id);
            let _ = writeln!(out, "\nThe end of its output:\n\n{output}\n");
            let _ = writeln!(out, "diagnosis: the test process crashed. {explain}");
        }
        Verdict::Killed {
            after,
            running,
            failed,
            stuck,
        } => {
            let _ = writeln!(out, "✗ {} ({place}): {}.", ex.id, verdict.summary());
            if !running.is_empty() {
                let _ = writeln!(
                    out,
                    "still running, or not yet started, when killed: {}",
                    running.join(", ")
                );
            }
            if !failed.is_empty() {
                // libtest prints failure messages only at the end of the run, which never came.
                let _ = writeln!(
                    out,
                    "failed before that: {} (their messages were lost with the process; `cargo test -- {} --exact`, \
                     run in {place}, shows the first one's)",
                    failed.join(", "),
                    failed[0],
                );
            }
            if *stuck == diagnose::Stuck::Waiting && !failed.is_empty() {
                // Every thread asleep, and tests already failed: most often tests that each wait
                // out their in-test limit, a few at a time, until lab's limit ends them all.
                let threads = ex
                    .test_threads
                    .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
                let _ = writeln!(
                    out,
                    "\ndiagnosis: timed out, process-level limit (lab). The test process tree was killed after {} s, \
                     with every thread asleep and {} already failed. That is most often not a deadlock: tests that \
                     each wait out an in-test time-out, {threads} at a time, add up past \
                     lab's limit. The failed test's own message says what it waited for; start there (the command \
                     above shows it).",
                    after.as_secs(),
                    if failed.len() == 1 {
                        "1 test".to_owned()
                    } else {
                        format!("{} tests", failed.len())
                    },
                );
            } else {
                let _ = writeln!(
                    out,
                    "\ndiagnosis: timed out, process-level limit (lab). The test process tree was killed after {} s: \
                     the tests above were stuck where testkit's in-test time-outs cannot interrupt them, on the test's \
                     own thread or the runtime's. {}",
                    after.as_secs(),
                    stuck.explain()
                );
            }
        }
    }
    if hints_left > 0 {
        let _ = writeln!(
            out,
            "\nStuck? `cargo lab hint {}` shows a hint ({hints_left} left). Run `cargo lab check {}` again after editing, \
             or leave `cargo lab watch` running.",
            ex.id, ex.id
        );
    } else {
        let _ = writeln!(
            out,
            "\nYou have seen every hint; the solution is in {}.",
            ex.solution.display()
        );
    }
    out
}
