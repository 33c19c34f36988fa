//! The watchdog under a paused clock: a `spawn_blocking` task stops the clock (Tokio does not
//! auto-advance while one runs on a current_thread runtime, `inhibit_auto_advance` in
//! tokio/src/runtime/blocking/schedule.rs), yet awaiting it leaves the runtime thread free, so the
//! watchdog must not report a block; a real block under a paused clock must still be reported.

mod common;

use std::time::Duration;

use common::panic_message;
use testkit::messages::RUNTIME_BLOCKED;
use testkit::{Flavor, Watchdog, run, run_watched};

const GENEROUS: Duration = Duration::from_secs(10);
const MAX_BLOCK: Duration = Duration::from_millis(100);
/// Three times `MAX_BLOCK`: long enough that a heartbeat driven only by the paused clock would
/// have been silent past the limit, whatever the machine's load.
const BLOCKING_WORK: Duration = Duration::from_millis(300);

#[test]
fn awaiting_spawn_blocking_under_a_paused_clock_is_not_a_block() {
    let waited = run_watched(Flavor::CurrentThread, GENEROUS, MAX_BLOCK, || async {
        tokio::time::pause();
        let started = std::time::Instant::now();
        tokio::task::spawn_blocking(|| std::thread::sleep(BLOCKING_WORK))
            .await
            .expect("the blocking task does not panic");
        started.elapsed()
    });
    assert!(
        waited >= BLOCKING_WORK,
        "the body must really have waited for the blocking task ({waited:?})"
    );
}

#[test]
fn the_watchdog_beats_under_a_paused_clock_while_spawn_blocking_runs() {
    run(Flavor::CurrentThread, GENEROUS, || async {
        tokio::time::pause();
        let dog = Watchdog::start(Duration::from_millis(1));
        let before = dog.beats();
        tokio::task::spawn_blocking(|| std::thread::sleep(BLOCKING_WORK))
            .await
            .expect("the blocking task does not panic");
        assert!(
            dog.beats() > before,
            "the heartbeat must beat while the runtime thread waits for a blocking task, \
             even though the paused clock does not move"
        );
        dog.assert_not_blocked(MAX_BLOCK);
    });
}

#[test]
fn a_real_block_under_a_paused_clock_is_still_reported() {
    let message = panic_message(|| {
        run_watched(Flavor::CurrentThread, GENEROUS, MAX_BLOCK, || async {
            tokio::time::pause();
            std::thread::sleep(BLOCKING_WORK);
        })
    });
    assert!(
        message.starts_with(RUNTIME_BLOCKED),
        "a thread::sleep on the runtime thread must be reported as a block: {message}"
    );
}
