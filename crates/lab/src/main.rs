//! `cargo lab`: check, watch, hint, reset and verify the exercises of async-lab.
//!
//! # Layout
//! - [`manifest`]: `exercises/lab.toml`, the exercises in learning order.
//! - [`progress`]: `.lab/progress.json`, written atomically and repaired when damaged.
//! - [`run`]: running cargo and test binaries under a process-level limit that kills the whole tree.
//! - [`diagnose`]: known failure signatures and what they mean.
//! - [`check`](mod@check): one exercise, built and tested, with a verdict.
//! - [`replay`]: rebuilding an edited exercise with the rustc commands cargo used, when nothing else
//!   changed.
//! - [`watch`]: re-checking on every save.
//! - [`reset`]: restoring a stub from git after backing up the learner's copy.
//! - [`verify`]: the maintainer's proof that solutions pass and stubs fail as declared.

mod bugs;
mod check;
mod diagnose;
mod error;
mod integrity;
mod manifest;
mod procs;
mod progress;
mod replay;
mod reset;
mod results;
mod run;
mod verify;
mod watch;
mod wrong;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::error::LabError;
use crate::manifest::{Exercise, Manifest};
use crate::progress::Store;

/// Exercises for asynchronous Rust and Tokio, checked as you go.
#[derive(Parser)]
#[command(name = "cargo lab", bin_name = "cargo lab", version)]
struct Cli {
    /// The async-lab checkout (default: the nearest folder above the current one holding `exercises/lab.toml`).
    #[arg(long, global = true)]
    root: Option<PathBuf>,
    /// Where progress and backups are kept (default: `<root>/.lab`).
    #[arg(long, global = true)]
    state_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Show every exercise with its status, and the next one to do.
    List {
        /// Print machine-readable JSON instead (field names are documented in the book, chapter 0).
        #[arg(long)]
        json: bool,
    },
    /// Build and test one exercise (default: the first one not done yet) and explain any failure.
    Check {
        /// The exercise id, as `cargo lab list` shows it.
        id: Option<String>,
    },
    /// Check the current exercise on every save, and move on when it passes. Ctrl-C stops.
    Watch,
    /// Show the next hint of an exercise (default: the current one).
    Hint {
        /// The exercise id.
        id: Option<String>,
    },
    /// Restore an exercise's stub from git, keeping a backup of your version under `.lab/backups/`.
    Reset {
        /// The exercise id.
        id: String,
    },
    /// For CI and maintainers: prove that every solution passes, every stub fails as declared, and
    /// every wrong answer in a solution's `wrong.toml` fails with a verdict naming its cause.
    Verify {
        /// How many test binaries to run at once.
        #[arg(long, default_value_t = 2)]
        jobs: usize,
        /// Only these exercises (default: all of them, and the checks that span the manifest).
        ids: Vec<String>,
    },
}

fn main() -> ExitCode {
    let mut args = std::env::args_os();
    if args.nth(1).is_some_and(|a| a == procs::LAUNCH_ARG) {
        procs::launch(args.collect());
    }
    quiet_on_closed_stdout();
    let cli = Cli::parse();
    run::install_ctrl_c();
    procs::become_subreaper();
    match run_cli(cli) {
        Ok(code) => code,
        Err(LabError::Interrupted) => {
            eprintln!(
                "stopped by a signal (Ctrl-C, SIGTERM or SIGHUP); every process lab started has been killed."
            );
            ExitCode::from(130)
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

/// Ends lab quietly when whatever reads its output has gone, as in `cargo lab list | head -3`.
///
/// `println!` panics when stdout is a closed pipe, which would print a panic message and a
/// backtrace for what is not an error at all. Unix tools end silently there (the SIGPIPE that
/// Rust programs ignore); lab does the same, with the exit status a shell reports for it.
/// Every other panic keeps the default report.
fn quiet_on_closed_stdout() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let payload = info.payload();
        let message = payload
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| payload.downcast_ref::<&str>().copied())
            .unwrap_or_default();
        if message.starts_with("failed printing to stdout") && message.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

/// The context every command needs.
pub struct Lab {
    /// The workspace root.
    pub root: PathBuf,
    /// The `.lab` folder.
    pub state_dir: PathBuf,
    /// The manifest.
    pub manifest: Manifest,
}

impl Lab {
    fn open(root: Option<PathBuf>, state_dir: Option<PathBuf>) -> Result<Lab, LabError> {
        let root = match root {
            Some(r) if !r.join(manifest::MANIFEST_PATH).exists() => {
                if looks_like_checkout(&r) {
                    return Err(LabError::ManifestMissing { root: r });
                }
                return Err(LabError::NotACheckout { root: r });
            }
            Some(r) => run::canon(&r),
            None => find_root()?,
        };
        let manifest = Manifest::load(&root)?;
        let state_dir = state_dir.unwrap_or_else(|| root.join(".lab"));
        Ok(Lab {
            root,
            state_dir,
            manifest,
        })
    }

    fn store(&self) -> Result<Store, LabError> {
        Store::load(&self.state_dir, &self.manifest)
    }

    fn hints_left(&self, store: &Store, ex: &Exercise) -> usize {
        ex.hints
            .len()
            .saturating_sub(store.progress.hints_shown.get(&ex.id).copied().unwrap_or(0))
    }
}

/// Whether `dir` has the shape of an async-lab checkout whatever its manifest: a Cargo.toml next
/// to `exercises/` and `crates/lab/`.
fn looks_like_checkout(dir: &Path) -> bool {
    dir.join("Cargo.toml").is_file()
        && dir.join("exercises").is_dir()
        && dir.join("crates/lab").is_dir()
}

/// The nearest folder at or above the current one that holds `exercises/lab.toml`.
fn find_root() -> Result<PathBuf, LabError> {
    let start = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let found = start
        .ancestors()
        .find(|d| d.join(manifest::MANIFEST_PATH).is_file());
    if found.is_none()
        && let Some(checkout) = start.ancestors().find(|d| looks_like_checkout(d))
    {
        return Err(LabError::ManifestMissing {
            root: checkout.to_owned(),
        });
    }
    match found {
        Some(d) => Ok(run::canon(d)),
        None => {
            // `cargo lab` from outside the checkout still works: lab's own sources sit two
            // levels below the root.
            let built_in = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
            if built_in.join(manifest::MANIFEST_PATH).is_file() {
                let built_in = run::canon(&built_in);
                // Said out loud, so that nobody edits one checkout while lab checks another.
                eprintln!(
                    "note: {} is not inside an async-lab checkout; using {}, the one this lab was built from.",
                    start.display(),
                    built_in.display()
                );
                Ok(built_in)
            } else {
                Err(LabError::RootNotFound { start })
            }
        }
    }
}

fn run_cli(cli: Cli) -> Result<ExitCode, LabError> {
    let lab = Lab::open(cli.root, cli.state_dir)?;
    if matches!(cli.command, Cmd::Check { .. } | Cmd::Watch) {
        replay::set_dir(lab.state_dir.join("replay"));
    }
    match cli.command {
        Cmd::List { json } => list(&lab, json),
        Cmd::Check { id } => check(&lab, id),
        Cmd::Watch => watch::watch(&lab),
        Cmd::Hint { id } => hint(&lab, id),
        Cmd::Reset { id } => reset::reset(&lab, &id),
        Cmd::Verify { jobs, ids } => verify::verify(&lab, jobs.max(1), &ids),
    }
}

/// The status of one exercise, as `list` shows it.
fn status(lab: &Lab, store: &Store, ex: &Exercise) -> &'static str {
    if !lab.root.join(&ex.stub).is_dir() {
        "missing"
    } else if store.is_done(&ex.id) {
        "done"
    } else {
        "pending"
    }
}

fn list(lab: &Lab, json: bool) -> Result<ExitCode, LabError> {
    let store = lab.store()?;
    let current = store.current(&lab.manifest).map(|e| e.id.clone());
    let done = lab
        .manifest
        .exercises
        .iter()
        .filter(|e| store.is_done(&e.id))
        .count();
    let total = lab.manifest.exercises.len();
    if json {
        let exercises: Vec<serde_json::Value> = lab
            .manifest
            .exercises
            .iter()
            .map(|e| {
                serde_json::json!({
                    "id": e.id,
                    "chapter": e.chapter,
                    "title": e.title,
                    "kind": e.kind,
                    "stub": e.stub,
                    "solution": e.solution,
                    "stub_fails_with": e.stub_fails_with,
                    "time_limit_secs": e.time_limit_secs,
                    "hints": e.hints.len(),
                    "hints_shown": store.progress.hints_shown.get(&e.id).copied().unwrap_or(0),
                    "status": status(lab, &store, e),
                })
            })
            .collect();
        let out = serde_json::json!({
            "format": 1,
            "done": done,
            "total": total,
            "current": current,
            "exercises": exercises,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("JSON values always serialise")
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("async-lab: {done} of {total} exercises done\n");
    let width = lab
        .manifest
        .exercises
        .iter()
        .map(|e| e.id.len())
        .max()
        .unwrap_or(0);
    let mut chapter = "";
    for e in &lab.manifest.exercises {
        if e.chapter != chapter {
            chapter = &e.chapter;
            println!("{chapter}");
        }
        let st = status(lab, &store, e);
        let mark = match st {
            "done" => "✓",
            "missing" => "?",
            _ if current.as_deref() == Some(e.id.as_str()) => "→",
            _ => "·",
        };
        let note = match st {
            "missing" => "  (folder missing: renamed or removed by an update?)",
            _ if current.as_deref() == Some(e.id.as_str()) => "  (next)",
            _ => "",
        };
        println!("  {mark} {:<width$}  {}{note}", e.id, e.title);
    }
    match current {
        Some(id) => println!("\nNext: `cargo lab check {id}` (or `cargo lab watch`)."),
        None if total > 0 => println!("\nEvery exercise is done."),
        None => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// Picks the exercise named by `id`, or the current one.
fn pick<'l>(
    lab: &'l Lab,
    store: &Store,
    id: Option<String>,
) -> Result<Option<&'l Exercise>, LabError> {
    match id {
        Some(id) => lab.manifest.get(&id).map(Some),
        None => Ok(store.current(&lab.manifest)),
    }
}

fn check(lab: &Lab, id: Option<String>) -> Result<ExitCode, LabError> {
    let mut store = lab.store()?;
    let Some(ex) = pick(lab, &store, id)? else {
        println!("Every exercise is done. `cargo lab check <id>` checks one again.");
        return Ok(ExitCode::SUCCESS);
    };
    let verdict = check::check_stub(&lab.root, ex)?;
    check::print_verdict(ex, &verdict, lab.hints_left(&store, ex));
    let passed = verdict.fail_kind().is_none();
    if passed {
        store.update(|p| {
            p.done.insert(ex.id.clone());
        })?;
        match store.current(&lab.manifest) {
            Some(next) => println!(
                "Next: {} ({}): `cargo lab check {}`.",
                next.id, next.title, next.id
            ),
            None => println!("That was the last one: every exercise is done."),
        }
    } else if store.is_done(&ex.id) {
        store.update(|p| {
            p.done.remove(&ex.id);
        })?;
    }
    Ok(if passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn hint(lab: &Lab, id: Option<String>) -> Result<ExitCode, LabError> {
    let mut store = lab.store()?;
    let Some(ex) = pick(lab, &store, id)? else {
        println!("Every exercise is done; `cargo lab hint <id>` shows the hints of one.");
        return Ok(ExitCode::SUCCESS);
    };
    if ex.hints.is_empty() {
        println!("`{}` has no hints.", ex.id);
        return Ok(ExitCode::SUCCESS);
    }
    let shown = store.progress.hints_shown.get(&ex.id).copied().unwrap_or(0);
    let tier = (shown + 1).min(ex.hints.len());
    println!(
        "Hint {tier} of {} for {} ({}):\n",
        ex.hints.len(),
        ex.id,
        ex.title
    );
    println!("{}\n", ex.hints[tier - 1]);
    let left = ex.hints.len() - tier;
    if left > 0 {
        println!(
            "{left} more: run `cargo lab hint {}` again for a fuller hint.",
            ex.id
        );
    } else {
        println!(
            "That is the last hint. The solution is in {}.",
            ex.solution.display()
        );
    }
    if tier > shown {
        store.update(|p| {
            let seen = p.hints_shown.entry(ex.id.clone()).or_insert(0);
            *seen = (*seen).max(tier);
        })?;
    }
    Ok(ExitCode::SUCCESS)
}
