//! The arithmetic of the report: percentiles, the longest gap between heartbeats, throughput and
//! the spread of repeated runs. Kept apart from the measuring code so the tests can check it
//! exactly on made-up inputs.

use std::time::Duration;

use serde::Serialize;

/// The nearest-rank percentile of `samples`: the smallest sample such that at least `p` % of the
/// samples are less than or equal to it. `p` is in `0.0..=100.0`; `None` when there are no samples.
///
/// Nearest rank never interpolates, so every figure in the report is a lateness that really
/// happened, and with 500 samples the p99 is the 5th largest.
pub fn percentile(samples: &[Duration], p: f64) -> Option<Duration> {
    if samples.is_empty() {
        return None;
    }
    let mut sorted = samples.to_vec();
    sorted.sort_unstable();
    let n = sorted.len();
    // `ceil(p/100 * n)` is the 1-based rank; clamping keeps p = 0 on the smallest sample.
    let rank = ((p.clamp(0.0, 100.0) / 100.0) * n as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, n) - 1])
}

/// p50, p99 and maximum of one run's heartbeat lateness.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lateness {
    /// The median lateness.
    pub p50: Duration,
    /// The 99th percentile: one tick in a hundred was later than this.
    pub p99: Duration,
    /// The latest tick.
    pub max: Duration,
}

/// Summarises lateness samples; `None` when there are none.
pub fn lateness(samples: &[Duration]) -> Option<Lateness> {
    Some(Lateness {
        p50: percentile(samples, 50.0)?,
        p99: percentile(samples, 99.0)?,
        max: samples.iter().copied().max()?,
    })
}

/// The largest difference between two consecutive entries of `beats`, the times at which the
/// heartbeat ran, in order. This is the longest the heartbeat was frozen. `None` with fewer than
/// two beats.
pub fn longest_gap(beats: &[Duration]) -> Option<Duration> {
    beats
        .windows(2)
        .map(|pair| pair[1].saturating_sub(pair[0]))
        .max()
}

/// Jobs per second: `jobs` finished in `elapsed`. Zero when no time passed, rather than infinity,
/// so a broken measurement shows up as 0 % instead of poisoning the medians.
pub fn throughput(jobs: usize, elapsed: Duration) -> f64 {
    // Whole nanoseconds keep the division exact for round inputs (200 jobs in 800 ms is 250.0,
    // not 249.99999999999997), which lets the tests compare exactly.
    let nanos = elapsed.as_nanos() as f64;
    if nanos > 0.0 {
        jobs as f64 * 1e9 / nanos
    } else {
        0.0
    }
}

/// `value` as a percentage of `limit` (0 when the limit is not positive).
pub fn percent_of(value: f64, limit: f64) -> f64 {
    if limit > 0.0 {
        100.0 * value / limit
    } else {
        0.0
    }
}

/// Median, minimum and maximum of one figure over the repetitions: the median is what the table
/// reports, min–max says how noisy the machine was.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Spread {
    /// The median (the mean of the two middle values for an even count).
    pub median: f64,
    /// The smallest value seen.
    pub min: f64,
    /// The largest value seen.
    pub max: f64,
}

impl Spread {
    /// The spread of `values`; `None` when there are none or one of them is NaN.
    pub fn of(values: &[f64]) -> Option<Spread> {
        if values.is_empty() || values.iter().any(|v| v.is_nan()) {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let n = sorted.len();
        let median = if n % 2 == 1 {
            sorted[n / 2]
        } else {
            (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0
        };
        Some(Spread {
            median,
            min: sorted[0],
            max: sorted[n - 1],
        })
    }
}

/// A duration in milliseconds, the unit of every lateness figure in the report.
pub fn ms(d: Duration) -> f64 {
    // From whole nanoseconds, so that a whole number of milliseconds converts exactly.
    d.as_nanos() as f64 / 1e6
}
