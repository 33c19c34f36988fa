//! The CPU-bound job: hash a buffer with blake3 a calibrated number of times.

use std::hint::black_box;
use std::time::{Duration, Instant};

use serde::Serialize;

/// Bytes hashed per round. 16 KiB stays in the L1/L2 cache, so a job measures the CPU, not memory.
pub const BUFFER_BYTES: usize = 16 * 1024;

/// What one job does: `rounds` blake3 hashes of the same buffer, each chained to the last.
#[derive(Clone, Debug)]
pub struct JobSpec {
    /// How many times a job hashes the buffer; calibrated so a job takes the requested time.
    pub rounds: u64,
    buffer: Vec<u8>,
}

/// What a job hands back: its digest (so the work cannot be optimised away, and so a lost or
/// repeated job shows up in the checksum) and how long it took on the thread that ran it.
#[derive(Clone, Copy, Debug)]
pub struct JobOutcome {
    /// The last hash of the chain.
    pub digest: [u8; 32],
    /// Wall-clock time from the job's start to its end.
    pub took: Duration,
}

impl JobSpec {
    /// A job of exactly `rounds` rounds (at least one).
    pub fn with_rounds(rounds: u64) -> JobSpec {
        // A fixed, non-trivial pattern: the content does not matter to blake3's speed, but a
        // deterministic one keeps every run's checksum the same.
        let buffer = (0..BUFFER_BYTES).map(|i| (i * 31 % 251) as u8).collect();
        JobSpec {
            rounds: rounds.max(1),
            buffer,
        }
    }

    /// Runs job number `id`. Each round hashes the previous digest followed by the buffer, so no
    /// round can start before the one before it ends, and the id makes every job's digest distinct.
    pub fn run(&self, id: u64) -> JobOutcome {
        let start = Instant::now();
        let mut digest = *blake3::hash(&id.to_le_bytes()).as_bytes();
        for _ in 0..self.rounds {
            let mut hasher = blake3::Hasher::new();
            hasher.update(&digest);
            hasher.update(black_box(&self.buffer));
            digest = *hasher.finalize().as_bytes();
        }
        JobOutcome {
            digest: black_box(digest),
            took: start.elapsed(),
        }
    }
}

/// The result of the quick single-thread measurement that sizes a job.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Calibration {
    /// The job length asked for, in milliseconds.
    pub target_ms: f64,
    /// Rounds one thread hashed per millisecond with nothing else running.
    pub rounds_per_ms: f64,
    /// Rounds per job chosen from the two figures above.
    pub rounds_per_job: u64,
}

/// Sizes a job to take about `target` on one thread of this machine. Takes about 60 ms: a short
/// warm-up, so the first measurement does not pay for page faults and a cold cache or a slow clock
/// ramp, then about 50 ms of timed hashing.
pub fn calibrate(target: Duration) -> (JobSpec, Calibration) {
    let probe = JobSpec::with_rounds(8);
    let warm_up = Instant::now();
    while warm_up.elapsed() < Duration::from_millis(10) {
        probe.run(0);
    }
    let start = Instant::now();
    let mut rounds = 0u64;
    while start.elapsed() < Duration::from_millis(50) {
        probe.run(rounds);
        rounds += probe.rounds;
    }
    let rounds_per_ms = rounds as f64 / (start.elapsed().as_secs_f64() * 1e3);
    let target_ms = target.as_secs_f64() * 1e3;
    let rounds_per_job = ((rounds_per_ms * target_ms).round() as u64).max(1);
    (
        JobSpec::with_rounds(rounds_per_job),
        Calibration {
            target_ms,
            rounds_per_ms,
            rounds_per_job,
        },
    )
}

/// Folds a job's digest into a batch checksum. XOR does not care about order, so every strategy
/// running the same batch must reach the same checksum, however its jobs were scheduled.
pub fn fold(checksum: &mut [u8; 32], digest: &[u8; 32]) {
    for (c, d) in checksum.iter_mut().zip(digest) {
        *c ^= d;
    }
}
