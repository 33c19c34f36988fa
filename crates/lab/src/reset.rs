//! `lab reset ID`: put a stub back as shipped, after saving the learner's copy.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::Lab;
use crate::error::LabError;

/// Restores every file the shipped version has under the stub's folder.
///
/// The shipped version is the branch this clone tracks (`@{upstream}`, usually `origin/main`),
/// then `origin/HEAD`, and only then `HEAD`: a learner who commits their own work moves `HEAD`
/// past the stub as shipped, while the remote-tracking branch keeps it.
pub fn reset(lab: &Lab, id: &str) -> Result<ExitCode, LabError> {
    let ex = lab.manifest.get(id)?;
    let rel = ex.stub.clone();
    let nothing = |reason: String| LabError::NothingToRestore {
        id: id.to_owned(),
        reason,
    };
    let source = shipped_ref(&lab.root, &rel);
    // Listing first means a checkout without git, or a stub git never saw, is refused before
    // anything on disk changes.
    let listed = git(
        &lab.root,
        &["ls-tree", "-r", "--name-only", &source, "--"],
        &rel,
    )
    .map_err(|why| {
        nothing(format!(
            "git could not list {} at {source} ({why})",
            rel.display()
        ))
    })?;
    let files: Vec<PathBuf> = String::from_utf8_lossy(&listed)
        .lines()
        .map(PathBuf::from)
        .collect();
    if files.is_empty() {
        return Err(nothing(format!(
            "git's {source} has no files under {}",
            rel.display()
        )));
    }
    let mut originals = Vec::new();
    for f in &files {
        let spec = format!("{source}:./{}", f.to_string_lossy().replace('\\', "/"));
        let bytes = git(&lab.root, &["show", &spec], Path::new(""))
            .map_err(|why| nothing(format!("git could not show {spec} ({why})")))?;
        originals.push((f.clone(), bytes));
    }

    let dir = lab.root.join(&rel);
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Two resets within a second must not share a folder: the second would overwrite the
    // first backup, which may be the only copy of the learner's work.
    let backups = lab.state_dir.join("backups").join(id);
    let backup = (0..)
        .map(|n| match n {
            0 => backups.join(secs.to_string()),
            n => backups.join(format!("{secs}-{n}")),
        })
        .find(|p| !p.exists())
        .expect("some numbered name is free");
    let saved = if dir.is_dir() {
        copy_tree(&dir, &backup)?
    } else {
        0
    };

    for (f, bytes) in &originals {
        // A symlink on the way (the file itself, or a folder inside the stub) could send the
        // write outside the stub; it was backed up above, and is removed so the shipped file
        // is written in its place.
        remove_symlinks_on(&lab.root, &rel, f)?;
        let dest = lab.root.join(f);
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(LabError::io("creating", parent))?;
        }
        std::fs::write(&dest, bytes).map_err(LabError::io("writing", &dest))?;
    }

    let mut store = lab.store()?;
    // A fresh start: the hints count again from the first, so the next verdict does not say
    // that every hint has been seen. Changed under the progress lock, merged with what other
    // `cargo lab` processes wrote.
    if store.is_done(id) || store.progress.hints_shown.contains_key(id) {
        store.update(|p| {
            p.done.remove(id);
            p.hints_shown.remove(id);
        })?;
    }
    if saved > 0 {
        println!(
            "Saved your version of `{id}` ({saved} files) to {}.",
            backup.display()
        );
    }
    println!(
        "Restored {} files of {} from git's {source}. `{id}` is marked not done and its hints start again \
         from the first; `cargo lab check {id}` to start again.",
        originals.len(),
        rel.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// The git revision that holds the stub as shipped: the first of `@{upstream}`, `origin/HEAD`
/// and `HEAD` that exists and has files under `rel`.
pub(crate) fn shipped_ref(root: &Path, rel: &Path) -> String {
    for candidate in ["@{upstream}", "refs/remotes/origin/HEAD"] {
        let Ok(name) = git(
            root,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                "--symbolic-full-name",
                candidate,
            ],
            Path::new(""),
        ) else {
            continue;
        };
        let name = String::from_utf8_lossy(&name).trim().to_owned();
        let has_stub = git(root, &["ls-tree", "--name-only", &name, "--"], rel)
            .is_ok_and(|listed| !listed.is_empty());
        if !name.is_empty() && has_stub {
            return name
                .strip_prefix("refs/remotes/")
                .map(str::to_owned)
                .unwrap_or(name);
        }
    }
    "HEAD".to_owned()
}

/// Removes every symlink among the paths from the stub folder `stub` down to `file` (both
/// relative to `root`), so that writing `file` cannot leave the stub.
fn remove_symlinks_on(root: &Path, stub: &Path, file: &Path) -> Result<(), LabError> {
    let Ok(inside) = file.strip_prefix(stub) else {
        return Ok(());
    };
    let mut at = root.join(stub);
    let mut steps = vec![at.clone()];
    for part in inside.components() {
        at = at.join(part);
        steps.push(at.clone());
    }
    for step in steps {
        if std::fs::symlink_metadata(&step).is_ok_and(|m| m.file_type().is_symlink()) {
            std::fs::remove_file(&step).map_err(LabError::io("removing the symlink", &step))?;
        }
    }
    Ok(())
}

/// Runs git in `root` with `args` and an optional trailing path, returning stdout.
fn git(root: &Path, args: &[&str], path: &Path) -> Result<Vec<u8>, String> {
    let mut cmd = Command::new("git");
    cmd.current_dir(root).args(args);
    if !path.as_os_str().is_empty() {
        cmd.arg(path);
    }
    let out = crate::procs::output(&mut cmd).map_err(|e| format!("could not run git: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
    }
    Ok(out.stdout)
}

/// Copies every file under `from` (except build output) to `to`; returns how many.
fn copy_tree(from: &Path, to: &Path) -> Result<usize, LabError> {
    let mut count = 0;
    let entries = std::fs::read_dir(from).map_err(LabError::io("reading", from))?;
    for entry in entries {
        let entry = entry.map_err(LabError::io("reading", from))?;
        let path = entry.path();
        let name = entry.file_name();
        if name == "target" {
            continue;
        }
        let dest = to.join(&name);
        // The entry itself, not what a symlink points to: a link out of the stub is backed up
        // as a link, and never followed.
        let kind = entry.file_type().map_err(LabError::io("reading", &path))?;
        if kind.is_symlink() {
            let target = std::fs::read_link(&path).map_err(LabError::io("reading", &path))?;
            std::fs::create_dir_all(to).map_err(LabError::io("creating", to))?;
            #[cfg(unix)]
            std::os::unix::fs::symlink(&target, &dest)
                .map_err(LabError::io("backing up", &path))?;
            #[cfg(not(unix))]
            std::fs::write(&dest, target.to_string_lossy().as_bytes())
                .map_err(LabError::io("backing up", &path))?;
            count += 1;
        } else if kind.is_dir() {
            count += copy_tree(&path, &dest)?;
        } else {
            std::fs::create_dir_all(to).map_err(LabError::io("creating", to))?;
            std::fs::copy(&path, &dest).map_err(LabError::io("backing up", &path))?;
            count += 1;
        }
    }
    Ok(count)
}
