//! The lab run small on the real machine: every strategy runs the whole batch, the heartbeat
//! covers the whole window, and the ordering the book relies on holds (inline freezes for at least
//! a job and is far worse than a bounded pool; the pool gets close to the limit).
//!
//! These tests measure time on a machine that may be busy compiling, so they check orderings with
//! wide margins, never exact timings, and the two timing-sensitive ones retry before failing.
//! Each run is small (tens of jobs of 2 ms) so the whole file takes a few seconds in a debug
//! build; a job's length is calibrated, so a debug build's slower hashing does not change it.

use std::sync::{Arc, Mutex, mpsc};
use std::thread;
use std::time::Duration;

use blocking_lab::run::{CaseParams, CaseRun, measure_limit, run_case};
use blocking_lab::stats::{longest_gap, percentile, throughput};
use blocking_lab::work::{JobSpec, calibrate};
use blocking_lab::{Case, Config, Flavour, Strategy};

/// The longest any single test may take before it is failed. The runs need well under a second;
/// the margin is for a loaded 2-core machine.
const DEADLINE: Duration = Duration::from_secs(60);

/// Runs `f` on its own thread and fails the test if it does not finish by `DEADLINE`, so a
/// scheduling bug shows as a failure naming the test instead of a hung test binary.
fn bounded<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(DEADLINE) {
        Ok(value) => value,
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!(
                "{what} did not finish within {DEADLINE:?}: a run is stuck (is a job never answered?)"
            )
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            panic!("{what} panicked; see the output above")
        }
    }
}

/// Held by every test that runs jobs, so that they do not measure each other: the test harness
/// runs tests in parallel, and two of them on two cores would halve each other's limit.
static TIMING: Mutex<()> = Mutex::new(());

fn timing_lock() -> std::sync::MutexGuard<'static, ()> {
    // A failed test poisons the lock; the next one may still run.
    TIMING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// At least two threads even on a one-core machine, so the pool is a pool.
fn threads() -> usize {
    blocking_lab::lab::cores().clamp(2, 4)
}

fn small_job() -> Arc<JobSpec> {
    Arc::new(calibrate(Duration::from_millis(2)).0)
}

fn params(jobs: usize) -> CaseParams {
    CaseParams {
        jobs,
        tick: Duration::from_millis(1),
        threads: threads(),
    }
}

fn run(strategy: Strategy, flavour: Flavour, spec: &Arc<JobSpec>, jobs: usize) -> CaseRun {
    let spec = Arc::clone(spec);
    bounded("run_case", move || {
        run_case(Case { strategy, flavour }, &spec, params(jobs)).expect("the case runs")
    })
}

#[test]
fn every_strategy_runs_the_whole_batch_under_a_heartbeat() {
    let _serial = timing_lock();
    let spec = small_job();
    let jobs = 12;
    let limit = {
        let spec = Arc::clone(&spec);
        bounded("measure_limit", move || {
            measure_limit(&spec, jobs, threads()).unwrap()
        })
    };
    assert_eq!(limit.jobs, jobs);
    for case in Config::standard().cases() {
        let run = run(case.strategy, case.flavour, &spec, jobs);
        assert_eq!(run.job_times.len(), jobs, "{case}: every job reports back");
        assert_eq!(
            run.checksum, limit.checksum,
            "{case}: the same jobs as the limit, once each"
        );
        // The heartbeat ran before the window and went on past its end.
        assert_eq!(run.beats[0], Duration::ZERO, "{case}");
        assert!(
            run.window_start > Duration::ZERO,
            "{case}: the first beat comes before the jobs"
        );
        let last = *run.beats.last().unwrap();
        assert!(
            last >= run.window_start + run.window,
            "{case}: the heartbeat stopped early"
        );
        // One lateness per tick of the schedule up to the last beat, none skipped.
        let ticks = last.as_nanos() / Duration::from_millis(1).as_nanos();
        assert_eq!(run.lateness.len() as u128, ticks, "{case}");
    }
}

#[test]
fn running_a_strategy_where_it_cannot_run_is_an_error() {
    let spec = Arc::new(JobSpec::with_rounds(1));
    let case = Case {
        strategy: Strategy::BlockInPlace,
        flavour: Flavour::CurrentThread,
    };
    let err = run_case(case, &spec, params(1)).unwrap_err();
    assert!(err.to_string().contains("block_in_place panics"), "{err}");
}

/// How many times a timing-sensitive comparison is tried before the test fails. One attempt
/// passes on an idle machine; the retries are there because another process can take a core
/// for a few hundred milliseconds on a shared CI runner, which has nothing to do with the code.
const ATTEMPTS: usize = 3;

#[test]
fn inline_freezes_for_a_job_and_is_far_worse_than_a_bounded_pool() {
    let _serial = timing_lock();
    let spec = small_job();
    let jobs = 40;
    let mut report = Vec::new();
    for attempt in 1..=ATTEMPTS {
        let inline = run(Strategy::Inline, Flavour::CurrentThread, &spec, jobs);
        let pool = run(Strategy::Pool, Flavour::CurrentThread, &spec, jobs);
        let inline_freeze = longest_gap(&inline.beats).unwrap();
        let shortest_job = *inline.job_times.iter().min().unwrap();
        // Not timing-dependent: the heartbeat shares the runtime's only thread with the jobs,
        // so the gap that spans any job is at least that job long.
        assert!(
            inline_freeze >= shortest_job,
            "inline: longest freeze {inline_freeze:?} shorter than a job ({shortest_job:?})"
        );
        let inline_p99 = percentile(&inline.lateness, 99.0).unwrap();
        let pool_p99 = percentile(&pool.lateness, 99.0).unwrap();
        let pool_freeze = longest_gap(&pool.beats).unwrap();
        // On an idle machine the ratio is around a hundred; four leaves room for a busy one.
        if inline_p99 >= pool_p99 * 4 && inline_freeze >= pool_freeze * 4 {
            return;
        }
        report.push(format!(
            "attempt {attempt}: inline p99 {inline_p99:?} freeze {inline_freeze:?}; pool p99 {pool_p99:?} freeze {pool_freeze:?}"
        ));
    }
    panic!(
        "inline was not clearly worse than the pool:\n{}",
        report.join("\n")
    );
}

#[test]
fn the_pool_gets_near_the_limit() {
    let _serial = timing_lock();
    let spec = small_job();
    let jobs = 40;
    let mut report = Vec::new();
    for attempt in 1..=ATTEMPTS {
        let limit = {
            let spec = Arc::clone(&spec);
            bounded("measure_limit", move || {
                measure_limit(&spec, jobs, threads()).unwrap()
            })
        };
        let pool = run(Strategy::Pool, Flavour::MultiThread, &spec, jobs);
        let limit_rate = throughput(limit.jobs, limit.elapsed);
        let pool_rate = throughput(pool.job_times.len(), pool.window);
        // About 90 % or more in a release build on an idle machine; 60 % allows for a debug build
        // and for a neighbour taking a core in the middle of one of the two measurements.
        if pool_rate >= 0.6 * limit_rate {
            return;
        }
        report.push(format!(
            "attempt {attempt}: pool {pool_rate:.0} jobs/s, limit {limit_rate:.0} jobs/s"
        ));
    }
    panic!(
        "the pool stayed far below the limit:\n{}",
        report.join("\n")
    );
}

/// The thread count comes from the OS and counts what is really there: the pool's threads while
/// the pool runs, and no more threads for unbounded `spawn_blocking` than it has jobs.
#[cfg(target_os = "linux")]
#[test]
fn the_peak_thread_count_is_read_from_the_os() {
    let _serial = timing_lock();
    let spec = small_job();
    let jobs = 24;
    let before = blocking_lab::threads::os_threads().expect("Linux has /proc/self/status");
    let pool = run(Strategy::Pool, Flavour::CurrentThread, &spec, jobs);
    let pool_peak = pool.peak_threads.expect("Linux tells the count");
    assert!(
        pool_peak >= threads() + 2,
        "the pool's {} threads, the caller and the sampler were all counted: peak {pool_peak}",
        threads()
    );
    let unbounded = run(Strategy::SpawnBlocking, Flavour::CurrentThread, &spec, jobs);
    let peak = unbounded.peak_threads.expect("Linux tells the count");
    // The caller, the sampler and at least one blocking thread; at most one blocking thread
    // per job on top of what the process had. The margin of 16 covers threads other tests of
    // this binary may start meanwhile (they do not hold the timing lock).
    assert!(
        peak >= 3,
        "at least one blocking thread ran the jobs: peak {peak}"
    );
    assert!(
        peak <= before + jobs + 16,
        "spawn_blocking never starts more threads than it has jobs: peak {peak}, {before} before, {jobs} jobs"
    );
}

#[test]
fn a_whole_small_lab_gives_a_table_json_and_a_chart() {
    let _serial = timing_lock();
    let mut config = Config::standard();
    config.job = Duration::from_millis(1);
    config.jobs = 6;
    config.reps = 2;
    config.strategies = vec![Strategy::Inline, Strategy::BlockInPlace];
    config.threads = threads();
    let report = bounded("run_lab", move || {
        let mut seen = Vec::new();
        let report = blocking_lab::run_lab(&config, |p| seen.push((p.done, p.total))).unwrap();
        (report, seen)
    });
    let (report, seen) = report;
    // Two repetitions of the limit and three cases, announced before each run and once at the end.
    assert_eq!(seen.len(), 9);
    assert_eq!(seen.first(), Some(&(0, 8)));
    assert_eq!(seen.last(), Some(&(8, 8)));

    let table = report.table();
    let rows: Vec<&str> = table
        .lines()
        .filter(|l| l.starts_with("inline ") || l.starts_with("block_in_place "))
        .collect();
    assert_eq!(rows.len(), 3, "{table}");
    assert!(
        table.contains("limit (") && table.contains("jobs/s"),
        "{table}"
    );

    let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(json["cases"].as_array().unwrap().len(), 3);
    assert_eq!(json["cases"][0]["strategy"], "inline");
    assert_eq!(json["cases"][0]["flavour"], "current_thread");
    assert!(
        json["cases"][0]["lateness_p99_ms"]["median"]
            .as_f64()
            .unwrap()
            >= 0.0
    );
    assert!(json["limit_jobs_per_sec"]["median"].as_f64().unwrap() > 0.0);
    assert_eq!(json["config"]["job"], 1.0);
    assert!(
        table.contains("threads [min–max]"),
        "the table has the thread column: {table}"
    );
    if cfg!(target_os = "linux") {
        let peak = json["cases"][0]["peak_threads"]["median"].as_f64();
        assert!(
            peak.is_some_and(|n| n >= 2.0),
            "on Linux the JSON gives each case's peak OS thread count (at least the caller and the sampler): {peak:?}"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gaps.svg");
    blocking_lab::chart::draw(&report, &path).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg"), "not an SVG file");
    for caption in [
        "inline on current_thread",
        "inline on multi_thread",
        "block_in_place on multi_thread",
        "block_in_place on current_thread: panics",
    ] {
        assert!(svg.contains(caption), "the chart lacks `{caption}`");
    }

    let unwritable = dir.path().join("no-such-dir").join("gaps.svg");
    let err = blocking_lab::chart::draw(&report, &unwritable).unwrap_err();
    assert!(err.to_string().contains("--chart"), "{err}");
}
