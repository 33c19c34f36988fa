//! Tests for `choose`: one test per scenario, checking the tool and that the reason names the
//! factor that decides it (any of a few words for it, case ignored).

use choose_tool::{Choice, Scenario, Tool, choose};

/// Checks one scenario: the tool, then that the reason contains one of `factor`'s words, and
/// (but where the factor is an absence) not only where a `no`, `not` or `without` just before it
/// denies it (`no timeout or cancel logic is needed`, `without waiting`). A tool's name is not
/// its reason: `spawn_blocking` does not count as the word `block`.
fn check(scenario: Scenario, tool: Tool, wrong_tool: &str, factor: &[&str], factor_name: &str) {
    let Choice { tool: got, reason } = choose(scenario);
    assert_eq!(
        got, tool,
        "{scenario:?}: {got:?} does not fit. {wrong_tool}"
    );
    let lower = reason.to_lowercase().replace("spawn_blocking", "");
    // Where the factor is itself an absence ("nothing runs concurrently"), "no concurrency"
    // names it.
    let deny_counts = !matches!(scenario, Scenario::CopyOneFile);
    let named = factor.iter().any(|word| {
        lower
            .match_indices(word)
            .any(|(at, _)| !deny_counts || !denied(&lower[..at]))
    });
    let myth = if lower.contains("faster") {
        " (and a tool does not make the work faster: name what makes it fit)"
    } else {
        ""
    };
    assert!(
        named,
        "{scenario:?}: the tool is right, but the reason {reason:?} does not name the deciding \
         factor, or names it only to deny it: {factor_name} (one of the words {factor:?}){myth}"
    );
}

/// Whether the words just before a factor deny it: `no timeout`, `without waiting`, or `no
/// timeout or cancel`.
fn denied(before: &str) -> bool {
    const DENY: [&str; 5] = ["no", "not", "without", "never", "nor"];
    let words: Vec<&str> = before.split_whitespace().rev().take(3).collect();
    match words.as_slice() {
        [last, ..] if DENY.contains(last) => true,
        [joint, _, deny] => ["or", "and"].contains(joint) && DENY.contains(deny),
        _ => false,
    }
}

#[test]
fn chat_server() {
    check(
        Scenario::ChatServer,
        Tool::Async,
        "20,000 connections that are idle most of the time: think about what each one costs \
         while it waits, as a thread and as a task",
        &["idle", "wait"],
        "the connections are idle, waiting",
    );
}

#[test]
fn resize_photos() {
    check(
        Scenario::ResizePhotos,
        Tool::Rayon,
        "the work is pure computation on data in memory: nothing waits on I/O, so async has \
         nothing to overlap, and the job needs every core",
        &["cpu", "core", "comput"],
        "the work is CPU-bound and wants every core",
    );
}

#[test]
fn blocking_driver_in_handler() {
    check(
        Scenario::BlockingDriverInHandler,
        Tool::BlockingPool,
        "the program is async, and a blocking call made in a handler blocks the runtime's worker \
         thread and every task queued on it",
        &["block"],
        "the driver's calls block",
    );
}

#[test]
fn four_devices() {
    check(
        Scenario::FourDevices,
        Tool::Threads,
        "four long-lived loops making blocking calls: count what a thread costs at that number, \
         and what async would need from the vendor library",
        &["few", "four", "4 "],
        "there are only a few of them",
    );
}

#[test]
fn gateway_fan_out() {
    check(
        Scenario::GatewayFanOut,
        Tool::Async,
        "concurrent calls, each with a time limit, abandoned when the client leaves: which tool \
         can stop a call half-way?",
        &["timeout", "time-out", "time limit", "cancel"],
        "time-outs and cancellation",
    );
}

#[test]
fn copy_one_file() {
    check(
        Scenario::CopyOneFile,
        Tool::Threads,
        "one job, start to end, with nothing to run at the same time: what would a runtime or a \
         thread pool add?",
        &["sequential", "concurren", "one job", "single"],
        "nothing runs concurrently",
    );
}
