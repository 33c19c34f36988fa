//! What the lab integration tests share: where the fixtures live, one bounded way to run the lab
//! binary, and git with a fixed identity. Each test file uses only part of it.

#![allow(
    dead_code,
    reason = "each test file is its own crate and uses only some of these helpers"
)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The fixture workspace.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The target dir every test file builds the fixtures in, so their dependencies (Tokio and
/// testkit) build once for all of them.
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("lab-fixtures")
}

/// Covers a cold build of the fixture workspace (Tokio included) on a loaded 2-core machine.
pub const BUILD: Duration = Duration::from_secs(600);

/// What one run of lab produced.
pub struct Out {
    pub code: Option<i32>,
    /// The signal that ended lab, if one did (always `None` off Unix).
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// How long lab ran, build included.
    pub took: Duration,
    /// lab's own peak resident memory (`VmHWM`), last seen while it ran, in KiB (0 off Linux).
    pub peak_kib: u64,
}

/// The lab command for `args` in `root`, with progress kept in `state`. `LAB_BIN` runs another
/// lab binary instead of this build's, for instance one built before a defence was added.
pub fn lab(root: &Path, state: &Path, args: &[&str]) -> Command {
    let bin = std::env::var_os("LAB_BIN").unwrap_or_else(|| env!("CARGO_BIN_EXE_lab").into());
    let mut cmd = Command::new(bin);
    cmd.arg("--root")
        .arg(root)
        .arg("--state-dir")
        .arg(state)
        .args(args)
        .env("CARGO_TARGET_DIR", target_dir())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs lab with `args` in `root`, with progress kept in `state`; kills it and fails the test
/// after `limit`, so no test can hang on a lab process.
pub fn run_lab(root: &Path, state: &Path, args: &[&str], limit: Duration) -> Out {
    let start = Instant::now();
    let child = lab(root, state, args)
        .spawn()
        .expect("the lab binary starts");
    finish(child, start, limit, &format!("lab {args:?}"))
}

/// Waits for a started lab and collects its output, killing it and failing the test past `limit`.
pub fn finish(mut child: Child, start: Instant, limit: Duration, what: &str) -> Out {
    let mut pipes = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let reader = std::thread::spawn(move || {
        let (mut o, mut e) = (String::new(), String::new());
        let _ = pipes.0.read_to_string(&mut o);
        let _ = pipes.1.read_to_string(&mut e);
        (o, e)
    });
    let mut peak_kib = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if let Some(hwm) = vm_hwm_kib(child.id()) {
            peak_kib = peak_kib.max(hwm);
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish in {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let (stdout, stderr) = reader.join().unwrap();
    Out {
        code: status.code(),
        signal: signal_of(status),
        stdout,
        stderr,
        took: start.elapsed(),
        peak_kib,
    }
}

/// Waits for `child`, started at `start`; past `limit` it kills the child and fails the test,
/// naming `what`.
pub fn wait_bounded(child: &mut Child, start: Instant, limit: Duration, what: &str) -> ExitStatus {
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish in {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(unix)]
fn signal_of(status: ExitStatus) -> Option<i32> {
    use std::os::unix::process::ExitStatusExt;
    status.signal()
}

#[cfg(not(unix))]
fn signal_of(_: ExitStatus) -> Option<i32> {
    None
}

/// A process's peak resident memory in KiB, from `/proc` (`None` off Linux, or once it is gone).
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Runs git in `dir` with a fixed identity and no signing, and asserts that it succeeded.
pub fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=lab",
            "-c",
            "user.email=lab@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// Copies the folder `from` to `to`, leaving out any `target` folder (build output).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let path = entry.path();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&path, &dest);
            }
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}
