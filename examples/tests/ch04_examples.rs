//! Runs the chapter 4 examples (`tokio22` to `tokio26`, the fixes for `tokio7`..`tokio9`) and
//! checks what each header promises.
//!
//! Where the order of lines depends on thread timing (several producers, several workers, a
//! shutdown signal racing the producer), the tests check the rules that hold on every run instead
//! of one particular order: every job's result present and correct, per-producer order kept,
//! accepted equals finished.

mod harness;

use std::collections::BTreeSet;
use std::time::Duration;

use harness::{assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run. The longest example needs about 3.2 s; the margin is for a busy
/// machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(30);

/// The hash every example prints for job `n`: blake3 of `"Task n"`, in hex.
fn task_hash(n: usize) -> String {
    blake3::hash(format!("Task {n}").as_bytes()).to_string()
}

#[test]
fn tokio22_waits_for_the_producer_and_the_worker() {
    let run = run_to_end("tokio22", ENDS_WITHIN);
    let promised = header_text_block("tokio22", 1);
    assert_eq!(run.texts(), promised, "{run}");
    for (i, line) in promised.iter().take(3).enumerate() {
        assert_eq!(*line, format!("Worker got result: {}", task_hash(i + 1)));
    }
}

#[test]
fn tokio23_join_returns_once_every_sender_is_dropped() {
    let run = run_to_end("tokio23", ENDS_WITHIN);
    let promised = header_text_block("tokio23", 1);
    let texts = run.texts();
    assert_eq!(texts.len(), 5, "{run}");
    assert_eq!(texts[4], promised[4], "{run}");

    // The four results in any order, but each producer's jobs in the order it sent them.
    let got: BTreeSet<&str> = texts[..4].iter().copied().collect();
    let expected: BTreeSet<&str> = promised[..4].iter().map(String::as_str).collect();
    assert_eq!(got, expected, "{run}");
    for n in 1..=4 {
        let line = format!("Worker got result for Task {n}: {}", task_hash(n));
        assert!(got.contains(line.as_str()), "missing {line:?}\n{run}");
    }
    let at = |n: usize| {
        texts
            .iter()
            .position(|l| l.starts_with(&format!("Worker got result for Task {n}:")))
            .expect("checked above")
    };
    assert!(at(1) < at(2) && at(3) < at(4), "{run}");
}

#[test]
fn tokio24_each_caller_gets_its_own_answer() {
    let run = run_to_end("tokio24", ENDS_WITHIN);
    let promised = header_text_block("tokio24", 1);
    assert_eq!(run.texts(), promised, "{run}");
    for (i, line) in promised.iter().take(3).enumerate() {
        assert_eq!(*line, format!("Task {} -> {}", i + 1, task_hash(i + 1)));
    }
}

#[test]
fn tokio25_three_workers_share_the_queue() {
    let run = run_to_end("tokio25", ENDS_WITHIN);
    let texts = run.texts();
    assert_eq!(texts.len(), 7, "{run}");

    let mut jobs = BTreeSet::new();
    for line in &texts[..6] {
        // "worker W: Task N -> HASH"
        let (worker, rest) = line
            .strip_prefix("worker ")
            .and_then(|l| l.split_once(": Task "))
            .unwrap_or_else(|| panic!("unexpected line {line:?}\n{run}"));
        let (n, hash) = rest
            .split_once(" -> ")
            .unwrap_or_else(|| panic!("unexpected line {line:?}\n{run}"));
        let n: usize = n.parse().expect("a job number");
        assert!(["1", "2", "3"].contains(&worker), "{run}");
        assert_eq!(hash, task_hash(n), "{run}");
        jobs.insert(n);
    }
    assert_eq!(jobs, (1..=6).collect(), "{run}");

    // One worker would need 6 × 800 ms = 4.8 s; three need about 1.6 s. Asking for under 4 s
    // proves the jobs overlapped while leaving a wide margin for a busy machine.
    let secs: f64 = texts[6]
        .strip_prefix("6 jobs on 3 workers in ")
        .and_then(|rest| rest.strip_suffix(" s"))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("unexpected summary line\n{run}"));
    assert!(secs < 4.0, "the workers did not overlap: {secs} s\n{run}");
}

#[test]
fn tokio26_shutdown_finishes_every_accepted_job() {
    let run = run_to_end("tokio26", ENDS_WITHIN);
    let texts = run.texts();

    let accepted: Vec<&str> = texts
        .iter()
        .copied()
        .filter(|l| l.starts_with("accepted "))
        .collect();
    let n = accepted.len();
    assert!(n >= 1, "{run}");
    for (i, line) in accepted.iter().enumerate() {
        assert_eq!(*line, format!("accepted Task {}", i + 1), "{run}");
    }

    // Every accepted job finished, in the order it was accepted, with the right hash.
    let results: Vec<&str> = texts
        .iter()
        .copied()
        .filter(|l| l.starts_with("Worker got result"))
        .collect();
    let expected: Vec<String> = (1..=n)
        .map(|i| format!("Worker got result for Task {i}: {}", task_hash(i)))
        .collect();
    assert_eq!(results, expected, "{run}");

    // The shutdown came while jobs were still queued, and they were finished afterwards: the
    // producer outpaces a 200 ms worker, so the queue is full when the 1 s signal arrives.
    let requested = texts
        .iter()
        .position(|l| *l == "shutdown requested: accepting no more jobs")
        .unwrap_or_else(|| panic!("no shutdown line\n{run}"));
    assert!(
        texts[requested..]
            .iter()
            .any(|l| l.starts_with("Worker got result")),
        "no queued job was finished after the shutdown request\n{run}"
    );
    assert!(
        !texts[requested..]
            .iter()
            .any(|l| l.starts_with("accepted ")),
        "a job was accepted after the shutdown request\n{run}"
    );
    assert_eq!(
        texts.last().copied(),
        Some(format!("shutdown complete: {n} jobs accepted, {n} finished").as_str()),
        "{run}"
    );
}

#[test]
fn the_book_shows_only_checked_outputs() {
    // Every output block on the chapter's page is one of these examples' header outputs, which
    // the tests above (or `lessons_1_to_9.rs`) compare with a real run.
    assert_page_shows_checked_outputs(
        "ch04-workers.md",
        &[
            "tokio8", "tokio9", "tokio22", "tokio23", "tokio24", "tokio25", "tokio26",
        ],
        // The benchmark's figures: a recorded run, shown with the command and the machine that
        // made them, as CONTRIBUTING.md asks for performance figures.
        &["15 batches per row, 2 cores seen"],
    );
}
