//! Tests for the `runtime_watch` exercise. Do not edit: `cargo lab check runtime_watch` runs this
//! file as it is, against your `src/lib.rs`.
//!
//! Each test builds a runtime to watch (a multi_thread one, on threads of its own) and runs
//! `watch` on another, a current_thread runtime under testkit's time limit, as a monitoring
//! thread would. Where the lesson is a count of tasks, the watchdog's clock is paused: its
//! samples are taken in virtual time, in an order fixed by its timers, and cost no real time.
//! Where it is a worker stuck in a poll, the clock is real and the samples 50 ms apart.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use runtime_watch::{Report, Sample, watch};
use testkit::Flavor;
use tokio::runtime::{Handle, Runtime};

/// The limit for one watch; the longest takes about 100 ms.
const LIMIT: Duration = Duration::from_secs(10);

/// The gap between samples on a paused clock (virtual time).
const PAUSED_EVERY: Duration = Duration::from_millis(100);

/// The gap between samples on the real clock: long enough for a worker that is not stuck to
/// park at least once.
const REAL_EVERY: Duration = Duration::from_millis(50);

/// A multi_thread runtime to watch, with `workers` workers.
fn watched(workers: usize) -> Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .expect("cannot build the runtime to watch")
}

/// Waits (up to 5 s) until every worker of `rt` is parked: an odd park/unpark count.
fn settle(rt: &Runtime) {
    let metrics = rt.metrics();
    let start = Instant::now();
    while (0..metrics.num_workers()).any(|w| metrics.worker_park_unpark_count(w).is_multiple_of(2))
    {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "test set-up: the watched runtime's workers did not go idle in 5 s"
        );
        std::thread::sleep(Duration::from_millis(1));
    }
}

/// Spawns `n` tasks that never end on `handle`.
fn spawn_forever(handle: &Handle, n: usize) {
    for _ in 0..n {
        handle.spawn(std::future::pending::<()>());
    }
}

/// A task that spins without an `.await` until this guard is dropped: one poll that never
/// returns, holding its worker.
struct Hog(Arc<AtomicBool>);

impl Hog {
    fn start(handle: &Handle) -> Hog {
        let stop = Arc::new(AtomicBool::new(false));
        let started = Arc::new(AtomicBool::new(false));
        handle.spawn({
            let (stop, started) = (Arc::clone(&stop), Arc::clone(&started));
            async move {
                started.store(true, Ordering::SeqCst);
                while !stop.load(Ordering::Relaxed) {
                    std::hint::spin_loop();
                }
            }
        });
        let hog = Hog(stop);
        let start = Instant::now();
        while !started.load(Ordering::SeqCst) {
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "test set-up: the spinning task did not start in 5 s"
            );
            std::thread::sleep(Duration::from_millis(1));
        }
        hog
    }
}

impl Drop for Hog {
    /// Ends the spin, also when a test fails: a runtime cannot shut down while a worker is
    /// stuck in a poll.
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

/// Runs `watch` on `handle` on a current_thread runtime of its own, as a monitoring thread
/// would: `count` samples, [`PAUSED_EVERY`] apart on a paused clock or [`REAL_EVERY`] apart on
/// the real one. With `leak`, five tasks that never end are spawned on the watched runtime
/// halfway between every two samples. Returns the report and the time watch took on the
/// watchdog runtime's clock.
fn watch_from_outside(
    handle: &Handle,
    paused: bool,
    count: usize,
    leak: bool,
) -> (Report, Duration) {
    let handle = handle.clone();
    testkit::run(Flavor::CurrentThread, LIMIT, move || async move {
        if paused {
            tokio::time::pause();
        }
        let every = if paused { PAUSED_EVERY } else { REAL_EVERY };
        let leaks = async {
            if leak {
                tokio::time::sleep(every / 2).await;
                for _ in 1..count {
                    spawn_forever(&handle, 5);
                    tokio::time::sleep(every).await;
                }
            }
        };
        let start = tokio::time::Instant::now();
        let watching = async {
            let report = watch(&handle, every, count).await;
            (report, start.elapsed())
        };
        tokio::join!(watching, leaks).0
    })
}

fn alive(report: &Report) -> Vec<usize> {
    report.samples.iter().map(|s| s.alive_tasks).collect()
}

#[test]
fn a_worker_stuck_in_one_poll_is_reported_starved() {
    let rt = watched(1);
    settle(&rt);
    let hog = Hog::start(rt.handle());
    // Spawned from outside the runtime, they wait in its global queue: the only worker is busy.
    spawn_forever(rt.handle(), 3);
    let (report, _) = watch_from_outside(rt.handle(), false, 3, false);
    drop(hog);
    assert_eq!(
        report.starved,
        vec![0],
        "the watched runtime's one worker spent the whole watch in one poll (its park/unpark \
         counts: {:?}), yet the report names {:?} as starved. A worker is starved when its count \
         is even (awake) at the first sample and the same at every later one; with {} sample(s)",
        report
            .samples
            .iter()
            .map(|s| s.park_unpark.clone())
            .collect::<Vec<_>>(),
        report.starved,
        report.samples.len()
    );
    let last = report.samples.last().unwrap();
    assert_eq!(
        (last.global_queue_depth, last.alive_tasks),
        (3, 4),
        "three tasks wait in the global queue behind the stuck one, four are alive: the last \
         sample's (global_queue_depth, alive_tasks)"
    );
    assert!(!report.leaking, "four tasks the whole time is not a leak");
}

#[test]
fn busy_workers_that_park_are_not_starved() {
    let rt = watched(2);
    // Every worker has started and parked once: a count still at 0 is a thread not yet running.
    settle(&rt);
    // Two tasks that wake every millisecond: the workers run them, and park in between.
    for _ in 0..2 {
        rt.spawn(async {
            loop {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        });
    }
    let (report, _) = watch_from_outside(rt.handle(), false, 3, false);
    assert_eq!(
        report.starved,
        Vec::<usize>::new(),
        "the workers were busy but parked between ticks, yet the report calls them starved: a \
         worker is starved only when its park/unpark count is even and did not change from the \
         first sample to the last (samples: {:?})",
        report.samples
    );
}

#[test]
fn tasks_piling_up_are_reported_as_a_leak() {
    let rt = watched(1);
    settle(&rt);
    // Between two samples (at 0, 100, 200 and 300 ms), five more tasks that never end.
    let (report, _) = watch_from_outside(rt.handle(), true, 4, true);
    assert!(
        report.leaking,
        "five more tasks were spawned between every two samples and none ended, yet the report \
         says no leak; alive tasks at each of its {} sample(s): {:?}. A leak is a trend: alive \
         tasks rising from every sample to the next, which one sample cannot show",
        report.samples.len(),
        alive(&report)
    );
}

#[test]
fn a_steady_number_of_tasks_is_not_a_leak() {
    let rt = watched(2);
    spawn_forever(rt.handle(), 3);
    settle(&rt);
    let (report, _) = watch_from_outside(rt.handle(), true, 4, false);
    assert_eq!(alive(&report), vec![3; 4], "alive tasks at each sample");
    assert!(
        !report.leaking,
        "three tasks at every sample is not a leak, whatever the count: only a rise from every \
         sample to the next is"
    );
    assert_eq!(
        report.starved,
        Vec::<usize>::new(),
        "every worker was parked (an odd park/unpark count) through the watch, so none is starved"
    );
}

#[test]
fn the_report_is_about_the_runtime_it_was_given() {
    let rt = watched(2);
    spawn_forever(rt.handle(), 5);
    settle(&rt);
    let (report, _) = watch_from_outside(rt.handle(), true, 2, false);
    let seen = (
        report.workers,
        report
            .samples
            .last()
            .map(|s| (s.alive_tasks, s.park_unpark.len())),
    );
    assert_eq!(
        seen,
        (2, Some((5, 2))),
        "watch was handed a runtime with 2 workers and 5 tasks, and reported (workers, (alive \
         tasks, park/unpark counts) in its last sample) as above: these are the metrics of \
         another runtime. Handle::current() inside watch is the runtime the watchdog runs on; \
         read the metrics of the Handle it was given"
    );
}

#[test]
fn watch_takes_its_samples_on_the_runtime_s_timer() {
    let rt = watched(1);
    settle(&rt);
    let (report, waited) = watch_from_outside(rt.handle(), true, 4, false);
    assert_eq!(
        report.samples.len(),
        4,
        "watch was asked for 4 samples and took {}: one sample shows no trend, neither a worker \
         that stays stuck nor tasks that keep piling up",
        report.samples.len()
    );
    // Tokio's timer rounds each sleep up to its next millisecond tick, so a few ms more.
    assert!(
        waited >= 3 * PAUSED_EVERY,
        "4 samples 100 ms apart take 300 ms of the watchdog runtime's time, and these took \
         {waited:?}: watch waited without Tokio's timer. std::thread::sleep blocks the thread \
         the watchdog runs on, and every other task of its runtime with it (on the watched \
         runtime, the watchdog itself would hold a worker and look starved). Wait with \
         tokio::time::sleep(every).await"
    );
}

#[test]
fn from_samples_reads_a_trend_not_a_snapshot() {
    let s = |alive_tasks: usize, park_unpark: [u64; 2]| Sample {
        alive_tasks,
        global_queue_depth: 0,
        park_unpark: park_unpark.to_vec(),
    };
    let one = Report::from_samples(2, vec![s(9, [4, 6])]);
    assert_eq!(
        (one.starved.clone(), one.leaking),
        (Vec::new(), false),
        "from one sample nothing can be said: an even count only means a worker is awake at \
         that instant, and a number of tasks is no trend"
    );
    assert_eq!(one.samples.len(), 1);

    let stuck = Report::from_samples(2, vec![s(2, [4, 7]), s(2, [4, 9]), s(2, [4, 11])]);
    assert_eq!(
        stuck.starved,
        vec![0],
        "worker 0's count stayed at 4 (awake) across the samples, worker 1's moved: only worker \
         0 is starved"
    );
    let parked = Report::from_samples(2, vec![s(2, [5, 6]), s(2, [5, 8])]);
    assert_eq!(
        parked.starved,
        vec![],
        "worker 0's count stayed at 5, odd: parked, which is idle, not starved; worker 1's moved"
    );

    let rising = Report::from_samples(2, vec![s(1, [5, 5]), s(4, [5, 5]), s(9, [5, 5])]);
    assert!(
        rising.leaking,
        "alive tasks 1, 4, 9: rising at every sample"
    );
    let wave = Report::from_samples(2, vec![s(1, [5, 5]), s(9, [5, 5]), s(2, [5, 5])]);
    assert!(
        !wave.leaking,
        "alive tasks 1, 9, 2: a burst that ended is not a leak"
    );
}
