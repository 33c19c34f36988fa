//! Running cargo and test binaries under a process-level limit.
//!
//! Every child is started in a process group of its own (a job object on Windows) through
//! [`command_group`](https://docs.rs/command-group), so that killing it at the limit also kills
//! whatever it started: cargo's rustc processes, or threads and processes a test left behind.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;
use std::thread;
use std::time::{Duration, Instant};

use command_group::CommandGroup;

use crate::error::LabError;

/// Set once Ctrl-C has been pressed; every wait loop checks it.
pub static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Makes Ctrl-C set [`INTERRUPTED`] instead of killing lab at once.
///
/// The children run in process groups of their own, so the terminal's Ctrl-C does not reach
/// them; lab must kill them itself, and it can only do that if it survives the signal.
/// [`tokio::signal::ctrl_c`](https://docs.rs/tokio/latest/tokio/signal/fn.ctrl_c.html) installs the
/// handler portably; a second Ctrl-C while lab is cleaning up ends it at once.
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
            let mut ready = Some(ready_tx);
            loop {
                let mut signal = std::pin::pin!(tokio::signal::ctrl_c());
                // The handler is registered on the first poll, so poll once before telling the
                // main thread that Ctrl-C is covered.
                let first = std::future::poll_fn(|cx| Poll::Ready(signal.as_mut().poll(cx))).await;
                if let Some(tx) = ready.take() {
                    let _ = tx.send(());
                }
                let result = match first {
                    Poll::Ready(r) => r,
                    Poll::Pending => signal.await,
                };
                if result.is_err() {
                    // No handler could be installed: Ctrl-C keeps its default effect.
                    return;
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
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
    /// Whether the process exited with status 0.
    pub success: bool,
    /// `Some(limit)` when lab killed the process tree at the limit.
    pub killed_after: Option<Duration>,
    /// For a killed process: how often one of its threads was running or ready to run, in a few
    /// looks just before the kill, where the system tells (Linux).
    pub busy: Option<Busy>,
}

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
                .and_then(|stat| {
                    // The state follows the command name, which is in parentheses and may
                    // hold spaces.
                    let after_name = &stat[stat.rfind(')')? + 1..];
                    after_name.split_whitespace().next().map(|st| st == "R")
                })
                .unwrap_or(false)
        });
        busy += usize::from(running);
    }
    Some(Busy { looks: LOOKS, busy })
}

/// Runs `cmd` to completion, or kills its whole process tree after `limit`.
/// Returns [`LabError::Interrupted`] (after killing it) if Ctrl-C is pressed.
pub fn run_limited(mut cmd: Command, limit: Duration) -> Result<Finished, LabError> {
    let program = cmd.get_program().to_string_lossy().into_owned();
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let start = Instant::now();
    let mut child = cmd
        .group_spawn()
        .map_err(|source| LabError::Spawn { program, source })?;
    // Both pipes are drained on threads of their own, so a chatty child cannot fill one pipe and
    // stall while lab waits on it.
    let out = drain(child.inner().stdout.take());
    let err = drain(child.inner().stderr.take());
    let mut killed_after = None;
    let mut busy = None;
    let mut interrupted = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) => {}
            Err(_) => break None,
        }
        if INTERRUPTED.load(Ordering::SeqCst) {
            interrupted = true;
        } else if start.elapsed() >= limit {
            killed_after = Some(limit);
            busy = look_at_threads(child.id());
        }
        if interrupted || killed_after.is_some() {
            let _ = child.kill();
            break child.wait().ok();
        }
        thread::sleep(Duration::from_millis(3));
    };
    let stdout = out.join().unwrap_or_default();
    let stderr = err.join().unwrap_or_default();
    if interrupted {
        return Err(LabError::Interrupted);
    }
    Ok(Finished {
        stdout,
        stderr,
        success: killed_after.is_none() && status.is_some_and(|s| s.success()),
        killed_after,
        busy,
    })
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        String::from_utf8_lossy(&bytes).into_owned()
    })
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
#[derive(Debug, Clone)]
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
    let done = run_limited(cmd, BUILD_LIMIT)?;
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
