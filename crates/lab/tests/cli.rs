//! lab against its fixture exercises (`tests/fixtures/`, a workspace of its own): each fixture
//! must get the right verdict and diagnosis, within its limit, and the progress file, a missing
//! folder and `reset` must be handled without a crash.
//!
//! Every lab process is bounded by [`run_lab`]'s limit and killed if it overruns. The fixture
//! crates share one target dir under cargo's test scratch folder, so only the first run builds
//! Tokio and testkit for them.

mod common;

use common::{BUILD, Out, fixtures, git, run_lab, wait_bounded};

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Checks fixture `id` and asserts the exit code and that every `expected` text is in stdout.
fn check(id: &str, code: i32, expected: &[&str]) -> Out {
    let state = tempfile::tempdir().unwrap();
    let out = run_lab(&fixtures(), state.path(), &["check", id], BUILD);
    assert_eq!(
        out.code,
        Some(code),
        "exit code of `lab check {id}`\nstdout:\n{}\nstderr:\n{}",
        out.stdout,
        out.stderr
    );
    for e in expected {
        assert!(
            out.stdout.contains(e),
            "`lab check {id}` should print {e:?}, it printed:\n{}\nstderr:\n{}",
            out.stdout,
            out.stderr
        );
    }
    out
}

#[test]
fn a_passing_exercise_passes_and_is_recorded() {
    let state = tempfile::tempdir().unwrap();
    let out = run_lab(&fixtures(), state.path(), &["check", "fx_pass"], BUILD);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("✓ fx_pass"), "{}", out.stdout);
    let progress = std::fs::read_to_string(state.path().join("progress.json")).unwrap();
    let json: serde_json::Value = serde_json::from_str(&progress).unwrap();
    assert_eq!(json["done"], serde_json::json!(["fx_pass"]));
    let list = run_lab(&fixtures(), state.path(), &["list", "--json"], BUILD);
    let json: serde_json::Value = serde_json::from_str(&list.stdout).unwrap();
    assert_eq!(json["done"], 1);
    assert_eq!(json["current"], "fx_fail");
    assert_eq!(json["exercises"][0]["status"], "done");
    assert_eq!(json["exercises"][1]["status"], "pending");
    assert_eq!(json["exercises"][4]["stub_fails_with"], "compile_error");
}

#[test]
fn a_failed_assertion_shows_its_values() {
    check(
        "fx_fail",
        1,
        &[
            "1 test failed: test failed",
            "left: 5",
            "right: 4",
            "cargo lab hint fx_fail",
        ],
    );
}

#[test]
fn a_todo_is_named() {
    check(
        "fx_todo",
        1,
        &["todo!() reached", "not yet implemented", "src/lib.rs:5:5"],
    );
}

#[test]
fn blocking_recv_inside_async_is_diagnosed() {
    check(
        "fx_blocking_recv",
        1,
        &["blocking call inside async code", "`.recv().await`"],
    );
}

#[test]
fn a_compile_error_is_shown_in_full() {
    check(
        "fx_no_compile",
        1,
        &[
            "does not compile (1 error)",
            "error[E0308]: mismatched types",
            "expected `u32`, found `usize`",
        ],
    );
}

#[test]
fn a_deadlocked_join_is_diagnosed() {
    check(
        "fx_deadlock",
        1,
        &[
            "thread never finished (testkit within)",
            "did not finish in 1 s",
            "in-test limit (testkit)",
            "drop every sender",
        ],
    );
}

#[test]
fn a_blocked_runtime_is_diagnosed() {
    check(
        "fx_blocked",
        1,
        &[
            "runtime blocked (testkit watchdog)",
            "the runtime thread was blocked for",
            "std::thread::sleep",
        ],
    );
}

#[test]
fn a_future_that_never_wakes_is_diagnosed() {
    check(
        "fx_never_wakes",
        1,
        &[
            "future never completed (testkit time-out)",
            "did not complete in 1 s",
            "arrange to be woken",
        ],
    );
}

#[test]
fn a_busy_spin_is_killed_by_the_process_limit() {
    let out = check(
        "fx_spin",
        1,
        &[
            "killed by the process-level limit after 2 s: a busy loop",
            "still running, or not yet started, when killed: spins",
            "running (or ready to run) in every look",
            "process-level limit (lab)",
        ],
    );
    assert!(
        !out.stdout.contains("quick"),
        "the test that finished is not listed as running:\n{}",
        out.stdout
    );
    // The limit is 2 s; the generous upper bound leaves room for the build on a busy machine.
    assert!(
        out.took >= Duration::from_secs(2),
        "killed too early: {:?}",
        out.took
    );
}

#[test]
fn a_deadlock_on_the_test_thread_is_told_from_a_spin() {
    let out = check(
        "fx_lock_twice",
        1,
        &[
            "killed by the process-level limit after 2 s: a deadlock",
            "still running, or not yet started, when killed: adds_up",
            "asleep in every look",
            "`std::sync::Mutex` locked again",
        ],
    );
    assert!(
        !out.stdout.contains("busy loop"),
        "a deadlock is not called a busy loop:\n{}",
        out.stdout
    );
}

#[test]
fn verify_reports_each_stub_and_every_breach() {
    let state = tempfile::tempdir().unwrap();
    let out = run_lab(&fixtures(), state.path(), &["verify"], BUILD);
    assert_eq!(out.code, Some(1), "{}\n{}", out.stdout, out.stderr);
    let row = |id: &str| {
        out.stdout
            .lines()
            .find(|l| l.starts_with(&format!("{id} ")))
            .unwrap_or_else(|| panic!("no row for {id} in:\n{}", out.stdout))
            .to_owned()
    };
    assert!(
        row("fx_todo").contains("pass") && row("fx_todo").contains("test_failure: test_failure  "),
        "{}",
        row("fx_todo")
    );
    assert!(row("fx_todo").ends_with("clean"), "{}", row("fx_todo"));
    assert!(
        row("fx_no_compile").contains("compile_error: compile_error  "),
        "{}",
        row("fx_no_compile")
    );
    assert!(
        row("fx_spin").contains("timeout: timeout  "),
        "{}",
        row("fx_spin")
    );
    assert!(
        row("fx_blocked").contains("timeout: timeout  "),
        "{}",
        row("fx_blocked")
    );
    assert!(
        row("fx_pass").contains("test_failure: passes ✗"),
        "{}",
        row("fx_pass")
    );
    assert!(
        out.stdout
            .contains("✗ fx_pass: the stub should fail with test_failure but passed"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("✗ fx_fail: the solution folder solutions/00_fx/02_fail does not exist"),
        "{}",
        out.stdout
    );
    // fx_wrong's wrong answers (solutions/00_fx/54_wrong/wrong.toml): one of four does its job.
    assert!(row("fx_wrong").contains(" 1/4 "), "{}", row("fx_wrong"));
    for breach in [
        "✗ fx_wrong: wrong answer `wrong_words` (answers 43, and expects a diagnosis the verdict does not give): \
         the verdict does not say \"a lost wake-up\". The verdict was:",
        "✗ fx_wrong: wrong answer `still_right` (changes only the comment) PASSES the tests",
        "✗ fx_wrong: edit 1 of `stale` must find its text exactly once in solutions/00_fx/54_wrong/src/lib.rs, but finds it 0 times",
    ] {
        assert!(out.stdout.contains(breach), "{breach}\n{}", out.stdout);
    }
    assert!(
        !out.stdout.contains("`off_by_one`"),
        "a wrong answer caught with the words it expects is no breach:\n{}",
        out.stdout
    );
    let stub = fixtures().join("exercises/00_fx/54_wrong/src/lib.rs");
    assert!(
        std::fs::read_to_string(&stub).unwrap().contains("todo!()"),
        "the stub is put back after its wrong answers ran"
    );
}

#[test]
fn a_corrupt_progress_file_is_kept_aside_and_rebuilt() {
    let state = tempfile::tempdir().unwrap();
    std::fs::write(state.path().join("progress.json"), "{ not json").unwrap();
    let out = run_lab(&fixtures(), state.path(), &["list"], BUILD);
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("could not be read") && out.stderr.contains("kept as"),
        "{}",
        out.stderr
    );
    // Counted from the fixtures' manifest, so that adding a fixture does not break this test.
    let listed = std::fs::read_to_string(fixtures().join("exercises/lab.toml"))
        .unwrap()
        .matches("[[exercise]]")
        .count();
    assert!(
        out.stdout
            .contains(&format!("0 of {listed} exercises done")),
        "{}",
        out.stdout
    );
    let kept: Vec<_> = std::fs::read_dir(state.path())
        .unwrap()
        .flatten()
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("progress.json.corrupt-")
        })
        .collect();
    assert_eq!(kept.len(), 1, "the corrupt file is kept");
    assert_eq!(
        std::fs::read_to_string(kept[0].path()).unwrap(),
        "{ not json"
    );
    // Hints are recorded, so the next command finds a valid file again.
    let hint = run_lab(&fixtures(), state.path(), &["hint", "fx_fail"], BUILD);
    assert!(
        hint.stdout.contains("Hint 1 of 2") && hint.stdout.contains("1 more"),
        "{}",
        hint.stdout
    );
    let hint = run_lab(&fixtures(), state.path(), &["hint", "fx_fail"], BUILD);
    assert!(
        hint.stdout.contains("Hint 2 of 2") && hint.stdout.contains("last hint"),
        "{}",
        hint.stdout
    );
    assert!(hint.stderr.is_empty(), "{}", hint.stderr);
}

/// A copy of the fixture manifest whose `fx_fail` folder is gone, in a temporary root.
fn root_with_a_removed_exercise() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("exercises")).unwrap();
    std::fs::copy(
        fixtures().join("exercises/lab.toml"),
        root.path().join("exercises/lab.toml"),
    )
    .unwrap();
    root
}

#[test]
fn a_listed_folder_that_is_gone_gets_a_clear_message() {
    let root = root_with_a_removed_exercise();
    let state = tempfile::tempdir().unwrap();
    // Progress from an older manifest names an exercise that no longer exists.
    std::fs::write(
        state.path().join("progress.json"),
        r#"{"format":1,"done":["fx_renamed_long_ago"],"hints_shown":{}}"#,
    )
    .unwrap();
    let out = run_lab(
        root.path(),
        state.path(),
        &["check", "fx_fail"],
        Duration::from_secs(30),
    );
    assert_eq!(out.code, Some(2), "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("the folder exercises/00_fx/02_fail listed for `fx_fail`"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("renamed or removed"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("progress is recorded for fx_renamed_long_ago")
            && out.stderr.contains("it is kept"),
        "progress for an id the manifest no longer lists is kept, and said so:\n{}",
        out.stderr
    );
    let list = run_lab(
        root.path(),
        state.path(),
        &["list"],
        Duration::from_secs(30),
    );
    assert_eq!(list.code, Some(0));
    assert!(list.stdout.contains("? fx_fail"), "{}", list.stdout);
    let unknown = run_lab(
        root.path(),
        state.path(),
        &["check", "no_such_id"],
        Duration::from_secs(30),
    );
    assert_eq!(unknown.code, Some(2));
    assert!(
        unknown.stderr.contains("there is no exercise `no_such_id`"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn reset_restores_the_stub_and_keeps_a_backup() {
    let root = root_with_a_removed_exercise();
    let stub = root.path().join("exercises/00_fx/03_todo/src");
    std::fs::create_dir_all(&stub).unwrap();
    let shipped =
        std::fs::read_to_string(fixtures().join("exercises/00_fx/03_todo/src/lib.rs")).unwrap();
    std::fs::write(stub.join("lib.rs"), &shipped).unwrap();
    let state = tempfile::tempdir().unwrap();

    // Without git there is nothing to restore from, and nothing is touched.
    std::fs::write(stub.join("lib.rs"), "pub fn answer() -> u32 { 41 }\n").unwrap();
    let refused = run_lab(
        root.path(),
        state.path(),
        &["reset", "fx_todo"],
        Duration::from_secs(30),
    );
    assert_eq!(
        refused.code,
        Some(2),
        "{}\n{}",
        refused.stdout,
        refused.stderr
    );
    assert!(
        refused.stderr.contains("nothing to restore `fx_todo` from"),
        "{}",
        refused.stderr
    );
    assert_eq!(
        std::fs::read_to_string(stub.join("lib.rs")).unwrap(),
        "pub fn answer() -> u32 { 41 }\n"
    );

    std::fs::write(stub.join("lib.rs"), &shipped).unwrap();
    git(root.path(), &["init", "-q"]);
    git(root.path(), &["add", "."]);
    git(root.path(), &["commit", "-q", "-m", "shipped"]);
    std::fs::write(stub.join("lib.rs"), "pub fn answer() -> u32 { 41 }\n").unwrap();

    let out = run_lab(
        root.path(),
        state.path(),
        &["reset", "fx_todo"],
        Duration::from_secs(30),
    );
    assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
    assert_eq!(
        std::fs::read_to_string(stub.join("lib.rs")).unwrap(),
        shipped,
        "the stub is back as shipped"
    );
    assert!(
        out.stdout.contains("Saved your version of `fx_todo`"),
        "{}",
        out.stdout
    );
    let backups = state.path().join("backups/fx_todo");
    let saved: Vec<_> = std::fs::read_dir(&backups).unwrap().flatten().collect();
    assert_eq!(saved.len(), 1);
    assert!(
        out.stdout.contains(&saved[0].path().display().to_string()),
        "the message says where: {}",
        out.stdout
    );
    assert_eq!(
        std::fs::read_to_string(saved[0].path().join("src/lib.rs")).unwrap(),
        "pub fn answer() -> u32 { 41 }\n"
    );
}

/// A temporary workspace holding copies of the fixtures `fx_fail` and `fx_todo`, for tests that edit.
///
/// The copies get package names of their own (suffixed with `tag`): cargo names a workspace
/// member's artifacts by its name and its path inside the workspace, so same-named copies would
/// share artifacts in the shared target dir, and an edited copy's build could pass for the
/// unedited fixture's.
fn editable_workspace(tag: &str) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let fx = fixtures();
    for name in ["02_fail", "03_todo"] {
        for file in ["Cargo.toml", "src/lib.rs"] {
            let to = root.path().join("exercises/00_fx").join(name).join(file);
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            let text =
                std::fs::read_to_string(fx.join("exercises/00_fx").join(name).join(file)).unwrap();
            let text = text.replace(
                &format!("name = \"fx-{name}\"").replace('_', "-"),
                &format!("name = \"fx-{name}-{tag}\"").replace('_', "-"),
            );
            std::fs::write(to, text).unwrap();
        }
    }
    for (name, lib) in [("02_fail", "fx_fail"), ("03_todo", "fx_todo")] {
        let to = root.path().join("exercises/00_fx").join(name).join("tests");
        std::fs::create_dir_all(&to).unwrap();
        let file = format!("{lib}.rs");
        std::fs::copy(
            fx.join("exercises/00_fx")
                .join(name)
                .join("tests")
                .join(&file),
            to.join(&file),
        )
        .unwrap();
    }
    let testkit = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../testkit")
        .canonicalize()
        .unwrap();
    let manifest = std::fs::read_to_string(fx.join("Cargo.toml"))
        .unwrap()
        .replace(
            "\"../../../testkit\"",
            &format!("{:?}", testkit.display().to_string()),
        )
        .replace("\"solutions/*/*\"", "")
        // The hostile fixtures are not copied; a member glob that matches no folder is an error.
        .replace("\"hostile/exercises/*/*\",", "");
    std::fs::write(root.path().join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(fx.join("Cargo.lock"), root.path().join("Cargo.lock")).unwrap();
    let lab_toml = std::fs::read_to_string(fx.join("exercises/lab.toml")).unwrap();
    let kept: Vec<&str> = lab_toml
        .split("[[exercise]]")
        .filter(|e| e.contains("id = \"fx_fail\"") || e.contains("id = \"fx_todo\""))
        .collect();
    std::fs::write(
        root.path().join("exercises/lab.toml"),
        format!("[[exercise]]{}", kept.join("[[exercise]]")),
    )
    .unwrap();
    root
}

/// Runs `lab watch` in `root` and returns its stdout, line by line, as it arrives.
fn spawn_watch(
    root: &Path,
    state: &Path,
    poll: bool,
) -> (std::process::Child, std::sync::mpsc::Receiver<String>) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lab"));
    cmd.arg("--root")
        .arg(root)
        .arg("--state-dir")
        .arg(state)
        .arg("watch")
        .env(
            "CARGO_TARGET_DIR",
            Path::new(env!("CARGO_TARGET_TMPDIR")).join("lab-fixtures"),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    if poll {
        cmd.env("LAB_WATCH", "poll");
    }
    let mut child = cmd.spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    (child, rx)
}

/// Reads lines until one contains `text`, or panics after `limit` with what was seen.
fn wait_for_line(
    rx: &std::sync::mpsc::Receiver<String>,
    text: &str,
    limit: Duration,
    seen: &mut Vec<String>,
) {
    let deadline = Instant::now() + limit;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(line) => {
                let hit = line.contains(text);
                seen.push(line);
                if hit {
                    return;
                }
            }
            Err(_) => break,
        }
    }
    panic!(
        "`lab watch` did not print {text:?} within {limit:?}; it printed:\n{}",
        seen.join("\n")
    );
}

fn watch_moves_on_after_a_fix(poll: bool) {
    let root = editable_workspace(if poll { "poll" } else { "events" });
    let state = tempfile::tempdir().unwrap();
    let (mut child, rx) = spawn_watch(root.path(), state.path(), poll);
    let mut seen = Vec::new();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_for_line(&rx, "Watching exercises/00_fx/02_fail", BUILD, &mut seen);
        assert!(
            seen.iter().any(|l| l.contains("✗ fx_fail")),
            "{}",
            seen.join("\n")
        );
        // Save the way many editors do: write a new file, then rename it over the old one.
        let lib = root.path().join("exercises/00_fx/02_fail/src/lib.rs");
        let fixed = std::fs::read_to_string(&lib)
            .unwrap()
            .replace("a + b + 1", "a + b");
        let tmp = lib.with_extension("rs.tmp");
        std::fs::write(&tmp, fixed).unwrap();
        std::fs::rename(&tmp, &lib).unwrap();
        wait_for_line(&rx, "✓ fx_fail", Duration::from_secs(120), &mut seen);
        wait_for_line(
            &rx,
            "Watching exercises/00_fx/03_todo",
            Duration::from_secs(120),
            &mut seen,
        );
        assert!(
            seen.iter().any(|l| l.contains("✗ fx_todo")),
            "{}",
            seen.join("\n")
        );
    }));
    let _ = child.kill();
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
    let progress = std::fs::read_to_string(state.path().join("progress.json")).unwrap();
    assert!(progress.contains("fx_fail"), "{progress}");
}

#[test]
fn watch_rechecks_on_a_renaming_save_and_moves_on() {
    watch_moves_on_after_a_fix(false);
}

#[test]
fn watch_falls_back_to_polling() {
    watch_moves_on_after_a_fix(true);
}

#[test]
fn tokio_used_outside_a_runtime_is_diagnosed() {
    check(
        "fx_no_runtime",
        1,
        &[
            "1 test failed: Tokio used outside a runtime",
            "there is no reactor running, must be called from the context of a Tokio 1.x runtime",
            "`handle.spawn(..)`",
        ],
    );
}

/// Checks `fx_fail` in the editable workspace `root` and returns its output.
fn check_edited(root: &Path, state: &Path) -> Out {
    run_lab(root, state, &["check", "fx_fail"], BUILD)
}

#[test]
fn deleted_emptied_or_ignored_tests_never_pass() {
    let root = editable_workspace("tests");
    let state = tempfile::tempdir().unwrap();
    let stub = root.path().join("exercises/00_fx/02_fail");
    let lib = stub.join("src/lib.rs");
    let fixed = std::fs::read_to_string(&lib)
        .unwrap()
        .replace("a + b + 1", "a + b");
    std::fs::write(&lib, fixed).unwrap();
    let out = check_edited(root.path(), state.path());
    assert_eq!(out.code, Some(0), "the fixed stub passes: {}", out.stdout);

    let tests = stub.join("tests/fx_fail.rs");
    let shipped = std::fs::read_to_string(&tests).unwrap();
    let cases: [(&str, &dyn Fn(), &str); 4] = [
        (
            "every test deleted",
            &|| std::fs::write(&tests, "// The tests were here.\n").unwrap(),
            "no test ran",
        ),
        (
            "a test ignored",
            &|| std::fs::write(&tests, format!("#[ignore]\n{shipped}")).unwrap(),
            "tests skipped with #[ignore]",
        ),
        (
            "the test file deleted",
            &|| std::fs::remove_file(&tests).unwrap(),
            "the exercise's tests are missing",
        ),
        (
            "the test file and its [[test]] entry deleted",
            &|| {
                let _ = std::fs::remove_file(&tests);
                let manifest = std::fs::read_to_string(stub.join("Cargo.toml")).unwrap();
                let without = manifest.replace(
                    "[[test]]\nname = \"fx_fail\"\npath = \"tests/fx_fail.rs\"\n",
                    "",
                );
                assert_ne!(manifest, without, "the [[test]] entry is found");
                std::fs::write(stub.join("Cargo.toml"), without).unwrap();
            },
            "the exercise's tests are missing",
        ),
    ];
    for (what, edit, expected) in cases {
        edit();
        let out = check_edited(root.path(), state.path());
        assert_eq!(
            out.code,
            Some(1),
            "{what}: not a pass\n{}\n{}",
            out.stdout,
            out.stderr
        );
        assert!(
            out.stdout
                .contains(&format!("✗ fx_fail (exercises/00_fx/02_fail): {expected}")),
            "{what}: {}",
            out.stdout
        );
        assert!(
            out.stdout.contains("cargo lab reset fx_fail") || expected.contains("ignore"),
            "{what}: the way back is named: {}",
            out.stdout
        );
        let progress = std::fs::read_to_string(state.path().join("progress.json")).unwrap();
        assert!(
            !progress.contains("fx_fail"),
            "{what}: not marked done: {progress}"
        );
        if !tests.exists() {
            std::fs::write(&tests, &shipped).unwrap();
        }
    }
}

#[test]
fn an_unknown_id_gets_the_closest_one_suggested() {
    let state = tempfile::tempdir().unwrap();
    for (args, suggested) in [
        (&["check", "fx_fial"][..], Some("fx_fail")),
        (&["hint", "no_runtime"][..], Some("fx_no_runtime")),
        (&["reset", "fx_tood"][..], Some("fx_todo")),
        (&["check", "something_else"][..], None),
    ] {
        let out = run_lab(&fixtures(), state.path(), args, Duration::from_secs(30));
        assert_eq!(out.code, Some(2), "{args:?}: {}", out.stderr);
        assert!(
            out.stderr
                .contains(&format!("there is no exercise `{}`", args[1])),
            "{args:?}: {}",
            out.stderr
        );
        match suggested {
            Some(id) => assert!(
                out.stderr.contains(&format!("did you mean `{id}`?")),
                "{args:?}: {}",
                out.stderr
            ),
            None => assert!(!out.stderr.contains("did you mean"), "{}", out.stderr),
        }
        assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
    }
}

#[test]
fn every_kind_of_damaged_progress_file_is_set_aside() {
    /// Damages the progress file at the path it is given.
    type Damage = fn(&Path);
    let cases: [(&str, Damage); 5] = [
        ("bytes that are not UTF-8", |f| {
            std::fs::write(f, [0xff, 0xfe, 0x00, 0x9f]).unwrap()
        }),
        ("an empty file", |f| std::fs::write(f, "").unwrap()),
        ("truncated JSON", |f| {
            std::fs::write(f, r#"{"format":1,"done":["fx_pa"#).unwrap()
        }),
        ("plain text", |f| std::fs::write(f, "my notes\n").unwrap()),
        ("a folder in its place", |f| {
            std::fs::create_dir_all(f.join("inside")).unwrap()
        }),
    ];
    for (what, damage) in cases {
        let state = tempfile::tempdir().unwrap();
        let file = state.path().join("progress.json");
        damage(&file);
        let out = run_lab(&fixtures(), state.path(), &["hint", "fx_fail"], BUILD);
        assert_eq!(out.code, Some(0), "{what}:\n{}\n{}", out.stdout, out.stderr);
        assert!(
            out.stderr.contains("could not be read") && out.stderr.contains("kept as"),
            "{what}: {}",
            out.stderr
        );
        assert!(!out.stderr.contains("panicked"), "{what}: {}", out.stderr);
        // The hint was recorded in a fresh, valid file.
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        assert_eq!(json["hints_shown"]["fx_fail"], 1, "{what}");
        let kept = std::fs::read_dir(state.path())
            .unwrap()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
            .count();
        assert_eq!(kept, 1, "{what}: the damaged file is kept, not deleted");
    }
}

#[test]
fn a_manifest_syntax_error_names_its_line() {
    let root = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(root.path().join("exercises")).unwrap();
    std::fs::write(
        root.path().join("exercises/lab.toml"),
        "# comment\n[[exercise]]\nid = \"unclosed\n",
    )
    .unwrap();
    let state = tempfile::tempdir().unwrap();
    let out = run_lab(
        root.path(),
        state.path(),
        &["list"],
        Duration::from_secs(30),
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("is not valid") && out.stderr.contains("line 3"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains("Fix that entry"), "{}", out.stderr);
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn a_root_that_is_no_checkout_is_refused_clearly() {
    let elsewhere = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let out = run_lab(
        elsewhere.path(),
        state.path(),
        &["list"],
        Duration::from_secs(30),
    );
    assert_eq!(out.code, Some(2), "{}", out.stderr);
    assert!(
        out.stderr.contains("is not an async-lab checkout"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);
}

#[test]
fn outside_any_checkout_lab_says_which_one_it_uses() {
    let elsewhere = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lab"))
        .args(["list", "--json"])
        .current_dir(elsewhere.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_bounded(
        &mut child,
        Instant::now(),
        Duration::from_secs(30),
        "`lab list` outside the checkout",
    );
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("is not inside an async-lab checkout; using"),
        "{stderr}"
    );
}

#[test]
fn a_closed_stdout_ends_lab_quietly() {
    // A pipe whose reading end is already closed: every write to it fails, as when
    // `cargo lab list | head -1` has read what it wanted.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let state = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_lab"))
        .arg("--root")
        .arg(fixtures())
        .arg("--state-dir")
        .arg(state.path())
        .arg("list")
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::null())
        .stdout(writer)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_bounded(
        &mut child,
        Instant::now(),
        Duration::from_secs(30),
        "`lab list` into a closed pipe",
    );
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(141), "{stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

#[test]
fn reset_uses_the_shipped_stub_even_after_the_learner_committed() {
    let shipped_root = root_with_a_removed_exercise();
    let stub_rel = "exercises/00_fx/03_todo/src/lib.rs";
    let shipped =
        std::fs::read_to_string(fixtures().join("exercises/00_fx/03_todo/src/lib.rs")).unwrap();
    let file = shipped_root.path().join(stub_rel);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, &shipped).unwrap();
    git(shipped_root.path(), &["init", "-q"]);
    git(shipped_root.path(), &["add", "."]);
    git(shipped_root.path(), &["commit", "-q", "-m", "shipped"]);

    // The learner's clone, where they commit their own work.
    let parent = tempfile::tempdir().unwrap();
    let clone = parent.path().join("clone");
    git(
        parent.path(),
        &[
            "clone",
            "-q",
            &shipped_root.path().display().to_string(),
            "clone",
        ],
    );
    let mine = "pub fn answer() -> u32 { 41 }\n";
    std::fs::write(clone.join(stub_rel), mine).unwrap();
    git(&clone, &["commit", "-q", "-am", "my attempt"]);

    let state = tempfile::tempdir().unwrap();
    let mut backups = Vec::new();
    for attempt in 0..2 {
        let out = run_lab(
            &clone,
            state.path(),
            &["reset", "fx_todo"],
            Duration::from_secs(30),
        );
        assert_eq!(out.code, Some(0), "{}\n{}", out.stdout, out.stderr);
        assert_eq!(
            std::fs::read_to_string(clone.join(stub_rel)).unwrap(),
            shipped,
            "reset {attempt} restores the shipped stub, not the learner's commit"
        );
        assert!(out.stdout.contains("from git's origin/"), "{}", out.stdout);
        backups.push(out.stdout);
        std::fs::write(clone.join(stub_rel), mine).unwrap();
    }
    // Both resets ran within moments of each other; each kept its own backup.
    let saved: Vec<_> = std::fs::read_dir(state.path().join("backups/fx_todo"))
        .unwrap()
        .flatten()
        .collect();
    assert_eq!(saved.len(), 2, "{backups:?}");
    for dir in saved {
        assert_eq!(
            std::fs::read_to_string(dir.path().join("src/lib.rs")).unwrap(),
            mine
        );
    }
}

#[test]
fn watch_survives_a_broken_cargo_toml() {
    let root = editable_workspace("toml");
    let state = tempfile::tempdir().unwrap();
    let (mut child, rx) = spawn_watch(root.path(), state.path(), false);
    let mut seen = Vec::new();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_for_line(&rx, "Watching exercises/00_fx/02_fail", BUILD, &mut seen);
        let manifest = root.path().join("exercises/00_fx/02_fail/Cargo.toml");
        let good = std::fs::read_to_string(&manifest).unwrap();
        std::fs::write(&manifest, "[package\nname = \"half-typed\n").unwrap();
        wait_for_line(
            &rx,
            "is not a valid Cargo.toml",
            Duration::from_secs(60),
            &mut seen,
        );
        wait_for_line(&rx, "Watching", Duration::from_secs(10), &mut seen);
        std::fs::write(&manifest, good).unwrap();
        let lib = root.path().join("exercises/00_fx/02_fail/src/lib.rs");
        let fixed = std::fs::read_to_string(&lib)
            .unwrap()
            .replace("a + b + 1", "a + b");
        std::fs::write(&lib, fixed).unwrap();
        wait_for_line(&rx, "✓ fx_fail", Duration::from_secs(120), &mut seen);
    }));
    let _ = child.kill();
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn watch_polling_checks_once_after_writes_settle() {
    let root = editable_workspace("settle");
    let state = tempfile::tempdir().unwrap();
    let (mut child, rx) = spawn_watch(root.path(), state.path(), true);
    let mut seen = Vec::new();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_for_line(&rx, "Watching exercises/00_fx/02_fail", BUILD, &mut seen);
        // An editor writing one save in many small steps over 1.5 s: 30 writes 50 ms apart, well
        // inside the 200 ms a scan waits for the files to settle, so a busy machine that delays
        // a write by up to 150 ms still makes one burst.
        let lib = root.path().join("exercises/00_fx/02_fail/src/lib.rs");
        let shipped = std::fs::read_to_string(&lib).unwrap();
        for step in 0..30 {
            std::fs::write(&lib, format!("{shipped}// step {step}\n")).unwrap();
            std::thread::sleep(Duration::from_millis(50));
        }
        wait_for_line(&rx, "✗ fx_fail", Duration::from_secs(120), &mut seen);
        wait_for_line(&rx, "Watching", Duration::from_secs(30), &mut seen);
        // Any further check would start within a scan interval (1 s); wait three.
        std::thread::sleep(Duration::from_secs(3));
        while let Ok(line) = rx.try_recv() {
            seen.push(line);
        }
        let checks = seen.iter().filter(|l| l.contains("──── checking")).count();
        assert_eq!(
            checks,
            2,
            "the first check, then one for the whole burst:\n{}",
            seen.join("\n")
        );
    }));
    let _ = child.kill();
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

/// `watch` on a failing exercise whose test writes files next to its sources on every run: in a
/// hidden folder, in a folder marked as a cache, and a plain source file.
fn watch_ignores_what_the_check_writes(poll: bool) {
    let root = editable_workspace(if poll { "writes-poll" } else { "writes" });
    let state = tempfile::tempdir().unwrap();
    let tests = root.path().join("exercises/00_fx/02_fail/tests/fx_fail.rs");
    let mut text = std::fs::read_to_string(&tests).unwrap();
    text.push_str(
        r#"
#[test]
fn writes_next_to_its_sources() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let stamp = format!("// {:?}\n", std::time::SystemTime::now());
    for folder in [".cache", "out", "snapshots"] {
        std::fs::create_dir_all(dir.join(folder)).unwrap();
    }
    std::fs::write(dir.join("out/CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55").unwrap();
    for file in [".cache/state.toml", "out/generated.rs", "snapshots/last.rs"] {
        std::fs::write(dir.join(file), &stamp).unwrap();
    }
}
"#,
    );
    std::fs::write(&tests, text).unwrap();
    let (mut child, rx) = spawn_watch(root.path(), state.path(), poll);
    let mut seen = Vec::new();
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        wait_for_line(&rx, "✗ fx_fail", BUILD, &mut seen);
        // The second check is built already and takes well under a second; a loop would go on
        // checking, at least once a second (a scan interval). Wait five.
        let until = Instant::now() + Duration::from_secs(5);
        while let Some(left) = until.checked_duration_since(Instant::now()) {
            if let Ok(line) = rx.recv_timeout(left) {
                seen.push(line);
            }
        }
        let checks = seen.iter().filter(|l| l.contains("──── checking")).count();
        assert_eq!(
            checks,
            2,
            "the first check, one more that shows the file is the check's own, then quiet:\n{}",
            seen.join("\n")
        );
        // The note comes when the second check ends, which a loaded machine can delay past the
        // five seconds above; the count of checks is what shows there is no loop.
        if !seen.iter().any(|l| l.contains("the check itself rewrites")) {
            wait_for_line(
                &rx,
                "the check itself rewrites",
                Duration::from_secs(120),
                &mut seen,
            );
        }
        let note = seen
            .iter()
            .find(|l| l.contains("the check itself rewrites"))
            .expect("the note names the file the check rewrites");
        assert!(
            note.contains("snapshots/last.rs")
                && !note.contains("generated")
                && !note.contains("state"),
            "only the plain source file needed setting aside: {note}"
        );
        // A real save still gets a check.
        let lib = root.path().join("exercises/00_fx/02_fail/src/lib.rs");
        let shipped = std::fs::read_to_string(&lib).unwrap();
        std::fs::write(&lib, format!("{shipped}// saved\n")).unwrap();
        wait_for_line(&rx, "──── checking", Duration::from_secs(30), &mut seen);
    }));
    let _ = child.kill();
    let _ = child.wait();
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn watch_does_not_loop_on_files_the_check_writes() {
    watch_ignores_what_the_check_writes(false);
}

#[test]
fn watch_polling_does_not_loop_on_files_the_check_writes() {
    watch_ignores_what_the_check_writes(true);
}

/// After one build through cargo, an edit of the exercise's sources is rebuilt with the rustc
/// commands cargo used, and gets the same verdicts; a changed manifest or a rebuilt dependency
/// sends the build through cargo again. cargo is a wrapper here that counts its calls, and
/// `LAB_REPLAY_LOG=1` makes lab say which way each build went.
#[cfg(unix)]
#[test]
fn an_edit_is_rebuilt_without_cargo_only_while_nothing_else_changed() {
    use std::os::unix::fs::PermissionsExt;

    let root = editable_workspace("replay");
    let state = tempfile::tempdir().unwrap();
    let bin = tempfile::tempdir().unwrap();
    let log = bin.path().join("calls");
    let wrapper = bin.path().join("cargo");
    std::fs::write(
        &wrapper,
        format!(
            "#!/bin/sh\necho \"$*\" >> '{}'\nexec \"$LAB_TEST_REAL_CARGO\" \"$@\"\n",
            log.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&wrapper, std::fs::Permissions::from_mode(0o755)).unwrap();
    let real = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let calls = || {
        std::fs::read_to_string(&log)
            .map(|t| t.lines().count())
            .unwrap_or(0)
    };
    let lib = root.path().join("exercises/00_fx/02_fail/src/lib.rs");
    let shipped = std::fs::read_to_string(&lib).unwrap();
    let mut cargo_calls = 0;
    // `way` is what lab must say after "lab replay: ". Other tests build in the same target
    // folder; while one holds it, lab goes through cargo instead of waiting, and that is fine.
    let mut check = |code: i32, expected: &str, way: &str, what: &str| {
        let mut cmd = common::lab(root.path(), state.path(), &["check", "fx_fail"]);
        cmd.env("CARGO", &wrapper)
            .env("LAB_TEST_REAL_CARGO", &real)
            .env("LAB_REPLAY_LOG", "1");
        let out = common::finish(cmd.spawn().unwrap(), Instant::now(), BUILD, what);
        assert_eq!(
            out.code,
            Some(code),
            "{what}: exit code\nstdout:\n{}\nstderr:\n{}",
            out.stdout,
            out.stderr
        );
        assert!(
            out.stdout.contains(expected),
            "{what}: expected {expected:?} in\n{}",
            out.stdout
        );
        let said = out
            .stderr
            .lines()
            .find_map(|l| l.strip_prefix("lab replay: "))
            .unwrap_or_else(|| panic!("{what}: lab did not say how it built:\n{}", out.stderr))
            .to_owned();
        let busy = said == "through cargo: another build holds the target folder";
        assert!(
            said.contains(way) || busy,
            "{what}: expected {way:?}, lab said {said:?}"
        );
        if said.starts_with("through cargo") {
            cargo_calls += 1;
        }
        assert_eq!(calls(), cargo_calls, "{what}: calls of cargo so far");
    };

    check(1, "fx_fail", "through cargo: no record", "the first check");
    std::fs::write(&lib, shipped.replace("a + b + 1", "a + b")).unwrap();
    check(0, "passes", "rebuilt without cargo", "the fix");
    check(0, "passes", "up to date", "the same code again");
    std::fs::write(&lib, shipped.replace("a + b + 1", "a + \"b\"")).unwrap();
    check(
        1,
        "does not compile",
        "rebuilt without cargo",
        "a compile error",
    );
    std::fs::write(&lib, shipped.replace("a + b + 1", "a + \"b\" + 1")).unwrap();
    check(
        1,
        "u32",
        "rebuilt without cargo",
        "the error's text, as rustc wrote it",
    );
    std::fs::write(&lib, &shipped).unwrap();
    check(
        1,
        "fx_fail",
        "rebuilt without cargo",
        "the failing code again",
    );

    let manifest = root.path().join("exercises/00_fx/02_fail/Cargo.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("\n[features]\nextra = []\n");
    std::fs::write(&manifest, text).unwrap();
    std::fs::write(&lib, shipped.replace("a + b + 1", "a + b")).unwrap();
    check(
        0,
        "passes",
        "02_fail/Cargo.toml changed",
        "a changed Cargo.toml",
    );
    check(
        0,
        "passes",
        "up to date",
        "after cargo's build, recorded again",
    );

    // A dependency that cargo rebuilt since (here: its library only looks newer) is not linked
    // by a replay: cargo decides what to rebuild.
    let record = std::fs::read_dir(state.path().join("replay"))
        .unwrap()
        .next()
        .expect("a record of the cargo build")
        .unwrap()
        .path();
    let text = std::fs::read_to_string(record).unwrap();
    let testkit = text
        .split('"')
        .find_map(|s| s.strip_prefix("testkit="))
        .expect("the record links testkit")
        .to_owned();
    let file = std::fs::File::options()
        .append(true)
        .open(&testkit)
        .unwrap();
    file.set_modified(std::time::SystemTime::now()).unwrap();
    std::fs::write(&lib, &shipped).unwrap();
    check(1, "fx_fail", "libtestkit", "a newer dependency");
}
