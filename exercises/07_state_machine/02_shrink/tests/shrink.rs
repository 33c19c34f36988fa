//! Tests for the shrunk `checksum`: its future is under 1 KiB, it returns the same totals as the
//! original, and it still yields once per round (its polls are counted on a runtime). The
//! expected totals are those of the original, 32 KiB buffer, whatever `CHUNK` says now.

use std::mem::size_of_val;
use std::time::Duration;

use shrink::{CHUNK, checksum};
use testkit::{Counted, Flavor};

/// Generous: the largest case here adds up 5 x 32 KiB bytes.
const LIMIT: Duration = Duration::from_secs(10);

/// The bound the exercise asks for.
const MAX_BYTES: usize = 1024;

/// The size of the original buffer, on which the expected totals are based.
const ORIGINAL_CHUNK: usize = 32 * 1024;

/// The total the original `checksum` returns, computed without any future.
fn reference(rounds: u32) -> u64 {
    (0..rounds)
        .map(|round| {
            (0..ORIGINAL_CHUNK)
                .map(|i| u64::from((i as u32 ^ round.wrapping_mul(7)) as u8))
                .sum::<u64>()
        })
        .sum()
}

#[test]
fn the_future_is_under_one_kib() {
    let size = size_of_val(&checksum(3));
    assert!(
        size < MAX_BYTES,
        "checksum's future is {size} bytes; it must be under {MAX_BYTES}. A local that lives \
         across an .await is stored in the future: the 32 KiB array is one"
    );
}

#[test]
fn the_buffer_is_still_32_kib() {
    assert_eq!(
        CHUNK, ORIGINAL_CHUNK,
        "CHUNK is {CHUNK} bytes, not 32 KiB: a smaller buffer makes the future small, but \
         shrinking the buffer changes what checksum computes. Keep the 32 KiB and change where \
         they live while the future is paused"
    );
}

#[test]
fn same_totals_as_the_original() {
    for rounds in [0, 1, 2, 5] {
        let got = testkit::run(Flavor::CurrentThread, LIMIT, move || checksum(rounds));
        assert_eq!(
            got,
            reference(rounds),
            "checksum({rounds}) must return what the original, with its 32 KiB buffer, returned"
        );
    }
}

#[test]
fn still_yields_once_per_round() {
    for rounds in [1u32, 4] {
        let (total, polls) = testkit::run(Flavor::CurrentThread, LIMIT, move || async move {
            let counted = Counted::new(checksum(rounds));
            let stats = counted.stats();
            let total = counted.await;
            (total, stats.polls())
        });
        assert_eq!(total, reference(rounds), "checksum({rounds}) total");
        assert_eq!(
            polls,
            rounds as usize + 1,
            "checksum({rounds}) must still yield to the runtime once per round (polled \
             {} times: once to start and once after each yield), not {polls}",
            rounds + 1
        );
    }
}

#[test]
fn checksums_run_side_by_side_as_spawned_tasks() {
    // `tokio::spawn` needs a `Send` future, and two checksums interleave on one thread: a buffer
    // moved out of the future must stay the future's own (a `Vec`, a `Box`), not a shared one
    // locked across the `.await`.
    testkit::run_both(LIMIT, || async {
        let tasks: Vec<_> = [1, 2]
            .into_iter()
            .map(|rounds| tokio::spawn(checksum(rounds)))
            .collect();
        for (rounds, task) in [1, 2].into_iter().zip(tasks) {
            assert_eq!(
                task.await.expect("a checksum task panicked"),
                reference(rounds),
                "checksum({rounds}) run as a task beside another must return what the original did"
            );
        }
    });
}
