//! `lab watch`: re-check the current exercise on every save.
//!
//! The watcher follows the exercise's folder rather than single files, because many editors
//! save by writing a new file and renaming it over the old one, which ends a watch on the old
//! file. Where file events do not arrive at all (some network and container file systems), a
//! scan of modification times every second catches the change instead.
//!
//! Only sources count: `.rs` and `.toml` files, outside build output (`target/`, any folder
//! holding a `CACHEDIR.TAG`, as cargo's target folders do) and hidden folders. A file that the
//! check itself rewrites on two checks in a row (a test that writes a snapshot next to its
//! sources, say) is set aside with a note, so that `watch` does not check again for ever.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use notify::{RecursiveMode, Watcher};

use crate::error::LabError;
use crate::run::INTERRUPTED;
use crate::{Lab, check};

/// How long the files must stay quiet after a change before a check starts: editors often
/// write a file in several steps.
const DEBOUNCE: Duration = Duration::from_millis(200);
/// How often the fallback scan looks at modification times.
const SCAN_EVERY: Duration = Duration::from_secs(1);

pub fn watch(lab: &Lab) -> Result<ExitCode, LabError> {
    let mut store = lab.store()?;
    loop {
        let Some(ex) = store.current(&lab.manifest).cloned() else {
            println!("Every exercise is done. Well done!");
            return Ok(ExitCode::SUCCESS);
        };
        let dir = lab.root.join(&ex.stub);
        if !dir.is_dir() {
            return Err(LabError::MissingFolder {
                id: ex.id.clone(),
                path: ex.stub.clone(),
            });
        }
        let (tx, rx) = mpsc::channel();
        // Files the check itself writes: set aside once seen, for the scan and the events alike.
        let ignored: Arc<Mutex<BTreeSet<PathBuf>>> = Arc::default();
        let events_ignore = Arc::clone(&ignored);
        let events_dir = dir.clone();
        // `LAB_WATCH=poll` skips file events altogether, for file systems that deliver them late
        // or wrongly; the scan below then does all the work.
        let force_poll = std::env::var("LAB_WATCH").is_ok_and(|v| v == "poll");
        let watcher = if force_poll {
            Err(notify::Error::generic("LAB_WATCH=poll is set"))
        } else {
            notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
                if let Ok(event) = res
                    && event.paths.iter().any(|p| {
                        relevant(&events_dir, p)
                            && !events_ignore
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .contains(p)
                    })
                {
                    let _ = tx.send(());
                }
            })
            .and_then(|mut w| w.watch(&dir, RecursiveMode::Recursive).map(|()| w))
        };
        if let Err(e) = &watcher {
            println!(
                "note: file events are not available here ({e}); looking for changes every second instead."
            );
        }
        // The files the previous check changed, if it changed any.
        let mut changed_by_last: BTreeSet<PathBuf> = BTreeSet::new();
        loop {
            let skip = ignored.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let before = fingerprint(&dir, &skip);
            println!("\n──── checking {} ({}) ────", ex.id, ex.title);
            let verdict = match check::check_stub(&lab.root, &ex) {
                Ok(verdict) => verdict,
                // A Cargo.toml saved half-edited is a learner's mistake like a compile error:
                // say so and wait for the next save instead of ending the watch.
                Err(e @ (LabError::CrateParse { .. } | LabError::CrateRead { .. })) => {
                    println!("✗ {}: {e}", ex.id);
                    while rx.try_recv().is_ok() {}
                    println!(
                        "\nWatching {} for changes. Ctrl-C to stop.",
                        ex.stub.display()
                    );
                    wait_for_change(&dir, &skip, &rx, before)?;
                    continue;
                }
                Err(e) => return Err(e),
            };
            check::print_verdict(&ex, &verdict, lab.hints_left(&store, &ex));
            if verdict.fail_kind().is_none() {
                // Re-read under the lock before saving: a `check` in another terminal may have
                // recorded something since this watch started.
                store.update(|p| {
                    p.done.insert(ex.id.clone());
                })?;
                break;
            }
            // Drop events from the check itself and from saves during it; a save during the
            // check shows up as a changed fingerprint and triggers the next check at once.
            while rx.try_recv().is_ok() {}
            let after = fingerprint(&dir, &skip);
            let changed = changed_paths(&before, &after);
            // A save rarely lands during two checks in a row on the same file; a test that
            // writes it does, every time.
            let written: BTreeSet<PathBuf> =
                changed.intersection(&changed_by_last).cloned().collect();
            if !written.is_empty() {
                let names: Vec<String> = written
                    .iter()
                    .map(|p| p.strip_prefix(&lab.root).unwrap_or(p).display().to_string())
                    .collect();
                println!(
                    "note: the check itself rewrites {}; watch ignores changes to {} from now on.",
                    names.join(", "),
                    if names.len() == 1 { "it" } else { "them" }
                );
                ignored
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(written.iter().cloned());
            }
            changed_by_last = changed;
            let skip = ignored.lock().unwrap_or_else(|e| e.into_inner()).clone();
            let before = fingerprint(&dir, &skip);
            if changed_by_last.iter().all(|p| skip.contains(p)) {
                println!(
                    "\nWatching {} for changes. Ctrl-C to stop.",
                    ex.stub.display()
                );
                wait_for_change(&dir, &skip, &rx, before)?;
                changed_by_last.clear();
            }
        }
        drop(watcher);
        println!("\nMoving on.");
    }
}

/// Blocks until a relevant file changes and then stays quiet for [`DEBOUNCE`].
fn wait_for_change(
    dir: &Path,
    skip: &BTreeSet<PathBuf>,
    rx: &mpsc::Receiver<()>,
    mut seen: Vec<(PathBuf, SystemTime, u64)>,
) -> Result<(), LabError> {
    let mut last_scan = Instant::now();
    loop {
        if INTERRUPTED.load(Ordering::SeqCst) {
            return Err(LabError::Interrupted);
        }
        if next_event(rx, Duration::from_millis(100)) {
            // Debounce: wait until no event has arrived for DEBOUNCE.
            while next_event(rx, DEBOUNCE) {}
            return Ok(());
        }
        if last_scan.elapsed() >= SCAN_EVERY {
            last_scan = Instant::now();
            let mut now = fingerprint(dir, skip);
            if now != seen {
                // The scan has no events to debounce on, so it waits until two scans
                // DEBOUNCE apart agree: an editor that writes in steps gets one check, on the
                // finished file.
                loop {
                    std::thread::sleep(DEBOUNCE);
                    let again = fingerprint(dir, skip);
                    if again == now {
                        break;
                    }
                    now = again;
                }
                return Ok(());
            }
            seen = now;
        }
    }
}

/// Waits up to `limit` for a file event; `false` when none came.
///
/// Without a working watcher the sending side is gone and `recv_timeout` returns at once; this
/// still waits out `limit`, so the polling fallback does not spin a core.
fn next_event(rx: &mpsc::Receiver<()>, limit: Duration) -> bool {
    match rx.recv_timeout(limit) {
        Ok(()) => true,
        Err(mpsc::RecvTimeoutError::Timeout) => false,
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            std::thread::sleep(limit);
            false
        }
    }
}

/// Whether `p`, a path under the watched folder `dir`, is a source: a `.rs` or `.toml` file
/// outside build output and hidden folders. Editor back-up files (`lib.rs~`, `.lib.rs.swp`) do
/// not count either.
fn relevant(dir: &Path, p: &Path) -> bool {
    let Some(folders) = p.parent().and_then(|parent| parent.strip_prefix(dir).ok()) else {
        return false;
    };
    let mut folder = dir.to_path_buf();
    source_file(p)
        && folders.components().all(|part| {
            folder.push(part);
            source_folder(&folder)
        })
}

/// Whether the file's own name makes it a source: `.rs` or `.toml`, and not hidden (a hidden
/// file is an editor's swap or lock file).
fn source_file(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("rs" | "toml"))
        && p.file_name()
            .is_some_and(|n| !n.to_string_lossy().starts_with('.'))
}

/// Whether the folder may hold sources: not `target`, not hidden, not a cache (`CACHEDIR.TAG`).
fn source_folder(folder: &Path) -> bool {
    let name = folder
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    name != "target" && !name.starts_with('.') && !folder.join("CACHEDIR.TAG").exists()
}

/// The paths whose time or size differs between two fingerprints, or that only one has.
fn changed_paths(
    before: &[(PathBuf, SystemTime, u64)],
    after: &[(PathBuf, SystemTime, u64)],
) -> BTreeSet<PathBuf> {
    let a: BTreeSet<_> = before.iter().collect();
    let b: BTreeSet<_> = after.iter().collect();
    a.symmetric_difference(&b).map(|e| e.0.clone()).collect()
}

/// Every relevant file under `dir`, but those in `skip`, with its modification time and size,
/// sorted.
fn fingerprint(dir: &Path, skip: &BTreeSet<PathBuf>) -> Vec<(PathBuf, SystemTime, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let Ok(meta) = entry.metadata() else { continue };
            if meta.is_dir() {
                if source_folder(&path) {
                    stack.push(path);
                }
            } else if source_file(&path) && !skip.contains(&path) {
                // The walk only enters source folders, so the file's name is all to check.
                out.push((
                    path,
                    meta.modified().unwrap_or(SystemTime::UNIX_EPOCH),
                    meta.len(),
                ));
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_watcher_still_waits_instead_of_spinning() {
        let (tx, rx) = mpsc::channel::<()>();
        drop(tx);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(!next_event(&rx, Duration::from_millis(50)));
        }
        // Three waits of 50 ms; a spinning loop would return in microseconds.
        assert!(
            start.elapsed() >= Duration::from_millis(150),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn only_sources_outside_build_output_and_hidden_folders_count() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("out")).unwrap();
        std::fs::write(
            d.join("out/CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55",
        )
        .unwrap();
        for (path, counts) in [
            ("src/lib.rs", true),
            ("Cargo.toml", true),
            ("tests/x.rs", true),
            ("src/lib.rs~", false),
            ("src/.lib.rs.swp", false),
            ("src/.#lib.rs", false),
            ("notes.md", false),
            ("target/debug/build/x/out/gen.rs", false),
            (".cache/gen.rs", false),
            ("out/gen.rs", false),
        ] {
            assert_eq!(relevant(d, &d.join(path)), counts, "{path}");
        }
        assert!(
            !relevant(d, Path::new("/elsewhere/src/lib.rs")),
            "outside the folder"
        );
        // A hidden folder above the exercise does not hide it.
        let hidden = d.join(".courses/ex");
        assert!(relevant(&hidden, &hidden.join("src/lib.rs")));
    }

    #[test]
    fn an_event_ends_the_wait_at_once() {
        let (tx, rx) = mpsc::channel();
        tx.send(()).unwrap();
        let start = Instant::now();
        assert!(next_event(&rx, Duration::from_secs(5)));
        assert!(start.elapsed() < Duration::from_secs(1));
    }
}
