//! `lab verify`: the maintainer's and CI's proof that the exercises are sound.
//!
//! Speed on a fresh clone comes from building in as few cargo invocations as possible: every
//! solution's tests in one `cargo test --no-run`, every stub's in another (`--keep-going`, so a
//! stub that is meant not to compile does not stop the rest), and one `cargo clippy` over the
//! solutions. Only the test binaries then run one by one, `jobs` at a time, each under its own
//! process-level limit.

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use crate::Lab;
use crate::check::{compile_verdict, run_tests};
use crate::diagnose::Verdict;
use crate::error::LabError;
use crate::manifest::{CrateInfo, Exercise, Kind};
use crate::run::{self, TestExe, canon};

/// One exercise's line in the summary.
#[derive(Default)]
struct Row {
    solution: String,
    stub: String,
    clippy: String,
    /// Wrong answers caught, of those run: "3/3", or "-" for none.
    wrong: String,
    breaches: Vec<String>,
}

/// A finished job: the row, whether it was the stub, and the verdict.
type Ran = (usize, bool, Result<Verdict, LabError>);

/// An exercise's wrong answers, run: the row, and what they found.
type RanWrong = (usize, Result<crate::wrong::Ran, LabError>);

/// A test binary set waiting to run.
struct Job {
    row: usize,
    is_stub: bool,
    dir: PathBuf,
    exes: Vec<TestExe>,
    limit: Duration,
}

pub fn verify(lab: &Lab, jobs: usize, ids: &[String]) -> Result<ExitCode, LabError> {
    let start = Instant::now();
    let chosen: Vec<Exercise> = if ids.is_empty() {
        lab.manifest.exercises.clone()
    } else {
        ids.iter()
            .map(|id| lab.manifest.get(id).cloned())
            .collect::<Result<_, _>>()?
    };
    let exercises = &chosen;
    let mut rows: Vec<Row> = exercises.iter().map(|_| Row::default()).collect();
    let mut global = Vec::new();

    // 1. The manifest and the folders agree.
    let mut infos: Vec<(Option<CrateInfo>, Option<CrateInfo>)> = Vec::new();
    for (ex, row) in exercises.iter().zip(&mut rows) {
        infos.push(layout(&lab.root, ex, row));
    }
    let listed: BTreeSet<PathBuf> = exercises
        .iter()
        .flat_map(|e| {
            [
                canon(&lab.root.join(&e.stub)),
                canon(&lab.root.join(&e.solution)),
            ]
        })
        .collect();
    // Only a run over the whole manifest can tell a crate that no entry lists.
    let tops: &[&str] = if ids.is_empty() {
        &["exercises", "solutions"]
    } else {
        &[]
    };
    for top in tops {
        for krate in crate_dirs(&lab.root.join(top)) {
            if !listed.contains(&canon(&krate)) {
                global.push(format!(
                    "{} holds a crate that no entry of exercises/lab.toml lists: add an entry, or remove the folder",
                    krate.strip_prefix(&lab.root).unwrap_or(&krate).display()
                ));
            }
        }
    }

    // A missing stub folder breaks the whole workspace for cargo (the solutions' [[test]] paths
    // point into it), so every build would fail for that one reason: say it once, build nothing.
    let missing: Vec<String> = exercises
        .iter()
        .filter(|e| !lab.root.join(&e.stub).is_dir())
        .map(|e| e.stub.display().to_string())
        .collect();
    if !missing.is_empty() {
        global.push(format!(
            "the stub folder{} {} {} missing: the solutions' tests live in the stubs, so cargo cannot load \
             the workspace and nothing was built. Restore {} (`git status`), or remove the entries from \
             exercises/lab.toml, then run verify again",
            if missing.len() == 1 { "" } else { "s" },
            missing.join(", "),
            if missing.len() == 1 { "is" } else { "are" },
            if missing.len() == 1 { "it" } else { "them" },
        ));
        return summary(exercises, &rows, &global, start);
    }

    // 2. Build every solution's and every stub's tests, one cargo invocation each, with the
    //    shipped tests in place whatever the working tree holds (put back when `_held` drops).
    let _held = crate::integrity::Held::shipped_tests(&lab.root, &lab.state_dir, exercises)?;
    let sol_pkgs: Vec<String> = infos
        .iter()
        .filter_map(|(_, s)| s.as_ref().map(|s| s.package.clone()))
        .collect();
    let stub_pkgs: Vec<String> = infos
        .iter()
        .filter_map(|(s, _)| s.as_ref().map(|s| s.package.clone()))
        .collect();
    eprintln!("verify: building the tests of {} solutions", sol_pkgs.len());
    let sol_build = build_or_empty(lab, &sol_pkgs, "test", &[])?;
    eprintln!("verify: building the tests of {} stubs", stub_pkgs.len());
    let stub_build = build_or_empty(lab, &stub_pkgs, "test", &[])?;

    let mut queue = VecDeque::new();
    for (i, ex) in exercises.iter().enumerate() {
        let limit = Duration::from_secs(ex.time_limit_secs);
        for (is_stub, info, path, build) in [
            (false, &infos[i].1, &ex.solution, &sol_build),
            (true, &infos[i].0, &ex.stub, &stub_build),
        ] {
            if info.is_none() {
                continue;
            }
            let dir = canon(&lab.root.join(path));
            let built = build.crates.get(&dir).cloned().unwrap_or_default();
            if built.executables.is_empty() || !built.errors.is_empty() {
                let verdict = compile_verdict(&built.errors, &build.stderr);
                record(&mut rows[i], ex, is_stub, &verdict);
            } else {
                queue.push_back(Job {
                    row: i,
                    is_stub,
                    dir,
                    exes: built.executables,
                    limit,
                });
            }
        }
    }

    // 3. Run the test binaries, `jobs` at a time.
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::new(queue.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} running tests [{bar:30}] {pos}/{len} {msg}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    let queue = Mutex::new(queue);
    let results: Mutex<Vec<Ran>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let Some(job) = queue.lock().expect("queue lock").pop_front() else {
                        break;
                    };
                    let ex = &exercises[job.row];
                    bar.set_message(ex.id.clone());
                    let verdict = match ex.kind {
                        Kind::Implement => {
                            run_tests(&job.dir, &job.exes, job.limit, ex.test_threads)
                        }
                        // The learner's tests, or the reference ones, against the code as
                        // shipped and against each of its bugs.
                        Kind::WriteTests => {
                            crate::check::run_built(&lab.root, ex, &job.dir, &job.exes)
                        }
                    };
                    results
                        .lock()
                        .expect("results lock")
                        .push((job.row, job.is_stub, verdict));
                    bar.inc(1);
                }
            });
        }
    });
    bar.finish_and_clear();
    for (row, is_stub, verdict) in results.into_inner().expect("results lock") {
        let verdict = verdict?;
        record(&mut rows[row], &exercises[row], is_stub, &verdict);
    }

    // 3b. Every wrong answer in the stub's place, one exercise per job; only where the solution
    //     passes, since a wrong answer is the solution with a mistake put in.
    let with_wrong: VecDeque<usize> = (0..exercises.len())
        .filter(|&i| rows[i].solution == "pass" && infos[i].0.is_some())
        .filter(|&i| {
            lab.root
                .join(&exercises[i].solution)
                .join(crate::wrong::FILE)
                .is_file()
        })
        .collect();
    if !with_wrong.is_empty() {
        eprintln!(
            "verify: running the wrong answers of {} exercises",
            with_wrong.len()
        );
    }
    let wrong_queue = Mutex::new(with_wrong);
    let build_lock = Mutex::new(());
    let wrong_results: Mutex<Vec<RanWrong>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| {
                loop {
                    let Some(i) = wrong_queue.lock().expect("queue lock").pop_front() else {
                        break;
                    };
                    let ran = crate::wrong::run_all(
                        &lab.root,
                        &lab.state_dir,
                        &exercises[i],
                        &build_lock,
                    );
                    wrong_results.lock().expect("results lock").push((i, ran));
                }
            });
        }
    });
    for row in &mut rows {
        row.wrong = "-".into();
    }
    let mut slow = Vec::new();
    for (i, ran) in wrong_results.into_inner().expect("results lock") {
        let ran = ran?;
        rows[i].wrong = format!(
            "{}/{}",
            ran.count.saturating_sub(ran.breaches.len()),
            ran.count
        );
        rows[i].breaches.extend(ran.breaches);
        for (name, took) in ran.slow {
            slow.push(format!(
                "{} `{name}`: {:.1} s",
                exercises[i].id,
                took.as_secs_f64()
            ));
        }
    }
    if !slow.is_empty() {
        // Not a breach: the time depends on the machine's load. It is a lead to follow.
        eprintln!(
            "verify: these wrong answers are not time-outs, yet their tests ran longer than {} s:\n  {}",
            crate::wrong::SLOW.as_secs(),
            slow.join("\n  ")
        );
    }

    // 4. Clippy over the solutions, all targets, warnings denied.
    eprintln!("verify: clippy on {} solutions", sol_pkgs.len());
    let clippy = build_or_empty(
        lab,
        &sol_pkgs,
        "clippy",
        &["--all-targets", "--", "-D", "warnings"],
    )?;
    for (i, ex) in exercises.iter().enumerate() {
        if infos[i].1.is_none() {
            continue;
        }
        let dir = canon(&lab.root.join(&ex.solution));
        match clippy
            .crates
            .get(&dir)
            .map(|b| b.errors.as_slice())
            .unwrap_or_default()
        {
            [] if clippy.success || clippy.crates.contains_key(&dir) => {
                rows[i].clippy = "clean".into()
            }
            [] => {
                rows[i].clippy = "not run".into();
                rows[i]
                    .breaches
                    .push(format!("clippy did not finish: {}", clippy.stderr.trim()));
            }
            errors => {
                rows[i].clippy = format!("{} findings", errors.len());
                rows[i]
                    .breaches
                    .push(format!("clippy finds, in the solution:\n{}", errors[0]));
            }
        }
    }

    // 5. The summary.
    summary(exercises, &rows, &global, start)
}

/// Prints the table and the breaches; the exit code says whether there were any.
fn summary(
    exercises: &[Exercise],
    rows: &[Row],
    global: &[String],
    start: Instant,
) -> Result<ExitCode, LabError> {
    let width = exercises
        .iter()
        .map(|e| e.id.len())
        .max()
        .unwrap_or(2)
        .max(2);
    println!(
        "\n{:<width$}  {:<10}  {:<32}  {:<7}  clippy",
        "id", "solution", "stub (declared: got)", "wrong"
    );
    let mut breaches = 0;
    for (ex, row) in exercises.iter().zip(rows) {
        println!(
            "{:<width$}  {:<10}  {:<32}  {:<7}  {}",
            ex.id, row.solution, row.stub, row.wrong, row.clippy
        );
        breaches += row.breaches.len();
    }
    breaches += global.len();
    for (ex, row) in exercises.iter().zip(rows) {
        for b in &row.breaches {
            println!("\n✗ {}: {b}", ex.id);
        }
    }
    for b in global {
        println!("\n✗ {b}");
    }
    println!(
        "\nverify: {} exercises, {breaches} breaches, {:.1} s",
        exercises.len(),
        start.elapsed().as_secs_f64()
    );
    Ok(if breaches == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn build_or_empty(
    lab: &Lab,
    pkgs: &[String],
    sub: &str,
    extra: &[&str],
) -> Result<run::BuildReport, LabError> {
    if pkgs.is_empty() {
        return Ok(run::BuildReport {
            crates: HashMap::new(),
            stderr: String::new(),
            success: true,
        });
    }
    run::build_tests(&lab.root, pkgs, sub, extra)
}

/// Checks one entry's folders, names and TODO markers; returns the crates that could be read.
fn layout(root: &Path, ex: &Exercise, row: &mut Row) -> (Option<CrateInfo>, Option<CrateInfo>) {
    let mut read = |path: &Path, what: &str| -> Option<CrateInfo> {
        let dir = root.join(path);
        if !dir.is_dir() {
            row.breaches.push(format!(
                "the {what} folder {} does not exist",
                path.display()
            ));
            return None;
        }
        match CrateInfo::read(&dir) {
            Ok(info) => Some(info),
            Err(e) => {
                row.breaches.push(e.to_string());
                None
            }
        }
    };
    let stub = read(&ex.stub, "stub");
    let sol = read(&ex.solution, "solution");
    // `unsafe_code` is `forbid` in the workspace's lints; a crate that does not inherit them
    // could let a stub's `unsafe` (a forged constructor, a write to the results log's memory)
    // through.
    for (path, what) in [(&ex.stub, "stub"), (&ex.solution, "solution")] {
        let toml_path = root.join(path).join("Cargo.toml");
        let inherits = std::fs::read_to_string(&toml_path)
            .ok()
            .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
            .and_then(|t| t.get("lints")?.get("workspace")?.as_bool())
            .unwrap_or(false);
        if toml_path.is_file() && !inherits {
            row.breaches.push(format!(
                "the {what}'s Cargo.toml lacks `[lints] workspace = true`, so it escapes the workspace's \
                 `unsafe_code = \"forbid\"`"
            ));
        }
    }
    row.stub = "not built".into();
    row.solution = "not built".into();
    row.clippy = "-".into();
    for (info, what) in [(&stub, "stub"), (&sol, "solution")] {
        if let Some(info) = info
            && info.lib != ex.id
        {
            row.breaches.push(format!(
                "the {what}'s library is `{}`, but the manifest id is `{}`",
                info.lib, ex.id
            ));
        }
    }
    if let (Some(stub_info), Some(sol_info)) = (&stub, &sol) {
        let stub_dir = canon(&root.join(&ex.stub));
        let sol_dir = root.join(&ex.solution);
        let stub_tests: Vec<PathBuf> = stub_info
            .tests
            .iter()
            .map(|t| canon(&stub_dir.join(t)))
            .collect();
        let sol_tests: Vec<PathBuf> = sol_info
            .tests
            .iter()
            .map(|t| canon(&sol_dir.join(t)))
            .collect();
        if stub_tests.is_empty() {
            row.breaches
                .push("the stub declares no [[test]] target".into());
        }
        match ex.kind {
            Kind::Implement if sol_tests != stub_tests => {
                row.breaches.push(
                    "the solution's [[test]] paths do not point at the stub's test files: tests are written once, in the stub".into(),
                );
            }
            Kind::Implement => {}
            Kind::WriteTests => {
                // The roles turn round: the code is written once, in the stub, and the solution
                // is a set of tests of its own.
                let lib = |dir: &Path| {
                    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
                    let path = crate::integrity::lib_path(&text);
                    (!path.is_empty()).then(|| canon(&dir.join(path)))
                };
                if lib(&sol_dir) != Some(canon(&stub_dir.join("src/lib.rs"))) {
                    row.breaches.push(
                        "the solution's [lib] path does not point at the stub's src/lib.rs: in a \"write the tests\" \
                         exercise the code under test is written once, in the stub"
                            .into(),
                    );
                }
                if sol_tests == stub_tests {
                    row.breaches.push(
                        "the solution runs the stub's tests: in a \"write the tests\" exercise the solution has \
                         reference tests of its own"
                            .into(),
                    );
                }
                if let Err(e) = crate::bugs::load(root, ex) {
                    row.breaches.push(e.to_string());
                }
            }
        }
        for t in &stub_tests {
            if !t.is_file() {
                row.breaches
                    .push(format!("the test file {} does not exist", t.display()));
            }
        }
    }
    // The learner's part carries the TODOs: the code, or, where the learner writes the tests,
    // the tests.
    let learners_part = match ex.kind {
        Kind::Implement => "src",
        Kind::WriteTests => "tests",
    };
    if stub.is_some() && !contains_todo(&root.join(&ex.stub).join(learners_part)) {
        row.breaches
            .push(format!("the stub has no `// TODO:` in {learners_part}/"));
    }
    if sol.is_some() && contains_todo(&root.join(&ex.solution).join("src")) {
        row.breaches
            .push("the solution still has a `// TODO:` in src/".into());
    }
    (stub, sol)
}

/// Records a verdict in the row, and a breach if it is not the expected one.
fn record(row: &mut Row, ex: &Exercise, is_stub: bool, verdict: &Verdict) {
    let got = verdict.fail_kind();
    if is_stub {
        let got_name = got
            .map(|k| k.to_string())
            .unwrap_or_else(|| "passes".into());
        let ok = got == Some(ex.stub_fails_with);
        row.stub = format!(
            "{}: {got_name}{}",
            ex.stub_fails_with,
            if ok { "" } else { " ✗" }
        );
        if !ok {
            row.breaches.push(format!(
                "the stub should fail with {} but {}{}",
                ex.stub_fails_with,
                verdict.summary(),
                detail(verdict)
            ));
        }
    } else {
        row.solution = if got.is_none() {
            "pass".into()
        } else {
            "FAIL".into()
        };
        if got.is_some() {
            row.breaches.push(format!(
                "the solution does not pass: {}{}",
                verdict.summary(),
                detail(verdict)
            ));
        }
    }
}

fn detail(verdict: &Verdict) -> String {
    match verdict {
        Verdict::CompileError { first, .. } => format!(":\n{first}"),
        Verdict::Failed { first, .. } => format!(":\n{first}"),
        Verdict::Killed { running, .. } => format!(" (still running: {})", running.join(", ")),
        Verdict::Crashed { how, output, .. } => format!(": {how}\n{output}"),
        Verdict::Passed { .. } => String::new(),
    }
}

/// Every folder at `<top>/*/*` that holds a Cargo.toml.
fn crate_dirs(top: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for chapter in std::fs::read_dir(top).into_iter().flatten().flatten() {
        for krate in std::fs::read_dir(chapter.path())
            .into_iter()
            .flatten()
            .flatten()
        {
            if krate.path().join("Cargo.toml").is_file() {
                out.push(krate.path());
            }
        }
    }
    out.sort();
    out
}

/// Whether any `.rs` file under `dir` has a `// TODO:` marker.
fn contains_todo(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            contains_todo(&p)
        } else {
            p.extension().is_some_and(|x| x == "rs")
                && std::fs::read_to_string(&p).is_ok_and(|t| t.contains("// TODO:"))
        }
    })
}
