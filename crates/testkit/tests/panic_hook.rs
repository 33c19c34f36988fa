//! Time spent in the panic hook is not reported as a blocked runtime.
//!
//! With `RUST_BACKTRACE=1` the hook can take longer than a `max_block` limit to print a backtrace.
//! These tests stand in a hook that takes 300 ms, so they do not depend on the environment. They
//! live in a file of their own because the panic hook is global to the test process.

mod common;

use std::panic;
use std::sync::Once;
use std::time::Duration;

use common::panic_message;
use testkit::messages::RUNTIME_BLOCKED;
use testkit::{Flavor, Watchdog, run, run_watched};

const GENEROUS: Duration = Duration::from_secs(10);
const MAX_BLOCK: Duration = Duration::from_millis(100);

/// Installs, once, a hook that is three times slower than `MAX_BLOCK` before printing as usual.
fn slow_panic_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            std::thread::sleep(Duration::from_millis(300));
            default(info);
        }));
    });
}

#[test]
fn a_body_that_panics_keeps_its_message_however_slow_the_hook() {
    slow_panic_hook();
    let message = panic_message(|| {
        run_watched(Flavor::CurrentThread, GENEROUS, MAX_BLOCK, || async {
            tokio::time::sleep(Duration::from_millis(5)).await;
            panic!("the real failure");
        })
    });
    assert_eq!(message, "the real failure");
}

#[test]
fn a_caught_task_panic_does_not_count_as_a_block() {
    slow_panic_hook();
    let out = run_watched(Flavor::CurrentThread, GENEROUS, MAX_BLOCK, || async {
        let failed = tokio::spawn(async { panic!("a task fails") }).await;
        assert!(failed.unwrap_err().is_panic());
        // The heartbeat goes on after the hook; give the monitor time to look at it.
        tokio::time::sleep(Duration::from_millis(50)).await;
        "carried on"
    });
    assert_eq!(out, "carried on");
}

#[test]
fn a_real_block_after_a_caught_panic_is_still_reported() {
    slow_panic_hook();
    let message = panic_message(|| {
        run_watched(Flavor::CurrentThread, GENEROUS, MAX_BLOCK, || async {
            let _ = tokio::spawn(async { panic!("a task fails") }).await;
            std::thread::sleep(Duration::from_millis(300));
        })
    });
    assert!(message.starts_with(RUNTIME_BLOCKED), "{message}");
}

#[test]
fn the_watchdog_forgives_the_hook_too() {
    slow_panic_hook();
    run(Flavor::CurrentThread, GENEROUS, || async {
        let dog = Watchdog::start(Duration::from_millis(1));
        let _ = tokio::spawn(async { panic!("a task fails") }).await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        dog.assert_not_blocked(MAX_BLOCK);
    });
}
