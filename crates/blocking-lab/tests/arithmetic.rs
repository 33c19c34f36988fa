//! The report's arithmetic on made-up inputs, checked exactly: percentiles, the longest gap,
//! throughput, percentages, medians and their spread, the interleaved schedule, and how one
//! case's runs become a table row. Nothing here measures time.

use std::time::Duration;

use blocking_lab::lab::{Config, schedule, summarise};
use blocking_lab::run::CaseRun;
use blocking_lab::stats::{Spread, lateness, longest_gap, percent_of, percentile, throughput};
use blocking_lab::{Case, Flavour, LabError, Strategy};

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn percentile_is_nearest_rank() {
    // 1..=100 ms, shuffled, so the function must sort.
    let mut samples: Vec<Duration> = (1..=100).map(ms).collect();
    samples.reverse();
    samples.swap(3, 70);
    assert_eq!(percentile(&samples, 50.0), Some(ms(50)));
    assert_eq!(percentile(&samples, 99.0), Some(ms(99)));
    assert_eq!(percentile(&samples, 100.0), Some(ms(100)));
    assert_eq!(percentile(&samples, 0.0), Some(ms(1)));
    // With ten samples the p99 rank is ceil(9.9) = 10: the largest.
    let ten: Vec<Duration> = (1..=10).map(ms).collect();
    assert_eq!(percentile(&ten, 99.0), Some(ms(10)));
    assert_eq!(percentile(&ten, 50.0), Some(ms(5)));
    assert_eq!(percentile(&ten, 51.0), Some(ms(6)));
    assert_eq!(percentile(&[], 50.0), None);
}

#[test]
fn lateness_summary_of_a_single_freeze() {
    // 990 punctual ticks and one 10 ms freeze seen as ten late ticks (10, 9, ... 1 ms late), the
    // way the heartbeat counts ticks that fell due while it was frozen.
    let mut samples = vec![Duration::ZERO; 990];
    samples.extend((1..=10).map(ms));
    let late = lateness(&samples).unwrap();
    assert_eq!(late.p50, Duration::ZERO);
    // 1000 samples: the p99 is the 990th smallest, the last punctual tick. One more late tick
    // moves the rank to 991, the first late one (1 ms).
    assert_eq!(late.p99, Duration::ZERO);
    assert_eq!(late.max, ms(10));
    samples.push(ms(11));
    assert_eq!(lateness(&samples).unwrap().p99, ms(1));
    assert!(lateness(&[]).is_none());
}

#[test]
fn longest_gap_between_beats() {
    let beats = [0, 1, 2, 7, 8, 9, 12].map(ms);
    assert_eq!(longest_gap(&beats), Some(ms(5)));
    assert_eq!(longest_gap(&[ms(3), ms(4)]), Some(ms(1)));
    assert_eq!(longest_gap(&[ms(3)]), None);
    assert_eq!(longest_gap(&[]), None);
}

#[test]
fn throughput_and_percent_of_limit() {
    assert_eq!(throughput(200, ms(800)), 250.0);
    assert_eq!(throughput(3, Duration::from_micros(1500)), 2000.0);
    assert_eq!(throughput(5, Duration::ZERO), 0.0);
    assert_eq!(percent_of(225.0, 250.0), 90.0);
    assert_eq!(percent_of(50.0, 0.0), 0.0);
}

#[test]
fn spread_is_median_min_max() {
    let odd = Spread::of(&[3.0, 1.0, 2.0]).unwrap();
    assert_eq!((odd.median, odd.min, odd.max), (2.0, 1.0, 3.0));
    let even = Spread::of(&[10.0, 1.0, 3.0, 2.0]).unwrap();
    assert_eq!((even.median, even.min, even.max), (2.5, 1.0, 10.0));
    assert!(Spread::of(&[]).is_none());
    assert!(Spread::of(&[1.0, f64::NAN]).is_none());
}

#[test]
fn schedule_interleaves_every_unit_once_per_repetition() {
    let units = 14;
    let reps = 3;
    let orders: Vec<Vec<usize>> = (0..reps).map(|rep| schedule(units, rep, reps)).collect();
    for order in &orders {
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(
            sorted,
            (0..units).collect::<Vec<_>>(),
            "each unit exactly once"
        );
    }
    assert_eq!(orders[0], (0..14).collect::<Vec<_>>());
    // Repetition 1 starts a third of the way along and runs backwards; repetition 2 starts two
    // thirds of the way along and runs forwards.
    assert_eq!(orders[1][..3], [3, 2, 1]);
    assert_eq!(orders[2][..3], [9, 10, 11]);
    assert_eq!(schedule(0, 1, 3), Vec::<usize>::new());
}

/// A run whose every figure is known: heartbeat ticks late by `late` (in ms) and beats at
/// `beats` (in ms), `jobs` jobs of `job` ms each in a window of `window` ms.
fn run(late: &[u64], beats: &[u64], jobs: usize, job: u64, window: u64) -> CaseRun {
    CaseRun {
        case: Case {
            strategy: Strategy::Pool,
            flavour: Flavour::MultiThread,
        },
        lateness: late.iter().copied().map(ms).collect(),
        beats: beats.iter().copied().map(ms).collect(),
        window_start: ms(1),
        window: ms(window),
        handover: ms(window / 10),
        job_times: vec![ms(job); jobs],
        checksum: [0; 32],
        peak_threads: Some(jobs + 3),
    }
}

#[test]
fn summarise_reduces_runs_to_a_row() {
    let case = Case {
        strategy: Strategy::Pool,
        flavour: Flavour::MultiThread,
    };
    let runs = [
        // p50 1, p99 9, max 9, freeze 6, 100 jobs in 500 ms = 200/s
        run(&[1, 1, 1, 9], &[0, 1, 7, 8], 100, 5, 500),
        // p50 2, p99 4, max 4, freeze 2, 100 jobs in 400 ms = 250/s
        run(&[2, 2, 2, 4], &[0, 2, 4], 100, 4, 400),
        // p50 3, p99 30, max 30, freeze 20, 100 jobs in 1000 ms = 100/s
        run(&[3, 3, 3, 30], &[0, 20, 21], 100, 6, 1000),
    ];
    let limits = [250.0, 250.0, 200.0];
    let (row, trace) = summarise(case, &runs, &limits).unwrap();
    assert_eq!(row.case, case);
    assert_eq!(
        row.peak_threads,
        Some(Spread {
            median: 103.0,
            min: 103.0,
            max: 103.0
        }),
        "the peak thread count of every repetition, summarised like the other figures"
    );
    let mut uncounted = runs.clone();
    uncounted[1].peak_threads = None;
    let (row, _) = summarise(case, &uncounted, &limits).unwrap();
    assert_eq!(
        row.peak_threads, None,
        "a repetition whose count is unknown makes the figure unknown, not a smaller one"
    );
    assert_eq!(
        row.lateness_p50_ms,
        Spread {
            median: 2.0,
            min: 1.0,
            max: 3.0
        }
    );
    assert_eq!(
        row.lateness_p99_ms,
        Spread {
            median: 9.0,
            min: 4.0,
            max: 30.0
        }
    );
    assert_eq!(
        row.lateness_max_ms,
        Spread {
            median: 9.0,
            min: 4.0,
            max: 30.0
        }
    );
    assert_eq!(
        row.longest_freeze_ms,
        Spread {
            median: 6.0,
            min: 2.0,
            max: 20.0
        }
    );
    assert_eq!(
        row.job_ms,
        Spread {
            median: 5.0,
            min: 4.0,
            max: 6.0
        }
    );
    // Hand-over times of 50, 40 and 100 ms (a tenth of each window).
    assert_eq!(
        row.handover_ms,
        Spread {
            median: 50.0,
            min: 40.0,
            max: 100.0
        }
    );
    assert_eq!(
        row.jobs_per_sec,
        Spread {
            median: 200.0,
            min: 100.0,
            max: 250.0
        }
    );
    // Each repetition against its own limit: 80 %, 100 %, 50 %.
    assert_eq!(
        row.percent_of_limit,
        Spread {
            median: 80.0,
            min: 50.0,
            max: 100.0
        }
    );
    // The chart shows the run with the median p99 (the first), with times measured from the
    // start of the job window (1 ms after the heartbeat started).
    assert_eq!(trace.rep, 0);
    assert_eq!(trace.gaps, vec![(0.0, 1.0), (6.0, 6.0), (7.0, 1.0)]);
    assert_eq!(trace.window_ms, 500.0);
}

#[test]
fn summarise_refuses_a_run_without_samples() {
    let case = Case {
        strategy: Strategy::Inline,
        flavour: Flavour::CurrentThread,
    };
    let empty = run(&[], &[0], 1, 5, 5);
    assert!(matches!(
        summarise(case, &[empty], &[1.0]),
        Err(LabError::NoSamples)
    ));
}

#[test]
fn names_parse_and_unknown_ones_list_the_choices() {
    for strategy in Strategy::ALL {
        assert_eq!(strategy.name().parse::<Strategy>().unwrap(), strategy);
    }
    for flavour in Flavour::ALL {
        assert_eq!(flavour.name().parse::<Flavour>().unwrap(), flavour);
    }
    let err = "spawn-blocking"
        .parse::<Strategy>()
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown strategy `spawn-blocking`"), "{err}");
    assert!(err.contains("spawn_blocking_bounded"), "{err}");
}

#[test]
fn block_in_place_is_left_out_of_current_thread() {
    let config = Config::standard();
    let cases = config.cases();
    assert_eq!(cases.len(), 13);
    assert!(!cases.contains(&Case {
        strategy: Strategy::BlockInPlace,
        flavour: Flavour::CurrentThread
    }));
    assert!(cases.contains(&Case {
        strategy: Strategy::BlockInPlace,
        flavour: Flavour::MultiThread
    }));
}

#[test]
fn impossible_configurations_are_refused_before_measuring() {
    let mut config = Config::standard();
    config.jobs = 0;
    let err = blocking_lab::run_lab(&config, |_| {}).unwrap_err();
    assert!(matches!(err, LabError::Config(_)), "{err}");

    let mut config = Config::standard();
    config.strategies = vec![Strategy::BlockInPlace];
    config.flavours = vec![Flavour::CurrentThread];
    let err = blocking_lab::run_lab(&config, |_| {}).unwrap_err();
    assert!(
        err.to_string()
            .contains("block_in_place needs multi_thread"),
        "{err}"
    );
}
