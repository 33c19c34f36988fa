//! A fixed log-bucket latency histogram: cheap to record into, cheap to merge.
//!
//! Every receiving client owns one and records without locks or atomics; the histograms are merged
//! once, at the end of a run. Values are nanoseconds. Below 32 each value has its own bucket; above,
//! every power of two is split into 32 buckets, so a reported percentile is at most about 3 % above
//! the true value (it reports the upper edge of its bucket, never less than the true value). The
//! maximum is kept exactly.

/// Sub-buckets per power of two (2^5): the relative precision is 1/32.
const SUB_BITS: u32 = 5;
const SUB: u64 = 1 << SUB_BITS;
/// Enough buckets for every `u64`.
const BUCKETS: usize = ((64 - SUB_BITS as usize) + 1) * SUB as usize;

/// A latency histogram in nanoseconds.
#[derive(Clone, Debug)]
pub struct Histogram {
    /// One counter per bucket; see [`bucket_of`].
    counts: Box<[u64]>,
    /// How many values were recorded.
    total: u64,
    /// The largest value recorded, exactly.
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

/// The bucket a value falls into.
fn bucket_of(value: u64) -> usize {
    if value < SUB {
        return value as usize;
    }
    let exponent = 63 - value.leading_zeros(); // at least SUB_BITS
    let shift = exponent - SUB_BITS;
    let sub = (value >> shift) - SUB; // 0..SUB: the bits below the leading one
    ((shift as u64 + 1) * SUB + sub) as usize
}

/// The largest value that falls into `bucket`.
fn upper_edge(bucket: usize) -> u64 {
    let bucket = bucket as u64;
    if bucket < SUB {
        return bucket;
    }
    let shift = bucket / SUB - 1;
    let sub = bucket % SUB;
    // The bucket holds [(SUB + sub) << shift, (SUB + sub + 1) << shift); the top one ends past
    // `u64::MAX`, hence the wider type.
    let end = u128::from(SUB + sub + 1) << shift;
    u64::try_from(end - 1).unwrap_or(u64::MAX)
}

impl Histogram {
    /// An empty histogram.
    pub fn new() -> Self {
        Histogram {
            counts: vec![0; BUCKETS].into_boxed_slice(),
            total: 0,
            max: 0,
        }
    }

    /// Records one value.
    #[inline]
    pub fn record(&mut self, value: u64) {
        self.counts[bucket_of(value)] += 1;
        self.total += 1;
        self.max = self.max.max(value);
    }

    /// Adds every value of `other` to this histogram.
    pub fn merge(&mut self, other: &Histogram) {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts.iter()) {
            *mine += theirs;
        }
        self.total += other.total;
        self.max = self.max.max(other.max);
    }

    /// How many values were recorded.
    pub fn count(&self) -> u64 {
        self.total
    }

    /// The largest value recorded (0 when empty).
    pub fn max(&self) -> u64 {
        self.max
    }

    /// The value below or at which `q` (0.0..=1.0) of the recorded values lie, as the upper edge of
    /// its bucket (capped at the exact maximum). `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<u64> {
        if self.total == 0 {
            return None;
        }
        // The rank of the wanted value, 1-based: the smallest rank r with r >= q * total.
        let rank = ((q.clamp(0.0, 1.0) * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (bucket, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                return Some(upper_edge(bucket).min(self.max));
            }
        }
        Some(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_lies_in_a_bucket_whose_upper_edge_is_within_one_thirty_second() {
        for value in (0..5000).chain([1 << 20, 123_456_789, u64::MAX / 3, u64::MAX]) {
            let bucket = bucket_of(value);
            assert!(bucket < BUCKETS, "value {value} maps past the last bucket");
            let edge = upper_edge(bucket);
            assert!(
                edge >= value,
                "bucket {bucket} edge {edge} is below its value {value}"
            );
            assert!(
                (edge - value) as f64 <= value as f64 / 32.0 + 1.0,
                "bucket {bucket} edge {edge} is more than 1/32 above {value}"
            );
        }
    }

    #[test]
    fn quantiles_of_a_uniform_range_are_close_and_merge_adds_counts() {
        let mut a = Histogram::new();
        let mut b = Histogram::new();
        for v in 1..=50_000u64 {
            a.record(v * 1000);
        }
        for v in 50_001..=100_000u64 {
            b.record(v * 1000);
        }
        a.merge(&b);
        assert_eq!(
            a.count(),
            100_000,
            "merge must add the counts of both histograms"
        );
        assert_eq!(a.max(), 100_000_000, "merge must keep the larger maximum");
        let p50 = a.quantile(0.5).unwrap() as f64;
        let p99 = a.quantile(0.99).unwrap() as f64;
        assert!(
            (50_000_000.0..=50_000_000.0 * 1.04).contains(&p50),
            "p50 of 1..100 ms should be about 50 ms, got {p50} ns"
        );
        assert!(
            (99_000_000.0..=99_000_000.0 * 1.04).contains(&p99),
            "p99 of 1..100 ms should be about 99 ms, got {p99} ns"
        );
        assert_eq!(
            a.quantile(1.0),
            Some(100_000_000),
            "p100 is the exact maximum"
        );
        assert_eq!(
            Histogram::new().quantile(0.5),
            None,
            "an empty histogram has no quantile"
        );
    }
}
