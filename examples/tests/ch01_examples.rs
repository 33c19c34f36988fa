//! Runs the chapter 1 examples added after the original lessons (`tokio10` to `tokio12`) and checks
//! what each header promises.
//!
//! The expected lines are read back out of each example's `//!` header, so header and program
//! cannot drift apart. The only output that varies between runs, `tokio12`'s timings, is checked
//! for its shape; everything else is compared exactly.

mod harness;

use std::time::Duration;

use harness::{assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run. All three finish in well under a second; the margin is for a busy
/// machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(20);

#[test]
fn tokio10_counts_exactly_and_drops_every_clone() {
    let run = run_to_end("tokio10", ENDS_WITHIN);
    let promised = header_text_block("tokio10", 1);
    assert_eq!(run.texts(), promised, "{run}");
    // The figures in the promise are the program's own constants multiplied out, not a guess.
    assert_eq!(promised[1], "8 threads added 1000 each: counter = 8000");
}

#[test]
fn tokio11_channels_print_in_causal_order() {
    // The order is fixed by the program's own hand-offs, so one exact comparison covers it.
    // Running it a few times makes a lucky pass of a racy order less likely.
    for _ in 0..3 {
        let run = run_to_end("tokio11", ENDS_WITHIN);
        assert_eq!(run.texts(), header_text_block("tokio11", 1), "{run}");
    }
}

#[test]
fn tokio12_parallel_and_sequential_hashes_agree() {
    let run = run_to_end("tokio12", ENDS_WITHIN);
    let promised = header_text_block("tokio12", 1);
    let texts = run.texts();
    assert_eq!(texts.len(), 4, "{run}");
    assert_eq!(texts[0], promised[0], "{run}");
    assert_eq!(texts[2], promised[2], "{run}");
    assert_eq!(texts[3], promised[3], "{run}");

    // The timing line: "sequential: <time>, parallel on <N> threads: <time>", N at least 1.
    let timing = texts[1];
    let rest = timing
        .strip_prefix("sequential: ")
        .unwrap_or_else(|| panic!("unexpected timing line {timing:?}\n{run}"));
    let (_, rest) = rest
        .split_once(", parallel on ")
        .unwrap_or_else(|| panic!("unexpected timing line {timing:?}\n{run}"));
    let (threads, _) = rest
        .split_once(" threads: ")
        .unwrap_or_else(|| panic!("unexpected timing line {timing:?}\n{run}"));
    let threads: usize = threads
        .parse()
        .unwrap_or_else(|_| panic!("thread count {threads:?} is not a number\n{run}"));
    assert!(threads >= 1, "{run}");

    // Recompute the promised digest here from the same inputs, so the header's hash is checked
    // against blake3 itself and not only against the example.
    let mut all = blake3::Hasher::new();
    for i in 0..256_usize {
        let buf: Vec<u8> = (0..64 * 1024_usize)
            .map(|j| (i.wrapping_mul(31) ^ j.wrapping_mul(7)) as u8)
            .collect();
        all.update(blake3::hash(&buf).as_bytes());
    }
    assert_eq!(
        promised[3],
        format!("hash of all the hashes: {}", all.finalize()),
        "the header's digest does not match the inputs"
    );
}

#[test]
fn the_book_shows_only_checked_outputs() {
    // Every output block on the chapter's page is one of these examples' header outputs, which
    // the tests above (or `lessons_1_to_9.rs`) compare with a real run.
    assert_page_shows_checked_outputs(
        "ch01-threads.md",
        &["tokio1", "tokio3", "tokio10", "tokio11", "tokio12"],
        &[],
    );
}
