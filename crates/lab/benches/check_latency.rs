//! Edit-to-verdict time of `lab check` on one small Tokio exercise.
//!
//! ```text
//! cargo bench -p lab --bench check_latency
//! ```
//!
//! The exercise is chapter 0's `missing_await` in its solved form (the solution's `src/lib.rs`
//! with the stub's tests), copied under another package name into a temporary workspace of its
//! own, so the real stub and its build are never touched. Each run appends a comment line to `src/lib.rs` (a real edit: cargo must rebuild the
//! library and relink the test binary), then times `lab check` until its verdict. Two ways of
//! starting lab are measured: the lab binary itself, and `cargo run -q -p lab --`, which is what
//! the `cargo lab` alias runs (it adds cargo's no-op check of lab). The first run of each warms the
//! build and is not counted; the median and the min-max of the others are printed.
//!
//! Builds go to the workspace's target dir (or `CARGO_TARGET_DIR`), so after the first
//! `cargo bench` nothing but the edited crate is rebuilt.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const RUNS: usize = 9;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let work = tempfile::tempdir().unwrap();
    let ws = work.path();
    // The copy gets a package name and a folder of its own: cargo names a member's artifacts by its
    // name and its path inside the workspace, so an exact copy would share artifacts with the
    // real stub in the shared target dir, and the solved build could pass for the stub's.
    let ex = ws.join("exercises/00_bench/01_missing_await");
    std::fs::create_dir_all(ex.join("src")).unwrap();
    std::fs::create_dir_all(ex.join("tests")).unwrap();
    std::fs::copy(
        root.join("solutions/00_intro/03_missing_await/src/lib.rs"),
        ex.join("src/lib.rs"),
    )
    .unwrap();
    std::fs::copy(
        root.join("exercises/00_intro/03_missing_await/tests/missing_await.rs"),
        ex.join("tests/missing_await.rs"),
    )
    .unwrap();
    // The copied lock file keeps every version equal to the workspace's, so nothing is fetched.
    std::fs::copy(root.join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();
    let testkit = root
        .join("crates/testkit")
        .display()
        .to_string()
        .replace('\\', "/");
    std::fs::write(
        ws.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [\"exercises/*/*\"]\n\n[workspace.package]\nedition = \"2024\"\n\
             rust-version = \"1.88\"\nlicense = \"MIT OR Apache-2.0\"\npublish = false\n\n[workspace.dependencies]\n\
             tokio = {{ version = \"1.48\", features = [\"full\"] }}\ntestkit = {{ path = \"{testkit}\" }}\n\n\
             [workspace.lints.rust]\nunsafe_code = \"deny\"\n\n[profile.dev]\ndebug = \"line-tables-only\"\n"
        ),
    )
    .unwrap();
    let manifest =
        std::fs::read_to_string(root.join("exercises/00_intro/03_missing_await/Cargo.toml"))
            .unwrap()
            .replace(
                "name = \"ex-00-03-missing-await\"",
                "name = \"lab-bench-missing-await\"",
            );
    assert!(
        manifest.contains("lab-bench-missing-await"),
        "the stub's package name changed; update the bench"
    );
    std::fs::write(ex.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(
        ws.join("exercises/lab.toml"),
        "[[exercise]]\nid = \"missing_await\"\nchapter = \"00_intro\"\ntitle = \"bench\"\n\
         stub = \"exercises/00_bench/01_missing_await\"\nsolution = \"solutions/00_intro/03_missing_await\"\n\
         stub_fails_with = \"compile_error\"\ntime_limit_secs = 20\nhints = []\n",
    )
    .unwrap();

    let lab_args = |cmd: &mut Command| {
        cmd.arg("--root")
            .arg(ws)
            .arg("--state-dir")
            .arg(ws.join(".lab"))
            .args(["check", "missing_await"]);
    };
    let direct = measure("lab binary", &ex, &target, || {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lab"));
        lab_args(&mut cmd);
        cmd
    });
    let alias = measure("cargo run -q -p lab (the alias)", &ex, &target, || {
        let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
        cmd.current_dir(&root)
            .args(["run", "-q", "-p", "lab", "--"]);
        lab_args(&mut cmd);
        cmd
    });
    println!(
        "\nedit-to-verdict of `lab check missing_await` (solved), {} runs each after one warm-up:",
        RUNS
    );
    for (name, s) in [("lab binary", direct), ("cargo lab alias", alias)] {
        println!(
            "  {name:<16} median {:.3} s   min {:.3} s   max {:.3} s",
            s.0.as_secs_f64(),
            s.1.as_secs_f64(),
            s.2.as_secs_f64()
        );
    }
}

/// Runs warm-up plus [`RUNS`] edit-then-check rounds; returns (median, min, max).
fn measure(
    name: &str,
    ex: &Path,
    target: &Path,
    make: impl Fn() -> Command,
) -> (Duration, Duration, Duration) {
    let lib = ex.join("src/lib.rs");
    let mut times = Vec::new();
    for i in 0..=RUNS {
        let mut text = std::fs::read_to_string(&lib).unwrap();
        text.push_str(&format!("// edit {i}\n"));
        std::fs::write(&lib, text).unwrap();
        let start = Instant::now();
        let out = make()
            .env("CARGO_TARGET_DIR", target)
            .stdin(Stdio::null())
            .output()
            .expect("lab starts");
        let took = start.elapsed();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("✓ missing_await"),
            "{name}: the solved exercise did not pass:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        if i > 0 {
            times.push(took);
            eprintln!("{name}: run {i}: {:.3} s", took.as_secs_f64());
        }
    }
    times.sort();
    (times[times.len() / 2], times[0], times[times.len() - 1])
}
