//! Loading `exercises/lab.toml`, the list of every exercise in learning order.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::LabError;

/// The manifest's location, relative to the workspace root.
pub const MANIFEST_PATH: &str = "exercises/lab.toml";

/// How a stub is declared to fail as shipped; `lab verify` proves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FailKind {
    /// A test fails: an assertion, a `todo!()`, a Tokio panic.
    TestFailure,
    /// A time-out fires: one of testkit's in-test limits, or lab's process-level limit.
    Timeout,
    /// The stub does not build.
    CompileError,
}

impl fmt::Display for FailKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FailKind::TestFailure => "test_failure",
            FailKind::Timeout => "timeout",
            FailKind::CompileError => "compile_error",
        })
    }
}

/// What the learner writes in an exercise.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The code, against tests that come with the exercise (every exercise but the few below).
    #[default]
    Implement,
    /// The tests, against code that comes with the exercise: they must pass on the code as it is
    /// and fail with each of its deliberate bugs, switched on one at a time by the environment
    /// variable [`crate::bugs::SWITCH`] and listed in the stub's `bugs.toml`.
    WriteTests,
}

/// One `[[exercise]]` entry.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Exercise {
    /// Unique name; also the library name of both crates.
    pub id: String,
    /// The chapter folder, e.g. `02_block_on`.
    pub chapter: String,
    /// A one-line title shown by `lab list`.
    pub title: String,
    /// The stub crate's folder, relative to the workspace root.
    pub stub: PathBuf,
    /// The solution crate's folder, relative to the workspace root.
    pub solution: PathBuf,
    /// What the learner writes: the code (the default) or the tests.
    #[serde(default, skip_serializing_if = "is_default_kind")]
    pub kind: Kind,
    /// How the stub fails as shipped.
    pub stub_fails_with: FailKind,
    /// The process-level limit on one run of the exercise's tests, in seconds.
    pub time_limit_secs: u64,
    /// How many of the exercise's tests run at once (libtest's `--test-threads`); one per core
    /// when absent. Tests that spend their time waiting on a clock, not computing, give their
    /// verdict sooner all at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_threads: Option<usize>,
    /// Hints in order: a first nudge, then fuller ones.
    pub hints: Vec<String>,
    /// The exercise's own reading of its typical failures (`[[exercise.diagnosis]]` tables), tried
    /// before the generic signatures: where the generic text would name the wrong cause.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnosis: Vec<Reading>,
}

impl Kind {
    /// What of the stub the learner may not change, as a verdict names it.
    pub fn guarded_name(self) -> &'static str {
        match self {
            Kind::Implement => "tests",
            Kind::WriteTests => "code under test",
        }
    }

    /// What of the stub (relative to the root) the learner may not change: its tests, or, where
    /// the learner writes the tests, the code under test and its list of bugs.
    pub fn guarded(self, stub: &Path) -> Vec<PathBuf> {
        match self {
            Kind::Implement => vec![stub.join("tests")],
            Kind::WriteTests => vec![stub.join("src"), stub.join(crate::bugs::FILE)],
        }
    }
}

fn is_default_kind(kind: &Kind) -> bool {
    *kind == Kind::Implement
}

/// One `[[exercise.diagnosis]]` table: a text to look for in a failed test's output, and what it
/// means for this exercise.
///
/// ```toml
/// [[exercise.diagnosis]]
/// test = "a_full_queue_makes_submit_wait"   # optional: only this test's failure
/// when = "keeps the queue's lock"          # text in that failure's output
/// name = "the queue's lock is held while a job runs"
/// explain = "What it means, and what to try."
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Reading {
    /// When set, only the failure of the test with this name (as libtest prints it) is read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<String>,
    /// Text that the failed test's captured output must contain.
    pub when: String,
    /// A short name, shown in the verdict's summary line.
    pub name: String,
    /// What the failure means in this exercise, and what to try.
    pub explain: String,
}

/// The whole manifest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Every exercise, in learning order.
    #[serde(default, rename = "exercise")]
    pub exercises: Vec<Exercise>,
}

impl Manifest {
    /// Reads and checks the manifest under `root`.
    pub fn load(root: &Path) -> Result<Manifest, LabError> {
        let path = root.join(MANIFEST_PATH);
        let text = std::fs::read_to_string(&path).map_err(|source| LabError::ManifestRead {
            path: path.clone(),
            source,
        })?;
        Self::parse(&text, &path)
    }

    /// Parses manifest text; `path` is only used in messages.
    pub fn parse(text: &str, path: &Path) -> Result<Manifest, LabError> {
        let manifest: Manifest = toml::from_str(text).map_err(|e| LabError::ManifestParse {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        // An empty manifest is a damaged one (a bad merge, a truncated file), never an
        // instruction: lab refuses it rather than showing no exercises.
        if manifest.exercises.is_empty() {
            return Err(LabError::ManifestParse {
                path: path.to_owned(),
                message:
                    "it lists no exercises (no [[exercise]] entry); the file is probably truncated \
                          or damaged, and progress is left untouched"
                        .to_owned(),
            });
        }
        let mut seen = HashSet::new();
        for ex in &manifest.exercises {
            if !seen.insert(ex.id.as_str()) {
                return Err(LabError::ManifestParse {
                    path: path.to_owned(),
                    message: format!("the id `{}` is used by more than one exercise", ex.id),
                });
            }
            if let Some(r) = ex.diagnosis.iter().find(|r| r.when.trim().is_empty()) {
                return Err(LabError::ManifestParse {
                    path: path.to_owned(),
                    message: format!(
                        "`{}` has a diagnosis `{}` with an empty `when`, which would match every failure",
                        ex.id, r.name
                    ),
                });
            }
            if ex.time_limit_secs == 0 {
                return Err(LabError::ManifestParse {
                    path: path.to_owned(),
                    message: format!(
                        "`{}` has time_limit_secs = 0; give it a limit of a few seconds or more",
                        ex.id
                    ),
                });
            }
        }
        Ok(manifest)
    }

    /// Finds an exercise by id.
    pub fn get(&self, id: &str) -> Result<&Exercise, LabError> {
        self.exercises
            .iter()
            .find(|e| e.id == id)
            .ok_or_else(|| LabError::UnknownExercise {
                id: id.to_owned(),
                suggestion: self.closest(id).map(str::to_owned),
            })
    }

    /// The id most like `typed`: one that contains it or is contained in it (`await` for
    /// `first_await`), or one a few edits away (`frist_check`). `None` when nothing is close.
    fn closest(&self, typed: &str) -> Option<&str> {
        let typed = typed.to_lowercase();
        let ids = self.exercises.iter().map(|e| e.id.as_str());
        let mut scored: Vec<(usize, &str)> = ids
            .filter_map(|id| {
                let lower = id.to_lowercase();
                let distance = edit_distance(&typed, &lower);
                // A third of the id's length lets a typo or two through, but not a different word.
                let close = distance <= (lower.chars().count() / 3).max(1);
                let part = typed.len() >= 3 && (lower.contains(&typed) || typed.contains(&lower));
                (close || part).then_some((if close { distance } else { usize::MAX }, id))
            })
            .collect();
        scored.sort_by_key(|&(d, _)| d);
        scored.first().map(|&(_, id)| id)
    }
}

/// The Levenshtein distance between `a` and `b`, counted in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(ids: &[&str]) -> Manifest {
        let text: String = ids
            .iter()
            .map(|id| {
                format!(
                    "[[exercise]]\nid = \"{id}\"\nchapter = \"c\"\ntitle = \"t\"\nstub = \"s\"\n\
                     solution = \"s\"\nstub_fails_with = \"timeout\"\ntime_limit_secs = 1\nhints = []\n"
                )
            })
            .collect();
        Manifest::parse(&text, Path::new("lab.toml")).unwrap()
    }

    #[test]
    fn the_closest_id_is_suggested() {
        let m = manifest(&["first_check", "first_await", "missing_await", "my_block_on"]);
        assert_eq!(m.closest("frist_check"), Some("first_check"));
        assert_eq!(m.closest("first_awiat"), Some("first_await"));
        assert_eq!(m.closest("block_on"), Some("my_block_on"));
        assert_eq!(m.closest("FIRST_CHECK"), Some("first_check"));
        assert_eq!(m.closest("hello_world"), None);
        assert_eq!(m.closest("x"), None);
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}

/// What a crate's `Cargo.toml` says about the names that matter here.
#[derive(Debug, Clone)]
pub struct CrateInfo {
    /// The package name, used with `cargo -p`.
    pub package: String,
    /// The library name (`[lib] name`, or the package name with `-` replaced by `_`).
    pub lib: String,
    /// The paths of the `[[test]]` targets, relative to the crate folder.
    pub tests: Vec<PathBuf>,
    /// The names of the `[[test]]` targets.
    pub test_names: Vec<String>,
}

impl CrateInfo {
    /// Reads `dir/Cargo.toml`.
    pub fn read(dir: &Path) -> Result<CrateInfo, LabError> {
        let path = dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&path).map_err(|source| LabError::CrateRead {
            path: path.clone(),
            source,
        })?;
        let value: toml::Table = toml::from_str(&text).map_err(|e| LabError::CrateParse {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let package = value
            .get("package")
            .and_then(|p| p.get("name"))
            .and_then(|n| n.as_str())
            .ok_or_else(|| LabError::CrateParse {
                path: path.clone(),
                message: "it has no [package] name".into(),
            })?
            .to_owned();
        let lib = value
            .get("lib")
            .and_then(|l| l.get("name"))
            .and_then(|n| n.as_str())
            .map(str::to_owned)
            .unwrap_or_else(|| package.replace('-', "_"));
        let targets = value
            .get("test")
            .and_then(|t| t.as_array())
            .cloned()
            .unwrap_or_default();
        let field = |name: &str| -> Vec<String> {
            targets
                .iter()
                .filter_map(|t| t.get(name).and_then(|p| p.as_str()).map(str::to_owned))
                .collect()
        };
        let tests = field("path").into_iter().map(PathBuf::from).collect();
        let test_names = field("name");
        Ok(CrateInfo {
            package,
            lib,
            tests,
            test_names,
        })
    }
}
