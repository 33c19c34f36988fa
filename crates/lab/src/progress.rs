//! The learner's progress, kept in `.lab/progress.json`.
//!
//! The file is small and rewritten whole: a write goes to a temporary file in the same folder,
//! which is then renamed over the old one, so a crash or Ctrl-C mid-write leaves either the old
//! file or the new one, never half of each. A file that cannot be parsed is set aside (never
//! deleted) and progress starts again; when it cannot be set aside (a read-only folder), the
//! commands that only read (`list`) still run.
//!
//! Several lab commands may run at once (`watch` in one terminal, `check` in another): every
//! change is a read-modify-write under an exclusive lock on `.lab/progress.lock` (`flock`, on
//! Unix), applied to the file as it is *now*, so one command never erases what another recorded.
//! Ids the manifest no longer lists (an update renamed or removed them) are kept, not dropped:
//! they count for nothing, and come back if the id does.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::error::LabError;
use crate::manifest::Manifest;

/// The version of the file format written today.
const FORMAT: u32 = 1;

/// The content of `progress.json`.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// Always [`FORMAT`]; a file from a future lab is treated like a corrupt one.
    pub format: u32,
    /// Ids of the exercises that have passed `lab check`.
    pub done: BTreeSet<String>,
    /// How many hints of each exercise have been shown.
    pub hints_shown: BTreeMap<String, usize>,
}

/// Where progress lives, and what loading it had to repair.
pub struct Store {
    /// The `.lab` folder.
    pub dir: PathBuf,
    /// The loaded (and repaired) progress.
    pub progress: Progress,
}

impl Store {
    /// Loads progress from `dir/progress.json`, repairing what it must and saying so on stderr.
    pub fn load(dir: &Path, manifest: &Manifest) -> Result<Store, LabError> {
        let file = dir.join("progress.json");
        // Bytes, not a string: a file that is not UTF-8 is damaged like any other unparsable
        // one, and is set aside rather than stopping every command.
        let read = if file.is_dir() {
            Err("it is a folder, not a file".to_owned())
        } else {
            match std::fs::read(&file) {
                Ok(bytes) => match serde_json::from_slice::<Progress>(&bytes) {
                    Ok(p) if p.format == FORMAT => Ok(Some(p)),
                    Ok(p) => Err(format!(
                        "it has format {}, this lab writes {FORMAT}",
                        p.format
                    )),
                    Err(e) => Err(e.to_string()),
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => return Err(LabError::io("reading", &file)(e)),
            }
        };
        let mut progress = match read {
            Ok(p) => p.unwrap_or_default(),
            Err(why) => {
                let kept = match set_aside(&file) {
                    Ok(kept) => kept,
                    Err(e) => {
                        // Nothing can be written here; commands that only read still run, and
                        // the first one that records something reports the folder's problem.
                        eprintln!(
                            "note: {} could not be read ({why}) and could not be set aside ({e}); \
                             showing progress as empty.",
                            file.display()
                        );
                        return Ok(Store {
                            dir: dir.to_owned(),
                            progress: Progress {
                                format: FORMAT,
                                ..Progress::default()
                            },
                        });
                    }
                };
                eprintln!(
                    "note: {} could not be read ({why}); it was kept as {} and progress starts afresh. \
                     Run `cargo lab check` on the exercises you had done to mark them done again.",
                    file.display(),
                    kept.display()
                );
                Progress::default()
            }
        };
        progress.format = FORMAT;
        let known: BTreeSet<&str> = manifest.exercises.iter().map(|e| e.id.as_str()).collect();
        let unlisted: BTreeSet<&String> = progress
            .done
            .iter()
            .chain(progress.hints_shown.keys())
            .filter(|id| !known.contains(id.as_str()))
            .collect();
        if !unlisted.is_empty() {
            let names: Vec<&str> = unlisted.iter().map(|s| s.as_str()).collect();
            eprintln!(
                "note: progress is recorded for {}, which exercises/lab.toml does not list (an update renamed \
                 or removed it); it is kept in {} and counts for nothing.",
                names.join(", "),
                file.display()
            );
        }
        Ok(Store {
            dir: dir.to_owned(),
            progress,
        })
    }

    /// Applies `change` to the progress on disk, under the lock: the file is read again, the
    /// change applied to what it holds now, and the result written and kept in `self`.
    pub fn update(&mut self, change: impl FnOnce(&mut Progress)) -> Result<(), LabError> {
        std::fs::create_dir_all(&self.dir).map_err(LabError::io("creating", &self.dir))?;
        let _lock = Lock::take(&self.dir)?;
        let file = self.dir.join("progress.json");
        let mut now = match std::fs::read(&file) {
            Ok(bytes) => match serde_json::from_slice::<Progress>(&bytes) {
                Ok(p) if p.format == FORMAT => p,
                // A file damaged since this command loaded it: what was loaded is the best
                // record there is.
                _ => self.progress.clone(),
            },
            Err(_) => self.progress.clone(),
        };
        now.format = FORMAT;
        change(&mut now);
        self.progress = now;
        self.save()
    }

    /// Writes progress atomically: temporary file, then rename. Callers hold the lock.
    fn save(&self) -> Result<(), LabError> {
        std::fs::create_dir_all(&self.dir).map_err(LabError::io("creating", &self.dir))?;
        let file = self.dir.join("progress.json");
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir)
            .map_err(LabError::io("creating a file in", &self.dir))?;
        let text =
            serde_json::to_string_pretty(&self.progress).expect("progress always serialises");
        tmp.write_all(text.as_bytes())
            .and_then(|()| tmp.write_all(b"\n"))
            .and_then(|()| tmp.as_file().sync_all())
            .map_err(LabError::io("writing", tmp.path()))?;
        tmp.persist(&file)
            .map_err(|e| LabError::io("replacing", &file)(e.error))?;
        Ok(())
    }

    /// Whether `id` has passed.
    pub fn is_done(&self, id: &str) -> bool {
        self.progress.done.contains(id)
    }

    /// The first exercise, in manifest order, that has not passed.
    pub fn current<'m>(&self, manifest: &'m Manifest) -> Option<&'m crate::manifest::Exercise> {
        manifest.exercises.iter().find(|e| !self.is_done(&e.id))
    }
}

/// An exclusive lock on `.lab/progress.lock`, released when dropped (Unix: `flock`; elsewhere
/// no lock is taken).
struct Lock {
    _file: std::fs::File,
}

impl Lock {
    fn take(dir: &Path) -> Result<Lock, LabError> {
        let path = dir.join("progress.lock");
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(LabError::io("opening", &path))?;
        #[cfg(unix)]
        rustix::fs::flock(&file, rustix::fs::FlockOperation::LockExclusive)
            .map_err(|e| LabError::io("locking", &path)(e.into()))?;
        Ok(Lock { _file: file })
    }
}

/// Renames a corrupt file to `progress.json.corrupt-<unix seconds>` and returns the new path.
fn set_aside(file: &Path) -> Result<PathBuf, LabError> {
    let secs = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // A second damaged file within the same second must not replace the first one kept.
    let kept = (0..)
        .map(|n| {
            let mut kept = file.as_os_str().to_owned();
            kept.push(format!(".corrupt-{secs}"));
            if n > 0 {
                kept.push(format!("-{n}"));
            }
            PathBuf::from(kept)
        })
        .find(|p| !p.exists())
        .expect("some numbered name is free");
    std::fs::rename(file, &kept).map_err(LabError::io("setting aside", file))?;
    Ok(kept)
}
