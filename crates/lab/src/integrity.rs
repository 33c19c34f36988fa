//! Are the tests the shipped ones? A pass only counts against the tests the exercise came with.
//!
//! The shipped version is the one in git: the first of `@{upstream}`, `origin/HEAD` and `HEAD`
//! that holds the stub (the revision `lab reset` restores from). An exercise's tests are its
//! files under `tests/` and the test-target part of its and its solution's `Cargo.toml`
//! (`[[test]]` entries, `autotests`). This works for any exercise in the manifest without
//! configuration, and costs two or three `git` calls (a few milliseconds) per check.
//!
//! - `check` still runs modified tests, so a learner may experiment, but a pass against them is
//!   reported as "tests modified: this is not a pass" and is not recorded.
//! - `verify` runs the shipped tests whatever the working tree holds: it puts the shipped files
//!   in place for the run (keeping the working copies under `.lab/verify-held/`) and puts the
//!   working copies back afterwards, also when the run is stopped by a signal.
//!
//! Limits: without git (a checkout downloaded as an archive) nothing can be compared, and lab
//! says so; an exercise whose tests are not in git yet (a new one) is taken as it is; a learner
//! who rewrites the upstream branch's history can make anything "shipped".

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::error::LabError;
use crate::manifest::{Exercise, Kind};

/// What differs from the shipped tests of one exercise.
#[derive(Debug, Default)]
pub struct Modified {
    /// The git revision compared with.
    pub rev: String,
    /// Test files (relative to the root) that were changed, deleted or replaced.
    pub files: Vec<PathBuf>,
    /// `Cargo.toml` files whose test targets differ.
    pub manifests: Vec<PathBuf>,
}

impl Modified {
    /// Whether anything differs.
    pub fn any(&self) -> bool {
        !self.files.is_empty() || !self.manifests.is_empty()
    }

    /// A list for a verdict.
    pub fn describe(&self) -> String {
        let mut lines = Vec::new();
        for f in &self.files {
            lines.push(format!("  {} differs from {}", f.display(), self.rev));
        }
        for m in &self.manifests {
            lines.push(format!(
                "  {}: its test targets ([[test]], autotests) differ from {}",
                m.display(),
                self.rev
            ));
        }
        lines.join("\n")
    }
}

/// Compares what the learner may not change with what was shipped: the exercise's tests, or,
/// where the learner writes the tests (`kind = "write_tests"`), the code under test and its list
/// of bugs. `Err` says why nothing could be compared (no git, the exercise not in git yet).
pub fn modified(root: &Path, ex: &Exercise) -> Result<Modified, String> {
    modified_in(root, ex, &ex.kind.guarded(&ex.stub))
}

/// Compares the files under `guarded` (and the test targets of both Cargo.toml files) with the
/// shipped ones.
fn modified_in(root: &Path, ex: &Exercise, guarded: &[PathBuf]) -> Result<Modified, String> {
    let rev = crate::reset::shipped_ref(root, &ex.stub);
    let first: &Path = guarded.first().map_or(Path::new("tests"), PathBuf::as_path);
    let listed = git(
        root,
        &["ls-tree", "-r", "--name-only", &rev, "--"],
        &[first],
    )?;
    if listed.trim().is_empty() {
        return Err(format!(
            "{} holds no {} for this exercise yet",
            rev.as_str(),
            ex.kind.guarded_name()
        ));
    }
    let stub_toml = ex.stub.join("Cargo.toml");
    let sol_toml = ex.solution.join("Cargo.toml");
    let mut paths: Vec<&Path> = guarded.iter().map(PathBuf::as_path).collect();
    paths.push(&stub_toml);
    paths.push(&sol_toml);
    let changed = git(
        root,
        &[
            "diff",
            "--name-only",
            "--relative",
            "--no-renames",
            &rev,
            "--",
        ],
        &paths,
    )?;
    let mut out = Modified {
        rev: rev.clone(),
        ..Modified::default()
    };
    for line in changed.lines().filter(|l| !l.is_empty()) {
        let path = PathBuf::from(line);
        if path == stub_toml || path == sol_toml {
            let shipped = git(root, &["show", &format!("{rev}:./{line}")], &[]).unwrap_or_default();
            let now = std::fs::read_to_string(root.join(&path)).unwrap_or_default();
            // Where the learner writes the tests, the library's path matters too: pointing it
            // at other code would test that code instead.
            let lib_path = |t: &str| match ex.kind {
                Kind::Implement => String::new(),
                Kind::WriteTests => lib_path(t),
            };
            if test_targets(&shipped) != test_targets(&now) || lib_path(&shipped) != lib_path(&now)
            {
                out.manifests.push(path);
            }
        } else {
            out.files.push(path);
        }
    }
    Ok(out)
}

/// The parts of a Cargo.toml that decide which tests run: `[[test]]`, `autotests`, and the
/// `test`/`harness` keys of `[lib]`. `None` for a file that does not parse.
fn test_targets(text: &str) -> Option<String> {
    let value: toml::Table = toml::from_str(text).ok()?;
    let pick = |v: Option<&toml::Value>| v.map(|v| v.to_string()).unwrap_or_default();
    let package = value.get("package").and_then(|p| p.as_table());
    let lib = value.get("lib").and_then(|l| l.as_table());
    Some(format!(
        "test={}\nautotests={}\nlib.test={}\nlib.harness={}",
        pick(value.get("test")),
        pick(package.and_then(|p| p.get("autotests"))),
        pick(lib.and_then(|l| l.get("test"))),
        pick(lib.and_then(|l| l.get("harness"))),
    ))
}

/// The `[lib] path` of a Cargo.toml, or "" where it has none or does not parse.
pub fn lib_path(text: &str) -> String {
    toml::from_str::<toml::Table>(text)
        .ok()
        .and_then(|t| t.get("lib")?.get("path")?.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// Runs git in `root`, returning its stdout as text.
fn git(root: &Path, args: &[&str], paths: &[&Path]) -> Result<String, String> {
    let out = crate::procs::output(Command::new("git").current_dir(root).args(args).args(paths))
        .map_err(|e| format!("git could not be run ({e})"))?;
    if !out.status.success() {
        return Err(format!(
            "git {}: {}",
            args.first().unwrap_or(&""),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The shipped test files put in place for `verify`; dropping it puts the working copies back.
pub struct Held {
    root: PathBuf,
    /// (path relative to the root, the working copy's bytes, or `None` if it did not exist).
    kept: Vec<(PathBuf, Option<Vec<u8>>)>,
}

impl Held {
    /// For every exercise, puts the shipped version of each modified test file and test-target
    /// manifest in place, keeping the working copies in memory and under `state_dir`.
    pub fn shipped_tests(
        root: &Path,
        state_dir: &Path,
        exercises: &[Exercise],
    ) -> Result<Held, LabError> {
        let mut held = Held {
            root: root.to_owned(),
            kept: Vec::new(),
        };
        for ex in exercises {
            // `verify` checks the stub as shipped: its tests, and, where the learner writes the
            // tests, the code under test as well.
            let mut guarded = ex.kind.guarded(&ex.stub);
            if ex.kind == Kind::WriteTests {
                guarded.insert(0, ex.stub.join("tests"));
            }
            let Ok(m) = modified_in(root, ex, &guarded) else {
                continue;
            };
            for rel in m.files.iter().chain(&m.manifests) {
                let Ok(shipped) = git_bytes(root, &format!("{}:./{}", m.rev, rel.display())) else {
                    continue;
                };
                let path = root.join(rel);
                let working = std::fs::read(&path).ok();
                if let Some(bytes) = &working {
                    let backup = state_dir.join("verify-held").join(rel);
                    if let Some(parent) = backup.parent() {
                        std::fs::create_dir_all(parent)
                            .map_err(LabError::io("creating", parent))?;
                    }
                    std::fs::write(&backup, bytes).map_err(LabError::io("backing up", &path))?;
                }
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(LabError::io("creating", parent))?;
                }
                std::fs::write(&path, shipped).map_err(LabError::io("restoring", &path))?;
                eprintln!(
                    "verify: {} differs from {}: the shipped version is used, and yours is put back afterwards \
                     (a copy is in {})",
                    rel.display(),
                    m.rev,
                    state_dir.join("verify-held").display()
                );
                held.kept.push((rel.clone(), working));
            }
        }
        Ok(held)
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        for (rel, working) in self.kept.drain(..) {
            let path = self.root.join(&rel);
            let _ = match working {
                Some(bytes) => std::fs::write(&path, bytes),
                None => std::fs::remove_file(&path),
            };
        }
    }
}

fn git_bytes(root: &Path, object: &str) -> Result<Vec<u8>, String> {
    let out = crate::procs::output(Command::new("git").current_dir(root).args(["show", object]))
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_test_targets_of_a_manifest_count() {
        let shipped = "[package]\nname = \"x\"\n[[test]]\nname = \"x\"\npath = \"tests/x.rs\"\n";
        let with_dep = format!("{shipped}[dependencies]\nrand = \"1\"\n");
        let moved = shipped.replace("tests/x.rs", "src/other.rs");
        assert_eq!(
            test_targets(shipped),
            test_targets(&with_dep),
            "a dependency added by the learner is not a change to the tests"
        );
        assert_ne!(
            test_targets(shipped),
            test_targets(&moved),
            "a [[test]] path pointed at another file is"
        );
    }
}
