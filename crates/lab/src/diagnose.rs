//! Turning the output of a build and a test run into a verdict a learner can act on.
//!
//! The signatures matched here are checked against their sources: testkit's panic-message
//! prefixes (`testkit::messages`), and Tokio 1.54's panics in `tokio/src/future/block_on.rs`,
//! `tokio/src/runtime/context/runtime.rs`, `tokio/src/runtime/scheduler/multi_thread/worker.rs`,
//! `tokio/src/runtime/blocking/shutdown.rs`, `tokio/src/util/error.rs` (the text of the
//! "no reactor" panic that `tokio/src/task/spawn.rs` and `tokio/src/runtime/handle.rs` raise) and
//! `tokio/src/runtime/driver.rs` (a timer or I/O used on a runtime built without it).

use std::collections::BTreeSet;
use std::time::Duration;

use crate::manifest::FailKind;

// testkit's panic-message prefixes, a contract between testkit and lab: taken from testkit
// itself so that the two cannot drift apart.
use testkit::messages::{RUNTIME_BLOCKED, THREAD_TIMED_OUT, TIMED_OUT};

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
    /// Any other failed test (usually an assertion).
    Assertion,
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
    // Raised by `tokio::spawn` and `Handle::current` (and so by timers and I/O types) when the
    // calling thread has no runtime; the text is `CONTEXT_MISSING_ERROR` in Tokio's
    // `src/util/error.rs`.
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
    (RUNTIME_BLOCKED, Diagnosis::RuntimeBlocked),
    (THREAD_TIMED_OUT, Diagnosis::ThreadTimedOut),
    (TIMED_OUT, Diagnosis::TimedOut),
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
            Diagnosis::Assertion => "test failed",
        }
    }

    /// What the signature usually means, and what to try.
    pub fn explain(self) -> &'static str {
        match self {
            Diagnosis::BlockingInAsync => {
                "Tokio refused a blocking call made inside async code (\"Cannot block the current thread from \
                 within a runtime\"). `blocking_recv`, `blocking_send` and `blocking_lock` are for plain threads \
                 outside the runtime. Inside an async fn write `.recv().await` or `.send(v).await`, or move the \
                 blocking part into `tokio::task::spawn_blocking`."
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
                "testkit's in-test time-out fired: a future was still `Pending` when the limit ran out. A future \
                 that returns `Pending` must first arrange to be woken (keep the `Waker` and call `wake` when the \
                 value is ready), or nothing ever polls it again. Also look for an `.await` on something that \
                 never happens, such as a channel whose senders are never dropped."
            }
            Diagnosis::Todo => {
                "A `todo!()` is still in place: the test reached code that has not been written yet. The panic \
                 message above gives its file and line."
            }
            Diagnosis::Assertion => {
                "A test's check failed: compare the values in the message above with what the exercise asks for."
            }
        }
    }

    /// Whether this signature is one of testkit's in-test time-outs.
    pub fn is_timeout(self) -> bool {
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
    },
}

impl Verdict {
    /// The manifest category this verdict falls in; `None` when it passed.
    pub fn fail_kind(&self) -> Option<FailKind> {
        match self {
            Verdict::Passed { .. } => None,
            Verdict::CompileError { .. } => Some(FailKind::CompileError),
            Verdict::Killed { .. } => Some(FailKind::Timeout),
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
            Verdict::Failed {
                failed, diagnosis, ..
            } => {
                format!(
                    "{} failed: {}",
                    plural(failed.len(), "test"),
                    diagnosis.name()
                )
            }
            Verdict::Killed { after, .. } => {
                format!(
                    "killed by the process-level limit after {} s",
                    after.as_secs()
                )
            }
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

/// Builds a verdict from a finished (not killed) test run.
pub fn from_test_run(stdout: &str, stderr: &str, success: bool) -> Verdict {
    let results = finished_tests(stdout);
    if success {
        return Verdict::Passed {
            tests: results.iter().filter(|(_, r)| r == "ok").count(),
        };
    }
    let failed: Vec<String> = results
        .iter()
        .filter(|(_, r)| r == "FAILED")
        .map(|(n, _)| n.clone())
        .collect();
    let all = format!("{stdout}\n{stderr}");
    let first = first_failure(stdout).unwrap_or_else(|| tail(&all, 30));
    Verdict::Failed {
        first,
        failed,
        diagnosis: Diagnosis::find(&all),
    }
}

/// Builds a verdict for a run the process-level limit killed; `all_tests` comes from `--list`.
pub fn from_killed(stdout: &str, after: Duration, all_tests: &[String]) -> Verdict {
    let finished: BTreeSet<String> = finished_tests(stdout).into_iter().map(|(n, _)| n).collect();
    Verdict::Killed {
        after,
        running: all_tests
            .iter()
            .filter(|t| !finished.contains(*t))
            .cloned()
            .collect(),
    }
}

/// `(name, result)` for each `test NAME ... RESULT` line libtest printed.
fn finished_tests(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test "))
        .filter_map(|l| l.split_once(" ... "))
        .filter(|(_, r)| !r.trim().is_empty())
        .map(|(n, r)| {
            (
                n.to_owned(),
                r.split_whitespace().next().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The captured output of the first failed test: libtest's `---- name stdout ----` block.
fn first_failure(stdout: &str) -> Option<String> {
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
    let block = rest[..end].trim_end();
    Some(clip(block, 40))
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
            "test a ... ok\ntest b ... ",
            Duration::from_secs(3),
            &["a".into(), "b".into(), "c".into()],
        );
        let Verdict::Killed { running, .. } = &v else {
            panic!("{v:?}")
        };
        assert_eq!(running, &["b", "c"]);
        assert_eq!(v.fail_kind(), Some(FailKind::Timeout));
    }

    #[test]
    fn list_output_is_parsed() {
        assert_eq!(
            listed_tests("x::a: test\nb: test\n\n2 tests, 0 benchmarks\n"),
            ["x::a", "b"]
        );
    }
}
