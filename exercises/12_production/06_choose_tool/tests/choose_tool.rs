//! Tests for `choose`: one test per scenario, checking the tool and that the reason names the
//! factor that decides it (any of a few words for it, case ignored).

use choose_tool::{Choice, Scenario, Tool, choose};

/// Checks one scenario: the tool, then that the reason contains one of `factor`'s words.
fn check(scenario: Scenario, tool: Tool, wrong_tool: &str, factor: &[&str], factor_name: &str) {
    let Choice { tool: got, reason } = choose(scenario);
    assert_eq!(
        got, tool,
        "{scenario:?}: {got:?} does not fit. {wrong_tool}"
    );
    let lower = reason.to_lowercase();
    assert!(
        factor.iter().any(|word| lower.contains(word)),
        "{scenario:?}: the tool is right, but the reason {reason:?} does not name the deciding \
         factor: {factor_name} (one of the words {factor:?})"
    );
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
