//! The deliberate bugs that the tests of this exercise must catch.
//!
//! **Reading this file spoils the exercise.** Write your tests from the contract in `lib.rs`, then
//! let `cargo lab check test_latch` tell you which bugs they miss, by their behaviour.
//!
//! Each bug is switched on by the environment variable `ASYNC_LAB_BUG=<name>`, read once. Without
//! it, every function here does what the correct latch needs. `bugs.toml` beside `Cargo.toml`
//! lists the names with a description of what each bug does, as the verdict shows it.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::task::Waker;

/// The bugs, one per name in `bugs.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bug {
    /// Every count-down wakes every waiter, not only the last one.
    WakesEveryCount,
    /// At zero only one waiter is woken.
    WakesOne,
    /// A re-poll keeps the first waker instead of the latest.
    StaleWaker,
    /// A first poll always registers and returns `Pending`, even at zero.
    LateWaiterHangs,
}

/// The bug switched on for this process, if any. An unknown name is a mistake in the exercise's
/// set-up, not in the learner's tests, so it stops the run loudly.
fn active() -> Option<Bug> {
    static ACTIVE: OnceLock<Option<Bug>> = OnceLock::new();
    *ACTIVE.get_or_init(|| match std::env::var("ASYNC_LAB_BUG").ok()?.as_str() {
        "wakes_every_count" => Some(Bug::WakesEveryCount),
        "wakes_one" => Some(Bug::WakesOne),
        "stale_waker" => Some(Bug::StaleWaker),
        "late_waiter_hangs" => Some(Bug::LateWaiterHangs),
        other => panic!("ASYNC_LAB_BUG={other:?} names no bug of this exercise"),
    })
}

/// The wakers to wake after a count-down left `count`: every waiter's, at zero; none before.
pub(crate) fn to_wake(count: usize, waiters: &mut HashMap<u64, Waker>) -> Vec<Waker> {
    match active() {
        Some(Bug::WakesEveryCount) if count > 0 => waiters.values().cloned().collect(),
        Some(Bug::WakesOne) if count == 0 => {
            let first = waiters.keys().min().copied();
            first
                .and_then(|id| waiters.remove(&id))
                .into_iter()
                .collect()
        }
        _ if count == 0 => waiters.drain().map(|(_, waker)| waker).collect(),
        _ => Vec::new(),
    }
}

/// Whether a poll that finds the count at zero may finish: always.
pub(crate) fn may_finish(first_poll: bool) -> bool {
    !(first_poll && active() == Some(Bug::LateWaiterHangs))
}

/// Keeps `waker` as the one to wake for `id`, replacing an older one.
pub(crate) fn remember(waiters: &mut HashMap<u64, Waker>, id: u64, waker: &Waker) {
    if active() == Some(Bug::StaleWaker) {
        waiters.entry(id).or_insert_with(|| waker.clone());
    } else {
        match waiters.get_mut(&id) {
            Some(old) => old.clone_from(waker),
            None => {
                waiters.insert(id, waker.clone());
            }
        }
    }
}
