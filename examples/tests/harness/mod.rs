//! Runs an example binary under a deadline and reports what it printed.
//!
//! Every test in `examples/tests/` goes through this module, so that no test can hang and every
//! failure message shows what the example actually did. Use it from a new test file with:
//!
//! ```ignore
//! mod harness;
//!
//! use std::time::Duration;
//!
//! use harness::Example;
//!
//! #[test]
//! fn tokio42_prints_its_line() {
//!     // An example that ends by itself: wait for it to exit, at most 10 s.
//!     let run = Example::new("tokio42").deadline(Duration::from_secs(10)).run();
//!     run.assert_exited_ok();
//!     assert_eq!(run.texts(), ["the one line it promises"], "{run}");
//! }
//!
//! #[test]
//! fn tokio43_runs_forever() {
//!     // An example that never ends: stop as soon as enough output has been seen (or at the
//!     // deadline), kill it, then check what it printed and that it was still running.
//!     let run = Example::new("tokio43")
//!         .deadline(Duration::from_secs(30))
//!         .stop_when(|lines| lines.iter().filter(|l| l.text.starts_with("tick")).count() >= 3)
//!         .run();
//!     assert!(run.was_still_running(), "{run}");
//! }
//! ```
//!
//! How the binaries are found: `cargo test` compiles every example of the package (to prove it
//! builds) into `target/<profile>/examples/`, next to the `target/<profile>/deps/` folder that holds
//! the test binary itself. [`example_path`] walks from [`std::env::current_exe`] to that folder, so
//! it follows `CARGO_TARGET_DIR`, `--release` and `--target` without being told. A command that
//! builds only one test target (`cargo test --test NAME`) does not build the examples; the error
//! then says to run plain `cargo test`. The same command also leaves an older build of an example
//! in place, so after editing an example run plain `cargo test` again.
//!
//! Every run is bounded: the child is killed at its deadline (or as soon as `stop_when` is
//! satisfied), and it is also killed if the test panics half-way, so no example outlives its test.

#![allow(
    dead_code,
    reason = "each test file compiles its own copy of this module and uses only part of it"
)]

use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

/// How often the harness checks whether the child has exited while no output arrives.
const POLL: Duration = Duration::from_millis(10);

/// How long the harness waits for the stderr reader after the child is gone. The pipe closes when
/// the child dies, so this only matters if the example left a grandchild holding the pipe open.
const STDERR_GRACE: Duration = Duration::from_secs(2);

/// One line of standard output, with the time it arrived.
#[derive(Debug, Clone)]
pub struct Line {
    /// Time since the child was started. Useful for ordering and rough pacing checks; a test that
    /// relies on it should allow a generous margin, because the machine may be busy.
    pub at: Duration,
    /// The line without its line ending.
    pub text: String,
}

/// A predicate over the lines seen so far; the run stops as soon as it returns `true`.
type StopWhen = Box<dyn Fn(&[Line]) -> bool>;

/// A run of one example binary, configured with a builder and started with [`Example::run`].
pub struct Example {
    name: String,
    args: Vec<String>,
    deadline: Duration,
    stop_when: Option<StopWhen>,
}

impl Example {
    /// An example by its `[[example]]` name, e.g. `"tokio1"`, with a 10 s deadline.
    pub fn new(name: &str) -> Self {
        Self {
            name: name.to_string(),
            args: Vec::new(),
            deadline: Duration::from_secs(10),
            stop_when: None,
        }
    }

    /// Command-line arguments to pass to the example.
    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// The longest the example may run. At the deadline it is killed and the run reports it as
    /// still running. Choose it well above the expected time: tests share a small, busy machine.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Stops the run early, killing the example if it is still running, once `done` returns `true`
    /// for the lines seen so far. Meant for examples that never end: the test lasts only as long
    /// as the output it needs.
    pub fn stop_when(mut self, done: impl Fn(&[Line]) -> bool + 'static) -> Self {
        self.stop_when = Some(Box::new(done));
        self
    }

    /// Starts the example, collects its output until it exits, `stop_when` is satisfied or the
    /// deadline passes, kills it if it is still running, and returns what was seen.
    ///
    /// Panics, with a message saying what to do, if the binary is missing or cannot be started.
    pub fn run(self) -> Run {
        let path = example_path(&self.name);
        let started = Instant::now();
        let child = Command::new(&path)
            .args(&self.args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", path.display()));
        let mut child = KillOnDrop(child);
        let deadline = started + self.deadline;

        // Each stream is read on its own thread, so that a full pipe can never stall the child
        // and the harness can keep an eye on the clock while waiting.
        let stdout = child.0.stdout.take().expect("stdout was piped");
        let (line_tx, line_rx) = mpsc::channel();
        thread::spawn(move || {
            for text in BufReader::new(stdout).lines() {
                let Ok(text) = text else { break };
                let line = Line {
                    at: started.elapsed(),
                    text,
                };
                if line_tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut stderr = child.0.stderr.take().expect("stderr was piped");
        let (err_tx, err_rx) = mpsc::channel();
        thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = stderr.read_to_end(&mut bytes);
            let _ = err_tx.send(String::from_utf8_lossy(&bytes).into_owned());
        });

        let mut lines = Vec::new();
        let mut stopped_early = false;
        let mut stdout_closed = false;
        loop {
            if let Some(done) = &self.stop_when
                && done(&lines)
            {
                stopped_early = true;
                break;
            }
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            if stdout_closed {
                // Output is over; wait for the exit itself, still bounded by the deadline.
                if child.0.try_wait().expect("try_wait failed").is_some() {
                    break;
                }
                thread::sleep(POLL.min(deadline - now));
                continue;
            }
            match line_rx.recv_timeout(POLL.min(deadline - now)) {
                Ok(line) => lines.push(line),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => stdout_closed = true,
            }
        }

        let status = child.0.try_wait().expect("try_wait failed");
        let still_running = status.is_none();
        if still_running {
            // Killing an already exited child is harmless, so a race with a natural exit here
            // cannot fail the test; it only reports the example as still running.
            let _ = child.0.kill();
        }
        let status = match status {
            Some(status) => status,
            None => child.0.wait().expect("wait failed after kill"),
        };
        let elapsed = started.elapsed();

        // Lines the child wrote before it died may still be in the pipe: keep them, because they
        // are part of what it printed. The reader ends at end-of-file, which the kill guarantees.
        let drain_until = Instant::now() + STDERR_GRACE;
        loop {
            let left = drain_until.saturating_duration_since(Instant::now());
            match line_rx.recv_timeout(left) {
                Ok(line) => lines.push(line),
                Err(_) => break,
            }
        }
        let stderr = err_rx.recv_timeout(STDERR_GRACE).unwrap_or_default();

        Run {
            name: self.name,
            lines,
            stderr,
            status,
            still_running,
            stopped_early,
            elapsed,
        }
    }
}

/// What one run of an example printed and how it ended.
#[derive(Debug)]
pub struct Run {
    /// The example's name, for messages.
    pub name: String,
    /// Every line of standard output, in the order it arrived.
    pub lines: Vec<Line>,
    /// Everything written to standard error.
    pub stderr: String,
    /// The exit status: the real one if it exited by itself, the kill's otherwise.
    pub status: ExitStatus,
    /// `true` if the example was still running when the harness stopped it (at the deadline or
    /// because `stop_when` was satisfied) and had to kill it.
    pub still_running: bool,
    /// `true` if the run ended because `stop_when` was satisfied.
    pub stopped_early: bool,
    /// Time from start until the child was gone.
    pub elapsed: Duration,
}

impl Run {
    /// The lines' text, for comparing with `assert_eq!`.
    pub fn texts(&self) -> Vec<&str> {
        self.lines.iter().map(|l| l.text.as_str()).collect()
    }

    /// `true` if the example was alive until the harness killed it.
    pub fn was_still_running(&self) -> bool {
        self.still_running
    }

    /// Asserts that the example exited by itself, with status 0 and nothing on stderr.
    pub fn assert_exited_ok(&self) {
        assert!(
            !self.still_running,
            "{} was still running at its deadline and was killed\n{self}",
            self.name
        );
        assert!(
            self.status.success(),
            "{} exited with {}\n{self}",
            self.name,
            self.status
        );
        assert!(
            self.stderr.is_empty(),
            "{} wrote to stderr\n{self}",
            self.name
        );
    }
}

/// Shows everything a failing assertion needs: how the run ended, stdout with times, stderr.
impl fmt::Display for Run {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ending = if self.still_running {
            "still running, killed by the test"
        } else {
            "exited by itself"
        };
        writeln!(
            f,
            "--- {} ({ending}, {}, after {:.2?})",
            self.name, self.status, self.elapsed
        )?;
        writeln!(f, "--- stdout ({} lines):", self.lines.len())?;
        for line in &self.lines {
            writeln!(f, "[{:>8.3?}] {}", line.at, line.text)?;
        }
        writeln!(f, "--- stderr:")?;
        write!(f, "{}", self.stderr)
    }
}

/// Kills the child if the test panics before the harness has stopped it.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Ok(None) = self.0.try_wait() {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
}

/// The path of the compiled example `name`, or a panic that says how to build it.
///
/// The test binary runs from `<target>/<profile>/deps/`; `cargo test` puts the examples in
/// `<target>/<profile>/examples/`, named with the platform's executable suffix (`.exe` on Windows).
pub fn example_path(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("cannot find the test binary's own path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .unwrap_or_else(|| panic!("unexpected test binary location {}", exe.display()));
    let path = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(
        path.is_file(),
        "example binary {} is missing: run the tests with `cargo test`, which builds the examples \
         (a command that picks one test target, such as `cargo test --test NAME`, does not); \
         check that `{name}` has an [[example]] entry in examples/Cargo.toml",
        path.display()
    );
    path
}

/// The source file of example `name`: `examples/<chapter folder>/<name>.rs`. Examples are grouped
/// in one folder per chapter, so the folder is found by looking, not spelled out by every caller.
pub fn example_source(name: &str) -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let file = format!("{name}.rs");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()))
        .filter_map(|entry| Some(entry.ok()?.path().join(&file)))
        .filter(|path| path.is_file())
        .collect();
    assert!(
        found.len() == 1,
        "expected exactly one examples/<chapter>/{file}, found {found:?}"
    );
    found.remove(0)
}

/// Reads the `//!` header of `examples/<chapter>/<name>.rs` and returns the body of its `n`-th ```` ```text ````
/// block (counting from 0), one string per line. The headers show the command first (block 0) and
/// the promised output second (block 1), so tests can check that header and behaviour agree.
pub fn header_text_block(name: &str, n: usize) -> Vec<String> {
    let path = example_source(name);
    let source = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let header: Vec<&str> = source
        .lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| {
            let rest = l.trim_start_matches("//!");
            rest.strip_prefix(' ').unwrap_or(rest)
        })
        .collect();
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in header {
        match (&mut current, line.trim()) {
            (None, "```text") => current = Some(Vec::new()),
            (Some(_), "```") => blocks.push(current.take().expect("inside a block")),
            (Some(block), _) => block.push(line.to_string()),
            (None, _) => {}
        }
    }
    blocks.into_iter().nth(n).unwrap_or_else(|| {
        panic!(
            "{} has no ```text block number {n} in its //! header",
            path.display()
        )
    })
}

/// Checks that a book page shows only outputs the tests check.
///
/// Every ```` ```text ```` block on `docs/src/<page>` must be one of three things: a command to
/// type (every line starts with `cargo `), the promised output of one of `examples` copied exactly
/// from that example's `//!` header (which the example's own test compares with a real run), or a
/// block whose first line is listed in `recorded` (figures from a recorded run, such as a
/// benchmark, that no test can reproduce). Each of `examples` must also have its output shown on
/// the page, so an example whose output block is dropped from the page is noticed too.
pub fn assert_page_shows_checked_outputs(page: &str, examples: &[&str], recorded: &[&str]) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../docs/src/{page}"));
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));

    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut current: Option<Vec<&str>> = None;
    for line in text.lines() {
        match (&mut current, line.trim()) {
            (None, "```text") => current = Some(Vec::new()),
            (Some(_), "```") => blocks.push(current.take().expect("inside a block")),
            (Some(block), _) => block.push(line),
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "{page}: a ```text block is never closed");

    let promised: Vec<(&str, Vec<String>)> = examples
        .iter()
        .map(|name| (*name, header_text_block(name, 1)))
        .collect();
    for block in &blocks {
        let is_command = !block.is_empty() && block.iter().all(|l| l.starts_with("cargo "));
        let is_recorded = block.first().is_some_and(|first| recorded.contains(first));
        let is_promised = promised.iter().any(|(_, lines)| lines == block);
        assert!(
            is_command || is_recorded || is_promised,
            "{page} shows an output that no test checks: make it one of {examples:?}'s header \
             outputs, exactly, or change the text:\n{}",
            block.join("\n")
        );
    }
    for (name, lines) in &promised {
        assert!(
            blocks.iter().any(|block| block == lines),
            "{page} does not show {name}'s output exactly as its header promises:\n{}",
            lines.join("\n")
        );
    }
}

/// Runs an example that ends by itself, within `within`, and returns its output after checking
/// that it exited cleanly (see [`Run::assert_exited_ok`]).
pub fn run_to_end(name: &str, within: Duration) -> Run {
    let run = Example::new(name).deadline(within).run();
    run.assert_exited_ok();
    run
}

/// Runs `name`, an example whose output is the same on every run, within `within`, and compares
/// its output line for line with the first text block of its header; `what` says what it shows.
pub fn assert_prints_its_header(name: &str, what: &str, within: Duration) {
    let run = run_to_end(name, within);
    assert_eq!(
        run.texts(),
        header_text_block(name, 1),
        "{name} ({what}) must print exactly what its header shows\n{run}"
    );
}

/// The whole number that follows `before` in `line`, or a panic that shows the run.
pub fn number_after(line: &str, before: &str, run: &Run) -> u64 {
    let rest = line
        .split_once(before)
        .unwrap_or_else(|| panic!("expected {before:?} in {line:?}\n{run}"))
        .1;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("expected a number after {before:?} in {line:?}\n{run}"))
}
