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

/// What one `cargo test --no-run` invocation produced for one crate.
#[derive(Debug, Default, Clone)]
pub struct Built {
    /// The test executables, with the name of their test target.
    pub executables: Vec<(String, PathBuf)>,
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
                    if is_test {
                        crates
                            .entry(dir)
                            .or_default()
                            .executables
                            .push((name, PathBuf::from(exe)));
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
