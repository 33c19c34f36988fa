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
        "could not read the manifest {path}: {source}; restore it with `git checkout -- exercises/lab.toml`"
    )]
    ManifestRead {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the manifest {path} is not valid: {message}; fix that entry (the format is in CONTRIBUTING.md)"
    )]
    ManifestParse { path: PathBuf, message: String },
    #[error(
        "there is no exercise `{id}` in exercises/lab.toml; run `cargo lab list` to see the ids"
    )]
    UnknownExercise { id: String },
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
        "{path} is not a valid Cargo.toml: {message}; undo your edits to it, or run `cargo lab reset <id>`"
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
    #[error("stopped by Ctrl-C")]
    Interrupted,
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
