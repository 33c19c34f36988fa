//! A server under test as a child process: start it, learn its address, read its memory, stop it.
//!
//! A server is started with `--addr 127.0.0.1:0` and must print `listening on <addr>` on standard
//! output (the first such line within the first lines counts). Other addresses it prints in the
//! first lines as `<label> on <addr>` (`tls on 127.0.0.1:40123`, `http on 127.0.0.1:40124`) are
//! found by [`Server::address`]. The rest of its standard output is read and thrown away on a
//! thread of its own, so a server that logs to standard output can never block on a full pipe.
//!
//! Memory comes from Linux's `/proc/<pid>/status`: `VmHWM` is the peak resident set size since the
//! process started, `VmRSS` the current one (see `proc_pid_status(5)`).

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::{Duration, Instant};

/// How many lines of standard output may come before `listening on`.
const ADDRESS_WITHIN_LINES: usize = 50;

/// Why a server could not be started.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("could not start {program}: {source}")]
    Spawn {
        program: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{program} did not print `listening on <addr>` within {limit:?}; does it take --addr and print that line first?"
    )]
    NoAddress { program: PathBuf, limit: Duration },
}

/// Reads one `key:   1234 kB` field of `/proc/<pid>/status`, in KiB.
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().strip_suffix("kB")?.trim().parse().ok()
    })
}

/// An address the server printed, with its label (`listening`, `tls`).
type Labelled = (String, SocketAddr);

/// A running server.
pub struct Server {
    child: Arc<Mutex<Child>>,
    /// Its process id.
    pub pid: u32,
    /// The address it listens on.
    pub addr: SocketAddr,
    /// Largest `VmHWM` seen by [`Server::guard`]'s watcher, in KiB.
    seen_peak: Arc<AtomicU64>,
    /// Set when the watcher killed the server for using too much memory.
    over_limit: Arc<AtomicBool>,
    /// Tells the watcher to stop.
    stop_watch: Option<mpsc::Sender<()>>,
    /// Labelled addresses from the server's output, and those already received.
    addresses: Mutex<(mpsc::Receiver<Labelled>, Vec<Labelled>)>,
}

impl Server {
    /// Starts `program` with `--addr 127.0.0.1:0` and `args`, and waits for its address.
    pub fn start(program: &Path, args: &[String], limit: Duration) -> Result<Server, StartError> {
        let mut child = Command::new(program)
            .arg("--addr")
            .arg("127.0.0.1:0")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|source| StartError::Spawn {
                program: program.to_owned(),
                source,
            })?;
        let pid = child.id();
        let stdout = child.stdout.take().expect("stdout was piped");
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let mut sent = false;
            for (n, line) in lines.by_ref().enumerate() {
                let Ok(line) = line else { break };
                if n >= ADDRESS_WITHIN_LINES {
                    break;
                }
                if !sent
                    && let Some(addr) = line
                        .split_once("listening on ")
                        .and_then(|(_, a)| a.trim().parse::<SocketAddr>().ok())
                {
                    let _ = tx.send(("listening".to_owned(), addr));
                    sent = true;
                } else if let Some((label, addr)) = line
                    .split_once(" on ")
                    .and_then(|(l, a)| Some((l, a.trim().parse::<SocketAddr>().ok()?)))
                {
                    let _ = tx.send((label.to_owned(), addr));
                }
            }
            // Keep draining until the server closes its standard output.
            for _ in lines {}
        });
        let mut server = Server {
            child: Arc::new(Mutex::new(child)),
            pid,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            seen_peak: Arc::new(AtomicU64::new(0)),
            over_limit: Arc::new(AtomicBool::new(false)),
            stop_watch: None,
            addresses: Mutex::new((rx, Vec::new())),
        };
        match server.address("listening", limit) {
            Some(addr) => {
                server.addr = addr;
                Ok(server)
            }
            // Dropping `server` kills the child.
            None => Err(StartError::NoAddress {
                program: program.to_owned(),
                limit,
            }),
        }
    }

    /// The address the server printed as `<label> on <addr>` (`listening` for the main one),
    /// waiting for it at most `limit`.
    pub fn address(&self, label: &str, limit: Duration) -> Option<SocketAddr> {
        let deadline = Instant::now() + limit;
        let mut guard = self.addresses.lock().expect("address lock");
        let (rx, seen) = &mut *guard;
        loop {
            if let Some((_, addr)) = seen.iter().find(|(l, _)| l == label) {
                return Some(*addr);
            }
            let left = deadline.checked_duration_since(Instant::now())?;
            seen.push(rx.recv_timeout(left).ok()?);
        }
    }

    /// Starts a watcher that reads the server's memory every 50 ms, remembers its peak, and kills
    /// the server if its resident set passes `limit_kib` (a naive server under overload can grow
    /// until the machine runs out of memory).
    pub fn guard(&mut self, limit_kib: u64) {
        let (tx, rx) = mpsc::channel::<()>();
        self.stop_watch = Some(tx);
        let (pid, child, peak, over) = (
            self.pid,
            self.child.clone(),
            self.seen_peak.clone(),
            self.over_limit.clone(),
        );
        thread::spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) =
                rx.recv_timeout(Duration::from_millis(50))
            {
                let Some(hwm) = status_kib(pid, "VmHWM") else {
                    break;
                };
                peak.fetch_max(hwm, Ordering::Relaxed);
                if status_kib(pid, "VmRSS").is_some_and(|rss| rss > limit_kib) {
                    over.store(true, Ordering::Relaxed);
                    let _ = child.lock().expect("child lock").kill();
                    break;
                }
            }
        });
    }

    /// Peak resident set size in KiB: `VmHWM` now, or the largest the watcher saw if the process
    /// is gone.
    pub fn peak_rss_kib(&self) -> Option<u64> {
        let seen = self.seen_peak.load(Ordering::Relaxed);
        match status_kib(self.pid, "VmHWM") {
            Some(now) => Some(now.max(seen)),
            None if seen > 0 => Some(seen),
            None => None,
        }
    }

    /// CPU time the server's threads have used so far, in nanoseconds: the first field of
    /// `/proc/<pid>/task/<tid>/schedstat` (time spent on a CPU), summed over its threads. Threads
    /// that have already exited are not counted (Tokio's workers live as long as the runtime).
    pub fn cpu_ns(&self) -> Option<u64> {
        let tasks = std::fs::read_dir(format!("/proc/{}/task", self.pid)).ok()?;
        let mut total = 0;
        for task in tasks.flatten() {
            let stat = std::fs::read_to_string(task.path().join("schedstat")).ok()?;
            total += stat.split_whitespace().next()?.parse::<u64>().ok()?;
        }
        Some(total)
    }

    /// Whether the watcher killed the server for passing its memory limit.
    pub fn killed_over_limit(&self) -> bool {
        self.over_limit.load(Ordering::Relaxed)
    }

    /// Whether the process is still running.
    pub fn is_running(&self) -> bool {
        matches!(self.child.lock().expect("child lock").try_wait(), Ok(None))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop_watch.take();
        let mut child = self.child.lock().expect("child lock");
        let _ = child.kill();
        // Reap it, but never wait without bound.
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if !matches!(child.try_wait(), Ok(None)) {
                break;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_process_has_a_peak_rss_at_least_its_current_rss() {
        let pid = std::process::id();
        // The current RSS first: the peak read afterwards can only be higher.
        let rss = status_kib(pid, "VmRSS").expect("VmRSS must be readable in /proc/self/status");
        let hwm = status_kib(pid, "VmHWM").expect("VmHWM must be readable in /proc/self/status");
        assert!(hwm > 0, "a running process has a non-zero peak RSS");
        assert!(
            hwm >= rss,
            "the peak RSS ({hwm} KiB) is below the current one ({rss} KiB)"
        );
        assert_eq!(
            status_kib(pid, "NoSuchField"),
            None,
            "an unknown field reads as None"
        );
    }
}
