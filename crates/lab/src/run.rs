//! Running cargo and test binaries under a process-level limit.
//!
//! Every child is started in a process group of its own (a job object on Windows, through
//! [`command_group`](https://docs.rs/command-group)), so that killing it also kills whatever it
//! started: cargo's rustc processes, or processes a test left behind. See [`procs`] for what
//! catches the processes that leave the group.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

#[cfg(not(unix))]
use command_group::CommandGroup;

use crate::error::LabError;
use crate::procs;

/// Set once Ctrl-C, SIGTERM or SIGHUP has arrived; every wait loop checks it.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C, SIGTERM (CI cancelling a job, an IDE's stop button) and SIGHUP (the terminal
/// closed during `watch`) set [`INTERRUPTED`] instead of killing lab at once.
///
/// The children run in process groups of their own, so the terminal's signals do not reach
/// them; lab must kill them itself, and it can only do that if it survives the signal.
/// [`tokio::signal`](https://docs.rs/tokio/latest/tokio/signal/index.html) installs the
/// handlers; a second signal while lab is cleaning up ends it at once.
pub fn install_ctrl_c() {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    thread::spawn(move || {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
        else {
            let _ = ready_tx.send(());
            return;
        };
        rt.block_on(async move {
            #[cfg(unix)]
            let (mut term, mut hup) = {
                use tokio::signal::unix::{SignalKind, signal};
                (
                    signal(SignalKind::terminate()).ok(),
                    signal(SignalKind::hangup()).ok(),
                )
            };
            let mut ready = Some(ready_tx);
            loop {
                let mut ctrl_c = std::pin::pin!(tokio::signal::ctrl_c());
                // The Ctrl-C handler is registered on the first poll, so poll once before
                // telling the main thread that the signals are covered.
                let first = std::future::poll_fn(|cx| Poll::Ready(ctrl_c.as_mut().poll(cx))).await;
                if let Some(tx) = ready.take() {
                    let _ = tx.send(());
                }
                if let Poll::Ready(Err(_)) = first {
                    // No handler could be installed: Ctrl-C keeps its default effect.
                    return;
                }
                #[cfg(unix)]
                {
                    let term_recv = async {
                        match term.as_mut() {
                            Some(s) => s.recv().await,
                            None => std::future::pending().await,
                        }
                    };
                    let hup_recv = async {
                        match hup.as_mut() {
                            Some(s) => s.recv().await,
                            None => std::future::pending().await,
                        }
                    };
                    if first.is_pending() {
                        tokio::select! {
                            _ = ctrl_c => {}
                            _ = term_recv => {}
                            _ = hup_recv => {}
                        }
                    }
                }
                #[cfg(not(unix))]
                if first.is_pending() {
                    let _ = ctrl_c.await;
                }
                if INTERRUPTED.swap(true, Ordering::SeqCst) {
                    std::process::exit(130);
                }
            }
        });
    });
    let _ = ready_rx.recv_timeout(Duration::from_secs(1));
}

/// How a limited run ended.
#[derive(Debug)]
pub struct Finished {
    /// What was written to stdout, capped by [`CAPTURE_HEAD`] and [`CAPTURE_TAIL`].
    pub stdout: String,
    /// What was written to stderr, capped the same way.
    pub stderr: String,
    /// Whether the process exited with status 0.
    pub success: bool,
    /// `Some(limit)` when lab killed the process tree at the limit.
    pub killed_after: Option<Duration>,
    /// For a killed process: how often one of its threads was running or ready to run, in a few
    /// looks just before the kill, where the system tells (Linux).
    pub busy: Option<Busy>,
    /// The signal that ended the process, when lab did not send it.
    pub signal: Option<i32>,
    /// Whether the process ran under lab's memory ceiling ([`procs::MEMORY_LIMIT_GIB`]).
    pub memory_limited: bool,
    /// A build script that ran past its limit, and the limit: cargo was stopped because of it.
    pub hung_build_script: Option<(String, Duration)>,
    /// Cargo waited too long for a lock another process holds, and was stopped.
    pub locked_out: Option<LockedOut>,
}

/// How much of each output stream lab keeps: its first bytes and its last ones, with a note of
/// how much was cut in between. Lab's memory stays bounded whatever a test prints.
pub const CAPTURE_HEAD: usize = 512 * 1024;
/// See [`CAPTURE_HEAD`].
pub const CAPTURE_TAIL: usize = 512 * 1024;
/// Lines longer than this are cut when the capture is turned into text.
pub const LONGEST_LINE: usize = 4096;
/// How much of cargo's `--message-format=json` output lab keeps, head and tail each. Its lines
/// are kept whole, however long: one rustc diagnostic with its rendered text is one line, often
/// of 5-10 KiB (an E0277 about `Send` or `Unpin`), and a cut line would be lost to the parser.
/// The bound is on the total instead; a full cold build of the workspace writes about 1 MiB.
pub const JSON_CAPTURE: usize = 32 * 1024 * 1024;

/// How long lab waits, after the process tree is gone, for its output pipes to close: a process
/// lab could not kill (outside Linux, one that left the group) may still hold them.
const PIPE_GRACE: Duration = Duration::from_secs(2);

/// What a few looks at a process's threads saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy {
    /// How many looks were taken.
    pub looks: usize,
    /// In how many of them at least one thread was running or waiting only for a CPU.
    pub busy: usize,
}

/// How many looks [`look_at_threads`] takes, and how far apart.
const LOOKS: usize = 5;
const LOOK_EVERY: Duration = Duration::from_millis(20);

/// Looks at the state of every thread of process `pid` a few times (`/proc/<pid>/task/*/stat`);
/// `None` where there are no such files.
///
/// A thread that spins is always in state `R` (running, or ready and waiting only for a core),
/// however busy the machine is; a deadlocked thread sleeps in `S` or `D`. Unlike CPU time, this
/// does not depend on how many other builds share the cores.
pub fn look_at_threads(pid: u32) -> Option<Busy> {
    let mut busy = 0;
    for look in 0..LOOKS {
        if look > 0 {
            thread::sleep(LOOK_EVERY);
        }
        let tasks = std::fs::read_dir(format!("/proc/{pid}/task")).ok()?;
        let running = tasks.flatten().any(|task| {
            std::fs::read_to_string(task.path().join("stat"))
                .ok()
                .and_then(|stat| procs::stat_fields(&stat)?.next().map(|st| st == "R"))
                .unwrap_or(false)
        });
        busy += usize::from(running);
    }
    Some(Busy { looks: LOOKS, busy })
}

/// Runs `cmd` to completion, or kills its whole process tree after `limit`.
/// Returns [`LabError::Interrupted`] (after killing it) on Ctrl-C, SIGTERM or SIGHUP.
pub fn run_limited(cmd: Command, limit: Duration) -> Result<Finished, LabError> {
    run_tree(cmd, limit, false, None, None, Json::Neither)
}

/// [`run_limited`] for rustc run with `--error-format=json`: its stderr is one JSON message per
/// line, kept whole as cargo's are.
pub fn run_compiler(cmd: Command, limit: Duration) -> Result<Finished, LabError> {
    run_tree(cmd, limit, false, None, None, Json::Stderr)
}

/// [`run_limited`] for a learner's test process: it also gets the memory ceiling.
pub fn run_test_process(cmd: Command, limit: Duration) -> Result<Finished, LabError> {
    run_tree(cmd, limit, true, None, None, Json::Neither)
}

/// Which output stream of a process carries JSON messages, one per line: that one is kept with
/// its lines whole (see [`JSON_CAPTURE`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Json {
    Neither,
    Stdout,
    Stderr,
}

/// Starts `cmd` as the leader of a process group of its own, registered with [`procs`].
#[cfg(unix)]
fn spawn_group(cmd: &mut Command) -> std::io::Result<std::process::Child> {
    use std::os::unix::process::CommandExt;
    cmd.process_group(0);
    procs::spawn_registered(|| cmd.spawn())
}

fn run_tree(
    cmd: Command,
    limit: Duration,
    is_test: bool,
    build_script_limit: Option<Duration>,
    lock_patience: Option<Duration>,
    json: Json,
) -> Result<Finished, LabError> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    let (mut cmd, memory_limited) = if is_test {
        procs::with_memory_limit(cmd)
    } else {
        (cmd, false)
    };
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    #[cfg(unix)]
    let mut child = spawn_group(&mut cmd).map_err(|source| LabError::Spawn { program, source })?;
    #[cfg(not(unix))]
    let mut child = cmd
        .group_spawn()
        .map_err(|source| LabError::Spawn { program, source })?;
    #[cfg(unix)]
    let inner = &mut child;
    #[cfg(not(unix))]
    let inner = child.inner();
    let pid = inner.id();
    // Both pipes are drained on threads of their own, so a chatty child cannot fill one pipe and
    // stall while lab waits on it; each keeps a bounded head and tail.
    let (tx, rx) = mpsc::channel();
    // Only cargo is watched for lock waits.
    let lock = lock_patience.map(|_| Arc::new(LockWatch::default()));
    let capture = |stream| {
        if json == stream {
            Capture::whole_lines()
        } else {
            Capture::default()
        }
    };
    drain(
        inner.stdout.take(),
        true,
        capture(Json::Stdout),
        tx.clone(),
        lock.clone(),
    );
    drain(
        inner.stderr.take(),
        false,
        capture(Json::Stderr),
        tx,
        lock.clone(),
    );
    let mut announced = false;
    let mut locked_out = None;
    let mut killed_after = None;
    let mut busy = None;
    let mut interrupted = false;
    let mut scripts = procs::BuildScripts::default();
    let mut hung_script = None;
    let status = loop {
        #[cfg(unix)]
        let polled = child.try_wait();
        #[cfg(not(unix))]
        let polled = child.inner().try_wait();
        match polled {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(_) => break None,
        }
        if let Some(script_limit) = build_script_limit
            && let Some(name) = scripts.overrun(pid, script_limit)
        {
            hung_script = Some(name);
            #[cfg(unix)]
            procs::kill_group(pid);
            let _ = child.kill();
            break wait_bounded(&mut child, Duration::from_secs(5));
        }
        if let Some(patience) = lock_patience
            && let Some((since, what)) = lock.as_ref().and_then(|l| l.waiting())
        {
            if !announced {
                announced = true;
                let holder = procs::lock_holder(pid);
                let advice = if holder.starts_with("rust-analyzer") && what.contains("target") {
                    " Setting \"rust-analyzer.cargo.targetDir\": true gives rust-analyzer a folder \
                     of its own (see the book, chapter 0)."
                } else {
                    ""
                };
                eprintln!(
                    "note: cargo is waiting for {holder} to release {what}; the check goes on when \
                     it does (lab waits up to {} s; Ctrl-C stops it).{advice}",
                    patience.as_secs()
                );
            }
            if since.elapsed() >= patience {
                locked_out = Some(LockedOut {
                    what,
                    holder: procs::lock_holder(pid),
                    waited: since.elapsed(),
                });
                #[cfg(unix)]
                procs::kill_group(pid);
                let _ = child.kill();
                break wait_bounded(&mut child, Duration::from_secs(5));
            }
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            interrupted = true;
        } else if start.elapsed() >= limit {
            killed_after = Some(limit);
            busy = look_at_threads(pid);
        }
        if interrupted || killed_after.is_some() {
            #[cfg(unix)]
            procs::kill_group(pid);
            let _ = child.kill();
            // SIGKILL cannot be caught, so the leader ends at once; the wait is bounded anyway.
            break wait_bounded(&mut child, Duration::from_secs(5));
        }
        thread::sleep(Duration::from_millis(3));
    };
    // The test has ended: whatever it left in its group, and whatever escaped the group and was
    // re-parented to lab, goes now, not at the limit.
    #[cfg(unix)]
    {
        procs::kill_group(pid);
        procs::unregister(pid);
    }
    #[cfg(not(unix))]
    let _ = child.kill();
    procs::sweep_orphans(Duration::from_secs(2));
    let mut stdout = Capture::default();
    let mut stderr = Capture::default();
    let pipes_until = Instant::now() + PIPE_GRACE;
    let mut open = 2;
    while open > 0 {
        match rx.recv_timeout(pipes_until.saturating_duration_since(Instant::now())) {
            Ok((true, c)) => {
                stdout = c;
                open -= 1;
            }
            Ok((false, c)) => {
                stderr = c;
                open -= 1;
            }
            Err(_) => {
                stderr.note = Some(format!(
                    "[lab: the output pipes were still held open {} s after the test process ended, \
                     by a process lab could not stop; the output was cut there]",
                    PIPE_GRACE.as_secs()
                ));
                break;
            }
        }
    }
    if interrupted {
        return Err(LabError::Interrupted);
    }
    #[cfg(unix)]
    let signal = {
        use std::os::unix::process::ExitStatusExt;
        status.and_then(|s| s.signal())
    };
    #[cfg(not(unix))]
    let signal = None;
    Ok(Finished {
        stdout: stdout.into_text(),
        stderr: stderr.into_text(),
        success: killed_after.is_none() && status.is_some_and(|s| s.success()),
        signal: if killed_after.is_none() { signal } else { None },
        killed_after,
        busy,
        memory_limited,
        hung_build_script: hung_script.zip(build_script_limit),
        locked_out,
    })
}

/// What cargo says, on stderr, when another process holds a lock it needs.
const LOCK_WAIT: &str = "Blocking waiting for file lock on ";

/// Whether cargo is waiting for a lock right now, as its output tells: cargo prints
/// [`LOCK_WAIT`] once when it starts waiting, and the next thing it prints (on either stream)
/// shows it has the lock.
#[derive(Default)]
struct LockWatch {
    since: Mutex<Option<(Instant, &'static str)>>,
}

impl LockWatch {
    /// Records what `text`, the latest output, says: a wait that starts, or one that has ended.
    fn saw(&self, text: &str) {
        let mut since = self.since.lock().unwrap_or_else(|e| e.into_inner());
        match text.rfind(LOCK_WAIT) {
            Some(at) => {
                let rest = &text[at + LOCK_WAIT.len()..];
                let (line, after) = rest.split_once('\n').unwrap_or((rest, ""));
                if after.trim().is_empty() {
                    let what = if line.contains("package cache") {
                        "cargo's package cache (~/.cargo)"
                    } else {
                        "the build folder (target/)"
                    };
                    since.get_or_insert((Instant::now(), what));
                } else {
                    *since = None;
                }
            }
            None if !text.trim().is_empty() => *since = None,
            None => {}
        }
    }

    /// Since when, and for what, cargo has been waiting; `None` when it is not waiting.
    fn waiting(&self) -> Option<(Instant, &'static str)> {
        *self.since.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// How long lab lets cargo wait for a lock another process holds before it gives up: 120 s, or
/// `LAB_LOCK_WAIT_SECS`.
pub fn lock_patience() -> Duration {
    let secs = std::env::var("LAB_LOCK_WAIT_SECS")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(120);
    Duration::from_secs(secs)
}

/// A build lab stopped because cargo waited too long for a lock.
#[derive(Debug, Clone)]
pub struct LockedOut {
    /// The folder whose lock cargo waited for.
    pub what: &'static str,
    /// Who holds it, as far as lab can tell.
    pub holder: String,
    /// How long cargo waited.
    pub waited: Duration,
}

/// Waits for a child that was just sent SIGKILL, for at most `bound`.
#[cfg(unix)]
fn wait_bounded(
    child: &mut std::process::Child,
    bound: Duration,
) -> Option<std::process::ExitStatus> {
    let until = Instant::now() + bound;
    while Instant::now() < until {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => thread::sleep(Duration::from_millis(2)),
            Err(_) => return None,
        }
    }
    None
}

#[cfg(not(unix))]
fn wait_bounded(
    child: &mut command_group::GroupChild,
    bound: Duration,
) -> Option<std::process::ExitStatus> {
    let until = Instant::now() + bound;
    while Instant::now() < until {
        match child.inner().try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => thread::sleep(Duration::from_millis(2)),
            Err(_) => return None,
        }
    }
    None
}

/// One output stream, kept as its first [`CAPTURE_HEAD`] bytes and its last [`CAPTURE_TAIL`]
/// (for cargo's JSON messages, [`JSON_CAPTURE`] each, with lines kept whole).
#[derive(Debug)]
pub struct Capture {
    head: Vec<u8>,
    tail: std::collections::VecDeque<u8>,
    /// Bytes dropped between the head and the tail.
    cut: u64,
    /// A note lab adds at the end.
    note: Option<String>,
    /// The caps on the head and the tail.
    head_cap: usize,
    tail_cap: usize,
    /// Whether long lines are cut when the capture becomes text.
    shorten: bool,
}

impl Default for Capture {
    fn default() -> Self {
        Capture {
            head: Vec::new(),
            tail: std::collections::VecDeque::new(),
            cut: 0,
            note: None,
            head_cap: CAPTURE_HEAD,
            tail_cap: CAPTURE_TAIL,
            shorten: true,
        }
    }
}

impl Capture {
    /// A capture for cargo's JSON messages: a larger bound on the total, and no line cut.
    pub fn whole_lines() -> Capture {
        Capture {
            head_cap: JSON_CAPTURE,
            tail_cap: JSON_CAPTURE,
            shorten: false,
            ..Capture::default()
        }
    }

    /// Appends bytes, keeping the head and the tail within their caps.
    pub fn push(&mut self, mut bytes: &[u8]) {
        if self.head.len() < self.head_cap {
            let take = bytes.len().min(self.head_cap - self.head.len());
            self.head.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
        }
        if bytes.len() >= self.tail_cap {
            self.cut += (self.tail.len() + bytes.len() - self.tail_cap) as u64;
            self.tail.clear();
            self.tail.extend(&bytes[bytes.len() - self.tail_cap..]);
            return;
        }
        let over = (self.tail.len() + bytes.len()).saturating_sub(self.tail_cap);
        self.tail.drain(..over);
        self.cut += over as u64;
        self.tail.extend(bytes);
    }

    /// The kept text, with a line saying how much was cut, and over-long lines shortened.
    pub fn into_text(self) -> String {
        let mut text = String::from_utf8_lossy(&self.head).into_owned();
        if self.cut > 0 {
            text.push_str(&format!(
                "\n[lab: {} bytes of output cut here; the first {} KiB and the last {} KiB are kept]\n",
                self.cut,
                self.head_cap / 1024,
                self.tail_cap / 1024
            ));
        }
        let (a, b) = self.tail.as_slices();
        let mut tail = a.to_vec();
        tail.extend_from_slice(b);
        text.push_str(&String::from_utf8_lossy(&tail));
        if let Some(note) = self.note {
            text.push('\n');
            text.push_str(&note);
            text.push('\n');
        }
        if self.shorten {
            shorten_lines(&text)
        } else {
            text
        }
    }
}

/// The longest line of cargo's `-vv` output that names a command it ran (`Running `…``) kept
/// whole: lab reads the exercise's rustc commands from those lines (see [`crate::replay`]), and
/// one with every `--extern` of a crate with many dependencies is longer than [`LONGEST_LINE`].
const LONGEST_COMMAND_LINE: usize = 256 * 1024;

/// Whether `line` is cargo's verbose line for a command it runs, short enough to keep whole.
fn is_command_line(line: &str) -> bool {
    line.len() <= LONGEST_COMMAND_LINE && line.trim_start().starts_with("Running `")
}

/// Cuts every line longer than [`LONGEST_LINE`] bytes, saying how much of it was cut (except
/// cargo's lines naming a command, up to [`LONGEST_COMMAND_LINE`]).
fn shorten_lines(text: &str) -> String {
    if text
        .lines()
        .all(|l| l.len() <= LONGEST_LINE || is_command_line(l))
    {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len().min(4 * CAPTURE_HEAD));
    for line in text.split_inclusive('\n') {
        if line.len() <= LONGEST_LINE || is_command_line(line) {
            out.push_str(line);
        } else {
            let mut end = LONGEST_LINE;
            while !line.is_char_boundary(end) {
                end -= 1;
            }
            out.push_str(&line[..end]);
            out.push_str(&format!(
                " [lab: {} more bytes of this line cut]\n",
                line.len() - end
            ));
        }
    }
    out
}

/// Reads `pipe` to its end on a thread of its own and sends the capture on `done`, tagged
/// `true` for stdout.
fn drain<R: Read + Send + 'static>(
    pipe: Option<R>,
    is_stdout: bool,
    mut capture: Capture,
    done: mpsc::Sender<(bool, Capture)>,
    lock: Option<Arc<LockWatch>>,
) {
    thread::spawn(move || {
        if let Some(mut pipe) = pipe {
            let mut buf = vec![0u8; 64 * 1024];
            // The end of the previous read, so that a message split between two reads is seen.
            let mut carry = String::new();
            loop {
                match pipe.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => {
                        capture.push(&buf[..n]);
                        let Some(lock) = &lock else { continue };
                        let text = String::from_utf8_lossy(&buf[..n]);
                        if is_stdout {
                            lock.saw(&text);
                        } else {
                            carry.push_str(&text);
                            lock.saw(&carry);
                            const KEEP: usize = LOCK_WAIT.len() + 64;
                            if carry.len() > KEEP {
                                let mut cut = carry.len() - KEEP;
                                while !carry.is_char_boundary(cut) {
                                    cut += 1;
                                }
                                carry.drain(..cut);
                            }
                        }
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                    Err(_) => break,
                }
            }
        }
        let _ = done.send((is_stdout, capture));
    });
}

/// The cargo to run: the one that started lab (`cargo lab` sets `CARGO`), else `cargo` on the PATH.
pub fn cargo(root: &Path) -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(program);
    cmd.current_dir(root);
    cmd
}

/// The limit on one cargo build. Builds do not hang, but a cold build of Tokio on a small machine
/// takes a minute or more, so this limit only guards against something badly wrong.
pub const BUILD_LIMIT: Duration = Duration::from_secs(900);

/// One test executable cargo built.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TestExe {
    /// The name of its target.
    pub target: String,
    /// Where it is.
    pub path: PathBuf,
    /// Whether it is an integration test (`tests/`, a `[[test]]` entry), where the exercise's
    /// tests live, rather than a library's unit-test harness, which may rightly hold none.
    pub integration: bool,
}

/// What one `cargo test --no-run` invocation produced for one crate.
#[derive(Debug, Default, Clone)]
pub struct Built {
    /// The test executables.
    pub executables: Vec<TestExe>,
    /// The compiler's error messages, rendered as cargo would print them, in order.
    pub errors: Vec<String>,
}

/// Output of a build of several crates at once, keyed by the crate's folder.
pub struct BuildReport {
    /// Per-crate results, keyed by the folder of the crate's Cargo.toml.
    pub crates: std::collections::HashMap<PathBuf, Built>,
    /// cargo's own stderr, for errors that belong to no crate (a broken manifest, a lock held).
    pub stderr: String,
    /// Whether cargo reported success.
    pub success: bool,
}

/// Builds the test targets of `packages` (or, with `subcommand` = "clippy", lints them) in one
/// cargo invocation, without running them.
///
/// `--keep-going` lets every crate that compiles be built even if another does not, so one
/// broken stub never hides the verdict of the others.
pub fn build_tests(
    root: &Path,
    packages: &[String],
    subcommand: &str,
    extra: &[&str],
) -> Result<BuildReport, LabError> {
    build_tests_with(root, packages, subcommand, extra, None)
}

/// [`build_tests`], stopping cargo if one build script runs longer than `build_script_limit`
/// (where lab can see build scripts: Linux).
pub fn build_tests_with(
    root: &Path,
    packages: &[String],
    subcommand: &str,
    extra: &[&str],
    build_script_limit: Option<Duration>,
) -> Result<BuildReport, LabError> {
    let mut cmd = cargo(root);
    if subcommand == "test" {
        // `cargo build --tests` compiles the same units as `cargo test --no-run` (so the two
        // share every artifact), and unlike `cargo test` it accepts `--keep-going`. Callers may
        // narrow it with `--test NAME` in `extra`.
        cmd.arg("build");
        if !extra.contains(&"--test") {
            cmd.arg("--tests");
        }
    } else {
        cmd.arg(subcommand);
    }
    cmd.arg("--keep-going");
    cmd.args(["--message-format=json", "--color", "never"]);
    for p in packages {
        cmd.args(["-p", p]);
    }
    cmd.args(extra);
    let done = run_tree(
        cmd,
        BUILD_LIMIT,
        false,
        build_script_limit,
        Some(lock_patience()),
        Json::Stdout,
    )?;
    if let Some(LockedOut {
        what,
        holder,
        waited,
    }) = done.locked_out
    {
        return Err(LabError::LockHeld {
            what,
            holder,
            waited_secs: waited.as_secs(),
        });
    }
    if let Some((script, limit)) = &done.hung_build_script {
        return Ok(BuildReport {
            crates: std::collections::HashMap::new(),
            stderr: format!(
                "error: the build script `{script}` was still running after {} s, the exercise's limit, and the \
                 build was stopped. A build script (`build.rs`) runs before the crate compiles; look for a \
                 loop or a wait in it that never ends.\n",
                limit.as_secs()
            ),
            success: false,
        });
    }
    let mut crates: std::collections::HashMap<PathBuf, Built> = std::collections::HashMap::new();
    for line in done.stdout.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(dir) = msg
            .get("manifest_path")
            .and_then(|p| p.as_str())
            .and_then(|p| Path::new(p).parent())
            .map(canon)
        else {
            continue;
        };
        match msg.get("reason").and_then(|r| r.as_str()) {
            Some("compiler-artifact") => {
                if let Some(exe) = msg.get("executable").and_then(|e| e.as_str()) {
                    let name = msg
                        .pointer("/target/name")
                        .and_then(|n| n.as_str())
                        .unwrap_or_default()
                        .to_owned();
                    let is_test = msg
                        .pointer("/profile/test")
                        .and_then(|t| t.as_bool())
                        .unwrap_or(false);
                    let integration = msg
                        .pointer("/target/kind")
                        .and_then(|k| k.as_array())
                        .is_some_and(|kinds| kinds.iter().any(|k| k == "test"));
                    if is_test {
                        crates.entry(dir).or_default().executables.push(TestExe {
                            target: name,
                            path: PathBuf::from(exe),
                            integration,
                        });
                    }
                }
            }
            Some("compiler-message") => {
                let level = msg.pointer("/message/level").and_then(|l| l.as_str());
                let rendered = msg.pointer("/message/rendered").and_then(|r| r.as_str());
                if let (Some("error"), Some(text)) = (level, rendered) {
                    // The lib target is compiled twice for `cargo test` (as a library and as
                    // a unit-test harness), so the same error can arrive twice.
                    let errors = &mut crates.entry(dir).or_default().errors;
                    let text = text.trim_end().to_owned();
                    if !text.starts_with("error: aborting") && !errors.contains(&text) {
                        errors.push(text);
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(limit) = done.killed_after {
        return Ok(BuildReport {
            crates,
            stderr: format!(
                "the build was stopped after {} s\n{}",
                limit.as_secs(),
                done.stderr
            ),
            success: false,
        });
    }
    Ok(BuildReport {
        crates,
        stderr: done.stderr,
        success: done.success,
    })
}

/// Canonical form of a path, or the path itself when it does not exist.
pub fn canon(p: &Path) -> PathBuf {
    p.canonicalize().unwrap_or_else(|_| p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_wait_starts_with_cargo_s_message_and_ends_with_the_next_output() {
        let watch = LockWatch::default();
        watch.saw("   Compiling x v0.1.0\n");
        assert!(watch.waiting().is_none(), "no wait before cargo says so");
        watch.saw("    Blocking waiting for file lock on artifact directory\n");
        let (since, what) = watch.waiting().expect("the message starts a wait");
        assert_eq!(what, "the build folder (target/)");
        watch.saw("    Blocking waiting for file lock on build directory\n");
        assert_eq!(
            watch.waiting().map(|w| w.0),
            Some(since),
            "a second message does not restart the wait"
        );
        watch.saw("{\"reason\":\"compiler-artifact\"}\n");
        assert!(
            watch.waiting().is_none(),
            "output after the message ends the wait"
        );

        watch.saw("    Blocking waiting for file lock on package cache\n");
        assert_eq!(
            watch.waiting().map(|w| w.1),
            Some("cargo's package cache (~/.cargo)")
        );
        watch.saw("    Blocking waiting for file lock on package cache\n   Compiling y v0.1.0\n");
        assert!(
            watch.waiting().is_none(),
            "a message followed by more output in the same read is a wait already over"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_spinning_thread_is_seen_busy_and_a_sleeping_one_is_not() {
        use std::sync::Arc;
        use std::sync::atomic::AtomicBool;

        let me = std::process::id();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let spinner = thread::spawn(move || {
            while !flag.load(Ordering::Relaxed) {
                std::hint::spin_loop();
            }
        });
        let seen = look_at_threads(me).expect("/proc/<pid>/task is readable");
        stop.store(true, Ordering::Relaxed);
        spinner.join().unwrap();
        // This thread is itself running while it looks, so every look sees a busy thread.
        assert_eq!(
            seen,
            Busy {
                looks: LOOKS,
                busy: LOOKS
            }
        );
        assert!(look_at_threads(u32::MAX).is_none(), "no such process");

        // A child that only sleeps is never seen busy.
        let _serial = procs::UNREGISTERED_CHILDREN
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let mut sleeper = Command::new("sleep").arg("5").spawn().unwrap();
        thread::sleep(Duration::from_millis(100));
        let seen = look_at_threads(sleeper.id());
        let _ = sleeper.kill();
        let _ = sleeper.wait();
        assert_eq!(
            seen,
            Some(Busy {
                looks: LOOKS,
                busy: 0
            })
        );
    }
}
