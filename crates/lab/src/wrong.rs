//! Wrong answers: the mistakes a learner makes, kept beside each solution, and the proof that
//! every one of them fails with a verdict naming its cause.
//!
//! A solution folder may hold `wrong.toml`: a list of edits that turn the solution into a wrong
//! answer. `lab verify` writes each wrong answer in the place of the stub's `src/lib.rs` (exactly
//! where a learner's edited file would be), builds and runs it as `lab check` does, puts the stub
//! back, and counts a breach unless the check failed the declared way and the verdict a learner
//! would read contains every expected word.
//!
//! ```toml
//! [[wrong]]
//! name = "lost_wakeup"
//! about = "checks the queue under one guard, then locks again to wait on the Condvar"
//! fails_with = "test_failure"      # test_failure | timeout | compile_error
//! verdict = ["lost wake-up"]       # each must appear in the verdict (case-insensitive)
//!
//! [[wrong.edit]]                   # applied in order; `find` must occur exactly once
//! find = "let guard = self.queue.lock().unwrap();"
//! replace = "let guard = self.queue.lock().unwrap(); // ..."
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::check;
use crate::error::LabError;
use crate::manifest::{CrateInfo, Exercise, FailKind};

/// The file beside a solution's `Cargo.toml` that lists its wrong answers.
pub const FILE: &str = "wrong.toml";

/// The whole `wrong.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    wrong: Vec<Wrong>,
}

/// One wrong answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wrong {
    /// A short id, unique in its file.
    pub name: String,
    /// What the learner did, in a sentence.
    pub about: String,
    /// How the check must fail.
    pub fails_with: FailKind,
    /// Words the verdict must contain, each compared without regard to case.
    pub verdict: Vec<String>,
    /// The edits that turn the solution's `src/lib.rs` into this wrong answer.
    #[serde(default)]
    pub edit: Vec<Edit>,
}

/// One text replacement.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    /// Text that must occur exactly once in the file as the earlier edits left it.
    pub find: String,
    /// What it becomes.
    pub replace: String,
}

/// The wrong answers of one exercise, read from its solution folder; empty when it has none.
pub fn load(root: &Path, ex: &Exercise) -> Result<Vec<Wrong>, String> {
    let path = root.join(&ex.solution).join(FILE);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("could not read {}: {e}", path.display())),
    };
    let file: File = toml::from_str(&text).map_err(|e| {
        format!(
            "{} is not valid: {}",
            path.display(),
            e.to_string().trim_end()
        )
    })?;
    let mut seen = std::collections::HashSet::new();
    for w in &file.wrong {
        if !seen.insert(w.name.as_str()) {
            return Err(format!(
                "{}: the name `{}` is used twice",
                path.display(),
                w.name
            ));
        }
        if w.edit.is_empty() {
            return Err(format!(
                "{}: `{}` has no [[wrong.edit]], so it is the solution itself",
                path.display(),
                w.name
            ));
        }
        if w.verdict.iter().all(|v| v.trim().is_empty()) {
            return Err(format!(
                "{}: `{}` expects no words in the verdict; name its cause",
                path.display(),
                w.name
            ));
        }
    }
    Ok(file.wrong)
}

/// The solution's `src/lib.rs` with the edits of `wrong` applied, or why they do not apply.
pub fn apply(solution: &str, wrong: &Wrong) -> Result<String, String> {
    let mut text = solution.to_owned();
    for (i, edit) in wrong.edit.iter().enumerate() {
        let found = text.matches(edit.find.as_str()).count();
        if found != 1 {
            return Err(format!(
                "edit {} of `{}` must find its text exactly once in the solution's src/lib.rs, but finds it {found} \
                 times (has the solution changed?):\n{}",
                i + 1,
                wrong.name,
                edit.find.trim_end()
            ));
        }
        text = text.replacen(edit.find.as_str(), &edit.replace, 1);
    }
    if text == solution {
        return Err(format!(
            "the edits of `{}` leave the solution unchanged",
            wrong.name
        ));
    }
    Ok(text)
}

/// Why a wrong answer's verdict does not do its job, or `None` when it does.
pub fn judge(wrong: &Wrong, kind: Option<FailKind>, rendered: &str) -> Option<String> {
    let Some(kind) = kind else {
        return Some(format!(
            "wrong answer `{}` ({}) PASSES the tests",
            wrong.name, wrong.about
        ));
    };
    let lower = rendered.to_lowercase();
    let missing: Vec<&str> = wrong
        .verdict
        .iter()
        .map(String::as_str)
        .filter(|w| !lower.contains(&w.to_lowercase()))
        .collect();
    if kind != wrong.fails_with || !missing.is_empty() {
        let mut why = format!("wrong answer `{}` ({}): ", wrong.name, wrong.about);
        if kind != wrong.fails_with {
            why.push_str(&format!(
                "fails with {kind}, not {} as declared",
                wrong.fails_with
            ));
        }
        if !missing.is_empty() {
            if kind != wrong.fails_with {
                why.push_str("; ");
            }
            why.push_str(&format!(
                "the verdict does not say {}",
                missing
                    .iter()
                    .map(|m| format!("\"{m}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        why.push_str(&format!(
            ". The verdict was:\n{}",
            crate::diagnose::clip(rendered.trim_end(), 30)
        ));
        return Some(why);
    }
    None
}

/// The stub's `src/lib.rs`, replaced for the time of one run and put back when this drops
/// (also when lab is interrupted: the error unwinds through here). A copy of the stub as it was
/// is kept under the state folder until then, in case lab is killed outright.
struct Swapped {
    path: PathBuf,
    original: Vec<u8>,
    backup: PathBuf,
}

impl Swapped {
    fn new(stub_lib: PathBuf, state_dir: &Path, id: &str, text: &str) -> Result<Swapped, LabError> {
        let original = std::fs::read(&stub_lib).map_err(LabError::io("reading", &stub_lib))?;
        let backup = state_dir.join("verify-held").join(format!("{id}.lib.rs"));
        if let Some(parent) = backup.parent() {
            std::fs::create_dir_all(parent).map_err(LabError::io("creating", parent))?;
        }
        std::fs::write(&backup, &original).map_err(LabError::io("backing up", &stub_lib))?;
        std::fs::write(&stub_lib, text).map_err(LabError::io("writing", &stub_lib))?;
        Ok(Swapped {
            path: stub_lib,
            original,
            backup,
        })
    }
}

impl Drop for Swapped {
    fn drop(&mut self) {
        if std::fs::write(&self.path, &self.original).is_ok() {
            let _ = std::fs::remove_file(&self.backup);
        }
    }
}

/// Runs every wrong answer of `ex` in the stub's place, one after the other. Builds take the
/// `build_lock` (cargo would serialise them anyway, and say so); test runs overlap with other
/// exercises'. Returns the number of wrong answers run and the breaches found.
pub fn run_all(
    root: &Path,
    state_dir: &Path,
    ex: &Exercise,
    build_lock: &std::sync::Mutex<()>,
) -> Result<(usize, Vec<String>), LabError> {
    let wrongs = match load(root, ex) {
        Ok(w) => w,
        Err(why) => return Ok((0, vec![why])),
    };
    if wrongs.is_empty() {
        return Ok((0, Vec::new()));
    }
    let sol_lib = root.join(&ex.solution).join("src/lib.rs");
    let solution = std::fs::read_to_string(&sol_lib).map_err(LabError::io("reading", &sol_lib))?;
    let dir = root.join(&ex.stub);
    let info = CrateInfo::read(&dir)?;
    let mut breaches = Vec::new();
    for wrong in &wrongs {
        let text = match apply(&solution, wrong) {
            Ok(t) => t,
            Err(why) => {
                breaches.push(why);
                continue;
            }
        };
        let _swapped = Swapped::new(dir.join("src/lib.rs"), state_dir, &ex.id, &text)?;
        let built = {
            let _one_build = build_lock.lock().unwrap_or_else(|e| e.into_inner());
            check::build(root, ex, &dir, &info)?
        };
        let verdict = match built {
            Ok(exes) => check::run_built(ex, &dir, &exes)?,
            Err(verdict) => verdict,
        };
        let rendered = check::render_verdict(ex, &verdict, 0);
        if let Some(why) = judge(wrong, verdict.fail_kind(), &rendered) {
            breaches.push(why);
        }
    }
    Ok((wrongs.len(), breaches))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wrong(edits: &[(&str, &str)]) -> Wrong {
        Wrong {
            name: "w".into(),
            about: "a mistake".into(),
            fails_with: FailKind::TestFailure,
            verdict: vec!["Lost Wake-up".into()],
            edit: edits
                .iter()
                .map(|(f, r)| Edit {
                    find: (*f).into(),
                    replace: (*r).into(),
                })
                .collect(),
        }
    }

    #[test]
    fn edits_apply_in_order_and_each_must_match_once() {
        let sol = "let a = 1;\nlet b = 2;\n";
        assert_eq!(
            apply(sol, &wrong(&[("a = 1", "a = 3"), ("a = 3", "a = 4")])).unwrap(),
            "let a = 4;\nlet b = 2;\n"
        );
        let twice = apply(sol, &wrong(&[("let", "const")])).unwrap_err();
        assert!(twice.contains("finds it 2 times"), "{twice}");
        let none = apply(sol, &wrong(&[("c = 3", "c = 4")])).unwrap_err();
        assert!(none.contains("finds it 0 times"), "{none}");
        let same = apply(sol, &wrong(&[("a = 1", "a = 1")])).unwrap_err();
        assert!(same.contains("unchanged"), "{same}");
    }

    #[test]
    fn a_wrong_answer_must_fail_the_declared_way_and_name_its_cause() {
        let w = wrong(&[("x", "y")]);
        assert!(judge(&w, None, "✓ all pass").unwrap().contains("PASSES"));
        assert_eq!(
            judge(
                &w,
                Some(FailKind::TestFailure),
                "diagnosis: a LOST WAKE-UP: ..."
            ),
            None,
            "words compare without case"
        );
        let vague = judge(
            &w,
            Some(FailKind::TestFailure),
            "diagnosis: something failed",
        )
        .unwrap();
        assert!(vague.contains("does not say \"Lost Wake-up\""), "{vague}");
        let kind = judge(&w, Some(FailKind::Timeout), "lost wake-up").unwrap();
        assert!(
            kind.contains("fails with timeout, not test_failure"),
            "{kind}"
        );
    }

    #[test]
    fn a_file_without_edits_or_words_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let sol = dir.path().join("sol");
        std::fs::create_dir_all(&sol).unwrap();
        let ex: Exercise = toml::from_str(
            "id='x'\nchapter='c'\ntitle='t'\nstub='stub'\nsolution='sol'\nstub_fails_with='test_failure'\n\
             time_limit_secs=1\nhints=[]\n",
        )
        .unwrap();
        assert!(
            load(dir.path(), &ex).unwrap().is_empty(),
            "no file, no wrong answers"
        );
        std::fs::write(
            sol.join(FILE),
            "[[wrong]]\nname='a'\nabout='b'\nfails_with='timeout'\nverdict=['c']\n",
        )
        .unwrap();
        assert!(
            load(dir.path(), &ex)
                .unwrap_err()
                .contains("no [[wrong.edit]]")
        );
        std::fs::write(
            sol.join(FILE),
            "[[wrong]]\nname='a'\nabout='b'\nfails_with='timeout'\nverdict=['']\n[[wrong.edit]]\nfind='x'\nreplace='y'\n",
        )
        .unwrap();
        assert!(
            load(dir.path(), &ex)
                .unwrap_err()
                .contains("name its cause")
        );
    }
}
