//! Tests for the `cooperative_loop` exercise. Do not edit: `cargo lab check cooperative_loop`
//! runs this file as it is, against your `src/lib.rs`.
//!
//! Everything here is checked by the order of events on a current_thread runtime, never by the
//! clock: which task recorded a round when. That order is decided by the scheduler alone, so the
//! tests give the same answer on a fast machine and on a busy one.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cooperative_loop::{ROUND_HASHES, crunch};
use testkit::Flavor;

/// The time-out for every test body; each needs well under a second.
const LIMIT: Duration = Duration::from_secs(10);

/// Rounds per crunch in the ordering tests.
const ROUNDS: u32 = 8;

/// The most rounds one task may run in a row while another task is also waiting to run.
const MAX_IN_A_ROW: usize = 4;

/// What `crunch(start, rounds, ..)` must return, computed independently of the library.
fn reference(start: &[u8], rounds: u32) -> blake3::Hash {
    let mut state = blake3::hash(start);
    for _ in 0..rounds {
        for _ in 0..ROUND_HASHES {
            state = blake3::hash(state.as_bytes());
        }
    }
    state
}

/// The longest run of equal letters in `log`, looking only at the part where both `A` and `B`
/// still had rounds left.
fn longest_run_while_both_busy(log: &[char]) -> usize {
    let last_a = log.iter().rposition(|&c| c == 'A').unwrap_or(0);
    let last_b = log.iter().rposition(|&c| c == 'B').unwrap_or(0);
    let both_busy = &log[..=last_a.min(last_b)];
    both_busy
        .chunk_by(|x, y| x == y)
        .map(<[char]>::len)
        .max()
        .unwrap_or(0)
}

#[test]
fn two_crunchers_take_turns_on_a_current_thread_runtime() {
    let log = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let log = Arc::new(Mutex::new(Vec::new()));
        let spawn_cruncher = |name: char, start: &'static [u8]| {
            let log = Arc::clone(&log);
            tokio::spawn(crunch(start, ROUNDS, move |_| {
                log.lock().unwrap().push(name)
            }))
        };
        let a = spawn_cruncher('A', b"a");
        let b = spawn_cruncher('B', b"b");
        assert_eq!(
            a.await.unwrap(),
            reference(b"a", ROUNDS),
            "task A computes the same hash as the plain loop"
        );
        assert_eq!(
            b.await.unwrap(),
            reference(b"b", ROUNDS),
            "task B computes the same hash as the plain loop"
        );
        log.lock().unwrap().clone()
    });

    let shown: String = log.iter().collect();
    assert_eq!(log.len(), 2 * ROUNDS as usize, "rounds recorded: {shown}");
    let first_b = log.iter().position(|&c| c == 'B').unwrap();
    let last_a = log.iter().rposition(|&c| c == 'A').unwrap();
    assert!(
        first_b < last_a,
        "task B only started after task A had done all its rounds ({shown}): \
         `crunch` kept the runtime's thread between rounds and never gave the other task a turn"
    );
    let run = longest_run_while_both_busy(&log);
    assert!(
        run <= MAX_IN_A_ROW,
        "one task ran {run} rounds in a row while the other waited ({shown}); \
         give the other tasks a turn at least every {} rounds",
        MAX_IN_A_ROW / 2
    );
}

#[test]
fn another_task_keeps_running_during_a_long_crunch() {
    // A ticker task that does nothing but count and yield. If `crunch` gives the runtime back
    // between rounds, the ticker's count moves on while the crunch is still going.
    let seen = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let ticks = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let ticker = {
            let (ticks, stop) = (Arc::clone(&ticks), Arc::clone(&stop));
            tokio::spawn(async move {
                while !stop.load(Ordering::SeqCst) {
                    ticks.fetch_add(1, Ordering::SeqCst);
                    tokio::task::yield_now().await;
                }
            })
        };

        let mut seen = Vec::new();
        let result = crunch(b"ticker", ROUNDS, |_| {
            seen.push(ticks.load(Ordering::SeqCst))
        })
        .await;
        stop.store(true, Ordering::SeqCst);
        ticker.await.unwrap();
        assert_eq!(
            result,
            reference(b"ticker", ROUNDS),
            "the cruncher computes the same hash as the plain loop"
        );
        seen
    });

    let first = seen[0];
    let last = *seen.last().unwrap();
    assert!(
        last >= first + u64::from(ROUNDS) / 2,
        "the ticker's count at each round was {seen:?}: it hardly ran while `crunch` worked, so \
         `crunch` kept the runtime's thread between rounds instead of giving it back (a \
         `std::thread::sleep` keeps it too)"
    );
}

#[test]
fn rounds_are_reported_in_order_and_the_result_is_right_on_both_flavours() {
    testkit::run_both(LIMIT, || async {
        let mut rounds = Vec::new();
        let result = crunch(b"start", 5, |n| rounds.push(n)).await;
        assert_eq!(
            rounds,
            [1, 2, 3, 4, 5],
            "on_round is called once per round, with the round number, in order"
        );
        assert_eq!(
            result,
            reference(b"start", 5),
            "crunch computes the same hash as the plain loop"
        );
    });
}
