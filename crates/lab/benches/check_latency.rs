//! Edit-to-verdict time of `cargo lab check`, measured in a scratch copy of this workspace.
//!
//! ```text
//! cargo bench -p lab --bench check_latency                      # first_await only
//! LAB_BENCH_ALL=1 cargo bench -p lab --bench check_latency      # every exercise
//! LAB_BENCH_IDS=hash_service,worker_pool cargo bench -p lab --bench check_latency
//! ```
//!
//! What a learner waits for after saving a file: the repository tree (without `target/` and
//! `.git/`) is copied to a temporary folder, so cargo resolves the same workspace, the same members
//! and the same lock file as in the real checkout. For each exercise measured, the copy's stub gets
//! the solution's `src/lib.rs` (so the check passes; where the learner writes the tests, the
//! solution's tests instead), and each run appends one comment line to it
//! (a real edit: cargo must rebuild the library and relink the test binary), then times
//! `cargo lab check ID` in the copy until its verdict. The first run of each exercise warms the
//! build and is not counted; the median and the min-max of the others are printed.
//!
//! Options, all environment variables:
//!
//! - `LAB_BENCH_ALL=1` measures every exercise in `exercises/lab.toml`, in learning order.
//! - `LAB_BENCH_IDS=a,b` measures the listed exercises.
//! - `LAB_BENCH_RUNS=N` counts N runs per exercise (default 5), after the warm-up.
//! - `LAB_BENCH_DIRECT=1` also times the lab binary itself (`lab --root COPY check ID`), without
//!   the alias's `cargo run`, which adds cargo's check that lab is up to date.
//!
//! # Why the copy's builds cost only the edited crate
//!
//! Builds go to the workspace's target dir (or `CARGO_TARGET_DIR`), which normally already holds
//! every dependency. Cargo names a path member's artifacts by its name and its path inside the
//! workspace, not by the absolute path, and judges a crate fresh by comparing its sources'
//! modification times with its last build. The copy keeps every file's modification time, so each
//! unchanged member of the copy is the very build the target dir already holds, and only the
//! edited stub is compiled.
//!
//! The edited stub is the one crate that must not share artifacts: its solved build would then sit
//! under the real stub's name, with a newer time than the real stub's sources, and cargo would
//! take it for an up-to-date build of the unsolved stub. So the copy's stub is renamed
//! (`ex-…` becomes `lab-bench-…`), which gives it artifacts of its own; lab reads the package name
//! from the stub's `Cargo.toml`, and the rename changes nothing else cargo does.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The exercise measured by default: chapter 0's first Tokio exercise, small and quick to build.
const DEFAULT_ID: &str = "first_await";

/// One exercise as `exercises/lab.toml` lists it.
struct Exercise {
    id: String,
    stub: PathBuf,
    solution: PathBuf,
    /// `kind = "write_tests"`: the learner writes the tests, so the solution is a test file and
    /// an edit is an edit of the tests.
    writes_tests: bool,
}

impl Exercise {
    /// The file a learner edits, relative to the copy's root: the stub's `src/lib.rs`, or its
    /// test file where the learner writes the tests.
    fn edited(&self, ws: &Path) -> PathBuf {
        if self.writes_tests {
            ws.join(&self.stub).join(first_test(&ws.join(&self.stub)))
        } else {
            ws.join(&self.stub).join("src/lib.rs")
        }
    }
}

/// The path of the first `[[test]]` target of the crate in `dir`, relative to it.
fn first_test(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).expect("the crate has a Cargo.toml");
    let table: toml::Table = text.parse().expect("its Cargo.toml is valid TOML");
    table
        .get("test")
        .and_then(toml::Value::as_array)
        .and_then(|t| t.first())
        .and_then(|t| t.get("path"))
        .and_then(toml::Value::as_str)
        .map(PathBuf::from)
        .expect("the crate declares a [[test]] target with a path")
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("the workspace root exists");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let runs: usize = std::env::var("LAB_BENCH_RUNS")
        .ok()
        .map(|n| {
            n.parse()
                .expect("LAB_BENCH_RUNS must be a whole number, such as 5")
        })
        .unwrap_or(5)
        .max(1);

    let all = exercises(&root);
    let wanted: Vec<&Exercise> = if std::env::var_os("LAB_BENCH_ALL").is_some_and(|v| v == "1") {
        all.iter().collect()
    } else {
        let ids = std::env::var("LAB_BENCH_IDS").unwrap_or_else(|_| DEFAULT_ID.to_owned());
        ids.split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| {
                all.iter().find(|ex| ex.id == id).unwrap_or_else(|| {
                    panic!(
                        "no exercise {id:?} in exercises/lab.toml; `cargo lab list` shows the ids"
                    )
                })
            })
            .collect()
    };

    let scratch = tempfile::tempdir().expect("a temporary folder for the copy");
    let ws = scratch.path();
    let started = Instant::now();
    copy_tree(&root, ws);
    eprintln!(
        "copied the workspace to {} in {:.2} s",
        ws.display(),
        started.elapsed().as_secs_f64()
    );

    let mut ways = vec![Via::Alias];
    if std::env::var_os("LAB_BENCH_DIRECT").is_some_and(|v| v == "1") {
        ways.push(Via::Binary);
    }
    let mut table = Vec::new();
    for ex in wanted {
        solve_in_copy(ws, ex);
        for &via in &ways {
            let stats = measure(ws, &target, ex, via, runs);
            eprintln!(
                "{} via {}: median {:.3} s, min {:.3} s, max {:.3} s",
                ex.id,
                via.name(),
                stats.median.as_secs_f64(),
                stats.min.as_secs_f64(),
                stats.max.as_secs_f64()
            );
            table.push((ex.id.clone(), via, stats));
        }
    }

    println!(
        "\nedit-to-verdict of `lab check ID` (solved) in a copy of the workspace, \
         {runs} runs each after one warm-up:"
    );
    println!(
        "  {:<20} {:<11} {:>8} {:>8} {:>8}",
        "exercise", "via", "median", "min", "max"
    );
    for (id, via, s) in table {
        println!(
            "  {id:<20} {:<11} {:>7.3}s {:>7.3}s {:>7.3}s",
            via.name(),
            s.median.as_secs_f64(),
            s.min.as_secs_f64(),
            s.max.as_secs_f64()
        );
    }
}

/// Reads the exercises, in learning order, from `exercises/lab.toml`.
fn exercises(root: &Path) -> Vec<Exercise> {
    let text = std::fs::read_to_string(root.join("exercises/lab.toml"))
        .expect("exercises/lab.toml is readable");
    let table: toml::Table = text.parse().expect("exercises/lab.toml is valid TOML");
    let list = table
        .get("exercise")
        .and_then(toml::Value::as_array)
        .expect("exercises/lab.toml has [[exercise]] entries");
    list.iter()
        .map(|entry| {
            let field = |name: &str| {
                entry
                    .get(name)
                    .and_then(toml::Value::as_str)
                    .unwrap_or_else(|| panic!("an exercise in lab.toml has no {name:?}"))
                    .to_owned()
            };
            Exercise {
                id: field("id"),
                stub: PathBuf::from(field("stub")),
                solution: PathBuf::from(field("solution")),
                writes_tests: entry.get("kind").and_then(toml::Value::as_str)
                    == Some("write_tests"),
            }
        })
        .collect()
}

/// Copies `from` into `to`, leaving out build output, git's data and lab's state, and keeping
/// every file's modification time (see the module docs for why).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("the copy's folder can be created");
    for entry in std::fs::read_dir(from).expect("the workspace is readable") {
        let entry = entry.expect("the workspace is readable");
        let name = entry.file_name();
        if [".git", ".lab", "target", "book"]
            .iter()
            .any(|skip| name == *skip)
        {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        let kind = entry.file_type().expect("the workspace is readable");
        if kind.is_dir() {
            copy_tree(&src, &dst);
        } else if kind.is_file() {
            std::fs::copy(&src, &dst).expect("a file of the workspace can be copied");
            let modified = entry
                .metadata()
                .and_then(|m| m.modified())
                .expect("the file system records modification times");
            std::fs::File::options()
                .write(true)
                .open(&dst)
                .and_then(|f| f.set_modified(modified))
                .expect("the copy's modification time can be set");
        }
    }
}

/// The median, the fastest and the slowest of a set of runs.
struct Stats {
    median: Duration,
    min: Duration,
    max: Duration,
}

/// How `lab check` is started.
#[derive(Clone, Copy)]
enum Via {
    /// `cargo lab check ID` in the copy: what a learner types.
    Alias,
    /// The lab binary cargo built for this benchmark (in the optimised bench profile), pointed at
    /// the copy with `--root`.
    Binary,
}

impl Via {
    fn name(self) -> &'static str {
        match self {
            Via::Alias => "cargo lab",
            Via::Binary => "lab binary",
        }
    }

    fn command(self, ws: &Path, id: &str) -> Command {
        let mut cmd = match self {
            Via::Alias => {
                let mut cmd =
                    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
                cmd.arg("lab");
                cmd
            }
            Via::Binary => {
                let mut cmd = Command::new(env!("CARGO_BIN_EXE_lab"));
                cmd.arg("--root").arg(ws);
                cmd
            }
        };
        cmd.args(["check", id]).current_dir(ws);
        cmd
    }
}

/// Puts the solution into the copy's stub, under another package name.
fn solve_in_copy(ws: &Path, ex: &Exercise) {
    let stub = ws.join(&ex.stub);
    let solved = if ex.writes_tests {
        let sol = ws.join(&ex.solution);
        sol.join(first_test(&sol))
    } else {
        ws.join(&ex.solution).join("src/lib.rs")
    };
    std::fs::copy(&solved, ex.edited(ws))
        .expect("the solution's file can be copied over the stub's");
    let manifest_path = stub.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path).expect("the stub has a Cargo.toml");
    let renamed = manifest.replacen("name = \"ex-", "name = \"lab-bench-", 1);
    assert_ne!(
        manifest, renamed,
        "the stub's package name no longer starts with `ex-`; update the bench's rename"
    );
    std::fs::write(&manifest_path, renamed).expect("the copy's stub manifest can be written");
}

/// Runs one warm-up and `runs` edit-then-check rounds on the solved copy of `ex`.
fn measure(ws: &Path, target: &Path, ex: &Exercise, via: Via, runs: usize) -> Stats {
    let lib = ex.edited(ws);
    let mut times = Vec::with_capacity(runs);
    for i in 0..=runs {
        let mut text = std::fs::read_to_string(&lib).expect("the copy's stub is readable");
        text.push_str(&format!("// edit {i}\n"));
        std::fs::write(&lib, text).expect("the copy's stub can be edited");
        let start = Instant::now();
        let out = via
            .command(ws, &ex.id)
            .env("CARGO_TARGET_DIR", target)
            .stdin(Stdio::null())
            .output()
            .expect("cargo starts");
        let took = start.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains(&format!("✓ {}", ex.id)),
            "{} via {}: the solved exercise did not pass:\n{stdout}\n{}",
            ex.id,
            via.name(),
            String::from_utf8_lossy(&out.stderr)
        );
        if i == 0 {
            eprintln!(
                "{} via {}: warm-up: {:.3} s",
                ex.id,
                via.name(),
                took.as_secs_f64()
            );
        } else {
            eprintln!(
                "{} via {}: run {i}: {:.3} s",
                ex.id,
                via.name(),
                took.as_secs_f64()
            );
            times.push(took);
        }
    }
    times.sort();
    Stats {
        median: times[times.len() / 2],
        min: times[0],
        max: times[times.len() - 1],
    }
}
