//! The deliberate bugs that the tests of this exercise must catch.
//!
//! **Reading this file spoils the exercise.** Write your tests from the contract in `lib.rs`, then
//! let `cargo lab check test_debouncer` tell you which bugs they miss, by their behaviour.
//!
//! Each bug is switched on by the environment variable `ASYNC_LAB_BUG=<name>`, read once. Without
//! it, every function here does what the correct debouncer needs. `bugs.toml` beside `Cargo.toml`
//! lists the names with a description of what each bug does, as the verdict shows it.

use std::sync::OnceLock;
use std::time::Duration;

use tokio::time::Instant;

/// The bugs, one per name in `bugs.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bug {
    /// The deadline is a tenth of the quiet time short.
    FiresEarly,
    /// A value that arrives while another waits does not restart the wait.
    NoRestart,
    /// The first value of a burst is kept instead of the latest.
    KeepsFirst,
    /// A waiting value is dropped when the input closes.
    LostOnClose,
}

/// The bug switched on for this process, if any. An unknown name is a mistake in the exercise's
/// set-up, not in the learner's tests, so it stops the run loudly.
fn active() -> Option<Bug> {
    static ACTIVE: OnceLock<Option<Bug>> = OnceLock::new();
    *ACTIVE.get_or_init(|| match std::env::var("ASYNC_LAB_BUG").ok()?.as_str() {
        "fires_early" => Some(Bug::FiresEarly),
        "no_restart" => Some(Bug::NoRestart),
        "keeps_first" => Some(Bug::KeepsFirst),
        "lost_on_close" => Some(Bug::LostOnClose),
        other => panic!("ASYNC_LAB_BUG={other:?} names no bug of this exercise"),
    })
}

/// When a value that arrived at `now` goes out: `now + quiet`.
pub(crate) fn deadline(now: Instant, quiet: Duration) -> Instant {
    if active() == Some(Bug::FiresEarly) {
        now + quiet - quiet / 10
    } else {
        now + quiet
    }
}

/// Whether a new value restarts the wait: always.
pub(crate) fn restart_wait(another_waits: bool) -> bool {
    !(another_waits && active() == Some(Bug::NoRestart))
}

/// Which value waits after `new` arrives: `new`.
pub(crate) fn keep<T>(waiting: Option<T>, new: T) -> T {
    match waiting {
        Some(old) if active() == Some(Bug::KeepsFirst) => old,
        _ => new,
    }
}

/// Whether a waiting value is sent when the input closes: yes.
pub(crate) fn flush_on_close() -> bool {
    active() != Some(Bug::LostOnClose)
}
