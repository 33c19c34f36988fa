//! A watchdog on stable `RuntimeMetrics`: it samples a runtime a few times and says whether a
//! worker is stuck in one poll (a task that never yields) or tasks are piling up (a leak).
//!
//! # Layout
//!
//! - [`Sample`] and [`sample`]: one look at the metrics.
//! - [`Report`] and [`Report::from_samples`]: what a series of samples shows. A single sample
//!   shows neither problem: both are about what did, or did not, change between samples.
//! - [`watch`]: takes the samples, `every` apart, of the runtime it is given. It is async and
//!   waits with Tokio's timer, so it can run as a task anywhere, usually on a runtime of its own
//!   that a stuck worker of the watched one cannot hold up.
//!
//! The figures are stable in Tokio 1.54 (`tokio/src/runtime/metrics/runtime.rs`:
//! `num_workers`, `num_alive_tasks`, `global_queue_depth`, and `worker_park_unpark_count`, whose
//! documentation says "An odd count means that the worker is currently parked. An even count
//! means that the worker is currently active.").

use std::time::Duration;

use tokio::runtime::{Handle, RuntimeMetrics};

/// One look at a runtime's metrics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// `num_alive_tasks`: tasks spawned and not yet finished.
    pub alive_tasks: usize,
    /// `global_queue_depth`: tasks waiting in the global queue for a worker.
    pub global_queue_depth: usize,
    /// `worker_park_unpark_count` of each worker, by index: odd while it is parked, even while it
    /// is awake.
    pub park_unpark: Vec<u64>,
}

/// Reads `metrics` once.
pub fn sample(metrics: &RuntimeMetrics) -> Sample {
    Sample {
        alive_tasks: metrics.num_alive_tasks(),
        global_queue_depth: metrics.global_queue_depth(),
        park_unpark: (0..metrics.num_workers())
            .map(|w| metrics.worker_park_unpark_count(w))
            .collect(),
    }
}

/// What a series of samples shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The watched runtime's `num_workers`.
    pub workers: usize,
    /// The samples, oldest first.
    pub samples: Vec<Sample>,
    /// The workers that were awake at the first sample and did not park or unpark until the
    /// last: each spent the whole watch inside one poll.
    pub starved: Vec<usize>,
    /// The number of alive tasks rose from every sample to the next.
    pub leaking: bool,
}

impl Report {
    /// Reads the samples. With fewer than two, nothing can be said: no worker is starved and
    /// nothing leaks.
    pub fn from_samples(workers: usize, samples: Vec<Sample>) -> Report {
        let (starved, leaking) = match samples.as_slice() {
            [first, rest @ ..] if !rest.is_empty() => {
                let starved = (0..workers)
                    .filter(|&w| {
                        let at_first = first.park_unpark[w];
                        at_first.is_multiple_of(2)
                            && rest.iter().all(|s| s.park_unpark[w] == at_first)
                    })
                    .collect();
                let leaking = samples
                    .windows(2)
                    .all(|w| w[1].alive_tasks > w[0].alive_tasks);
                (starved, leaking)
            }
            _ => (Vec::new(), false),
        };
        Report {
            workers,
            samples,
            starved,
            leaking,
        }
    }
}

/// Samples the runtime of `watched` `count` times, `every` apart (the first at once), and reads
/// the samples.
pub async fn watch(watched: &Handle, every: Duration, count: usize) -> Report {
    // The metrics of the runtime we were given, wherever this task runs.
    let metrics = watched.metrics();
    let mut samples = Vec::with_capacity(count);
    for i in 0..count {
        if i > 0 {
            // Tokio's timer: the thread stays free for the other tasks of its runtime.
            tokio::time::sleep(every).await;
        }
        samples.push(sample(&metrics));
    }
    Report::from_samples(metrics.num_workers(), samples)
}
