//! What a run measured, as a table for people and as JSON for tools.

use serde::Serialize;

use crate::hist::Histogram;

/// Delivery latency in milliseconds (from the sender's write to the receiver's read).
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Latency {
    /// How many measured deliveries the figures are made of.
    pub count: u64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Latency {
    /// The figures of a merged histogram of nanoseconds.
    pub fn from_histogram(hist: &Histogram) -> Latency {
        let ms = |q: f64| hist.quantile(q).unwrap_or(0) as f64 / 1e6;
        Latency {
            count: hist.count(),
            p50_ms: ms(0.50),
            p99_ms: ms(0.99),
            max_ms: hist.max() as f64 / 1e6,
        }
    }
}

/// The result of one load run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Report {
    /// Reading clients (senders included).
    pub clients: usize,
    pub senders: usize,
    /// Clients that never read.
    pub stalled: usize,
    /// Offered messages per second, all senders together.
    pub rate: u64,
    /// Bytes of each message's text.
    pub size: usize,
    /// `rate` times the readers each message is meant for (every reading client but its sender).
    pub offered_deliveries_per_sec: f64,
    pub warmup_secs: f64,
    /// From the end of the warm-up to the last send.
    pub window_secs: f64,
    /// Messages sent, warm-up included.
    pub sent_total: u64,
    /// Messages sent in the measured window.
    pub sent_measured: u64,
    /// `sent_measured / window_secs`: below `rate` when the server pushed back on the senders.
    pub sent_per_sec: f64,
    /// Payload lines received per second during the measured window, all readers together.
    pub delivered_per_sec: f64,
    /// Deliveries of measured messages owed to the readers (each message to every reader but its sender).
    pub expected: u64,
    /// Deliveries of measured messages received before the drain time ran out.
    pub received: u64,
    /// `expected - received`: dropped by the server, or not delivered within the drain time.
    pub lost: u64,
    /// `received - expected`: duplicates, which a correct server never sends.
    pub extra: u64,
    /// `lost / expected`.
    pub loss_ratio: f64,
    pub latency: Latency,
    /// Payload lines a client received from itself.
    pub echoed: u64,
    /// Lines without a payload (notices, errors, "N messages dropped").
    pub other_lines: u64,
    /// Lines longer than a client's read buffer, skipped.
    pub overlong_lines: u64,
    /// Readers whose connection the server closed before the run was over.
    pub closed_early: usize,
    /// Readers whose socket failed.
    pub read_errors: usize,
    /// Senders whose write the server had not taken by the end of the drain time (it stopped
    /// reading them); their last batch counts as sent.
    pub senders_blocked: usize,
}

impl Report {
    /// The run as an aligned, human-readable table of `key  value` lines.
    pub fn table(&self) -> String {
        let rows: Vec<(&str, String)> = vec![
            (
                "clients",
                format!(
                    "{} reading ({} sending), {} stalled",
                    self.clients, self.senders, self.stalled
                ),
            ),
            (
                "offered",
                format!(
                    "{} msg/s of {} B = {} deliveries/s",
                    self.rate,
                    self.size,
                    human(self.offered_deliveries_per_sec)
                ),
            ),
            (
                "window",
                format!(
                    "{:.2} s after {:.2} s warm-up",
                    self.window_secs, self.warmup_secs
                ),
            ),
            (
                "sent",
                format!(
                    "{} msg ({} measured, {:.0} msg/s)",
                    self.sent_total, self.sent_measured, self.sent_per_sec
                ),
            ),
            (
                "delivered",
                format!("{} lines/s", human(self.delivered_per_sec)),
            ),
            (
                "loss",
                format!(
                    "{} of {} ({:.3} %){}",
                    self.lost,
                    self.expected,
                    self.loss_ratio * 100.0,
                    if self.extra > 0 {
                        format!(", {} extra", self.extra)
                    } else {
                        String::new()
                    }
                ),
            ),
            (
                "latency",
                if self.latency.count == 0 {
                    "none: no measured message was delivered".to_owned()
                } else {
                    format!(
                        "p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms ({} samples)",
                        self.latency.p50_ms,
                        self.latency.p99_ms,
                        self.latency.max_ms,
                        self.latency.count
                    )
                },
            ),
            (
                "other",
                format!(
                    "{} notice lines, {} echoed, {} overlong, {} closed early, {} read errors, \
                     {} senders blocked",
                    self.other_lines,
                    self.echoed,
                    self.overlong_lines,
                    self.closed_early,
                    self.read_errors,
                    self.senders_blocked
                ),
            ),
        ];
        let mut out = String::new();
        for (key, value) in rows {
            out.push_str(&format!("{key:<10} {value}\n"));
        }
        out
    }
}

/// A count per second with a unit: `5.12 M`, `830 k`, `12`.
pub fn human(per_sec: f64) -> String {
    if per_sec >= 1e6 {
        format!("{:.2} M", per_sec / 1e6)
    } else if per_sec >= 1e5 {
        format!("{:.0} k", per_sec / 1e3)
    } else if per_sec >= 1e3 {
        format!("{:.1} k", per_sec / 1e3)
    } else {
        format!("{per_sec:.0}")
    }
}
