//! `Watchdog`: beats while the runtime is free, and reports a blocking call.

mod common;

use std::time::Duration;

use common::{blocked_ms, panic_message};
use testkit::messages::RUNTIME_BLOCKED;
use testkit::{Flavor, Watchdog, run};

const GENEROUS: Duration = Duration::from_secs(10);
const TICK: Duration = Duration::from_millis(1);

#[test]
fn a_free_runtime_keeps_the_heartbeat_going() {
    let beats = run(Flavor::CurrentThread, GENEROUS, || async {
        let dog = Watchdog::start(TICK);
        tokio::time::sleep(Duration::from_millis(50)).await;
        dog.assert_not_blocked(Duration::from_millis(100));
        dog.beats()
    });
    // About 50 beats are expected; a busy machine may lose some, so only a few are required. (The
    // raw `longest_gap` is not checked here: on a machine with more runnable threads than cores it
    // can exceed 100 ms with no blocking call at all, which is why `assert_not_blocked` does not use
    // it.)
    assert!(beats >= 5, "only {beats} beats in 50 ms");
}

#[test]
fn a_blocking_call_shows_as_a_gap_even_before_the_heartbeat_runs_again() {
    let message = panic_message(|| {
        run(Flavor::CurrentThread, GENEROUS, || async {
            let dog = Watchdog::start(TICK);
            tokio::time::sleep(Duration::from_millis(10)).await;
            // Three times the limit: on a very busy machine the monitor thread leaves out the time
            // it was itself kept waiting, so it may count less than the full block.
            std::thread::sleep(Duration::from_millis(300));
            // No `.await` since the block: the heartbeat has not beaten again, yet the gap is known.
            assert!(dog.longest_gap() >= Duration::from_millis(300));
            dog.assert_not_blocked(Duration::from_millis(100));
        })
    });
    assert!(message.starts_with(RUNTIME_BLOCKED), "{message}");
    assert!(blocked_ms(&message) > 100, "{message}");
}

#[test]
fn the_gap_is_remembered_after_the_heartbeat_resumes() {
    let gap = run(Flavor::CurrentThread, GENEROUS, || async {
        let dog = Watchdog::start(TICK);
        std::thread::sleep(Duration::from_millis(120));
        // Wait for a few beats after the block, by event rather than by a fixed sleep: on a busy
        // machine a fixed sleep can end before the heartbeat task has been polled.
        testkit::timeout(Duration::from_secs(5), async {
            while dog.beats() < 3 {
                tokio::time::sleep(TICK).await;
            }
        })
        .await;
        // The silence is over, yet the longest gap still shows it.
        assert!(dog.longest_gap() >= Duration::from_millis(120));
        dog.longest_gap()
    });
    assert!(gap >= Duration::from_millis(120), "gap {gap:?}");
}

#[test]
fn starting_a_watchdog_outside_a_runtime_says_where_to_call_it() {
    let message = panic_message(|| Watchdog::start(TICK));
    assert!(
        message.starts_with("Watchdog::start must be called from inside a Tokio runtime"),
        "{message}"
    );
}
