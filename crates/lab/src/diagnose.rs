//! Turning the output of a build and a test run into a verdict a learner can act on.
//!
//! The signatures matched here are checked against their sources: testkit's panic-message
//! prefixes (`testkit::messages`), and Tokio 1.54's panics in `tokio/src/future/block_on.rs`,
//! `tokio/src/runtime/context/runtime.rs`, `tokio/src/runtime/scheduler/multi_thread/worker.rs`,
//! `tokio/src/runtime/blocking/shutdown.rs`, `tokio/src/util/error.rs` (the text of the
//! "no reactor" panic that `tokio/src/task/spawn.rs` and `tokio/src/runtime/scheduler/mod.rs`
//! raise) and `tokio/src/runtime/driver.rs` (a timer or I/O used on a runtime built without it).

use std::collections::BTreeSet;
use std::time::Duration;

use crate::manifest::{FailKind, Reading};
use crate::run::Busy;

// testkit's panic-message prefixes, a contract between testkit and lab: taken from testkit
// itself so that the two cannot drift apart.
use testkit::messages::{CALLED_AT, RUNTIME_BLOCKED, THREAD_TIMED_OUT, TIMED_OUT};

/// A known failure signature, and what it usually means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diagnosis {
    /// A Tokio blocking call (`blocking_recv`, `blocking_send`, ...) inside async code.
    BlockingInAsync,
    /// `Runtime::block_on` on a thread already driving a runtime.
    RuntimeInRuntime,
    /// `block_in_place` on a current_thread runtime.
    BlockInPlaceCurrentThread,
    /// A runtime dropped inside async code.
    DropRuntimeInAsync,
    /// Tokio's "there is no reactor running" panic: Tokio used outside any runtime.
    NoRuntime,
    /// A timer or I/O resource used on a runtime built without that driver.
    DriverDisabled,
    /// testkit's watchdog saw the runtime thread blocked.
    RuntimeBlocked,
    /// testkit's `within` limit: a thread waited forever.
    ThreadTimedOut,
    /// testkit's `run`/`timeout` limit: a future stayed `Pending`.
    TimedOut,
    /// A `todo!()` was reached.
    Todo,
    /// A test binary ran and reported no test at all: tests deleted or commented out.
    NoTests,
    /// Tests were skipped with `#[ignore]`, so they did not run.
    IgnoredTests,
    /// The exercise's test target is gone: its file deleted, or its `[[test]]` entry changed.
    MissingTestTarget,
    /// Any other failed test (usually an assertion).
    Assertion,
    /// The process exited with status 0 before every test had reported a result.
    EndedEarly,
    /// The results do not add up: the log, the list and libtest's summary disagree.
    ResultsInconsistent,
    /// The exercise's test files or test targets differ from the shipped ones.
    TestsModified,
    /// In an exercise where the learner writes the tests, the code under test differs from the
    /// shipped code.
    CodeModified,
    /// In an exercise where the learner writes the tests: the tests pass on code with a bug.
    BugsMissed,
    /// The exercise's own reading of a failure, from its `[[exercise.diagnosis]]` table.
    Specific(&'static Specific),
}

/// A failure read by an exercise's own diagnosis table: its name and explanation replace the
/// generic ones, while `base`, the generic signature found in the same output, still decides
/// whether it counts as a time-out.
#[derive(Debug, PartialEq, Eq)]
pub struct Specific {
    /// The generic signature of the failure this reading is about.
    pub base: Diagnosis,
    /// A short name, shown in the summary line.
    pub name: String,
    /// What it means in this exercise, and what to try.
    pub explain: String,
}

impl Specific {
    /// Makes a reading a `Diagnosis`. A check makes one verdict (`watch`, one per save), so the
    /// few bytes of a reading are leaked rather than making every `Diagnosis` carry an owned
    /// string: a few hundred bytes for each failing check.
    fn leak(base: Diagnosis, reading: &Reading) -> Diagnosis {
        Diagnosis::Specific(Box::leak(Box::new(Specific {
            base,
            name: reading.name.clone(),
            explain: reading.explain.clone(),
        })))
    }
}

/// Ordered so that a root cause wins over its consequences: a Tokio panic inside a task often
/// makes the test time out afterwards, and a blocked runtime makes the in-test limit fire too.
const SIGNATURES: &[(&str, Diagnosis)] = &[
    (
        "Cannot block the current thread from within a runtime",
        Diagnosis::BlockingInAsync,
    ),
    (
        "Cannot start a runtime from within a runtime",
        Diagnosis::RuntimeInRuntime,
    ),
    (
        "can call blocking only when running on the multi-threaded runtime",
        Diagnosis::BlockInPlaceCurrentThread,
    ),
    (
        "Cannot drop a runtime in a context where blocking is not allowed",
        Diagnosis::DropRuntimeInAsync,
    ),
    (RUNTIME_BLOCKED, Diagnosis::RuntimeBlocked),
    (THREAD_TIMED_OUT, Diagnosis::ThreadTimedOut),
    (TIMED_OUT, Diagnosis::TimedOut),
    // Raised by `tokio::spawn` and `Handle::current` (and so by timers and I/O types) when the
    // calling thread has no runtime; the text is `CONTEXT_MISSING_ERROR` in Tokio's
    // `src/util/error.rs`. It comes after testkit's time-outs: the panic ends its own test at
    // once rather than making another one hang, so when a run has both, the time-out is a
    // separate failure and usually the one the exercise is about (a stub that uses Tokio's timer
    // from a foreign executor hangs inside a runtime and panics outside one).
    (
        "there is no reactor running, must be called from the context of a Tokio 1.x runtime",
        Diagnosis::NoRuntime,
    ),
    // `src/runtime/driver.rs`: a runtime was found, but it was built without the driver.
    (
        "A Tokio 1.x context was found, but timers are disabled",
        Diagnosis::DriverDisabled,
    ),
    (
        "A Tokio 1.x context was found, but IO is disabled",
        Diagnosis::DriverDisabled,
    ),
    ("not yet implemented", Diagnosis::Todo),
];

impl Diagnosis {
    /// Finds the most telling signature in a test run's output.
    pub fn find(output: &str) -> Diagnosis {
        SIGNATURES
            .iter()
            .find(|(sig, _)| output.contains(sig))
            .map(|&(_, d)| d)
            .unwrap_or(Diagnosis::Assertion)
    }

    /// A short name, used in `lab verify`'s table and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Diagnosis::Specific(s) => &s.name,
            Diagnosis::BlockingInAsync => "blocking call inside async code",
            Diagnosis::RuntimeInRuntime => "runtime started inside a runtime",
            Diagnosis::BlockInPlaceCurrentThread => "block_in_place on current_thread",
            Diagnosis::DropRuntimeInAsync => "runtime dropped inside async code",
            Diagnosis::NoRuntime => "Tokio used outside a runtime",
            Diagnosis::DriverDisabled => "runtime built without timers or I/O",
            Diagnosis::RuntimeBlocked => "runtime blocked (testkit watchdog)",
            Diagnosis::ThreadTimedOut => "thread never finished (testkit within)",
            Diagnosis::TimedOut => "future never completed (testkit time-out)",
            Diagnosis::Todo => "todo!() reached",
            Diagnosis::NoTests => "no test ran",
            Diagnosis::IgnoredTests => "tests skipped with #[ignore]",
            Diagnosis::MissingTestTarget => "the exercise's tests are missing",
            Diagnosis::Assertion => "test failed",
            Diagnosis::EndedEarly => "the test process ended before every test ran",
            Diagnosis::ResultsInconsistent => "the results do not add up",
            Diagnosis::TestsModified => "tests modified: this is not a pass",
            Diagnosis::CodeModified => "the code under test was modified: this is not a pass",
            Diagnosis::BugsMissed => "your tests miss a bug",
        }
    }

    /// What the signature usually means, and what to try.
    pub fn explain(self) -> &'static str {
        match self {
            Diagnosis::Specific(s) => &s.explain,
            Diagnosis::BlockingInAsync => {
                "Tokio refused a blocking call made inside async code (\"Cannot block the current thread from \
                 within a runtime\"). `blocking_recv`, `blocking_send` and `blocking_lock` are for plain threads \
                 outside the runtime. Inside an async fn await the async form instead: an mpsc `Receiver`'s \
                 `.recv().await`, an mpsc `Sender`'s `.send(v).await`, a Tokio `Mutex`'s `.lock().await`, and a \
                 oneshot `Receiver` itself, which is a future (`rx.await`; it has no `recv`)."
            }
            Diagnosis::RuntimeInRuntime => {
                "`block_on` was called on a thread that is already driving a runtime (\"Cannot start a runtime \
                 from within a runtime\"). Inside async code, `.await` the future instead of blocking on it."
            }
            Diagnosis::BlockInPlaceCurrentThread => {
                "`tokio::task::block_in_place` was called on a current_thread runtime, which has no other worker \
                 to hand its tasks to, so Tokio panics. Use `tokio::task::spawn_blocking`, or a multi_thread runtime."
            }
            Diagnosis::DropRuntimeInAsync => {
                "A runtime was dropped inside async code; dropping waits for its blocking threads, which Tokio \
                 forbids there. Build and drop runtimes on plain threads, or use `shutdown_background`."
            }
            Diagnosis::NoRuntime => {
                "Tokio was used on a thread that is not inside any runtime (\"there is no reactor running, must be \
                 called from the context of a Tokio 1.x runtime\"). `tokio::spawn`, `Handle::current()`, and \
                 creating a `tokio::time::sleep` or a Tokio socket all look for the runtime of the calling thread, \
                 and a plain `std::thread::spawn` thread or synchronous code before `block_on` has none. Call them \
                 from async code the runtime is running, pass a `tokio::runtime::Handle` to the thread and call \
                 `handle.spawn(..)` or `handle.enter()`, or use `spawn_blocking`, whose threads belong to the runtime."
            }
            Diagnosis::DriverDisabled => {
                "A runtime was found, but it was built without the driver this code needs: a Tokio timer needs \
                 `enable_time()` on the runtime builder, Tokio I/O needs `enable_io()`, and `enable_all()` turns \
                 on both. `#[tokio::main]` and `#[tokio::test]` enable everything; a `Builder` does not."
            }
            Diagnosis::RuntimeBlocked => {
                "testkit's watchdog saw the runtime thread stop making progress: something blocked it instead of \
                 awaiting. `std::thread::sleep`, a blocking `recv()`, a long computation or synchronous I/O inside \
                 an async fn holds the thread, and nothing else on it can run. Use `tokio::time::sleep(..).await`, \
                 an async channel, or `tokio::task::spawn_blocking`."
            }
            Diagnosis::ThreadTimedOut => {
                "testkit's limit for thread code fired: a thread waited for something that never happens. The \
                 usual causes are a `join()` on a worker that loops on `recv()` while a `Sender` is still alive \
                 somewhere (drop every sender so the channel closes), or a lock that is never released."
            }
            Diagnosis::TimedOut => {
                "testkit's in-test time-out fired: the code under test was still waiting when the limit ran \
                 out, for something that never happens: a `std::future::pending()` left in place, an `.await` on \
                 a channel that nobody sends on or closes (every sender must be dropped), a lock nobody \
                 releases. From chapter 5 on, where you write `poll` by hand: a `poll` that returns `Pending` \
                 must first arrange to be woken (keep the `Waker` and call `wake` when it can make progress), or \
                 nothing ever polls it again."
            }
            Diagnosis::Todo => {
                "A `todo!()` is still in place: the test reached code that has not been written yet. The panic \
                 message above gives its file and line."
            }
            Diagnosis::NoTests => {
                "The test binary ran, but it holds no test, so nothing was checked and this is not a pass. \
                 The tests in the exercise's `tests/` folder were probably deleted or commented out: \
                 `cargo lab reset <id>` restores them (your version is backed up first), or `git diff` \
                 shows what changed."
            }
            Diagnosis::IgnoredTests => {
                "Some tests are marked `#[ignore]`, so they were skipped and the exercise cannot count as \
                 done. Remove the `#[ignore]` lines (`git diff` shows where they were added)."
            }
            Diagnosis::MissingTestTarget => {
                "The exercise's test target could not be built: its file under `tests/` was deleted or renamed, \
                 or its `[[test]]` entry in Cargo.toml was changed. The tests are part of the exercise and are \
                 not to be edited: `cargo lab reset <id>` restores them (your version is backed up first), or \
                 `git diff` shows what changed."
            }
            Diagnosis::Assertion => {
                "A test's check failed: compare the values in the message above with what the exercise asks for."
            }
            Diagnosis::EndedEarly => {
                "The test process exited with a success status before the tests named above had run, so they \
                 checked nothing and this is not a pass. Something in the code ends the whole process: a \
                 `std::process::exit`, or a child process or thread that calls it. Return from the function \
                 instead."
            }
            Diagnosis::ResultsInconsistent => {
                "The test process exited with a success status, but what libtest recorded for each test does \
                 not match the tests the binary holds or its own summary. Lab counts results from libtest's own \
                 record, not from lines printed to the terminal: code that prints test-like lines or ends the \
                 process does not make a pass."
            }
            Diagnosis::CodeModified => {
                "In this exercise you write the tests, and the code in `src/` is what they test: the verdict \
                 only counts against that code as shipped (and the bugs it carries). Put it back with \
                 `cargo lab reset <id>` after saving your tests elsewhere (reset keeps a backup of the whole \
                 stub), or `git checkout -- <the files above>`."
            }
            Diagnosis::BugsMissed => {
                "Each bug above changes what the code does in a way a test can see; your tests passed with it \
                 switched on, so they do not check that behaviour. Write a test that fails if the code behaves \
                 as the sentence says: pick the inputs, the timing or the order of events that shows it. A \
                 paused clock (`#[tokio::test(start_paused = true)]`, `tokio::time::advance`) makes timing \
                 visible exactly, and polling by hand (`tokio_test::task::spawn`, `assert_pending!`) shows \
                 when a future is ready and whether it was woken."
            }
            Diagnosis::TestsModified => {
                "The tests are part of the exercise and the verdict is only a pass against the shipped ones. \
                 Experiment as you like, but to have the exercise marked done, put the tests back: \
                 `cargo lab reset <id>` restores them (your version is backed up first), or `git diff` shows \
                 what changed."
            }
        }
    }

    /// Whether this is about the tests themselves (missing, empty or skipped), not a failure.
    pub fn is_about_the_tests(self) -> bool {
        if let Diagnosis::Specific(s) = self {
            return s.base.is_about_the_tests();
        }
        matches!(
            self,
            Diagnosis::NoTests
                | Diagnosis::IgnoredTests
                | Diagnosis::MissingTestTarget
                | Diagnosis::EndedEarly
                | Diagnosis::ResultsInconsistent
                | Diagnosis::TestsModified
                | Diagnosis::CodeModified
                | Diagnosis::BugsMissed
        )
    }

    /// Whether this signature is one of testkit's in-test time-outs.
    pub fn is_timeout(self) -> bool {
        if let Diagnosis::Specific(s) = self {
            return s.base.is_timeout();
        }
        matches!(
            self,
            Diagnosis::RuntimeBlocked | Diagnosis::ThreadTimedOut | Diagnosis::TimedOut
        )
    }
}

/// The verdict of one check.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// Every test passed.
    Passed {
        /// How many tests ran.
        tests: usize,
    },
    /// The crate did not build.
    CompileError {
        /// The first error, as cargo renders it.
        first: String,
        /// How many errors there were.
        count: usize,
    },
    /// At least one test failed.
    Failed {
        /// The first failure's captured output.
        first: String,
        /// The names of the failed tests.
        failed: Vec<String>,
        /// The most telling signature.
        diagnosis: Diagnosis,
    },
    /// The process-level limit killed the test process tree.
    Killed {
        /// The limit that fired.
        after: Duration,
        /// Tests that had started and not finished.
        running: Vec<String>,
        /// Tests that had already failed when the process was killed.
        failed: Vec<String>,
        /// What the process was doing, judged by the state of its threads.
        stuck: Stuck,
    },
    /// The test process was ended by a signal lab did not send: a crash, an abort, a stack
    /// overflow, or the out-of-memory killer.
    Crashed {
        /// What happened, in a few words ("crashed with SIGSEGV", "stack overflow in `t`").
        how: String,
        /// What it usually means.
        explain: String,
        /// The end of the process's output.
        output: String,
    },
}

/// How a killed test process was stuck, judged by the state of its threads before the kill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stuck {
    /// It used about a core or more the whole time: a loop that never ends.
    Spinning,
    /// It used almost no CPU: every thread was waiting for something that never came.
    Waiting,
    /// The CPU time is not known here, or is in between.
    Unknown,
}

impl Stuck {
    /// Judges what looks at the process's threads just before the kill saw: a thread ready to
    /// run in nearly every look means a loop, none in any look means every thread was asleep.
    pub fn judge(busy: Option<Busy>) -> Stuck {
        match busy {
            Some(Busy { looks, busy }) if looks > 0 && busy + 1 >= looks => Stuck::Spinning,
            Some(Busy { looks, busy: 0 }) if looks > 0 => Stuck::Waiting,
            _ => Stuck::Unknown,
        }
    }

    /// A short name, used in the summary.
    pub fn name(self) -> &'static str {
        match self {
            Stuck::Spinning => "a busy loop",
            Stuck::Waiting => "a deadlock",
            Stuck::Unknown => "stuck",
        }
    }

    /// What it usually means.
    pub fn explain(self) -> &'static str {
        match self {
            Stuck::Spinning => {
                "A thread of the process was running (or ready to run) in every look lab took before the kill, \
                 so something loops without end and never reaches an `.await` that returns `Pending`: a \
                 `loop {}`, or a spin on a flag or a `try_recv` that never succeeds. Add the missing exit \
                 condition, or await the event instead of polling for it."
            }
            Stuck::Waiting => {
                "Every thread of the process was asleep in every look lab took before the kill, each waiting \
                 for something that \
                 never happens: a deadlock. The usual causes are a `std::sync::Mutex` locked again while its \
                 guard is still alive, a `join()` on a thread whose `recv()` loop only ends when a channel \
                 closes while a `Sender` is still alive, or a blocking `recv()` that nothing will ever send to. \
                 Drop guards and senders before you wait."
            }
            Stuck::Unknown => {
                "Usually a busy loop (a `loop {}` or a spin on a flag that never reaches an `.await`), or a \
                 call that blocks for ever: a `std::sync::Mutex` locked twice, or a `join()` on a thread that \
                 never ends."
            }
        }
    }
}

impl Verdict {
    /// The manifest category this verdict falls in; `None` when it passed.
    pub fn fail_kind(&self) -> Option<FailKind> {
        match self {
            Verdict::Passed { .. } => None,
            Verdict::CompileError { .. } => Some(FailKind::CompileError),
            Verdict::Killed { .. } => Some(FailKind::Timeout),
            Verdict::Crashed { .. } => Some(FailKind::TestFailure),
            Verdict::Failed { diagnosis, .. } if diagnosis.is_timeout() => Some(FailKind::Timeout),
            Verdict::Failed { .. } => Some(FailKind::TestFailure),
        }
    }

    /// A one-line summary.
    pub fn summary(&self) -> String {
        match self {
            Verdict::Passed { tests } => format!("passed ({tests} tests)"),
            Verdict::CompileError { count, .. } => {
                format!("does not compile ({})", plural(*count, "error"))
            }
            Verdict::Failed { diagnosis, .. } if diagnosis.is_about_the_tests() => {
                diagnosis.name().to_owned()
            }
            Verdict::Failed {
                failed, diagnosis, ..
            } => {
                format!(
                    "{} failed: {}",
                    plural(failed.len(), "test"),
                    diagnosis.name()
                )
            }
            Verdict::Crashed { how, .. } => how.clone(),
            Verdict::Killed {
                after,
                stuck,
                failed,
                ..
            } => match stuck {
                Stuck::Unknown => format!(
                    "killed by the process-level limit after {} s",
                    after.as_secs()
                ),
                Stuck::Waiting if !failed.is_empty() => format!(
                    "killed by the process-level limit after {} s: tests waiting out their time-outs",
                    after.as_secs()
                ),
                _ => format!(
                    "killed by the process-level limit after {} s: {}",
                    after.as_secs(),
                    stuck.name()
                ),
            },
        }
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Builds a verdict from a finished (not killed) test run, with the generic signatures only.
pub fn from_test_run(stdout: &str, stderr: &str, success: bool) -> Verdict {
    from_test_run_for(stdout, stderr, success, &[])
}

/// Builds a verdict from a finished (not killed) test run, reading a failure with the exercise's
/// own diagnosis table first.
///
/// The failure shown is the one the diagnosis is about: the failed test whose output matched the
/// exercise's reading, or else the first whose output carries the signature found, so a summary
/// that says "runtime blocked" never comes with another test's assertion.
pub fn from_test_run_for(
    stdout: &str,
    stderr: &str,
    success: bool,
    readings: &[Reading],
) -> Verdict {
    let results = finished_tests(stdout);
    if success {
        let named = |result: &str| -> Vec<String> {
            results
                .iter()
                .filter(|(_, r)| r == result)
                .map(|(n, _)| n.clone())
                .collect()
        };
        let (passed, ignored) = (named("ok"), named("ignored"));
        // A run that checked nothing is not a pass: a learner who deletes or ignores the tests
        // must not be told the exercise is done.
        if !ignored.is_empty() {
            return Verdict::Failed {
                first: format!("skipped with #[ignore]: {}", ignored.join(", ")),
                failed: Vec::new(),
                diagnosis: Diagnosis::IgnoredTests,
            };
        }
        if passed.is_empty() {
            let summary: Vec<&str> = stdout
                .lines()
                .filter(|l| l.starts_with("running ") || l.starts_with("test result:"))
                .collect();
            return Verdict::Failed {
                first: summary.join("\n"),
                failed: Vec::new(),
                diagnosis: Diagnosis::NoTests,
            };
        }
        return Verdict::Passed {
            tests: passed.len(),
        };
    }
    let failed: Vec<String> = results
        .iter()
        .filter(|(_, r)| r == "FAILED")
        .map(|(n, _)| n.clone())
        .collect();
    let all = format!("{stdout}\n{stderr}");
    let blocks = failure_blocks(stdout);
    let read = readings.iter().find_map(|reading| {
        blocks
            .iter()
            .find(|(name, block)| {
                reading.test.as_ref().is_none_or(|t| t == name) && block.contains(&reading.when)
            })
            .map(|(_, block)| (reading, block))
    });
    if let Some((reading, block)) = read {
        return Verdict::Failed {
            first: clip(&shorten_comparison(block), 40),
            failed,
            diagnosis: Specific::leak(Diagnosis::find(block), reading),
        };
    }
    let mut diagnosis = Diagnosis::find(&all);
    // A generic time-out says only that something never finished; a failed assertion in another
    // test usually says why (its message names the cause). The assertion is shown then, and the
    // time-out is left to the list of failed tests. Root causes that make tests time out (a
    // blocked runtime, a Tokio panic) keep their place above both.
    if matches!(diagnosis, Diagnosis::TimedOut | Diagnosis::ThreadTimedOut)
        && blocks
            .iter()
            .any(|(_, block)| Diagnosis::find(block) == Diagnosis::Assertion)
    {
        diagnosis = Diagnosis::Assertion;
    }
    let first = blocks
        .iter()
        .find(|(_, block)| Diagnosis::find(block) == diagnosis)
        .or(blocks.first())
        .map(|(_, block)| clip(&shorten_comparison(block), 40))
        .unwrap_or_else(|| tail(&all, 30));
    Verdict::Failed {
        first,
        failed,
        diagnosis,
    }
}

/// Every failed test's captured output: libtest's `---- name stdout ----` blocks, with the name.
fn failure_blocks(stdout: &str) -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut rest = stdout;
    while let Some((block, end)) = first_failure_block(rest) {
        let name = block
            .strip_prefix("---- ")
            .and_then(|l| l.lines().next())
            .and_then(|l| l.strip_suffix(" stdout ----"))
            .unwrap_or_default()
            .to_owned();
        blocks.push((name, relocate(block)));
        rest = &rest[end..];
    }
    // libtest prints failures in the order the tests ended, which varies from run to run; the
    // failure a verdict shows must not. By name, the order `--list` gives.
    blocks.sort_by(|a, b| a.0.cmp(&b.0));
    blocks
}

/// Beyond this many characters, `assert_eq!`'s `left:` and `right:` values are shown up to
/// their first difference instead of whole.
const LONG_VALUE: usize = 240;

/// Shortens the `left:`/`right:` lines of a failed `assert_eq!` when a value is long (two
/// 200-line strings, a 100-element vector): each is cut to a window around the first place the
/// two differ, and a line names that place (the element's index for lists, the character's
/// position otherwise) and the lengths.
fn shorten_comparison(block: &str) -> String {
    let lines: Vec<&str> = block.lines().collect();
    let Some(i) = lines.iter().position(|l| l.starts_with("  left: ")) else {
        return block.to_owned();
    };
    let Some(right_line) = lines.get(i + 1).filter(|l| l.starts_with(" right: ")) else {
        return block.to_owned();
    };
    let left = &lines[i]["  left: ".len()..];
    let right = &right_line[" right: ".len()..];
    if left.chars().count() <= LONG_VALUE && right.chars().count() <= LONG_VALUE {
        return block.to_owned();
    }
    let (l_items, r_items) = (list_items(left), list_items(right));
    let summary = match (&l_items, &r_items) {
        (Some(l), Some(r)) => {
            let at = l
                .iter()
                .zip(r.iter())
                .position(|(a, b)| a != b)
                .unwrap_or(l.len().min(r.len()));
            let show = |items: &[&str]| {
                items
                    .get(at)
                    .map(|v| format!("`{}`", clip_chars(v, 80)))
                    .unwrap_or_else(|| "nothing (the list ends there)".to_owned())
            };
            format!(
                "first difference at index {at}: left has {}, right has {} (left has {} elements, right {})",
                show(l),
                show(r),
                l.len(),
                r.len()
            )
        }
        _ => {
            let at = left
                .chars()
                .zip(right.chars())
                .position(|(a, b)| a != b)
                .unwrap_or(left.chars().count().min(right.chars().count()));
            format!(
                "first difference at character {at} of the printed values (left is {} characters, right {})",
                left.chars().count(),
                right.chars().count()
            )
        }
    };
    let at_char = left
        .chars()
        .zip(right.chars())
        .position(|(a, b)| a != b)
        .unwrap_or(left.chars().count().min(right.chars().count()));
    let mut out: Vec<String> = lines[..i].iter().map(|l| (*l).to_owned()).collect();
    out.push(format!("  left: {}", window(left, at_char)));
    out.push(format!(" right: {}", window(right, at_char)));
    out.push(format!(" [lab: {summary}; the values are cut around it]"));
    out.extend(lines[i + 2..].iter().map(|l| (*l).to_owned()));
    out.join("\n")
}

/// The top-level elements of a printed `[a, b, c]` (strings and nested brackets respected), or
/// `None` when the value is not a list.
fn list_items(value: &str) -> Option<Vec<&str>> {
    let inner = value.strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    let (mut depth, mut in_str, mut escaped, mut start) = (0i32, false, false, 0);
    for (i, c) in inner.char_indices() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '[' | '(' | '{' => depth += 1,
            ']' | ')' | '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(inner[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    if !inner.trim().is_empty() {
        items.push(inner[start..].trim());
    }
    Some(items)
}

/// Up to 60 characters before `at` and 60 from it, with `…` where text was cut.
fn window(value: &str, at: usize) -> String {
    let chars: Vec<char> = value.chars().collect();
    let from = at.saturating_sub(60);
    let to = (at + 60).min(chars.len());
    format!(
        "{}{}{}",
        if from > 0 { "…" } else { "" },
        chars[from..to].iter().collect::<String>(),
        if to < chars.len() { "…" } else { "" }
    )
}

fn clip_chars(value: &str, n: usize) -> String {
    if value.chars().count() <= n {
        value.to_owned()
    } else {
        format!("{}…", value.chars().take(n).collect::<String>())
    }
}

/// A failure block whose panic was raised inside testkit's `timeout` names the line of testkit
/// that raised it; the message ends with the place in the test that set the limit, which is the
/// line a learner needs. That place replaces testkit's, and the note leaves the message.
fn relocate(block: &str) -> String {
    let Some(at) = block.find(CALLED_AT) else {
        return block.to_owned();
    };
    let rest = &block[at + CALLED_AT.len()..];
    let Some(end) = rest.find(']') else {
        return block.to_owned();
    };
    let caller = &rest[..end];
    let without = format!("{}{}", block[..at].trim_end_matches(' '), &rest[end + 1..]);
    without
        .lines()
        .map(|line| match line.split_once(" panicked at ") {
            Some((thread, place)) if place.contains("testkit/src/") => {
                format!("{thread} panicked at {caller}:")
            }
            _ => line.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Builds a verdict for a run the process-level limit killed; `all_tests` comes from `--list`.
pub fn from_killed(
    stdout: &str,
    after: Duration,
    all_tests: &[String],
    busy: Option<Busy>,
) -> Verdict {
    let results = finished_tests(stdout);
    let finished: BTreeSet<&str> = results.iter().map(|(n, _)| n.as_str()).collect();
    Verdict::Killed {
        after,
        running: all_tests
            .iter()
            .filter(|t| !finished.contains(t.as_str()))
            .cloned()
            .collect(),
        failed: results
            .iter()
            .filter(|(_, r)| r == "FAILED")
            .map(|(n, _)| n.clone())
            .collect(),
        stuck: Stuck::judge(busy),
    }
}

/// `(name, result)` for each `test NAME ... RESULT` line libtest printed, found where it starts
/// on its line, so that output without a newline in front of it does not hide it.
fn finished_tests(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|l| l.rfind("test ").map(|at| &l[at + "test ".len()..]))
        .filter_map(|l| l.split_once(" ... "))
        .filter(|(_, r)| !r.trim().is_empty())
        .map(|(n, r)| {
            (
                n.to_owned(),
                // `ignored, <reason>` when the attribute gives a reason.
                r.split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .trim_end_matches(',')
                    .to_owned(),
            )
        })
        .collect()
}

/// The captured output of the first failed test (libtest's `---- name stdout ----` block) and
/// the offset in `stdout` where it ends.
fn first_failure_block(stdout: &str) -> Option<(&str, usize)> {
    let start = stdout.find("\n---- ")? + 1;
    let rest = &stdout[start..];
    let end = [
        rest[1..].find("\n---- ").map(|i| i + 1),
        rest.find("\nfailures:\n"),
        rest.find("\nsuccesses:\n"),
    ]
    .into_iter()
    .flatten()
    .min()
    .unwrap_or(rest.len());
    Some((rest[..end].trim_end(), start + end))
}

/// A note for a compile error that comes from a future nobody awaits, or `None`.
///
/// Two errors say so: a future used where its output was expected ("expected `u32`, found
/// future", E0308, or a trait the future lacks, E0277/E0369), and a future created as a statement
/// and dropped, which the workspace's `unused_must_use = "deny"` turns into an error whose `help:`
/// suggests `let _ = ...`: that would silence the error and skip the wait.
pub fn compile_note(first: &str) -> Option<&'static str> {
    if first.contains("unused implementer of `Future` that must be used")
        || (first.contains("must be used") && first.contains("futures do nothing unless"))
    {
        return Some(
            "A future was created and dropped without being awaited: calling an async fn (or \
             `tokio::time::sleep`) only builds a future, which does nothing until it is awaited. \
             Add `.await` to that statement. Do not follow rustc's `let _ = ...` suggestion: it \
             silences the error and still never runs the future.",
        );
    }
    // Only where rustc itself sees a future in a value's place ("expected `u32`, found future")
    // or suggests awaiting it. Other errors that mention `Future` (a `Box::new` where `Box::pin`
    // is wanted, a future that is not `Send` or not `Unpin`) have nothing to do with `.await`.
    // A type printed as `impl Future<Output = ..>` on its own (not inside a `Box<..>` or a
    // `Pin<..>`) is the future of an async fn used as if it were its output: added, compared,
    // called a method on.
    let future_as_value = first.contains("`impl Future<Output = ")
        && !first.contains("cannot be sent between threads")
        && !first.contains("cannot be unpinned");
    if first.contains("found future") || first.contains("consider `await`ing") || future_as_value {
        return Some(
            "The error has a future where a value was expected: calling an async fn only creates the \
             future, and `.await` is probably missing.",
        );
    }
    None
}

/// Builds the verdict for a test process that a signal ended (lab sent none): what the
/// signal means, the test that overflowed its stack if the runtime said so, and the memory
/// ceiling when an allocation failed under it.
pub fn from_crash(
    signal: i32,
    stdout: &str,
    stderr: &str,
    memory_limit_gib: Option<u64>,
) -> Verdict {
    let all = format!("{stdout}\n{stderr}");
    let overflowed = all.lines().find_map(|l| {
        let at = l.find(" has overflowed its stack")?;
        let start = l[..at].find("thread '")? + "thread '".len();
        let name = &l[start..at];
        Some(name.split('\'').next().unwrap_or(name).to_owned())
    });
    let alloc_failed = all.contains("memory allocation of") && all.contains("failed");
    let name = crate::procs::signal_name(signal);
    let (how, explain) = if let Some(test) = overflowed {
        (
            format!("stack overflow in `{test}`"),
            "The thread's stack ran out, which ends the whole process: usually a recursion without \
             an end (an `async fn` or a `poll` that calls itself), or a very large value on the stack."
                .to_owned(),
        )
    } else if alloc_failed {
        let limit = memory_limit_gib
            .map(|g| format!("limit {g} GiB"))
            .unwrap_or_else(|| "the system's limit".into());
        (
            format!("killed: out of memory ({limit})"),
            "An allocation failed, so the process aborted: something grows without bound, such as a \
             queue nobody drains, a `Vec` pushed to in a loop, or an unbounded channel."
                .to_owned(),
        )
    } else if signal == 9 {
        (
            "killed by SIGKILL (not sent by lab)".to_owned(),
            "Something outside the test ended it, most often the system's out-of-memory killer: look \
             for memory that grows without bound."
                .to_owned(),
        )
    } else if signal == 6 {
        (
            "aborted (SIGABRT)".to_owned(),
            "The process aborted: a panic while panicking, a panic in a `Drop` during unwinding, or an \
             explicit `std::process::abort()`. The output below says which."
                .to_owned(),
        )
    } else {
        (
            format!("crashed with {name}"),
            "The process was ended by a signal, which safe Rust does not cause by itself: look at code \
             that ends the process or sends signals, or at a dependency's native code."
                .to_owned(),
        )
    };
    Verdict::Crashed {
        how,
        explain,
        output: tail(&all, 30),
    }
}

/// Parses `--list` output (`name: test` lines).
pub fn listed_tests(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| l.strip_suffix(": test"))
        .map(str::to_owned)
        .collect()
}

/// At most `lines` lines of `text`, saying how many were cut.
pub fn clip(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    if all.len() <= lines {
        return text.to_owned();
    }
    format!(
        "{}\n[... {} more lines]",
        all[..lines].join("\n"),
        all.len() - lines
    )
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.trim_end().lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILED_RUN: &str = "\nrunning 2 tests\ntest b ... ok\ntest a ... FAILED\n\nfailures:\n\n---- a stdout ----\n\nthread 'a' (77) panicked at src/lib.rs:3:5:\nnot yet implemented\nnote: run with `RUST_BACKTRACE=1`\n\n\nfailures:\n    a\n\ntest result: FAILED. 1 passed; 1 failed; 0 ignored\n";

    #[test]
    fn a_todo_is_found_with_its_first_failure() {
        let Verdict::Failed {
            first,
            failed,
            diagnosis,
        } = from_test_run(FAILED_RUN, "", false)
        else {
            panic!("expected a failure");
        };
        assert_eq!(failed, ["a"]);
        assert_eq!(diagnosis, Diagnosis::Todo);
        assert!(first.starts_with("---- a stdout ----"), "{first}");
        assert!(
            first.contains("src/lib.rs:3:5") && !first.contains("failures:"),
            "{first}"
        );
    }

    #[test]
    fn a_run_without_tests_is_not_a_pass() {
        let empty = "\nrunning 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\n";
        let v = from_test_run(empty, "", true);
        let Verdict::Failed {
            first, diagnosis, ..
        } = &v
        else {
            panic!("{v:?}")
        };
        assert_eq!(*diagnosis, Diagnosis::NoTests);
        assert!(first.contains("running 0 tests"), "{first}");
        assert_eq!(v.fail_kind(), Some(FailKind::TestFailure));
        assert_eq!(v.summary(), "no test ran");

        let skipped = "\nrunning 2 tests\ntest a ... ok\ntest b ... ignored\n\ntest result: ok. 1 passed; 0 failed; 1 ignored\n";
        let v = from_test_run(skipped, "", true);
        let Verdict::Failed {
            first, diagnosis, ..
        } = &v
        else {
            panic!("{v:?}")
        };
        assert_eq!(*diagnosis, Diagnosis::IgnoredTests);
        assert_eq!(first, "skipped with #[ignore]: b");

        let one =
            "\nrunning 1 test\ntest a ... ok\n\ntest result: ok. 1 passed; 0 failed; 0 ignored\n";
        assert!(matches!(
            from_test_run(one, "", true),
            Verdict::Passed { tests: 1 }
        ));
    }

    #[test]
    fn using_tokio_outside_a_runtime_is_diagnosed() {
        // The exact text of Tokio 1.54's panic (`CONTEXT_MISSING_ERROR`, src/util/error.rs).
        let out = "thread 'spawns' panicked at src/lib.rs:4:5:\nthere is no reactor running, must be called from the context of a Tokio 1.x runtime\n";
        assert_eq!(Diagnosis::find(out), Diagnosis::NoRuntime);
        let out = "A Tokio 1.x context was found, but timers are disabled. Call `enable_time` on the runtime builder to enable timers.";
        assert_eq!(Diagnosis::find(out), Diagnosis::DriverDisabled);
        // Another test's time-out in the same run is the failure the exercise is about.
        let both = "there is no reactor running, must be called from the context of a Tokio 1.x runtime\n\
                    did not complete in 3 s on a current_thread runtime";
        assert_eq!(Diagnosis::find(both), Diagnosis::TimedOut);
    }

    #[test]
    fn a_failed_assertion_that_names_the_cause_wins_over_a_generic_time_out() {
        let out = "\nrunning 2 tests\ntest hangs ... FAILED\ntest names_it ... FAILED\n\nfailures:\n\n\
                   ---- hangs stdout ----\n\nthread 'hangs' panicked at tests/x.rs:9:5:\n\
                   did not complete in 2 s on a current_thread runtime\n\n\
                   ---- names_it stdout ----\n\nthread 'names_it' panicked at tests/x.rs:20:5:\n\
                   the join future was polled again after it returned Ready\n\n\
                   failures:\n    hangs\n    names_it\n\ntest result: FAILED. 0 passed; 2 failed\n";
        let Verdict::Failed {
            first, diagnosis, ..
        } = from_test_run(out, "", false)
        else {
            panic!("a failed run")
        };
        assert_eq!(diagnosis, Diagnosis::Assertion);
        assert!(
            first.contains("polled again after it returned Ready"),
            "{first}"
        );
        // Alone, the time-out is still the diagnosis.
        let alone = out.replace("---- names_it stdout", "").replace(
            "the join future was polled again after it returned Ready",
            "",
        );
        let Verdict::Failed { diagnosis, .. } = from_test_run(&alone, "", false) else {
            panic!("a failed run")
        };
        assert_eq!(diagnosis, Diagnosis::TimedOut);
    }

    #[test]
    fn a_time_out_set_by_testkit_timeout_points_at_the_test_not_at_testkit() {
        let out = "\nrunning 1 test\ntest two_waits_overlap ... FAILED\n\nfailures:\n\n\
                   ---- two_waits_overlap stdout ----\n\nthread 'two_waits_overlap' (28790) panicked at \
                   crates/testkit/src/run.rs:385:26:\ndid not complete in 2 s: it was still waiting for \
                   something that never happened [testkit::timeout called at \
                   exercises/00_intro/02_first_await/tests/first_await.rs:36:20]\nnote: run with \
                   `RUST_BACKTRACE=1`\n\nfailures:\n    two_waits_overlap\n\ntest result: FAILED.\n";
        let Verdict::Failed { first, .. } = from_test_run(out, "", false) else {
            panic!("a failed run")
        };
        assert!(
            first.contains(
                "thread 'two_waits_overlap' (28790) panicked at \
                 exercises/00_intro/02_first_await/tests/first_await.rs:36:20:\n"
            ) && first.contains("never happened\nnote:"),
            "{first}"
        );
        assert!(!first.contains("testkit"), "{first}");
    }

    #[test]
    fn long_compared_values_are_cut_around_their_first_difference() {
        let left: Vec<u32> = (0..100).collect();
        let mut right = left.clone();
        right[57] = 999;
        let block = format!(
            "thread 't' panicked at tests/x.rs:1:1:\nassertion `left == right` failed: the counts\n  left: {left:?}\n right: {right:?}\nnote: run with `RUST_BACKTRACE=1`"
        );
        let short = shorten_comparison(&block);
        assert!(
            short.contains("first difference at index 57: left has `57`, right has `999` (left has 100 elements, right 100)"),
            "{short}"
        );
        assert!(
            short
                .lines()
                .all(|l| l.chars().count() <= 140 || l.starts_with(" [lab:")),
            "{short}"
        );
        assert!(
            short.starts_with("thread 't' panicked") && short.ends_with("RUST_BACKTRACE=1`"),
            "{short}"
        );

        let text: String = (0..200).map(|i| format!("line {i}\\n")).collect();
        let other = text.replace("line 150", "line 15O");
        let block = format!("  left: \"{text}\"\n right: \"{other}\"");
        let short = shorten_comparison(&block);
        assert!(short.contains("first difference at character"), "{short}");
        assert!(
            short.contains("line 15O") && short.contains("line 150"),
            "the window shows the difference: {short}"
        );

        let small = "  left: [1, 2]\n right: [1, 3]";
        assert_eq!(
            shorten_comparison(small),
            small,
            "short values are shown whole"
        );
        assert_eq!(
            list_items(r#"["a, b", (1, [2, 3]), "c\"]"]"#).unwrap(),
            vec![r#""a, b""#, "(1, [2, 3])", r#""c\"]""#]
        );
    }

    #[test]
    fn a_root_cause_wins_over_the_time_out_it_caused() {
        let out =
            "Cannot block the current thread from within a runtime\n... did not complete in 2 s";
        assert_eq!(Diagnosis::find(out), Diagnosis::BlockingInAsync);
        assert_eq!(
            Diagnosis::find("the runtime thread was blocked for 800 ms; did not complete in 2 s"),
            Diagnosis::RuntimeBlocked
        );
    }

    #[test]
    fn killed_lists_the_tests_still_running() {
        let v = from_killed(
            "test a ... ok\ntest d ... FAILED\ntest b ... ",
            Duration::from_secs(3),
            &["a".into(), "b".into(), "c".into(), "d".into()],
            None,
        );
        let Verdict::Killed {
            running,
            failed,
            stuck,
            ..
        } = &v
        else {
            panic!("{v:?}")
        };
        assert_eq!(running, &["b", "c"]);
        assert_eq!(failed, &["d"]);
        assert_eq!(*stuck, Stuck::Unknown);
        assert_eq!(v.fail_kind(), Some(FailKind::Timeout));
        assert_eq!(v.summary(), "killed by the process-level limit after 3 s");
    }

    #[test]
    fn asleep_after_failures_is_called_waiting_out_time_outs_not_a_deadlock() {
        let asleep = Some(Busy { looks: 5, busy: 0 });
        let names: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let queued = from_killed(
            "test a ... FAILED\n",
            Duration::from_secs(30),
            &names,
            asleep,
        );
        assert_eq!(
            queued.summary(),
            "killed by the process-level limit after 30 s: tests waiting out their time-outs"
        );
        let stuck = from_killed("", Duration::from_secs(30), &names, asleep);
        assert_eq!(
            stuck.summary(),
            "killed by the process-level limit after 30 s: a deadlock"
        );
    }

    #[test]
    fn thread_states_tell_a_spin_from_a_deadlock() {
        let judge = |busy| Stuck::judge(Some(Busy { looks: 5, busy }));
        assert_eq!(judge(5), Stuck::Spinning);
        assert_eq!(
            judge(4),
            Stuck::Spinning,
            "one look can fall between two spins"
        );
        assert_eq!(judge(0), Stuck::Waiting);
        assert_eq!(judge(2), Stuck::Unknown);
        assert_eq!(Stuck::judge(None), Stuck::Unknown);
    }

    #[test]
    fn list_output_is_parsed() {
        assert_eq!(
            listed_tests("x::a: test\nb: test\n\n2 tests, 0 benchmarks\n"),
            ["x::a", "b"]
        );
    }
}

#[cfg(test)]
mod reading_tests {
    use std::path::Path;

    use super::*;
    use crate::manifest::Manifest;

    /// A failed run of two tests, `first` failing with `a` and `second` with `b`.
    fn run_of(a: &str, b: &str) -> String {
        format!(
            "\nrunning 2 tests\ntest first ... FAILED\ntest second ... FAILED\n\nfailures:\n\n\
             ---- first stdout ----\n\nthread 'first' panicked at t.rs:1:1:\n{a}\n\n\
             ---- second stdout ----\n\nthread 'second' panicked at t.rs:2:2:\n{b}\n\n\
             failures:\n    first\n    second\n\ntest result: FAILED. 0 passed; 2 failed\n"
        )
    }

    fn failed(v: Verdict) -> (String, Diagnosis) {
        match v {
            Verdict::Failed {
                first, diagnosis, ..
            } => (first, diagnosis),
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn the_failure_shown_carries_the_signature_found() {
        let out = run_of(
            "assertion `left == right` failed\n  left: 31\n right: 32",
            "the runtime thread was blocked for 120 ms: is a blocking call running inside async code?",
        );
        let (first, diagnosis) = failed(from_test_run(&out, "", false));
        assert_eq!(diagnosis, Diagnosis::RuntimeBlocked);
        assert!(
            first.starts_with("---- second stdout ----") && !first.contains("left: 31"),
            "the blocked test is shown, not the first failure: {first}"
        );
    }

    /// The real manifest's readings, for the exercise `id`.
    fn readings(id: &str) -> Vec<Reading> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let manifest = Manifest::load(&root).expect("exercises/lab.toml loads");
        manifest
            .get(id)
            .expect("the exercise exists")
            .diagnosis
            .clone()
    }

    #[test]
    fn worker_pool_failures_are_read_for_what_they_are() {
        let r = readings("worker_pool");
        // A `shutdown` that never drops the sender: the tests' own message, not a blocked runtime.
        let out = run_of(
            "did not complete in 5 s on a current_thread runtime: it was still waiting for something that never happened (a future that returns `Pending` must arrange to be woken)",
            "`shutdown` never returned although every job had finished: the workers' `blocking_recv` returns `None` only once every `Sender` of the queue is dropped",
        );
        let (first, d) = failed(from_test_run_for(&out, "", false, &r));
        assert_eq!(d.name(), "the queue's sender is never dropped");
        assert!(first.contains("`shutdown` never returned"), "{first}");
        // A worker that keeps the lock: not "senders never dropped", although other tests time out.
        let out = run_of(
            "did not complete in 5 s on a current_thread runtime",
            "the next job never started on the free worker: the workers run one job at a time, so a worker probably keeps the queue's lock while it runs its job",
        );
        let (_, d) = failed(from_test_run_for(&out, "", false, &r));
        assert_eq!(
            d.name(),
            "a worker keeps the queue's lock while it runs a job"
        );
        assert!(!d.is_timeout(), "an assertion, not a time-out");
        // The same blocked-runtime message means "join on the runtime thread" only in the test
        // about `shutdown`.
        let blocked = "the runtime thread was blocked for 201 ms: is a blocking call running inside async code?";
        let out = run_of("x", blocked).replace(
            "second",
            "shutdown_waits_for_a_running_job_without_blocking_the_runtime",
        );
        let (_, d) = failed(from_test_run_for(&out, "", false, &r));
        assert_eq!(d.name(), "shutdown joins the workers on the runtime thread");
        assert!(d.is_timeout(), "still counted as the watchdog's time-out");
        let (_, d) = failed(from_test_run_for(&run_of("x", blocked), "", false, &r));
        assert_eq!(
            d,
            Diagnosis::RuntimeBlocked,
            "other tests keep the generic reading"
        );
    }

    #[test]
    fn no_reading_suggests_an_api_the_type_lacks() {
        for id in ["request_response", "sync_bridge", "my_block_on"] {
            for reading in readings(id) {
                assert!(
                    !reading.explain.contains(".recv().await")
                        && !reading.explain.contains("spawn_blocking"),
                    "{id}: {reading:?}"
                );
            }
        }
        let r = readings("request_response");
        let out = run_of(
            "x",
            "Cannot block the current thread from within a runtime. This happens because a function attempted to block the current thread while the thread is being used to drive asynchronous tasks.",
        );
        let (_, d) = failed(from_test_run_for(&out, "", false, &r));
        assert!(d.explain().contains("`.await` it"), "{}", d.explain());
    }

    #[test]
    fn my_block_on_failures_name_the_waker_or_the_loop() {
        let r = readings("my_block_on");
        let out = run_of(
            "assertion `left == right` failed: the future needs 100 wake-ups\n  left: 42\n right: 100",
            "the future was polled 1079187 times for one wake-up: sleep with `thread::park` between polls instead of polling in a loop",
        );
        let (first, d) = failed(from_test_run_for(&out, "", false, &r));
        assert_eq!(d.name(), "block_on polls in a loop instead of sleeping");
        assert!(first.contains("1079187 times"), "{first}");
        let out = run_of(
            "did not finish in 5 s: is a thread waiting for something that never happens, such as a `join` on a worker whose channel never closes, or a lock that is never released?",
            "did not finish in 5 s",
        );
        let (_, d) = failed(from_test_run_for(&out, "", false, &r));
        assert_eq!(d.name(), "block_on is never woken");
        assert!(d.explain().contains("waker"), "{}", d.explain());
    }
}

#[cfg(test)]
mod compile_note_tests {
    use super::compile_note;

    #[test]
    fn await_is_suggested_only_where_rustc_sees_a_future_in_a_value_s_place() {
        let missing = "error[E0308]: mismatched types\n  |     let price: u32 = price_of(item);\n  \
                       |                          ^^^^^^^^^^^^^^ expected `u32`, found future\n\
                       help: consider `await`ing on the `Future`";
        assert!(compile_note(missing).is_some_and(|n| n.contains(".await` is probably missing")));
        let added = "error[E0369]: cannot add `{integer}` to `impl Future<Output = u32>`\n\
                     help: consider `await`ing on the `Future`";
        assert!(compile_note(added).is_some());

        let add_assign = "error[E0277]: cannot add-assign `impl Future<Output = u32>` to `{integer}`\n\
                          = help: the trait `AddAssign<impl Future<Output = u32>>` is not implemented";
        assert!(compile_note(add_assign).is_some());
        let boxed_call = "error[E0308]: mismatched types\n expected `Pin<Box<dyn Future<Output = ()>>>`, \
                          found `Box<impl Future<Output = ()>>`";
        assert_eq!(
            compile_note(boxed_call),
            None,
            "Box::new of an async fn's future"
        );
        let boxed = "error[E0308]: mismatched types\n   |     expected `Pin<Box<dyn Future<Output = ()> + Send>>`, \
                     found `Box<{async block@src/lib.rs:3:14: 3:19}>`\nhelp: you need to pin and box this expression: \
                     `Box::pin(async {})`";
        assert_eq!(
            compile_note(boxed),
            None,
            "Box::new for Box::pin is not a missing .await"
        );
        let not_send = "error: future cannot be sent between threads safely\n= help: within `{async block}`, the \
                        trait `Send` is not implemented for `Rc<usize>`\nnote: required by a bound in `tokio::spawn`\n\
                        F: Future + Send + 'static";
        assert_eq!(compile_note(not_send), None);
        let unpin = "error[E0277]: `PhantomPinned` cannot be unpinned\n   = note: required for `Timed<F>` to \
                     implement `Future`";
        assert_eq!(compile_note(unpin), None);
    }
}
