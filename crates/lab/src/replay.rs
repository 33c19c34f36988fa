//! Rebuilding an edited exercise with the rustc commands cargo used, without cargo.
//!
//! After an edit, a check compiles two crates: the exercise's library and its test target. Cargo
//! spends about 0.2 s of its own around those two rustc runs (it reads the whole workspace,
//! resolves some 400 packages, checks fingerprints, writes its records), a third of what a
//! learner waits for. So when cargo builds an exercise for `check`, lab asks it (`-vv`) for the
//! exact commands it ran, and keeps them in a record together with everything they depend on
//! apart from the exercise's own sources: the manifests, the lock file, cargo's configuration, the
//! compiled dependencies they link, the folders of path dependencies (testkit), the toolchain and
//! the `CARGO*`/`RUST*` environment. The next check runs those commands itself, and only if all of
//! that is unchanged; anything else sends it through cargo as before, which records afresh:
//!
//! - a changed `Cargo.toml` (any of them), `Cargo.lock`, `.cargo/config.toml` or toolchain file;
//! - a dependency rebuilt, or a file changed under a path dependency's folder;
//! - a different rustc, or different `CARGO*`/`RUST*` variables;
//! - another build holding the target folder's lock (lab never waits on it: cargo does, and says
//!   so);
//! - a build script in the exercise, or anything in cargo's output lab does not understand;
//! - a compiler that failed without an error message, or anything unexpected while replaying.
//!
//! The exercise's sources need no record: rustc reads them afresh, and a crate whose sources
//! (listed in its dep-info file) are all older than its output is not compiled at all, as cargo
//! would not. After a replay cargo's own fingerprints are older than the sources, so the next
//! cargo build of the exercise compiles it again: never stale, at worst once more than needed.
//!
//! Records live in the state folder (`.lab/replay/<package>.json`); deleting them is always safe.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use crate::run::{self, BuildReport, Built, TestExe, canon};

/// Where records are kept; replay is off until [`set_dir`] is called.
static DIR: OnceLock<PathBuf> = OnceLock::new();

/// Turns replay on, keeping records in `dir`. `LAB_NO_REPLAY=1` keeps it off (every build then
/// goes through cargo).
pub fn set_dir(dir: PathBuf) {
    if std::env::var_os("LAB_NO_REPLAY").is_some_and(|v| v == "1") {
        return;
    }
    let _ = DIR.set(dir);
}

/// Whether replay is on: whether `check` should ask cargo for its commands.
pub fn enabled() -> bool {
    DIR.get().is_some()
}

/// Bumped whenever [`Record`] changes meaning; older records are ignored.
const VERSION: u32 = 1;

/// What lab needs to rebuild one exercise without cargo, and to know when it must not.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    version: u32,
    /// The package, and its folder (canonical).
    package: String,
    dir: PathBuf,
    /// The test targets the build was asked for.
    tests: Vec<String>,
    /// The library first, then each test target: the order they must be compiled in.
    units: Vec<Unit>,
    /// The test executables the units produce.
    executables: Vec<TestExe>,
    /// Files whose change means the commands may no longer be what cargo would run.
    stamps: Vec<Stamp>,
    /// Folders of path dependencies: a change anywhere inside means their build is stale.
    trees: Vec<Stamp>,
    /// Lab's own `CARGO*` and `RUST*` environment when the record was made.
    env: Vec<(String, String)>,
}

/// One rustc run, as cargo ran it.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Unit {
    program: PathBuf,
    args: Vec<String>,
    /// The variables cargo set for it (rustc also inherits lab's environment, as it did cargo's).
    env: Vec<(String, String)>,
    cwd: PathBuf,
    /// What it writes: the dep-info file, and the output whose age decides whether it must run.
    dep_info: PathBuf,
    output: PathBuf,
}

/// A file or folder as it was: modification time (ns since 1970) and size, or `None` if absent.
/// For a folder tree: the newest modification time under it and the number of entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    path: PathBuf,
    seen: Option<(u64, u64)>,
}

/// The environment variables that change what cargo would run.
fn build_env() -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .filter(|(k, _)| k.starts_with("CARGO") || k.starts_with("RUST"))
        .collect();
    env.sort();
    env
}

fn record_path(package: &str) -> Option<PathBuf> {
    Some(DIR.get()?.join(format!("{package}.json")))
}

/// Nanoseconds since 1970 of a modification time.
fn nanos(meta: &std::fs::Metadata) -> Option<u64> {
    let t = meta.modified().ok()?.duration_since(UNIX_EPOCH).ok()?;
    u64::try_from(t.as_nanos()).ok()
}

fn stamp(path: &Path) -> Stamp {
    let seen = std::fs::metadata(path)
        .ok()
        .and_then(|m| Some((nanos(&m)?, m.len())));
    Stamp {
        path: path.to_path_buf(),
        seen,
    }
}

/// The newest modification time under `dir` (files and folders, `target` and hidden folders
/// left out) and the number of entries, so that an added, removed or edited file shows.
fn tree_stamp(dir: &Path) -> Stamp {
    fn walk(dir: &Path, newest: &mut u64, count: &mut u64, depth: usize) -> Option<()> {
        if depth > 16 {
            return None;
        }
        for entry in std::fs::read_dir(dir).ok()? {
            let entry = entry.ok()?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            let meta = entry.metadata().ok()?;
            if meta.is_dir() && (name == "target" || name.starts_with('.')) {
                continue;
            }
            *count += 1;
            *newest = (*newest).max(nanos(&meta)?);
            if meta.is_dir() {
                walk(&entry.path(), newest, count, depth + 1)?;
            }
        }
        Some(())
    }
    let (mut newest, mut count) = (0, 0);
    let seen = std::fs::metadata(dir).ok().and_then(|m| {
        newest = nanos(&m)?;
        walk(dir, &mut newest, &mut count, 0)?;
        Some((newest, count))
    });
    Stamp {
        path: dir.to_path_buf(),
        seen,
    }
}

/// Splits a command line as cargo prints it (Unix shell quoting: `'…'` literal, `\x` escaped).
fn shell_words(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next()? {
                        '\'' => break,
                        c => word.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.push(chars.next()?);
            }
            '"' | '`' | '$' => return None,
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    Some(words)
}

/// One command from a `Running `…`` line: variables set, program, arguments.
type Running = (Vec<(String, String)>, PathBuf, Vec<String>);

fn parse_running(line: &str) -> Option<Running> {
    let inner = line.trim().strip_prefix("Running `")?.strip_suffix('`')?;
    let words = shell_words(inner)?;
    let mut env = Vec::new();
    let mut rest = words.into_iter().peekable();
    while let Some(w) = rest.peek() {
        let Some((name, value)) = w.split_once('=') else {
            break;
        };
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            break;
        }
        env.push((name.to_owned(), value.to_owned()));
        rest.next();
    }
    let program = PathBuf::from(rest.next()?);
    Some((env, program, rest.collect()))
}

/// The value after `flag` in `args` (`--out-dir X`), or after `-C key=` (`-C extra-filename=X`).
fn arg_after<'a>(args: &'a [String], flag: &str) -> Option<&'a str> {
    args.windows(2)
        .find(|w| w[0] == flag)
        .map(|w| w[1].as_str())
}

fn codegen_opt<'a>(args: &'a [String], key: &str) -> Option<&'a str> {
    args.windows(2)
        .find(|w| w[0] == "-C" && w[1].starts_with(key) && w[1][key.len()..].starts_with('='))
        .map(|w| &w[1][key.len() + 1..])
}

/// The path-dependency folders cargo mentioned (`Fresh`/`Compiling name v1 (/path)`).
fn path_packages(stderr: &str) -> BTreeSet<PathBuf> {
    stderr
        .lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l
                .strip_prefix("Fresh ")
                .or_else(|| l.strip_prefix("Compiling "))?;
            let open = rest.rfind(" (/")?;
            let path = rest[open + 2..].strip_suffix(')')?;
            Some(PathBuf::from(path))
        })
        .collect()
}

/// The files whose change can change what cargo runs, around the workspace at `root`.
fn config_files(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![
        root.join("Cargo.toml"),
        root.join("Cargo.lock"),
        root.join("rust-toolchain.toml"),
        root.join("rust-toolchain"),
        dir.join("Cargo.toml"),
        dir.join("build.rs"),
    ];
    for ancestor in dir.ancestors() {
        files.push(ancestor.join(".cargo/config.toml"));
        files.push(ancestor.join(".cargo/config"));
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
    if let Some(home) = home {
        files.push(home.join("config.toml"));
        files.push(home.join("config"));
    }
    files
}

/// After cargo built the exercise in `dir` (package `package`, test targets `tests`) with `-vv`:
/// records the commands it ran for it, or, if it ran none (all fresh), brings an existing
/// record's stamps up to date. Anything unexpected leaves no record.
pub fn record(root: &Path, package: &str, dir: &Path, tests: &[String], report: &BuildReport) {
    let Some(path) = record_path(package) else {
        return;
    };
    let built = report.crates.get(&canon(dir)).cloned().unwrap_or_default();
    let made = make_record(root, package, dir, tests, report, &built);
    let kept = match made {
        Made::Record(record) => Some(record),
        Made::NothingRan => load(package, dir, tests).map(|mut old| {
            restamp(root, &mut old);
            old
        }),
        // A build that failed (the learner's compile error, most often) leaves the record as it
        // was: its commands are still cargo's, and its stamps still tell when they stop being.
        Made::Failed => return,
        Made::Unusable => None,
    };
    match kept.and_then(|r| serde_json::to_vec(&r).ok()) {
        Some(bytes) => {
            let _ = std::fs::create_dir_all(path.parent().unwrap_or(Path::new(".")));
            let tmp = path.with_extension("json.tmp");
            if std::fs::write(&tmp, bytes).is_err() || std::fs::rename(&tmp, &path).is_err() {
                let _ = std::fs::remove_file(&path);
            }
        }
        None => {
            let _ = std::fs::remove_file(&path);
        }
    }
}

enum Made {
    Record(Record),
    /// Cargo compiled nothing of the exercise: its build was fresh.
    NothingRan,
    /// The build failed.
    Failed,
    /// Something lab does not replay, or does not understand.
    Unusable,
}

fn make_record(
    root: &Path,
    package: &str,
    dir: &Path,
    tests: &[String],
    report: &BuildReport,
    built: &Built,
) -> Made {
    if !report.success || !built.errors.is_empty() {
        return Made::Failed;
    }
    if dir.join("build.rs").exists() {
        return Made::Unusable;
    }
    let dir = canon(dir);
    let mut lib = None;
    let mut test_units = Vec::new();
    for line in report.stderr.lines() {
        if !line.trim_start().starts_with("Running `") {
            continue;
        }
        let Some((env, program, args)) = parse_running(line) else {
            // A command of this package lab cannot read would make the record incomplete.
            if line.contains(&dir.display().to_string()) {
                return Made::Unusable;
            }
            continue;
        };
        let ours = env
            .iter()
            .find(|(k, _)| k == "CARGO_MANIFEST_DIR")
            .is_some_and(|(_, v)| canon(Path::new(v)) == dir);
        if !ours {
            continue;
        }
        let Some(unit) = unit_of(root, env, program, &args) else {
            return Made::Unusable;
        };
        let is_test = args.iter().any(|a| a == "--test");
        let is_lib = args
            .windows(2)
            .any(|w| w[0] == "--crate-type" && (w[1] == "lib" || w[1] == "rlib"));
        match (is_test, is_lib) {
            (true, false) => test_units.push(unit),
            (false, true) if lib.is_none() => lib = Some(unit),
            _ => return Made::Unusable,
        }
    }
    let Some(lib) = lib else {
        return if test_units.is_empty() {
            Made::NothingRan
        } else {
            Made::Unusable
        };
    };
    // Every test target asked for, each compiled once, and each one's executable known.
    if test_units.len() != tests.len()
        || built.executables.len() != tests.len()
        || !built
            .executables
            .iter()
            .all(|e| test_units.iter().any(|u| u.output == e.path) && tests.contains(&e.target))
    {
        return Made::Unusable;
    }
    let mut units = vec![lib];
    units.extend(test_units);
    let mut record = Record {
        version: VERSION,
        package: package.to_owned(),
        dir: dir.clone(),
        tests: tests.to_vec(),
        units,
        executables: built.executables.clone(),
        stamps: Vec::new(),
        // The exercise's own folder is covered by the dep-info files; a path dependency that
        // contains it (none should) would change with every edit, so it is left out too.
        trees: path_packages(&report.stderr)
            .into_iter()
            .map(|p| canon(&p))
            .filter(|p| !dir.starts_with(p))
            .map(|path| Stamp { path, seen: None })
            .collect(),
        env: Vec::new(),
    };
    restamp(root, &mut record);
    Made::Record(record)
}

/// A unit from one of cargo's commands; `None` if it lacks what lab needs to know.
fn unit_of(
    root: &Path,
    env: Vec<(String, String)>,
    program: PathBuf,
    args: &[String],
) -> Option<Unit> {
    if !program.is_absolute() || !program.is_file() {
        return None;
    }
    let name = arg_after(args, "--crate-name")?;
    // The crate's root file, named relative to the folder cargo ran rustc in: the workspace
    // root, which lab's root must be.
    let source = args
        .iter()
        .find(|a| a.ends_with(".rs") && !a.starts_with('-'))?;
    if !root.join(source).is_file() {
        return None;
    }
    let out_dir = PathBuf::from(arg_after(args, "--out-dir")?);
    let extra = codegen_opt(args, "extra-filename")?;
    let is_test = args.iter().any(|a| a == "--test");
    let output = if is_test {
        out_dir.join(format!("{name}{extra}{}", std::env::consts::EXE_SUFFIX))
    } else {
        out_dir.join(format!("lib{name}{extra}.rlib"))
    };
    // No jobserver outside cargo: rustc falls back to its own count of threads.
    let env = env
        .into_iter()
        .filter(|(k, _)| !matches!(k.as_str(), "CARGO_MAKEFLAGS" | "MAKEFLAGS" | "MFLAGS"))
        .collect();
    Some(Unit {
        program,
        args: args.to_vec(),
        env,
        // cargo runs rustc from the workspace root; sources are named relative to it.
        cwd: root.to_path_buf(),
        dep_info: out_dir.join(format!("{name}{extra}.d")),
        output,
    })
}

/// The stamps of `record`'s files and path-dependency folders as they are now.
fn stamps_now(root: &Path, record: &Record) -> (Vec<Stamp>, Vec<Stamp>) {
    let own: BTreeSet<&Path> = record.units.iter().map(|u| u.output.as_path()).collect();
    let mut files: BTreeSet<PathBuf> = config_files(root, &record.dir).into_iter().collect();
    for unit in &record.units {
        files.insert(unit.program.clone());
        for w in unit.args.windows(2).filter(|w| w[0] == "--extern") {
            if let Some((_, path)) = w[1].split_once('=') {
                let path = Path::new(path);
                // The exercise's own library is rebuilt by the replay itself.
                if !own.contains(path) && !own.contains(path.with_extension("rlib").as_path()) {
                    files.insert(path.to_path_buf());
                }
            }
        }
    }
    let stamps = files.iter().map(|f| stamp(f)).collect();
    let trees = record.trees.iter().map(|t| tree_stamp(&t.path)).collect();
    (stamps, trees)
}

/// Fills in the stamps of `record` as things are now.
fn restamp(root: &Path, record: &mut Record) {
    (record.stamps, record.trees) = stamps_now(root, record);
    record.env = build_env();
}

fn load(package: &str, dir: &Path, tests: &[String]) -> Option<Record> {
    let bytes = std::fs::read(record_path(package)?).ok()?;
    let record: Record = serde_json::from_slice(&bytes).ok()?;
    (record.version == VERSION
        && record.package == package
        && record.dir == canon(dir)
        && record.tests == tests)
        .then_some(record)
}

/// Why the record no longer describes what cargo would run now, if it does not.
fn changed_since(root: &Path, record: &Record) -> Option<String> {
    if build_env() != record.env {
        return Some("the CARGO*/RUST* environment changed".to_owned());
    }
    let (stamps, trees) = stamps_now(root, record);
    if stamps.len() != record.stamps.len() || trees.len() != record.trees.len() {
        return Some("the files it depends on changed".to_owned());
    }
    let was = record.stamps.iter().chain(&record.trees);
    let is = stamps.iter().chain(&trees);
    was.zip(is)
        .find(|(was, is)| was != is)
        .map(|(was, _)| format!("{} changed", was.path.display()))
}

/// The sources a unit read, from its dep-info file (`path:` rules, `\ ` for a space).
fn dep_sources(dep_info: &Path) -> Option<Vec<PathBuf>> {
    let text = std::fs::read_to_string(dep_info).ok()?;
    let mut sources = Vec::new();
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        // Rules with no prerequisites name one source each; the first rule, with them, names
        // the outputs, which are left out.
        if let Some(path) = line.strip_suffix(':') {
            sources.push(PathBuf::from(path.replace("\\ ", " ")));
        }
    }
    (!sources.is_empty()).then_some(sources)
}

/// Whether `unit`'s output is newer than every source it read and than `also` (the library a
/// test target links).
fn fresh(unit: &Unit, also: Option<&Path>) -> bool {
    let Some(out) = std::fs::metadata(&unit.output).ok().and_then(|m| nanos(&m)) else {
        return false;
    };
    let Some(sources) = dep_sources(&unit.dep_info) else {
        return false;
    };
    sources
        .iter()
        .map(|s| {
            if s.is_relative() {
                unit.cwd.join(s)
            } else {
                s.clone()
            }
        })
        .chain(also.map(Path::to_path_buf))
        .all(|s| {
            std::fs::metadata(&s)
                .ok()
                .and_then(|m| nanos(&m))
                .is_some_and(|t| t < out)
        })
}

/// Takes cargo's lock on the build folder (`target/debug/.cargo-lock`) without waiting: `None`
/// when another build holds it.
#[cfg(unix)]
fn build_lock(unit: &Unit) -> Option<std::fs::File> {
    let deps = unit.output.parent()?;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(deps.parent()?.join(".cargo-lock"))
        .ok()?;
    rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive).ok()?;
    Some(file)
}

/// What [`build`] did: `Err` says why the build must go through cargo.
pub type Outcome = Result<(BuildReport, Done), String>;

/// How a replayed build went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// Every output was newer than its sources: nothing compiled.
    UpToDate,
    /// Compiled with the recorded commands.
    Rebuilt,
}

impl std::fmt::Display for Done {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Done::UpToDate => "up to date: nothing compiled",
            Done::Rebuilt => "rebuilt without cargo",
        })
    }
}

/// Builds the exercise in `dir` with its recorded commands, if they are still valid; otherwise
/// says why cargo must: no record, a stale one, a busy build folder, or a failure lab cannot
/// explain.
pub fn build(root: &Path, package: &str, dir: &Path, tests: &[String]) -> Outcome {
    if !cfg!(unix) {
        return Err("not on this system".to_owned());
    }
    let record = load(package, dir, tests).ok_or("no record of an earlier build")?;
    if let Some(why) = changed_since(root, &record) {
        return Err(why);
    }
    let first = record.units.first().ok_or("an empty record")?;
    #[cfg(unix)]
    let _lock = build_lock(first).ok_or("another build holds the target folder")?;
    let lib_output = first.output.clone();
    let mut rebuilt = false;
    for (i, unit) in record.units.iter().enumerate() {
        let links = (i > 0).then_some(lib_output.as_path());
        if !rebuilt && fresh(unit, links) {
            continue;
        }
        let mut cmd = Command::new(&unit.program);
        cmd.args(&unit.args).current_dir(&unit.cwd);
        for (k, v) in &unit.env {
            cmd.env(k, v);
        }
        let done = run::run_compiler(cmd, run::BUILD_LIMIT).map_err(|e| e.to_string())?;
        let errors = errors_in(&done.stderr);
        // Errors about the build rather than the code (a dependency gone or rebuilt under the
        // replay's feet, a file rustc could not read) are cargo's to sort out.
        const NOT_THE_CODE: [&str; 4] = [
            "error[E0463]",
            "error[E0460]",
            "error[E0514]",
            "error: couldn't read",
        ];
        if let Some(e) = errors
            .iter()
            .find(|e| NOT_THE_CODE.iter().any(|n| e.starts_with(n)))
        {
            let first = e.lines().next().unwrap_or_default();
            return Err(format!("rustc said: {first}"));
        }
        if !errors.is_empty() {
            let built = Built {
                executables: Vec::new(),
                errors,
            };
            return Ok((report_for(dir, built), Done::Rebuilt));
        }
        if !done.success {
            return Err("rustc failed without an error message".to_owned());
        }
        rebuilt = true;
    }
    if !record.executables.iter().all(|e| e.path.is_file()) {
        return Err("a test executable is missing".to_owned());
    }
    let built = Built {
        executables: record.executables,
        errors: Vec::new(),
    };
    let done = if rebuilt {
        Done::Rebuilt
    } else {
        Done::UpToDate
    };
    Ok((report_for(dir, built), done))
}

/// A build report with one crate's result, as cargo's would be: a success when nothing failed.
fn report_for(dir: &Path, built: Built) -> BuildReport {
    let success = built.errors.is_empty();
    BuildReport {
        crates: std::collections::HashMap::from([(canon(dir), built)]),
        stderr: String::new(),
        success,
    }
}

/// The error messages in rustc's JSON diagnostics, rendered as cargo shows them (`--color never`:
/// without ANSI colours), in order, without the closing "aborting" line.
fn errors_in(stderr: &str) -> Vec<String> {
    let mut errors = Vec::new();
    for line in stderr.lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg.get("$message_type").and_then(|t| t.as_str()) != Some("diagnostic")
            || msg.get("level").and_then(|l| l.as_str()) != Some("error")
        {
            continue;
        }
        let Some(rendered) = msg.get("rendered").and_then(|r| r.as_str()) else {
            continue;
        };
        let text = strip_ansi(rendered).trim_end().to_owned();
        if !text.starts_with("error: aborting") && !errors.contains(&text) {
            errors.push(text);
        }
    }
    errors
}

/// `text` without ANSI escape sequences (`ESC [ … letter`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.next() == Some('[') {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            continue;
        }
        out.push(c);
    }
    out
}

/// `cargo_stderr` without the lines `-vv` adds (the commands, and which units were fresh or
/// dirty), which lab only reads for the record.
pub fn quiet(cargo_stderr: &str) -> String {
    cargo_stderr
        .lines()
        .filter(|l| {
            let l = l.trim_start();
            !(l.starts_with("Running `") || l.starts_with("Fresh ") || l.starts_with("Dirty "))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cargo_s_quoting_is_undone() {
        let line = r#"     Running `CARGO_PKG_DESCRIPTION='Solution: it'\''s a '\!' test.' CARGO_PKG_AUTHORS='' X=1 /bin/rustc --crate-name a --check-cfg 'cfg(feature, values())' a\ b`"#;
        let (env, program, args) = parse_running(line).unwrap();
        assert_eq!(
            env,
            [
                (
                    "CARGO_PKG_DESCRIPTION".to_owned(),
                    "Solution: it's a ! test.".to_owned()
                ),
                ("CARGO_PKG_AUTHORS".to_owned(), String::new()),
                ("X".to_owned(), "1".to_owned()),
            ]
        );
        assert_eq!(program, PathBuf::from("/bin/rustc"));
        assert_eq!(
            args,
            [
                "--crate-name",
                "a",
                "--check-cfg",
                "cfg(feature, values())",
                "a b"
            ]
        );
        assert!(parse_running("     Running `unterminated 'quote`").is_none());
        assert!(parse_running("     Running `cut off").is_none());
    }

    #[test]
    fn path_packages_are_read_from_fresh_and_compiling_lines() {
        let stderr = "       Fresh tokio v1.48.0\n       Fresh testkit v0.0.0 (/w/crates/testkit)\n   Compiling ex-a v0.0.0 (/w/exercises/a b)\n";
        let got: Vec<PathBuf> = path_packages(stderr).into_iter().collect();
        assert_eq!(
            got,
            [
                PathBuf::from("/w/crates/testkit"),
                PathBuf::from("/w/exercises/a b")
            ]
        );
    }

    #[test]
    fn dep_info_lists_sources_without_outputs_or_comments() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("a.d");
        std::fs::write(
            &d,
            "/t/deps/liba-1.rlib /t/deps/a-1.d: src/lib.rs src/my\\ mod.rs\n\nsrc/lib.rs:\nsrc/my\\ mod.rs:\n\n# env-dep:CARGO_PKG_NAME=a\n",
        )
        .unwrap();
        assert_eq!(
            dep_sources(&d).unwrap(),
            [PathBuf::from("src/lib.rs"), PathBuf::from("src/my mod.rs")]
        );
    }

    #[test]
    fn errors_come_without_colours_and_without_the_aborting_line() {
        let stderr = concat!(
            r#"{"$message_type":"diagnostic","level":"warning","rendered":"warning: unused"}"#,
            "\n",
            r#"{"$message_type":"diagnostic","level":"error","rendered":"\u001b[0m\u001b[1m\u001b[38;5;9merror[E0308]\u001b[0m: mismatched types\n"}"#,
            "\n",
            r#"{"$message_type":"artifact","artifact":"x.rmeta","emit":"metadata"}"#,
            "\n",
            r#"{"$message_type":"diagnostic","level":"error","rendered":"error: aborting due to 1 previous error\n"}"#,
            "\n",
        );
        assert_eq!(errors_in(stderr), ["error[E0308]: mismatched types"]);
    }

    #[test]
    fn a_tree_stamp_changes_when_a_file_is_added_or_edited() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("src")).unwrap();
        std::fs::write(dir.path().join("src/lib.rs"), "a").unwrap();
        let before = tree_stamp(dir.path());
        assert_eq!(before, tree_stamp(dir.path()));
        std::fs::write(dir.path().join("src/new.rs"), "b").unwrap();
        let added = tree_stamp(dir.path());
        assert_ne!(before, added);
        std::thread::sleep(std::time::Duration::from_millis(5));
        std::fs::write(dir.path().join("src/lib.rs"), "c").unwrap();
        assert_ne!(added, tree_stamp(dir.path()));
        // What cargo writes into a `target` folder inside is not a change of the sources.
        let edited = tree_stamp(dir.path());
        std::fs::create_dir(dir.path().join("target")).unwrap();
        std::fs::write(dir.path().join("target/x"), "d").unwrap();
        assert_eq!(
            edited.seen.map(|s| s.1),
            tree_stamp(dir.path()).seen.map(|s| s.1)
        );
    }
}
