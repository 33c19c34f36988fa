//! The learner's progress, kept in `.lab/progress.json`.
//!
//! The file is small and rewritten whole: a write goes to a temporary file in the same folder,
//! which is then renamed over the old one, so a crash or Ctrl-C mid-write leaves either the old
//! file or the new one, never half of each. A file that cannot be parsed is set aside (never
//! deleted) and progress starts again; ids that an update renamed or removed are dropped with a note.

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
                let kept = set_aside(&file)?;
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
        let gone: Vec<String> = progress
            .done
            .iter()
            .chain(progress.hints_shown.keys())
            .filter(|id| !known.contains(id.as_str()))
            .cloned()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        if !gone.is_empty() {
            for id in &gone {
                progress.done.remove(id);
                progress.hints_shown.remove(id);
            }
            eprintln!(
                "note: progress recorded for {} is dropped: no exercise has that id any more \
                 (an update renamed or removed it). See `cargo lab list` for the current ones.",
                gone.join(", ")
            );
        }
        let store = Store {
            dir: dir.to_owned(),
            progress,
        };
        if !gone.is_empty() {
            store.save()?;
        }
        Ok(store)
    }

    /// Writes progress atomically: temporary file, then rename.
    pub fn save(&self) -> Result<(), LabError> {
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
