//! Tests for the `borrowed_lookups` exercise. Do not edit: `cargo lab check borrowed_lookups` runs
//! this file as it is, against your `src/lib.rs`.
//!
//! Every store and every key here is a local of the test, borrowed by `lookup_all`: nothing is
//! `'static`. The tests run on Tokio's paused clock (`tokio::time::pause`), so each lookup's delay
//! is exact and takes no real time, and the store counts how many lookups ran at once.

use std::task::Context;
use std::time::Duration;

use borrowed_lookups::{Store, lookup_all};
use testkit::Flavor;
use tokio::time::Instant;

/// The real-time limit for every test body; the clock is paused, so a correct `lookup_all` needs
/// a few milliseconds. The margin is for a machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(10);

/// Runs `body` on a fresh current_thread runtime with Tokio's clock paused.
fn paused<F: Future<Output = ()> + 'static>(body: impl FnOnce() -> F + Send + 'static) {
    testkit::run(Flavor::CurrentThread, LIMIT, || async move {
        tokio::time::pause();
        body().await;
    });
}

/// More polls of `lookup_all` than a correct one needs by far: it is polled about once per lookup
/// that ends. A loop that never waits makes thousands in a millisecond.
const MAX_POLLS: usize = 1000;

/// Runs `lookup_all`'s future and fails, naming the cause, when it is polled over and over: on a
/// paused clock a task that never sleeps keeps time from moving, so it would only show up as a
/// time-out.
async fn not_spinning<F: Future>(fut: F) -> F::Output {
    let mut fut = std::pin::pin!(fut);
    let mut polls = 0;
    std::future::poll_fn(|cx: &mut Context<'_>| {
        polls += 1;
        assert!(
            polls <= MAX_POLLS,
            "lookup_all was polled more than {MAX_POLLS} times while its lookups ran: it is a \
             busy loop, not a wait. A loop that checks the running lookups without waiting \
             (now_or_never, try_next, poll_next_unpin) and gives way with yield_now is always \
             ready to run again, so the runtime never idles (and Tokio's paused clock never \
             moves). Await running.next(): the task then sleeps until a lookup ends"
        );
        fut.as_mut().poll(cx)
    })
    .await
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// Whether `got` is `expected`, give or take the timer's rounding: Tokio's timer counts whole
/// milliseconds and rounds a deadline up, so each sleep on the paused clock may end up to 1 ms
/// late.
fn about(got: Duration, expected: Duration) -> bool {
    got >= expected && got <= expected + ms(5)
}

/// Keys `k1`..=`kn` as owned strings: the test owns them, `lookup_all` only borrows them.
fn key_names(n: u64) -> Vec<String> {
    (1..=n).map(|i| format!("k{i}")).collect()
}

/// A store holding key `k{i}` with value `i * 10`, each lookup taking `delay`.
fn uniform_store(keys: &[String], delay: Duration) -> Store {
    Store::new(
        keys.iter()
            .zip(1..)
            .map(|(key, i)| (key.as_str(), i * 10, delay)),
    )
}

/// Fails with the cause named when keys the store holds came back `None`: lookups that never
/// gave their value.
fn assert_none_lost(values: &[Option<u64>], expected: &[Option<u64>]) {
    let lost = values
        .iter()
        .zip(expected)
        .filter(|(got, want)| got.is_none() && want.is_some())
        .count();
    assert!(
        lost == 0,
        "{lost} keys the store holds came back None ({values:?}, expected {expected:?}): their \
         lookups never gave their value. Most likely lookup_all returned while lookups were still \
         running: when no key is left to start, go on awaiting running.next() until it returns \
         None, to drain the lookups still running. (Or their values went to the wrong index: \
         keep each key's index with its lookup.)"
    );
}

/// Fails with the cause named when the lookups ran one after another: the store never saw two at
/// once.
fn assert_not_one_at_a_time(store: &Store) {
    assert!(
        store.most_in_flight() > 1,
        "the lookups ran one at a time: awaiting each store.get in turn waits for it to end \
         before the next starts. Push them into a FuturesUnordered and await its next() instead"
    );
}

/// Fails with the cause named when more than `limit` lookups ran at once.
fn assert_within_limit(store: &Store, limit: usize) {
    let most = store.most_in_flight();
    assert!(
        most <= limit,
        "{most} lookups ran at once with a limit of {limit}: start only `limit` lookups, and one \
         more each time one ends"
    );
}

#[test]
fn values_come_back_in_the_order_of_the_keys() {
    paused(|| async {
        // The first key is the slowest: the lookups finish in the reverse order of the keys.
        let store = Store::new([
            ("a", 1, ms(40)),
            ("b", 2, ms(30)),
            ("c", 3, ms(20)),
            ("d", 4, ms(10)),
        ]);
        let keys = ["a", "b", "missing", "c", "d"];
        let values = not_spinning(lookup_all(&store, &keys, 5)).await;
        assert_none_lost(&values, &[Some(1), Some(2), None, Some(3), Some(4)]);
        assert_eq!(
            values,
            [Some(1), Some(2), None, Some(3), Some(4)],
            "one value per key, in the order of the keys (not the order the lookups finish), \
             and None for a key the store lacks"
        );
        assert_eq!(store.calls(), 5, "one lookup per key");
    });
}

#[test]
fn lookups_run_at_the_same_time() {
    paused(|| async {
        let names = key_names(8);
        let keys: Vec<&str> = names.iter().map(String::as_str).collect();
        let store = uniform_store(&names, ms(100));
        let start = Instant::now();
        let values = not_spinning(lookup_all(&store, &keys, 4)).await;
        let took = start.elapsed();
        let expected: Vec<_> = (1..=8).map(|i| Some(i * 10)).collect();
        assert_none_lost(&values, &expected);
        assert_eq!(values, expected);
        assert_not_one_at_a_time(&store);
        assert_within_limit(&store, 4);
        assert!(
            about(took, ms(200)),
            "8 lookups of 100 ms, 4 at a time, should take about 200 ms of (paused) time; they \
             took {took:?}"
        );
    });
}

#[test]
fn never_more_than_limit_lookups_at_once() {
    paused(|| async {
        let names = key_names(12);
        let keys: Vec<&str> = names.iter().map(String::as_str).collect();
        let store = uniform_store(&names, ms(50));
        not_spinning(lookup_all(&store, &keys, 3)).await;
        assert_not_one_at_a_time(&store);
        assert_within_limit(&store, 3);
        let most = store.most_in_flight();
        assert_eq!(
            most, 3,
            "with 12 keys and a limit of 3, 3 lookups should run at once, not fewer"
        );
    });
}

#[test]
fn a_slow_key_does_not_hold_the_other_slots() {
    paused(|| async {
        // With a limit of 2: "slow" takes 100 ms; the four quick keys can all run in the other
        // slot meanwhile, one after another, so the whole takes 100 ms.
        let store = Store::new([
            ("slow", 1, ms(100)),
            ("q1", 2, ms(20)),
            ("q2", 3, ms(20)),
            ("q3", 4, ms(20)),
            ("q4", 5, ms(20)),
        ]);
        let keys = ["slow", "q1", "q2", "q3", "q4"];
        let start = Instant::now();
        let values = not_spinning(lookup_all(&store, &keys, 2)).await;
        let took = start.elapsed();
        assert_none_lost(&values, &[Some(1), Some(2), Some(3), Some(4), Some(5)]);
        assert_eq!(values, [Some(1), Some(2), Some(3), Some(4), Some(5)]);
        assert_not_one_at_a_time(&store);
        assert!(
            about(took, ms(100)),
            "the lookups took {took:?} of (paused) time instead of about 100 ms: a new lookup \
             must start as soon as one ends. Batches of `limit` (or `buffered`, which keeps a \
             finished lookup's slot until the ones before it are yielded) leave a slot idle \
             behind the slow key"
        );
    });
}

#[test]
fn no_keys_no_lookups() {
    paused(|| async {
        let store = Store::new([("a", 1, ms(10))]);
        assert_eq!(lookup_all(&store, &[], 4).await, []);
        assert_eq!(store.calls(), 0, "no key, no lookup");
    });
}

#[test]
#[should_panic(expected = "limit")]
fn a_limit_of_zero_is_refused() {
    paused(|| async {
        let store = Store::new([("a", 1, ms(10))]);
        lookup_all(&store, &["a"], 0).await;
    });
}
