//! The errors `lab` reports. Each message says what to do next.

use std::path::PathBuf;

/// Everything that stops a `lab` command before it can give a verdict.
#[derive(Debug, thiserror::Error)]
pub enum LabError {
    #[error(
        "could not find `exercises/lab.toml` in {start} or any folder above it: run `cargo lab` from inside the async-lab checkout, or pass `--root <path>`"
    )]
    RootNotFound { start: PathBuf },
    #[error(
        "{root} looks like an async-lab checkout (it has Cargo.toml and exercises/), but exercises/lab.toml, the list of exercises, is missing: restore it with `git checkout -- exercises/lab.toml`"
    )]
    ManifestMissing { root: PathBuf },
    #[error(
        "--root {root} is not an async-lab checkout: it has no exercises/lab.toml; pass the folder that holds `exercises/` and `Cargo.toml`, or leave --root out inside the checkout"
    )]
    NotACheckout { root: PathBuf },
    #[error(
        "could not read the manifest {path}: {source}; restore it with `git checkout -- exercises/lab.toml`"
    )]
    ManifestRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the manifest {path} is not valid: {}\nFix that entry (the format is in CONTRIBUTING.md), or undo your edits with `git checkout -- exercises/lab.toml`.",
        .message.trim_end()
    )]
    ManifestParse { path: PathBuf, message: String },
    #[error(
        "there is no exercise `{id}` in exercises/lab.toml{}; run `cargo lab list` to see the ids",
        did_you_mean(.suggestion)
    )]
    UnknownExercise {
        id: String,
        /// The closest id the manifest has, if one is close enough to be a typo.
        suggestion: Option<String>,
    },
    #[error(
        "the folder {path} listed for `{id}` in exercises/lab.toml does not exist: it may have been renamed or removed by an update; run `git status` to see what changed, or `cargo lab list` for the current exercises"
    )]
    MissingFolder { id: String, path: PathBuf },
    #[error(
        "could not read {path}: {source}; check that the exercise folder is complete (`git status`)"
    )]
    CrateRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is not a valid Cargo.toml: {}\nUndo your edits to it (`git diff` shows them), or restore the exercise with `cargo lab reset` and its id.",
        .message.trim_end()
    )]
    CrateParse { path: PathBuf, message: String },
    #[error("could not start `{program}`: {source}; check that it is installed and on your PATH")]
    Spawn {
        program: String,
        source: std::io::Error,
    },
    #[error(
        "nothing to restore `{id}` from: {reason}. Copy the stub from a fresh clone of the repository instead"
    )]
    NothingToRestore { id: String, reason: String },
    #[error("{action} {path} failed: {source}; check the folder's permissions and free space")]
    Io {
        action: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "cargo could not build because of the machine, not your code:\n{detail}\nCheck the free space and the permissions of the target folder (or CARGO_TARGET_DIR), then run the check again; recorded progress is unchanged"
    )]
    Infrastructure { detail: String },
    #[error(
        "cargo waited {waited_secs} s for {holder} to release {what}, and lab stopped waiting. Nothing was checked and recorded progress is unchanged: let that finish (or stop it) and run the check again. LAB_LOCK_WAIT_SECS sets how long lab waits"
    )]
    LockHeld {
        what: &'static str,
        holder: String,
        waited_secs: u64,
    },
    #[error("stopped by a signal (Ctrl-C, SIGTERM or SIGHUP)")]
    Interrupted,
}

fn did_you_mean(suggestion: &Option<String>) -> String {
    match suggestion {
        Some(id) => format!(" (did you mean `{id}`?)"),
        None => String::new(),
    }
}

impl LabError {
    /// A shorthand for [`LabError::Io`].
    pub fn io(
        action: &'static str,
        path: impl Into<PathBuf>,
    ) -> impl FnOnce(std::io::Error) -> LabError {
        let path = path.into();
        move |source| LabError::Io {
            action,
            path,
            source,
        }
    }
}
