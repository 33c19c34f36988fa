//! # Exercise: a mock behind a trait
//!
//! Chapter 14, *Testing async code*. Code that talks to a slow service is tested against a mock
//! of it: a type that implements the same trait, answers from a script, takes the service's time
//! on Tokio's clock (free when the clock is paused), and records what it was asked. Write
//! [`Mock`], an implementation of [`Backend`]:
//!
//! - [`Mock::script`] queues answers for a key; each call of [`Backend::fetch`] for that key takes
//!   the next one. A call with no answer left gets `Err("no answer scripted for KEY")`.
//! - Every call records its key in [`Mock::calls`] **when it starts**, in the order the calls
//!   started, and takes [`DELAY`] of Tokio time (`tokio::time::sleep`) before it answers.
//! - [`Mock::most_in_flight`] is the largest number of calls that were running at once.
//!
//! The tests live in `tests/mock_backend.rs`. Do not edit them: `cargo lab check mock_backend`
//! runs them as they are, and so does CI against the solution.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

/// How long every call of the mock takes, on Tokio's clock.
pub const DELAY: Duration = Duration::from_millis(100);

/// What code under test needs from a backend. The futures are `Send`, so a caller may hold one
/// across a `tokio::spawn`.
pub trait Backend {
    /// Looks `key` up; an error is a message for the caller.
    fn fetch(&self, key: &str) -> impl Future<Output = Result<u32, String>> + Send;
}

/// A scripted backend for tests. Shared between tasks by reference or in an `Arc`.
#[derive(Debug, Default)]
pub struct Mock {
    /// The answers still to give, per key, in order.
    script: Mutex<HashMap<String, VecDeque<Result<u32, String>>>>,
    /// Every key asked for, in the order the calls started.
    calls: Mutex<Vec<String>>,
    /// Calls running now, and the most that ever ran at once.
    in_flight: Mutex<(usize, usize)>,
}

impl Mock {
    /// A mock with no answers scripted.
    pub fn new() -> Self {
        Mock::default()
    }

    /// Queues `answers` for `key`, after any still queued.
    pub fn script(&self, key: &str, answers: impl IntoIterator<Item = Result<u32, String>>) {
        self.script
            .lock()
            .unwrap()
            .entry(key.to_string())
            .or_default()
            .extend(answers);
    }

    /// Every key asked for so far, in the order the calls started.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    /// The largest number of calls that ran at once.
    pub fn most_in_flight(&self) -> usize {
        self.in_flight.lock().unwrap().1
    }
}

impl Backend for Mock {
    async fn fetch(&self, key: &str) -> Result<u32, String> {
        // Recorded before the first `.await`: a caller that starts several calls sees them all,
        // in order, while they are still running.
        self.calls.lock().unwrap().push(key.to_string());
        {
            let mut in_flight = self.in_flight.lock().unwrap();
            in_flight.0 += 1;
            in_flight.1 = in_flight.1.max(in_flight.0);
        }
        // Tokio's sleep, not the thread's: it lets other tasks run, and on a paused clock it
        // costs no real time.
        tokio::time::sleep(DELAY).await;
        self.in_flight.lock().unwrap().0 -= 1;
        let next = self
            .script
            .lock()
            .unwrap()
            .get_mut(key)
            .and_then(VecDeque::pop_front);
        next.unwrap_or_else(|| Err(format!("no answer scripted for {key}")))
    }
}
