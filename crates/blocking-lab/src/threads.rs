//! How many OS threads the process has, read from the operating system while a case runs.
//!
//! On Linux the count is the `Threads:` line of `/proc/self/status`. A [`PeakSampler`] reads it
//! every [`SAMPLE_EVERY`] on a thread of its own for as long as a case runs and keeps the
//! largest value, so the lab can show how many threads a strategy really used rather than what
//! its code suggests. Elsewhere the count is unknown and every figure is `None`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

/// How often the sampler looks. A blocking thread started for a 5 ms job lives far longer (an
/// idle one is kept 10 s), so a look every half millisecond does not miss one.
pub const SAMPLE_EVERY: Duration = Duration::from_micros(500);

/// The number of OS threads of this process now; `None` where the system does not tell.
pub fn os_threads() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("Threads:"))?
        .trim()
        .parse()
        .ok()
}

/// Samples [`os_threads`] on a thread of its own until [`PeakSampler::stop`].
pub struct PeakSampler {
    stop: Arc<AtomicBool>,
    thread: Option<thread::JoinHandle<Option<usize>>>,
}

impl PeakSampler {
    /// Starts sampling; the sampler's own thread is counted too.
    pub fn start() -> PeakSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = thread::Builder::new()
            .name("lab-thread-count".into())
            .spawn(move || {
                let mut peak = os_threads()?;
                while !flag.load(Ordering::Relaxed) {
                    if let Some(n) = os_threads() {
                        peak = peak.max(n);
                    }
                    thread::sleep(SAMPLE_EVERY);
                }
                Some(peak)
            })
            .ok();
        PeakSampler { stop, thread }
    }

    /// Stops sampling and returns the largest count seen; `None` where it is unknown.
    pub fn stop(mut self) -> Option<usize> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.take()?.join().ok().flatten()
    }
}

impl Drop for PeakSampler {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
