//! Tests for `compute_stats`: the right figures, `None` for an empty stream, a `!Unpin` stream
//! that waits between items (paused clock), a mean that does not overflow, and memory that does not
//! grow with the stream: the bytes allocated while 100,000 items go through are counted.

use std::task::Poll;
use std::time::Duration;

use futures::stream::{self, StreamExt};
use stats::{Stats, compute_stats};
use testkit::{Flavor, Manual};

/// Real-time limit for a runtime test; the clock is paused, so the tests need milliseconds. The
/// margin is for a machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(2);

/// Counts the bytes each thread allocates (`alloc_meter::thread_allocated`). Each test runs on its
/// own thread, so parallel tests do not count each other's allocations.
#[global_allocator]
static GLOBAL: alloc_meter::Meter = alloc_meter::Meter;

/// What a wrong mean most often means.
const RUNNING_MEAN: &str = "a running mean divides by the count that includes the new item: \
    count += 1, then mean += (x - mean) / count";

/// Runs `compute_stats` on a ready stream by hand, on this thread, with no runtime.
fn stats_of(values: Vec<f64>) -> Option<Stats> {
    match Manual::new(compute_stats(stream::iter(values))).poll() {
        Poll::Ready(stats) => stats,
        Poll::Pending => panic!(
            "compute_stats returned Pending on a stream whose items are all ready: it waited for \
             something that never happens"
        ),
    }
}

#[test]
fn figures_of_a_few_numbers() {
    let stats = stats_of(vec![4.0, -2.0, 10.0, 0.0]).expect("four items: Some(Stats)");
    assert_eq!(stats.count, 4, "count: {stats:?}");
    assert_eq!(stats.min, -2.0, "min: {stats:?}");
    assert_eq!(stats.max, 10.0, "max: {stats:?}");
    assert!(
        (stats.mean - 3.0).abs() < 1e-12,
        "the mean of 4, -2, 10, 0 is 3, not {}: {RUNNING_MEAN}",
        stats.mean
    );
}

#[test]
fn one_number_is_its_own_min_max_and_mean() {
    assert_eq!(
        stats_of(vec![-7.5]),
        Some(Stats {
            count: 1,
            min: -7.5,
            max: -7.5,
            mean: -7.5
        }),
        "a single item is the minimum, the maximum and the mean: the first item must go into \
         every figure, the bounds too (start min and max from it, or compare it like every \
         other item)"
    );
}

#[test]
fn an_empty_stream_has_no_stats() {
    assert_eq!(
        stats_of(Vec::new()),
        None,
        "an empty stream has no minimum, maximum or mean: return None, not infinities or NaN"
    );
}

#[test]
fn the_mean_of_huge_numbers_does_not_overflow() {
    let stats = stats_of(vec![1e308, 1e308, 1e308]).expect("three items");
    assert!(
        (stats.mean - 1e308).abs() < 1e295,
        "the mean of three times 1e308 is 1e308, got {}: adding the items up first overflows f64 \
         to infinity; update a running mean instead (mean += (x - mean) / count)",
        stats.mean
    );
}

#[test]
fn accepts_a_stream_that_is_not_unpin_and_waits_between_items() {
    let stats = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        // `then` with an `async` block makes a stream that is not `Unpin`.
        let slow = stream::iter([1.0, 2.0, 6.0]).then(|x| async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            x
        });
        compute_stats(slow).await
    });
    let stats = stats.expect("three items, each after a wait: Some(Stats)");
    assert_eq!(
        (stats.count, stats.min, stats.max),
        (3, 1.0, 6.0),
        "a stream that waits between its items must give the same count, min and max: \
         {stats:?}"
    );
    assert!(
        (stats.mean - 3.0).abs() < 1e-12,
        "the mean of 1, 2, 6 is 3, not {}: {RUNNING_MEAN}",
        stats.mean
    );
}

#[test]
fn memory_does_not_grow_with_the_stream() {
    const ITEMS: usize = 100_000;
    let values = stream::iter(0..ITEMS).map(|i| i as f64);
    let mut fut = Manual::new(compute_stats(values));
    let before = alloc_meter::thread_allocated();
    let result = fut.poll();
    let allocated = alloc_meter::thread_allocated() - before;
    let Poll::Ready(Some(stats)) = result else {
        panic!("compute_stats did not finish a ready stream of {ITEMS} items in one poll");
    };
    assert_eq!(stats.count, ITEMS, "count: {stats:?}");
    assert!(
        (stats.mean - (ITEMS - 1) as f64 / 2.0).abs() < 1e-6,
        "the mean of 0..{ITEMS} is {}, not {}: {RUNNING_MEAN}",
        (ITEMS - 1) as f64 / 2.0,
        stats.mean
    );
    // Collecting 100,000 f64 takes at least 800,000 bytes; reading item by item needs none.
    assert!(
        allocated < 64 * 1024,
        "compute_stats allocated {allocated} bytes for a stream of {ITEMS} items: it collects the \
         stream (or its items) instead of updating the figures one item at a time"
    );
}
