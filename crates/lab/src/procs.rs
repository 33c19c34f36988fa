//! Process control that ordinary learner code cannot escape.
//!
//! - Every child lab starts leads a process group of its own; when it ends (or at the limit) the
//!   whole group is killed, so helpers a test left behind do not outlive the check.
//! - On Linux lab is a *child subreaper* (`prctl(PR_SET_CHILD_SUBREAPER)`): a process that left
//!   the group (`setsid`, `process_group(0)`, a double fork) is re-parented to lab instead of to
//!   init when its parent ends, and [`sweep_orphans`] kills and reaps it.
//! - Test processes get a memory ceiling (`RLIMIT_DATA`, set by lab itself started as a launcher
//!   that then `exec`s the test, see [`with_memory_limit`]), so a runaway allocation ends the test
//!   rather than the machine.
//!
//! The calls go through [`rustix`](https://docs.rs/rustix), which wraps them without `unsafe`.
//! On other systems only the group kill (a job object on Windows) is available.

use std::collections::BTreeSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// The memory ceiling of a test process: the data segment and every private writable mapping
/// (heap, thread stacks). Generous for any exercise (a test with 512 blocking threads maps 1 GiB
/// of stacks), small enough that a runaway allocation fails fast.
pub const MEMORY_LIMIT_GIB: u64 = 4;

/// The children lab started and still waits for: [`sweep_orphans`] leaves them alone.
static LEADERS: Mutex<BTreeSet<u32>> = Mutex::new(BTreeSet::new());

/// Set once lab is a subreaper: only then are the children it did not start its orphans to
/// sweep (lab's own unit tests, which share a process, never sweep).
static SUBREAPER: AtomicBool = AtomicBool::new(false);

/// Makes lab the reaper of every orphaned descendant (Linux); a no-op elsewhere.
pub fn become_subreaper() {
    #[cfg(target_os = "linux")]
    {
        if rustix::process::set_child_subreaper(Some(rustix::process::getpid())).is_ok() {
            SUBREAPER.store(true, Ordering::SeqCst);
        }
    }
}

/// Starts a child with `spawn` and records it as one lab waits for itself. The record is
/// held locked across the spawn, so a sweep on another thread never sees the new child before
/// it is recorded.
pub fn spawn_registered(
    spawn: impl FnOnce() -> std::io::Result<std::process::Child>,
) -> std::io::Result<std::process::Child> {
    let mut leaders = LEADERS.lock().expect("leaders lock");
    let child = spawn()?;
    leaders.insert(child.id());
    Ok(child)
}

/// Forgets `pid` once it has been waited for.
pub fn unregister(pid: u32) {
    LEADERS.lock().expect("leaders lock").remove(&pid);
}

/// Sends SIGKILL to the process group `pgid`; nothing happens when it is already empty.
#[cfg(unix)]
pub fn kill_group(pgid: u32) {
    if let Some(pid) = rustix::process::Pid::from_raw(pgid as i32) {
        let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
    }
}

/// The first argument with which lab runs itself as a test's launcher: lab (the launcher) sets
/// its own memory ceiling, then replaces itself with the test (`exec`), so the test runs under
/// the ceiling from its first instruction, with no window in between.
pub const LAUNCH_ARG: &str = "__lab-launch-with-memory-limit";

/// Wraps `cmd` so that it runs under the memory ceiling (Linux): returns the command to spawn
/// instead, and whether the ceiling applies.
pub fn with_memory_limit(cmd: std::process::Command) -> (std::process::Command, bool) {
    #[cfg(target_os = "linux")]
    {
        // `/proc/self/exe`, read by the forked child, is this very binary, even if a rebuild
        // has replaced the file since lab started (as `cargo run` does during a `watch`).
        let mut launcher = std::process::Command::new("/proc/self/exe");
        launcher
            .arg(LAUNCH_ARG)
            .arg(cmd.get_program())
            .args(cmd.get_args());
        if let Some(dir) = cmd.get_current_dir() {
            launcher.current_dir(dir);
        }
        for (key, value) in cmd.get_envs() {
            match value {
                Some(v) => launcher.env(key, v),
                None => launcher.env_remove(key),
            };
        }
        (launcher, true)
    }
    #[cfg(not(target_os = "linux"))]
    (cmd, false)
}

/// The launcher's side of [`with_memory_limit`]: called by `main` when lab was started with
/// [`LAUNCH_ARG`]; never returns.
pub fn launch(args: Vec<std::ffi::OsString>) -> ! {
    let Some((program, rest)) = args.split_first() else {
        eprintln!("lab: {LAUNCH_ARG} needs a program to run");
        std::process::exit(127);
    };
    #[cfg(target_os = "linux")]
    {
        let bytes = MEMORY_LIMIT_GIB << 30;
        let _ = rustix::process::setrlimit(
            rustix::process::Resource::Data,
            rustix::process::Rlimit {
                current: Some(bytes),
                maximum: Some(bytes),
            },
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = std::process::Command::new(program).args(rest).exec();
        eprintln!("lab: could not start {}: {err}", program.to_string_lossy());
        std::process::exit(127);
    }
    #[cfg(not(unix))]
    {
        let status = std::process::Command::new(program).args(rest).status();
        std::process::exit(status.ok().and_then(|s| s.code()).unwrap_or(127));
    }
}

/// Kills and reaps every child of lab that lab did not start itself: descendants of a finished
/// test that were re-parented to lab. Each kill re-parents the victim's own children to lab, so
/// this goes on until a look finds none, for at most `grace`. Returns how many it killed.
pub fn sweep_orphans(grace: Duration) -> usize {
    if !SUBREAPER.load(Ordering::SeqCst) {
        return 0;
    }
    sweep(grace)
}

/// [`sweep_orphans`] without the subreaper check.
///
/// [`LEADERS`] stays locked from the look at `/proc` until the signals are sent: a child that
/// another thread starts meanwhile is either recorded before the look (and spared) or started
/// after the kills. Unlocked, a sweep could see a child that another thread had just started
/// but not yet recorded, and kill it as an orphan.
fn sweep(grace: Duration) -> usize {
    #[cfg(target_os = "linux")]
    {
        let start = Instant::now();
        let mut killed = 0;
        loop {
            let found: Vec<rustix::process::Pid> = {
                let leaders = LEADERS.lock().expect("leaders lock");
                let found: Vec<_> = orphans(&leaders)
                    .into_iter()
                    .filter_map(|pid| rustix::process::Pid::from_raw(pid as i32))
                    .collect();
                for &p in &found {
                    let _ = rustix::process::kill_process(p, rustix::process::Signal::KILL);
                }
                found
            };
            if found.is_empty() {
                return killed;
            }
            for p in found {
                // SIGKILL cannot be caught: the wait is short, and bounded all the same.
                let until = Instant::now() + Duration::from_millis(500);
                while Instant::now() < until {
                    match rustix::process::waitpid(Some(p), rustix::process::WaitOptions::NOHANG) {
                        Ok(Some(_)) | Err(_) => break,
                        Ok(None) => std::thread::sleep(Duration::from_millis(2)),
                    }
                }
                killed += 1;
            }
            if start.elapsed() > grace {
                return killed;
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (grace, Instant::now());
        0
    }
}

/// The children of lab, from `/proc`, that are not in `leaders`.
#[cfg(target_os = "linux")]
fn orphans(leaders: &BTreeSet<u32>) -> Vec<u32> {
    let me = std::process::id();
    pids()
        .into_iter()
        .filter(|pid| !leaders.contains(pid))
        .filter(|pid| parent_of(*pid) == Some(me))
        .collect()
}

/// Every process id in `/proc`; none where it cannot be read.
#[cfg(target_os = "linux")]
fn pids() -> Vec<u32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .collect()
}

/// The fields of a `/proc/.../stat` line that follow the command name, which is in parentheses
/// and may hold spaces and parentheses itself: the state first, then the parent, the group, ...
pub fn stat_fields(stat: &str) -> Option<std::str::SplitWhitespace<'_>> {
    Some(stat[stat.rfind(')')? + 1..].split_whitespace())
}

/// Field `n` after the command name (0: the state, 1: the parent, 2: the group) of
/// `/proc/<pid>/stat`, as a number.
#[cfg(target_os = "linux")]
fn stat_number(pid: u32, n: usize) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_fields(&stat)?.nth(n)?.parse().ok()
}

/// Runs `cmd` to its end and collects its output, like [`std::process::Command::output`], but
/// recorded with [`LEADERS`] while it runs, so that a sweep on another thread leaves it alone.
pub fn output(cmd: &mut std::process::Command) -> std::io::Result<std::process::Output> {
    use std::process::Stdio;
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let child = spawn_registered(|| cmd.spawn())?;
    let pid = child.id();
    let out = child.wait_with_output();
    unregister(pid);
    out
}

/// The parent of `pid`, from `/proc/<pid>/stat`.
#[cfg(target_os = "linux")]
pub fn parent_of(pid: u32) -> Option<u32> {
    stat_number(pid, 1)
}

/// Who holds the lock the cargo in process group `ours` waits for, as far as `/proc` tells: the
/// other cargo processes, named after what started them (another `cargo lab`, rust-analyzer).
pub fn lock_holder(ours: u32) -> String {
    #[cfg(target_os = "linux")]
    {
        let me = std::process::id();
        // Every process: its command name and its parent.
        let table: std::collections::HashMap<u32, (String, Option<u32>)> = pids()
            .into_iter()
            .filter_map(|pid| Some((pid, (comm(pid)?, parent_of(pid)))))
            .collect();
        let ancestors = |mut pid: u32| {
            let mut up = Vec::new();
            while let Some(&(_, Some(parent))) = table.get(&pid) {
                if parent <= 1 || up.contains(&parent) {
                    break;
                }
                up.push(parent);
                pid = parent;
            }
            up
        };
        // The `cargo run` that started a lab (this one or another) holds no build lock.
        let wrappers: BTreeSet<u32> = table
            .iter()
            .filter(|(_, (c, _))| c == "lab")
            .flat_map(|(&pid, _)| ancestors(pid))
            .collect();
        let mut found: Vec<String> = Vec::new();
        for (&pid, (c, _)) in &table {
            if c != "cargo" || pid == me || wrappers.contains(&pid) || group_of(pid) == Some(ours) {
                continue;
            }
            // The nearest ancestor that says what the cargo is for.
            let mut who = format!("another cargo (pid {pid}: {})", cmdline(pid));
            for p in ancestors(pid) {
                match table.get(&p).map(|(c, _)| c.as_str()) {
                    Some("lab") => {
                        // The command as a learner types it: without the folder options.
                        let args = cmdline(p);
                        let mut words = args.split(' ').skip(1);
                        let mut kept = Vec::new();
                        while let Some(w) = words.next() {
                            if w == "--root" || w == "--state-dir" {
                                words.next();
                            } else if !w.starts_with("--root=") && !w.starts_with("--state-dir=") {
                                kept.push(w);
                            }
                        }
                        who = format!("another `cargo lab {}` (pid {p})", kept.join(" "));
                        break;
                    }
                    Some(c) if c.starts_with("rust-analyzer") => {
                        who = format!("rust-analyzer (pid {p})");
                        break;
                    }
                    _ => {}
                }
            }
            if !found.contains(&who) {
                found.push(who);
            }
        }
        found.sort();
        match found.len() {
            0 => "another cargo".into(),
            1 => found.remove(0),
            _ => found.join(" or "),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = ours;
        "another cargo".into()
    }
}

/// The command name of `pid` (`/proc/<pid>/comm`).
#[cfg(target_os = "linux")]
fn comm(pid: u32) -> Option<String> {
    Some(
        std::fs::read_to_string(format!("/proc/{pid}/comm"))
            .ok()?
            .trim_end()
            .to_owned(),
    )
}

/// The command line of `pid`, its arguments joined by spaces, the program by its file name.
#[cfg(target_os = "linux")]
fn cmdline(pid: u32) -> String {
    let raw = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let mut parts = raw
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(|p| String::from_utf8_lossy(p).into_owned());
    let program = parts
        .next()
        .map(|p| {
            std::path::Path::new(&p)
                .file_name()
                .map_or(p.clone(), |f| f.to_string_lossy().into_owned())
        })
        .unwrap_or_default();
    std::iter::once(program)
        .chain(parts)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The process group of `pid`, from `/proc/<pid>/stat`.
#[cfg(target_os = "linux")]
fn group_of(pid: u32) -> Option<u32> {
    stat_number(pid, 2)
}

/// Build scripts seen running in a cargo process group, and since when.
#[derive(Default)]
pub struct BuildScripts {
    /// (pid, its executable's name, when lab first saw it).
    seen: Vec<(u32, String, Instant)>,
    /// When lab last looked; a look costs a walk of `/proc`, so it is done every 100 ms.
    last_look: Option<Instant>,
}

impl BuildScripts {
    /// Looks (at most every 100 ms) for build scripts in process group `pgid`; returns the
    /// name of one that has run longer than `limit`. Always `None` off Linux.
    pub fn overrun(&mut self, pgid: u32, limit: Duration) -> Option<String> {
        #[cfg(target_os = "linux")]
        {
            let now = Instant::now();
            if self
                .last_look
                .is_some_and(|t| now - t < Duration::from_millis(100))
            {
                return None;
            }
            self.last_look = Some(now);
            let running = build_scripts_in(pgid);
            self.seen
                .retain(|(pid, _, _)| running.iter().any(|(p, _)| p == pid));
            for (pid, name) in running {
                if !self.seen.iter().any(|(p, _, _)| *p == pid) {
                    self.seen.push((pid, name, now));
                }
            }
            self.seen
                .iter()
                .find(|(_, _, since)| now - *since > limit)
                .map(|(_, name, _)| name.clone())
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = (pgid, limit, &mut self.seen, &mut self.last_look);
            None
        }
    }
}

/// The build scripts (`build-script-build` executables) running in process group `pgid`.
#[cfg(target_os = "linux")]
fn build_scripts_in(pgid: u32) -> Vec<(u32, String)> {
    pids()
        .into_iter()
        .filter_map(|pid| {
            if group_of(pid)? != pgid {
                return None;
            }
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok()?;
            let name = exe.file_name()?.to_string_lossy().into_owned();
            name.starts_with("build-script-").then(|| {
                // `.../build/<package>-<hash>/build-script-build`: the package names the script.
                let package = exe
                    .parent()
                    .and_then(|p| p.file_name())
                    .map(|p| p.to_string_lossy().into_owned())
                    .unwrap_or_default();
                (pid, format!("{package}/{name}"))
            })
        })
        .collect()
}

/// The name of a signal, as a learner would search for it.
pub fn signal_name(sig: i32) -> String {
    match sig {
        1 => "SIGHUP".into(),
        2 => "SIGINT".into(),
        4 => "SIGILL".into(),
        5 => "SIGTRAP".into(),
        6 => "SIGABRT".into(),
        7 => "SIGBUS".into(),
        8 => "SIGFPE".into(),
        9 => "SIGKILL".into(),
        11 => "SIGSEGV".into(),
        13 => "SIGPIPE".into(),
        15 => "SIGTERM".into(),
        n => format!("signal {n}"),
    }
}

/// Unit tests that start children outside [`spawn_registered`] hold this, so that the sweep test
/// does not take their children for orphans.
#[cfg(test)]
pub static UNREGISTERED_CHILDREN: Mutex<()> = Mutex::new(());

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn a_sweep_never_kills_a_child_started_on_another_thread() {
        let _serial = UNREGISTERED_CHILDREN
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let stop = AtomicBool::new(false);
        std::thread::scope(|s| {
            let sweeper = s.spawn(|| {
                let mut sweeps = 0;
                while !stop.load(Ordering::SeqCst) {
                    sweep(Duration::ZERO);
                    sweeps += 1;
                    std::thread::sleep(Duration::from_micros(500));
                }
                sweeps
            });
            let starters: Vec<_> = (0..2)
                .map(|_| {
                    s.spawn(|| {
                        let mut killed = 0;
                        for _ in 0..150 {
                            // A child the sweep killed and reaped is either seen dead by a
                            // signal or lost to its own `wait`.
                            let mut cmd = std::process::Command::new("true");
                            match output(&mut cmd) {
                                Ok(out) if out.status.signal().is_none() => {}
                                _ => killed += 1,
                            }
                        }
                        killed
                    })
                })
                .collect();
            let killed: usize = starters.into_iter().map(|t| t.join().unwrap_or(150)).sum();
            stop.store(true, Ordering::SeqCst);
            let sweeps = sweeper.join().unwrap();
            assert!(
                sweeps > 0,
                "the sweeper ran while the children were started"
            );
            assert_eq!(
                killed, 0,
                "{killed} of 300 registered children were killed by a sweep on another thread"
            );
        });
    }

    #[test]
    fn the_parent_of_a_child_is_this_process() {
        let _serial = UNREGISTERED_CHILDREN
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .unwrap();
        let parent = parent_of(child.id());
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(
            parent,
            Some(std::process::id()),
            "/proc/<pid>/stat names this test process as the parent of the child it started"
        );
        assert_eq!(signal_name(11), "SIGSEGV", "signal 11 is a segfault");
    }
}
