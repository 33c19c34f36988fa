//! lab against code that tries to fool it or outlast it: the fixtures under
//! `tests/fixtures/hostile/` (their own manifest, in the fixture workspace), plus edited tests,
//! concurrent checks and damaged manifests in scratch copies.
//!
//! Every lab process is killed if it overruns its bound, and the tests that start processes
//! check the OS's process list (`/proc`) afterwards: each fixture's children carry a marker
//! (`sleep 3141` ... `sleep 3144`) that must not be found once lab has returned.
//!
//! `LAB_BIN=/path/to/lab cargo test -p lab --test hostile` runs the suite against another lab
//! binary, for instance one built before these defences, to see each test fail there.

#![cfg(target_os = "linux")]

mod common;

use common::{BUILD, Out, copy_dir, finish, git, lab, run_lab};

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::{Duration, Instant};

/// Held by every test: they look for each other's marker processes in `/proc`, so they run one
/// at a time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The hostile fixtures' root.
fn hostile() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile")
}

/// Every process whose command line has `marker` as one of its words.
fn processes_with(marker: &str) -> Vec<(u32, String)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let words: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        // A word that is the marker (`sleep 3144`), or a program under `deps/` or `build/` whose
        // path holds it (a test binary, a build script). Only the program itself: a rustc
        // elsewhere on the machine passes paths like `deps/libx-<hash>.rlib`, and a hash holds
        // `3144` often enough to be mistaken for the spinning test.
        let program = words
            .first()
            .is_some_and(|w| w.contains(marker) && (w.contains("/deps/") || w.contains("/build/")));
        if program || words.iter().any(|w| w == marker) {
            found.push((pid, words.join(" ")));
        }
    }
    found
}

/// Asserts that no process carries `marker`, after a short settling time for processes that
/// are being reaped.
fn assert_none_left(marker: &str, after: &str) {
    let until = Instant::now() + Duration::from_secs(1);
    loop {
        let left = processes_with(marker);
        if left.is_empty() {
            return;
        }
        if Instant::now() > until {
            panic!("{after}: processes left behind, found in /proc: {left:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Checks hostile fixture `id` once, with a fresh state dir.
fn check(id: &str) -> Out {
    let state = tempfile::tempdir().unwrap();
    run_lab(&hostile(), state.path(), &["check", id], BUILD)
}

/// The time a check may take beyond the fixture's limit: the issue's bound of 5 s.
const GRACE: Duration = Duration::from_secs(5);

#[test]
fn an_early_exit_with_status_0_is_not_a_pass() {
    let _serial = serial();
    let out = check("hx_early_exit");
    assert_eq!(
        out.code,
        Some(1),
        "not a pass:\n{}\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stdout
            .contains("the test process ended before every test ran")
            && out.stdout.contains("never reported a result: answer_is_42"),
        "the verdict names the test that never ran:\n{}",
        out.stdout
    );
}

#[test]
fn forged_libtest_lines_are_not_a_pass() {
    let _serial = serial();
    let out = check("hx_forged");
    assert_eq!(
        out.code,
        Some(1),
        "not a pass:\n{}\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        !out.stdout.contains('✓'),
        "forged `test ... ok` lines and summary must not make a pass:\n{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("never reported a result"),
        "the verdict says the tests never reported:\n{}",
        out.stdout
    );
}

#[test]
fn output_without_a_newline_does_not_hide_the_results() {
    let _serial = serial();
    let out = check("hx_no_newline");
    assert_eq!(
        out.code,
        Some(0),
        "correct code passes:\n{}\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stdout.contains("✓ hx_no_newline") && out.stdout.contains("all 2 tests pass"),
        "both tests are counted:\n{}",
        out.stdout
    );
}

#[test]
fn a_child_holding_the_pipe_is_killed_when_the_test_ends() {
    let _serial = serial();
    let out = check("hx_child_pipe");
    assert_eq!(
        out.code,
        Some(0),
        "correct code passes:\n{}\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.took < BUILD,
        "bounded by the test harness (the build may be cold)"
    );
    assert_none_left("3141", "a passing test's child holding stdout");
}

#[test]
fn children_that_leave_the_group_are_reaped() {
    let _serial = serial();
    let out = check("hx_escape");
    assert_eq!(
        out.code,
        Some(0),
        "correct code passes:\n{}\n{}",
        out.stdout,
        out.stderr
    );
    assert_none_left("3142", "a child in a session of its own (setsid)");
    assert_none_left("3143", "a child in a process group of its own");
}

#[test]
fn a_check_ends_within_its_limit_when_children_hold_the_pipe() {
    let _serial = serial();
    // Built once first, so the second run's time is the check alone.
    let _ = check("hx_escape");
    let _ = check("hx_child_pipe");
    for (id, limit) in [("hx_escape", 3), ("hx_child_pipe", 3)] {
        let out = check(id);
        assert!(
            out.took < Duration::from_secs(limit) + GRACE,
            "`lab check {id}` took {:?}, more than its {limit} s limit plus {GRACE:?}",
            out.took
        );
    }
}

#[test]
fn endless_output_is_cut_at_the_limit_with_bounded_memory() {
    let _serial = serial();
    let _ = check("hx_endless"); // the build
    let out = check("hx_endless");
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("killed by the process-level limit after 2 s"),
        "the limit fired:\n{}",
        out.stdout
    );
    assert!(
        out.took < Duration::from_secs(2) + GRACE,
        "a 2 s limit ended the check in {:?}",
        out.took
    );
    assert!(
        out.peak_kib < 64 * 1024,
        "lab's own memory stays bounded whatever the test prints: peak {} KiB",
        out.peak_kib
    );
    assert_none_left("hx_endless", "the endless writer");
}

#[test]
fn a_50_mb_line_is_not_printed_whole() {
    let _serial = serial();
    let out = check("hx_huge_line");
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.len() < 64 * 1024,
        "the verdict is short: {} bytes",
        out.stdout.len()
    );
    assert!(
        out.stdout.contains("more bytes of this line cut"),
        "it says the line was cut:\n{}",
        &out.stdout[..out.stdout.len().min(6000)]
    );
}

#[test]
fn crashes_are_named() {
    let _serial = serial();
    let cases = [
        ("hx_segv", "crashed with SIGSEGV"),
        ("hx_overflow", "stack overflow in `deep_enough`"),
        ("hx_oom", "killed: out of memory (limit 4 GiB)"),
    ];
    for (id, says) in cases {
        let out = check(id);
        assert_eq!(out.code, Some(1), "{id}: {}\n{}", out.stdout, out.stderr);
        assert!(
            out.stdout.contains(says),
            "`lab check {id}` should say {says:?}:\n{}",
            out.stdout
        );
        assert!(
            !out.stdout.contains("compare the values"),
            "a crash is not an assertion:\n{}",
            out.stdout
        );
    }
}

/// Starts `lab check hx_spin`, waits until the spinning test and its child run, sends `signal`
/// to lab and returns lab's output.
fn stop_spinning_check_with(signal: &str) -> Out {
    let state = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let child = lab(&hostile(), state.path(), &["check", "hx_spin"])
        .spawn()
        .expect("the lab binary starts");
    let lab_pid = child.id();
    // The test process is running once its child `sleep 3144` exists.
    while processes_with("3144").is_empty() {
        assert!(start.elapsed() < BUILD, "the spinning test never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let sent = Instant::now();
    let status = Command::new("kill")
        .args([signal, &lab_pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success(), "kill {signal} {lab_pid}");
    let out = finish(child, start, BUILD, "lab check hx_spin");
    assert!(
        sent.elapsed() < GRACE,
        "lab ended {:?} after {signal}",
        sent.elapsed()
    );
    out
}

#[test]
fn sigterm_and_sighup_stop_the_check_and_everything_it_started() {
    let _serial = serial();
    for signal in ["-TERM", "-HUP"] {
        let out = stop_spinning_check_with(signal);
        assert_eq!(
            (out.code, out.signal),
            (Some(130), None),
            "lab exits by itself after {signal}:\n{}\n{}",
            out.stdout,
            out.stderr
        );
        assert!(
            out.stderr
                .contains("every process lab started has been killed"),
            "{}",
            out.stderr
        );
        assert_none_left("hx_spin", "the spinning test after a signal to lab");
        assert_none_left("3144", "the spinning test's child after a signal to lab");
    }
}

/// A scratch copy of the whole fixture workspace under git, for a test that edits `fx_fail`.
/// That one package is renamed: cargo names a member's artifacts by its name and its path inside
/// the workspace, so an edited same-named copy would share, and spoil, the fixture's artifacts.
fn scratch_copy() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    copy_dir(&hostile().join(".."), root.path());
    let stub_toml = root.path().join("exercises/00_fx/02_fail/Cargo.toml");
    let renamed = std::fs::read_to_string(&stub_toml)
        .unwrap()
        .replace("name = \"fx-02-fail\"", "name = \"fx-02-fail-integrity\"");
    std::fs::write(&stub_toml, renamed).unwrap();
    let testkit = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testkit")
        .canonicalize()
        .unwrap();
    let manifest = std::fs::read_to_string(root.path().join("Cargo.toml"))
        .unwrap()
        .replace(
            "\"../../../testkit\"",
            &format!("{:?}", testkit.display().to_string()),
        );
    std::fs::write(root.path().join("Cargo.toml"), manifest).unwrap();
    git(root.path(), &["init", "-q"]);
    git(root.path(), &["add", "."]);
    git(root.path(), &["commit", "-q", "-m", "shipped"]);
    root
}

#[test]
fn edited_tests_never_make_a_pass_and_verify_uses_the_shipped_ones() {
    let _serial = serial();
    let root = scratch_copy();
    let stub = root.path().join("exercises/00_fx/02_fail");
    let test_file = stub.join("tests/fx_fail.rs");
    let shipped = std::fs::read_to_string(&test_file).unwrap();
    let toml = std::fs::read_to_string(stub.join("Cargo.toml")).unwrap();
    let state = tempfile::tempdir().unwrap();

    /// One way of weakening the tests, and how to apply it.
    type Edit<'a> = (&'static str, Box<dyn Fn() + 'a>);
    let edits: [Edit<'_>; 3] = [
        (
            "an emptied test body",
            Box::new(|| std::fs::write(&test_file, "#[test]\nfn nothing() {}\n").unwrap()),
        ),
        (
            "#[should_panic] added",
            Box::new(|| {
                std::fs::write(
                    &test_file,
                    shipped.replace("#[test]", "#[test]\n#[should_panic]"),
                )
                .unwrap()
            }),
        ),
        (
            "[[test]] path pointed at another file",
            Box::new(|| {
                std::fs::write(&test_file, &shipped).unwrap();
                std::fs::write(stub.join("tests/other.rs"), "#[test]\nfn fine() {}\n").unwrap();
                std::fs::write(
                    stub.join("Cargo.toml"),
                    toml.replace("tests/fx_fail.rs", "tests/other.rs"),
                )
                .unwrap();
            }),
        ),
    ];
    for (what, edit) in &edits {
        edit();
        let out = run_lab(root.path(), state.path(), &["check", "fx_fail"], BUILD);
        assert_eq!(
            out.code,
            Some(1),
            "{what}: not a pass\n{}\n{}",
            out.stdout,
            out.stderr
        );
        assert!(
            out.stdout.contains("tests modified: this is not a pass"),
            "{what}: the verdict says the tests were modified:\n{}",
            out.stdout
        );
    }
    let progress = std::fs::read_to_string(state.path().join("progress.json")).unwrap_or_default();
    assert!(
        !progress.contains("fx_fail"),
        "a pass against modified tests is never recorded: {progress}"
    );

    // verify runs the shipped tests (the stub fails as declared) and puts the edits back.
    std::fs::write(stub.join("Cargo.toml"), &toml).unwrap();
    std::fs::remove_file(stub.join("tests/other.rs")).unwrap();
    std::fs::write(&test_file, "#[test]\nfn nothing() {}\n").unwrap();
    let out = run_lab(root.path(), state.path(), &["verify"], BUILD);
    let row = out
        .stdout
        .lines()
        .find(|l| l.starts_with("fx_fail "))
        .unwrap_or_else(|| panic!("no fx_fail row:\n{}\n{}", out.stdout, out.stderr))
        .to_owned();
    assert!(
        row.contains("test_failure: test_failure"),
        "verify ran the shipped test, which the stub fails: {row}\n{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("the shipped version is used"),
        "verify says it used the shipped test:\n{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&test_file).unwrap(),
        "#[test]\nfn nothing() {}\n",
        "the working copy is put back after verify"
    );
}

#[test]
fn concurrent_checks_keep_every_result() {
    let _serial = serial();
    let state = tempfile::tempdir().unwrap();
    let ids = ["hx_no_newline", "hx_child_pipe", "hx_escape"];
    for id in ids {
        // Built one at a time first, so the three checks below overlap in their runs.
        let scratch = tempfile::tempdir().unwrap();
        let _ = run_lab(&hostile(), scratch.path(), &["check", id], BUILD);
    }
    let start = Instant::now();
    let children: Vec<Child> = ids
        .iter()
        .map(|id| {
            lab(&hostile(), state.path(), &["check", id])
                .spawn()
                .unwrap()
        })
        .collect();
    for (child, id) in children.into_iter().zip(ids) {
        let out = finish(child, start, BUILD, id);
        assert_eq!(out.code, Some(0), "{id}:\n{}\n{}", out.stdout, out.stderr);
    }
    let progress = std::fs::read_to_string(state.path().join("progress.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&progress).unwrap();
    let done: Vec<&str> = json["done"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert_eq!(
        done,
        ["hx_child_pipe", "hx_escape", "hx_no_newline"],
        "three checks at once each recorded their pass"
    );
}

#[test]
fn an_empty_manifest_is_an_error_and_progress_is_kept() {
    let _serial = serial();
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("exercises")).unwrap();
    std::fs::write(root.path().join("exercises/lab.toml"), "# nothing\n").unwrap();
    let state = tempfile::tempdir().unwrap();
    let recorded = r#"{"format":1,"done":["hx_renamed_long_ago"],"hints_shown":{}}"#;
    std::fs::write(state.path().join("progress.json"), recorded).unwrap();
    let out = run_lab(
        root.path(),
        state.path(),
        &["list"],
        Duration::from_secs(30),
    );
    assert_eq!(out.code, Some(2), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("lists no exercises"),
        "the error says what is wrong:\n{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_to_string(state.path().join("progress.json")).unwrap(),
        recorded,
        "progress is untouched"
    );

    // Progress for an id the manifest does not list is kept, not dropped, when another is saved.
    let scratch = tempfile::tempdir().unwrap();
    let _ = run_lab(
        &hostile(),
        scratch.path(),
        &["check", "hx_no_newline"],
        BUILD,
    );
    let out = run_lab(&hostile(), state.path(), &["check", "hx_no_newline"], BUILD);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    let progress = std::fs::read_to_string(state.path().join("progress.json")).unwrap();
    assert!(
        progress.contains("hx_renamed_long_ago") && progress.contains("hx_no_newline"),
        "the unlisted id stays next to the new pass: {progress}"
    );
}

#[test]
fn an_unwritable_target_folder_is_not_the_learners_error_and_keeps_progress() {
    let _serial = serial();
    let state = tempfile::tempdir().unwrap();
    let passed = run_lab(&hostile(), state.path(), &["check", "hx_no_newline"], BUILD);
    assert_eq!(passed.code, Some(0), "{}\n{}", passed.stdout, passed.stderr);
    // A target "folder" that is a file: cargo cannot create anything in it, as with a read-only
    // or full disk (chmod would not do here: the tests may run as root).
    let file = tempfile::NamedTempFile::new().unwrap();
    let out = lab(&hostile(), state.path(), &["check", "hx_no_newline"])
        .env("CARGO_TARGET_DIR", file.path())
        .spawn()
        .unwrap();
    let out = finish(
        out,
        Instant::now(),
        BUILD,
        "lab check with a broken target dir",
    );
    assert_eq!(
        out.code,
        Some(2),
        "an error, not a verdict:\n{}\n{}",
        out.stdout,
        out.stderr
    );
    assert!(
        out.stderr.contains("because of the machine, not your code"),
        "the message blames the machine:\n{}",
        out.stderr
    );
    assert!(
        !out.stdout.contains("does not compile"),
        "not shown as the learner's compile error:\n{}",
        out.stdout
    );
    let progress = std::fs::read_to_string(state.path().join("progress.json")).unwrap();
    assert!(
        progress.contains("hx_no_newline"),
        "a done exercise stays done after an infrastructure failure: {progress}"
    );
}

#[test]
fn reset_does_not_follow_symlinks_out_of_the_stub() {
    let _serial = serial();
    let root = scratch_copy();
    let outside = tempfile::tempdir().unwrap();
    let precious = outside.path().join("precious.txt");
    std::fs::write(&precious, "keep me\n").unwrap();
    let stub = root.path().join("exercises/00_fx/02_fail");
    let test_file = stub.join("tests/fx_fail.rs");
    let shipped = std::fs::read_to_string(&test_file).unwrap();
    // The test file replaced by a link to a file outside, and a folder linking outside.
    std::fs::remove_file(&test_file).unwrap();
    std::os::unix::fs::symlink(&precious, &test_file).unwrap();
    std::os::unix::fs::symlink(outside.path(), stub.join("src/outside")).unwrap();
    let state = tempfile::tempdir().unwrap();
    let out = run_lab(
        root.path(),
        state.path(),
        &["reset", "fx_fail"],
        Duration::from_secs(60),
    );
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        std::fs::read_to_string(&precious).unwrap(),
        "keep me\n",
        "the file the symlink pointed at is untouched"
    );
    assert!(
        !std::fs::symlink_metadata(&test_file)
            .unwrap()
            .file_type()
            .is_symlink()
            && std::fs::read_to_string(&test_file).unwrap() == shipped,
        "the shipped test file is back in place of the link"
    );
    let backed_up_outside = walk(&state.path().join("backups"))
        .into_iter()
        .any(|p| p.ends_with("precious.txt"));
    assert!(
        !backed_up_outside,
        "the backup did not follow the folder link out of the stub"
    );
}

/// Every path under `dir`, links not followed.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if entry.file_type().unwrap().is_dir() {
            out.extend(walk(&path));
        }
        out.push(path);
    }
    out
}

#[test]
fn a_build_script_that_hangs_is_cut_off_at_the_limit() {
    let _serial = serial();
    let out = check("hx_build_hang");
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("build-script-build` was still running after 3 s"),
        "the verdict names the hanging build script and the limit:\n{}",
        out.stdout
    );
    assert_none_left("build-script-build", "the hanging build script");
}

/// Starts `lab check hx_build_hang` (its build script holds cargo's build folder for the
/// exercise's 3 s limit) and returns once its cargo holds the folder's lock.
fn hold_the_build_folder(state: &Path) -> Child {
    let mut holder = lab(&hostile(), state, &["check", "hx_build_hang"])
        .spawn()
        .unwrap();
    let lock_file = common::target_dir().join("debug/.cargo-lock");
    // Taken and given back at once when it is free; refused once the other cargo holds it.
    let held = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open(&lock_file)
            .is_ok_and(|file| {
                rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockExclusive)
                    == Err(rustix::io::Errno::WOULDBLOCK)
            })
    };
    let start = Instant::now();
    let mut got = held();
    while !got && start.elapsed() < BUILD {
        std::thread::sleep(Duration::from_millis(20));
        got = held();
    }
    if !got {
        let _ = holder.kill();
        let _ = holder.wait();
        panic!("the holding check never took the build folder's lock");
    }
    holder
}

#[test]
fn a_build_folder_held_by_another_lab_is_named_and_keeps_progress() {
    let _serial = serial();
    let state = tempfile::tempdir().unwrap();
    let passed = run_lab(&hostile(), state.path(), &["check", "hx_no_newline"], BUILD);
    assert_eq!(passed.code, Some(0), "{}\n{}", passed.stdout, passed.stderr);

    // Past its patience (1 s here), lab stops waiting: an error that names the holder, not a
    // verdict, and the exercise stays done.
    let other = tempfile::tempdir().unwrap();
    let holder = hold_the_build_folder(other.path());
    let waiting = lab(&hostile(), state.path(), &["check", "hx_no_newline"])
        .env("LAB_LOCK_WAIT_SECS", "1")
        .spawn()
        .unwrap();
    let out = finish(
        waiting,
        Instant::now(),
        BUILD,
        "lab check behind a held lock",
    );
    let _ = finish(holder, Instant::now(), BUILD, "the holding check");
    assert_eq!(out.code, Some(2), "{}\n{}", out.stdout, out.stderr);
    for needle in [
        "cargo is waiting for another `cargo lab check hx_build_hang`",
        "cargo waited 1 s for another `cargo lab check hx_build_hang`",
        "recorded progress is unchanged",
    ] {
        assert!(
            out.stderr.contains(needle),
            "lab says {needle:?}:\n{}",
            out.stderr
        );
    }
    assert!(
        !out.stdout.contains("does not compile") && !out.stdout.contains('✗'),
        "not shown as the learner's failure:\n{}",
        out.stdout
    );
    let progress = std::fs::read_to_string(state.path().join("progress.json")).unwrap();
    assert!(
        progress.contains("hx_no_newline"),
        "a done exercise stays done: {progress}"
    );

    // With the default patience the check waits, says why, and goes on once the lock is free.
    let holder = hold_the_build_folder(other.path());
    let waiting = lab(&hostile(), state.path(), &["check", "hx_no_newline"])
        .spawn()
        .unwrap();
    let out = finish(
        waiting,
        Instant::now(),
        BUILD,
        "lab check behind a held lock",
    );
    let _ = finish(holder, Instant::now(), BUILD, "the holding check");
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("the check goes on when it does"),
        "the wait is announced while it lasts:\n{}",
        out.stderr
    );
    assert_none_left("build-script-build", "the hanging build script");
}
