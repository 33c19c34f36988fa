//! The ways of running a CPU-bound job from async code, and the runtime flavours they run on.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::LabError;

/// Where the jobs run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// In the async task itself, on a runtime thread: the mistake.
    Inline,
    /// One `spawn_blocking` call per job, all at once. The pool starts a thread only for a job
    /// that finds none idle, so the batch gets anywhere up to one thread per job (and at most the
    /// pool's limit), depending on timing: the report's peak thread count shows how many.
    SpawnBlocking,
    /// `spawn_blocking`, with a `Semaphore` holding the number in flight to the core count.
    SpawnBlockingBounded,
    /// One dedicated OS thread fed over an mpsc channel.
    Worker,
    /// A pool of dedicated OS threads sharing one mpsc channel.
    Pool,
    /// A rayon thread pool, each job replying on a oneshot channel.
    Rayon,
    /// `block_in_place` inside the async task (multi_thread runtimes only).
    BlockInPlace,
}

impl Strategy {
    /// Every strategy, in the order the report lists them.
    pub const ALL: [Strategy; 7] = [
        Strategy::Inline,
        Strategy::SpawnBlocking,
        Strategy::SpawnBlockingBounded,
        Strategy::Worker,
        Strategy::Pool,
        Strategy::Rayon,
        Strategy::BlockInPlace,
    ];

    /// The name used on the command line, in the table and in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Strategy::Inline => "inline",
            Strategy::SpawnBlocking => "spawn_blocking",
            Strategy::SpawnBlockingBounded => "spawn_blocking_bounded",
            Strategy::Worker => "worker",
            Strategy::Pool => "pool",
            Strategy::Rayon => "rayon",
            Strategy::BlockInPlace => "block_in_place",
        }
    }

    /// Whether the strategy can run on `flavour`: `block_in_place` panics on a current_thread
    /// runtime, so that pair is skipped rather than measured.
    pub fn runs_on(self, flavour: Flavour) -> bool {
        !(self == Strategy::BlockInPlace && flavour == Flavour::CurrentThread)
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Strategy {
    type Err = LabError;

    fn from_str(s: &str) -> Result<Strategy, LabError> {
        Strategy::ALL
            .into_iter()
            .find(|strategy| strategy.name() == s)
            .ok_or_else(|| LabError::UnknownName {
                kind: "strategy",
                name: s.to_owned(),
                choices: Strategy::ALL.map(Strategy::name).join(", "),
            })
    }
}

/// The Tokio runtime flavour the heartbeat and the async side of the jobs run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Flavour {
    /// One thread runs every task.
    CurrentThread,
    /// One worker thread per core.
    MultiThread,
}

impl Flavour {
    /// Both flavours, in the order the report lists them.
    pub const ALL: [Flavour; 2] = [Flavour::CurrentThread, Flavour::MultiThread];

    /// The name used on the command line, in the table and in the JSON.
    pub fn name(self) -> &'static str {
        match self {
            Flavour::CurrentThread => "current_thread",
            Flavour::MultiThread => "multi_thread",
        }
    }
}

impl fmt::Display for Flavour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Flavour {
    type Err = LabError;

    fn from_str(s: &str) -> Result<Flavour, LabError> {
        Flavour::ALL
            .into_iter()
            .find(|flavour| flavour.name() == s)
            .ok_or_else(|| LabError::UnknownName {
                kind: "flavour",
                name: s.to_owned(),
                choices: Flavour::ALL.map(Flavour::name).join(", "),
            })
    }
}

/// One measured pairing of a strategy and a flavour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct Case {
    /// Where the jobs run.
    pub strategy: Strategy,
    /// The runtime the heartbeat runs on.
    pub flavour: Flavour,
}

impl fmt::Display for Case {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} on {}", self.strategy, self.flavour)
    }
}
