//! The deliberate bugs of a "write the tests" exercise (`kind = "write_tests"`).
//!
//! The learner writes the tests; the code under test ships correct, with bugs that the
//! environment variable [`SWITCH`] turns on one at a time (`ASYNC_LAB_BUG=fires_early`). The
//! stub's `bugs.toml` lists them by name, each with a sentence about what it does, which is
//! all a learner is told when their tests miss it:
//!
//! ```toml
//! [[bug]]
//! name = "fires_early"
//! about = "a deadline one tick short: the timer fires before the time asked for"
//! ```
//!
//! A check builds the learner's tests once, runs them on the code as shipped (they must pass)
//! and once per bug (each run must fail): one build and a few runs of a small test binary, so
//! the verdict comes about as fast as an ordinary one.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::LabError;
use crate::manifest::Exercise;

/// The environment variable that switches one bug on, by name.
pub const SWITCH: &str = "ASYNC_LAB_BUG";

/// The file in the stub folder that lists the bugs.
pub const FILE: &str = "bugs.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    bug: Vec<Bug>,
}

/// One deliberate bug.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bug {
    /// The value of [`SWITCH`] that turns it on.
    pub name: String,
    /// What it does, in a sentence that does not show its code.
    pub about: String,
}

/// Where the bugs of `ex` are listed.
pub fn path(root: &Path, ex: &Exercise) -> PathBuf {
    root.join(&ex.stub).join(FILE)
}

/// The bugs of `ex`; an exercise of this kind without any is an error in the exercise.
pub fn load(root: &Path, ex: &Exercise) -> Result<Vec<Bug>, LabError> {
    let path = path(root, ex);
    let text = std::fs::read_to_string(&path).map_err(|source| LabError::CrateRead {
        path: path.clone(),
        source,
    })?;
    let file: File = toml::from_str(&text).map_err(|e| LabError::CrateParse {
        path: path.clone(),
        message: e.to_string(),
    })?;
    if file.bug.is_empty() {
        return Err(LabError::CrateParse {
            path,
            message: "it lists no [[bug]]: a \"write the tests\" exercise needs bugs for the tests to catch"
                .into(),
        });
    }
    Ok(file.bug)
}
