//! The whole experiment: calibrate, then repeat every case and the limit in interleaved order,
//! and reduce the runs to medians with their spread.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

use crate::LabError;
use crate::run::{CaseParams, CaseRun, measure_limit, run_case};
use crate::stats::{self, Spread, ms};
use crate::strategy::{Case, Flavour, Strategy};
use crate::work::{Calibration, calibrate};

/// What to measure.
#[derive(Clone, Debug, Serialize)]
pub struct Config {
    /// How long one job should take on one idle thread.
    #[serde(serialize_with = "as_ms")]
    pub job: Duration,
    /// Jobs per batch.
    pub jobs: usize,
    /// The heartbeat's period.
    #[serde(serialize_with = "as_ms")]
    pub tick: Duration,
    /// How many times every case (and the limit) is run.
    pub reps: usize,
    /// The strategies to run, in report order.
    pub strategies: Vec<Strategy>,
    /// The flavours to run them on.
    pub flavours: Vec<Flavour>,
    /// Threads for the pool, rayon, the semaphore and the multi_thread runtime; also the number of
    /// threads that measure the limit.
    pub threads: usize,
}

fn as_ms<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(ms(*d))
}

impl Config {
    /// The defaults of `tokio21`: 5 ms jobs, 200 per batch, a 1 ms heartbeat, 3 repetitions,
    /// every strategy on both flavours, one thread per core.
    pub fn standard() -> Config {
        Config {
            job: Duration::from_millis(5),
            jobs: 200,
            tick: Duration::from_millis(1),
            reps: 3,
            strategies: Strategy::ALL.to_vec(),
            flavours: Flavour::ALL.to_vec(),
            threads: cores(),
        }
    }

    /// Every pairing of the chosen strategies and flavours that can run, in report order.
    pub fn cases(&self) -> Vec<Case> {
        let mut cases = Vec::new();
        for &strategy in &self.strategies {
            for &flavour in &self.flavours {
                if strategy.runs_on(flavour) {
                    cases.push(Case { strategy, flavour });
                }
            }
        }
        cases
    }

    fn check(&self) -> Result<(), LabError> {
        let bad = |what: &str| Err(LabError::Config(what.to_owned()));
        if self.job.is_zero() || self.tick.is_zero() {
            return bad("the job size and the tick must be greater than zero");
        }
        if self.jobs == 0 || self.reps == 0 || self.threads == 0 {
            return bad("jobs, repetitions and threads must each be at least 1");
        }
        if self.cases().is_empty() {
            return bad(
                "no strategy can run on the chosen flavours (block_in_place needs multi_thread)",
            );
        }
        Ok(())
    }
}

/// The number of cores this process may use, as the standard library sees it.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// One case's figures over all repetitions.
#[derive(Clone, Debug, Serialize)]
pub struct CaseReport {
    /// What ran.
    #[serde(flatten)]
    pub case: Case,
    /// Median heartbeat lateness, ms.
    pub lateness_p50_ms: Spread,
    /// 99th-percentile heartbeat lateness, ms.
    pub lateness_p99_ms: Spread,
    /// Largest heartbeat lateness, ms.
    pub lateness_max_ms: Spread,
    /// Longest gap between two heartbeats, ms.
    pub longest_freeze_ms: Spread,
    /// Median time one job took on the thread that ran it, ms.
    pub job_ms: Spread,
    /// Time until the last job had been handed over, ms.
    pub handover_ms: Spread,
    /// Jobs per second over the job window.
    pub jobs_per_sec: Spread,
    /// Jobs per second as a percentage of the limit measured in the same repetition.
    pub percent_of_limit: Spread,
    /// The most OS threads the process had while the case ran, read from the OS
    /// (`/proc/self/status`); `null` where the system does not tell.
    pub peak_threads: Option<Spread>,
}

/// The heartbeat of one run, for the chart: when it ran and how long it had waited.
#[derive(Clone, Debug, Serialize)]
pub struct Trace {
    /// What ran.
    #[serde(flatten)]
    pub case: Case,
    /// Which repetition this is (the one with the median p99).
    pub rep: usize,
    /// `(ms since the job window started, gap since the previous beat in ms)`, one per beat.
    pub gaps: Vec<(f64, f64)>,
    /// The job window's length, ms.
    pub window_ms: f64,
}

/// Everything `tokio21` prints, as a value.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// What was asked for.
    pub config: Config,
    /// Cores the process could use.
    pub cores: usize,
    /// How a job was sized.
    pub calibration: Calibration,
    /// The machine's limit in jobs per second, one plain thread per core.
    pub limit_jobs_per_sec: Spread,
    /// One entry per case, in report order.
    pub cases: Vec<CaseReport>,
    /// One heartbeat trace per case, for the chart (left out of the JSON: it is large).
    #[serde(skip)]
    pub traces: Vec<Trace>,
}

/// What the lab is doing, for a progress display.
#[derive(Clone, Debug)]
pub struct Progress {
    /// Runs finished so far.
    pub done: usize,
    /// Runs in total.
    pub total: usize,
    /// What runs next.
    pub next: String,
}

/// One unit of the schedule: the limit or a case.
#[derive(Clone, Copy, Debug)]
enum Unit {
    Limit,
    Case(usize),
}

/// The order of the units in repetition `rep`: every repetition starts at a different place in
/// the list and odd ones go backwards, so a slow drift in the machine's speed (heat, other
/// programs) does not always land on the same strategies.
pub fn schedule(units: usize, rep: usize, reps: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..units).collect();
    if units == 0 {
        return order;
    }
    order.rotate_left(rep * units / reps.max(1) % units);
    if rep % 2 == 1 {
        order.reverse();
    }
    order
}

/// Runs the whole experiment, calling `progress` before every run.
pub fn run_lab(config: &Config, mut progress: impl FnMut(&Progress)) -> Result<Report, LabError> {
    config.check()?;
    let (spec, calibration) = calibrate(config.job);
    let spec = Arc::new(spec);
    // An untimed warm-up on every core: on an idle machine the first burst on the other cores
    // can run slow while they wake up and raise their clocks, and it would otherwise land on the
    // first repetition's limit.
    measure_limit(&spec, config.threads * 10, config.threads)?;
    let cases = config.cases();
    let params = CaseParams {
        jobs: config.jobs,
        tick: config.tick,
        threads: config.threads,
    };
    let units: Vec<Unit> = std::iter::once(Unit::Limit)
        .chain((0..cases.len()).map(Unit::Case))
        .collect();
    let total = config.reps * units.len();

    // One limit per repetition, pushed in repetition order.
    let mut limits = Vec::with_capacity(config.reps);
    let mut runs: Vec<Vec<CaseRun>> = vec![Vec::with_capacity(config.reps); cases.len()];
    let mut limit_checksum = None;
    let mut done = 0;
    for rep in 0..config.reps {
        for i in schedule(units.len(), rep, config.reps) {
            let unit = units[i];
            progress(&Progress {
                done,
                total,
                next: match unit {
                    Unit::Limit => format!("limit, {} threads (rep {})", config.threads, rep + 1),
                    Unit::Case(c) => format!("{} (rep {})", cases[c], rep + 1),
                },
            });
            match unit {
                Unit::Limit => {
                    let limit = measure_limit(&spec, config.jobs, config.threads)?;
                    limits.push(stats::throughput(limit.jobs, limit.elapsed));
                    limit_checksum = Some(limit.checksum);
                }
                Unit::Case(c) => runs[c].push(run_case(cases[c], &spec, params)?),
            }
            done += 1;
        }
    }
    progress(&Progress {
        done,
        total,
        next: "done".to_owned(),
    });

    // Every run hashed the same batch, so every run must reach the limit's checksum: a job lost,
    // or run twice, by a strategy would show up here.
    let expected = limit_checksum.expect("the limit runs once per repetition");
    for case_runs in &runs {
        for run in case_runs {
            if run.checksum != expected {
                return Err(LabError::Checksum(run.case));
            }
        }
    }

    let mut reports = Vec::with_capacity(cases.len());
    let mut traces = Vec::with_capacity(cases.len());
    for (case, case_runs) in cases.iter().zip(&runs) {
        let (report, trace) = summarise(*case, case_runs, &limits)?;
        reports.push(report);
        traces.push(trace);
    }
    Ok(Report {
        config: config.clone(),
        cores: cores(),
        calibration,
        limit_jobs_per_sec: Spread::of(&limits).ok_or(LabError::NoSamples)?,
        cases: reports,
        traces,
    })
}

/// Reduces one case's runs (one per repetition, in repetition order) to its report row and
/// picks the run with the median p99 for the chart. `limits[rep]` is the limit measured in the
/// same repetition.
pub fn summarise(
    case: Case,
    runs: &[CaseRun],
    limits: &[f64],
) -> Result<(CaseReport, Trace), LabError> {
    let mut p50 = Vec::new();
    let mut p99 = Vec::new();
    let mut max = Vec::new();
    let mut freeze = Vec::new();
    let mut job = Vec::new();
    let mut handover = Vec::new();
    let mut rate = Vec::new();
    let mut percent = Vec::new();
    let mut peak_threads = Vec::new();
    for (rep, run) in runs.iter().enumerate() {
        if let Some(n) = run.peak_threads {
            peak_threads.push(n as f64);
        }
        let late = stats::lateness(&run.lateness).ok_or(LabError::NoSamples)?;
        p50.push(ms(late.p50));
        p99.push(ms(late.p99));
        max.push(ms(late.max));
        freeze.push(ms(
            stats::longest_gap(&run.beats).ok_or(LabError::NoSamples)?
        ));
        job.push(ms(
            stats::percentile(&run.job_times, 50.0).ok_or(LabError::NoSamples)?
        ));
        handover.push(ms(run.handover));
        let jobs_per_sec = stats::throughput(run.job_times.len(), run.window);
        rate.push(jobs_per_sec);
        percent.push(stats::percent_of(
            jobs_per_sec,
            limits.get(rep).copied().unwrap_or(0.0),
        ));
    }
    let spread = |v: &[f64]| Spread::of(v).ok_or(LabError::NoSamples);
    let report = CaseReport {
        case,
        lateness_p50_ms: spread(&p50)?,
        lateness_p99_ms: spread(&p99)?,
        lateness_max_ms: spread(&max)?,
        longest_freeze_ms: spread(&freeze)?,
        job_ms: spread(&job)?,
        handover_ms: spread(&handover)?,
        jobs_per_sec: spread(&rate)?,
        percent_of_limit: spread(&percent)?,
        // Known only when every repetition could count.
        peak_threads: if peak_threads.len() == runs.len() {
            Spread::of(&peak_threads)
        } else {
            None
        },
    };
    let mut by_p99: Vec<usize> = (0..runs.len()).collect();
    by_p99.sort_by(|&a, &b| p99[a].total_cmp(&p99[b]));
    let rep = by_p99[by_p99.len() / 2];
    let run = &runs[rep];
    let offset = ms(run.window_start);
    let gaps = run
        .beats
        .windows(2)
        .map(|pair| (ms(pair[1]) - offset, ms(pair[1] - pair[0])))
        .collect();
    let trace = Trace {
        case,
        rep,
        gaps,
        window_ms: ms(run.window),
    };
    Ok((report, trace))
}

impl Report {
    /// The report as pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report is plain numbers and names")
    }

    /// The report as a terminal table: medians, with min–max where the noise matters.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let limit = self.limit_jobs_per_sec;
        out += &format!(
            "{} cores; a job is {} blake3 rounds over {} KiB (~{:.1} ms on one idle thread); {} jobs per batch; {} ms tick; {} repetitions\n",
            self.cores,
            self.calibration.rounds_per_job,
            crate::work::BUFFER_BYTES / 1024,
            self.calibration.target_ms,
            self.config.jobs,
            ms(self.config.tick),
            self.config.reps,
        );
        out += &format!(
            "limit ({} plain threads, nothing else running): {:.0} jobs/s (min–max {:.0}–{:.0})\n",
            self.config.threads, limit.median, limit.min, limit.max
        );
        out += "medians of the repetitions, [min–max] across them; times in ms\n";
        out += "late: heartbeat lateness; freeze: longest gap between heartbeats; job: median job time; \
                handover: until the last job was handed over; threads: most OS threads of the process during the case\n\n";
        out += &format!(
            "{:<22} {:<14} {:>6} {:>20} {:>7} {:>20} {:>5} {:>8} {:>6} {:>13} {:>17}\n",
            "strategy",
            "flavour",
            "p50",
            "p99 late [min–max]",
            "max",
            "freeze [min–max]",
            "job",
            "handover",
            "jobs/s",
            "% of limit",
            "threads [min–max]"
        );
        for row in &self.cases {
            out += &format!(
                "{:<22} {:<14} {:>6.1} {:>20} {:>7.1} {:>20} {:>5.1} {:>8.1} {:>6.0} {:>13} {:>17}\n",
                row.case.strategy.name(),
                row.case.flavour.name(),
                row.lateness_p50_ms.median,
                with_range(row.lateness_p99_ms, 1),
                row.lateness_max_ms.median,
                with_range(row.longest_freeze_ms, 1),
                row.job_ms.median,
                row.handover_ms.median,
                row.jobs_per_sec.median,
                with_range(row.percent_of_limit, 0),
                row.peak_threads
                    .map_or_else(|| "-".to_owned(), |t| with_range(t, 0)),
            );
        }
        out
    }
}

fn with_range(s: Spread, decimals: usize) -> String {
    format!(
        "{:.d$} [{:.d$}–{:.d$}]",
        s.median,
        s.min,
        s.max,
        d = decimals
    )
}
