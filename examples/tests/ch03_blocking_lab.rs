//! Runs `tokio21`, the blocking lab, small and fast, and checks what its header promises: a table
//! with one row per strategy and flavour, the limit, the chart's path and the SVG file itself, and
//! the same report as JSON with `--json`. The lab's arithmetic and its timing claims are tested in
//! `crates/blocking-lab/tests/`; this file checks the command line around them.

mod harness;

use std::time::Duration;

use harness::Example;

/// A small run: two strategies, 1 ms jobs, ten per batch, one repetition. It needs about a
/// second in a debug build; the deadline leaves room for a machine busy compiling.
const SMALL: [&str; 8] = [
    "--strategies",
    "inline,pool",
    "--job-ms",
    "1",
    "--jobs",
    "10",
    "--reps",
    "1",
];
const DEADLINE: Duration = Duration::from_secs(60);

#[test]
fn tokio21_prints_a_table_and_draws_the_chart() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("gaps.svg");
    let run = Example::new("tokio21")
        .args(SMALL)
        .args(["--chart", chart.to_str().unwrap()])
        .deadline(DEADLINE)
        .run();
    run.assert_exited_ok();
    let texts = run.texts();
    assert!(
        texts
            .iter()
            .any(|l| l.starts_with("limit (") && l.contains("jobs/s")),
        "{run}"
    );
    let header = texts
        .iter()
        .position(|l| l.starts_with("strategy "))
        .expect("a table header");
    let rows: Vec<Vec<&str>> = texts[header + 1..]
        .iter()
        .take_while(|l| !l.is_empty() && !l.starts_with("chart:"))
        .map(|l| l.split_whitespace().take(2).collect())
        .collect();
    assert_eq!(
        rows,
        [
            ["inline", "current_thread"],
            ["inline", "multi_thread"],
            ["pool", "current_thread"],
            ["pool", "multi_thread"],
        ],
        "{run}"
    );
    assert!(
        texts[header].contains("threads [min–max]"),
        "the table has the peak thread count column: {run}"
    );
    assert_eq!(
        texts.last().copied(),
        Some(format!("chart: {}", chart.display()).as_str()),
        "{run}"
    );
    let svg = std::fs::read_to_string(&chart).expect("the chart was written");
    assert!(
        svg.starts_with("<svg") && svg.contains("pool on multi_thread"),
        "not the lab's chart"
    );
}

#[test]
fn tokio21_json_has_one_entry_per_case() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("gaps.svg");
    let run = Example::new("tokio21")
        .args(SMALL)
        .args(["--json", "--chart", chart.to_str().unwrap()])
        .deadline(DEADLINE)
        .run();
    run.assert_exited_ok();
    let json: serde_json::Value =
        serde_json::from_str(&run.texts().join("\n")).expect("stdout is JSON");
    let cases: Vec<(&str, &str)> = json["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["strategy"].as_str().unwrap(),
                c["flavour"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        cases,
        [
            ("inline", "current_thread"),
            ("inline", "multi_thread"),
            ("pool", "current_thread"),
            ("pool", "multi_thread"),
        ]
    );
    assert_eq!(json["config"]["jobs"], 10);
    for case in json["cases"].as_array().unwrap() {
        let peak = &case["peak_threads"];
        if cfg!(target_os = "linux") {
            assert!(
                peak["median"].as_f64().is_some_and(|n| n >= 2.0),
                "on Linux every case has its peak OS thread count: {case}"
            );
        } else {
            assert!(peak.is_null(), "elsewhere the count is unknown: {case}");
        }
    }
    assert!(json["limit_jobs_per_sec"]["median"].as_f64().unwrap() > 0.0);
    assert!(chart.exists());
}

#[test]
fn tokio21_rejects_an_unknown_strategy_and_names_the_choices() {
    let run = Example::new("tokio21")
        .args(["--strategies", "threads"])
        .deadline(DEADLINE)
        .run();
    assert!(!run.status.success(), "{run}");
    assert!(run.stderr.contains("unknown strategy `threads`"), "{run}");
    assert!(run.stderr.contains("spawn_blocking_bounded"), "{run}");
}

#[test]
fn tokio21_names_its_default_chart_path_plainly() {
    // `--help` shows the default without running the lab.
    let run = Example::new("tokio21")
        .args(["--help"])
        .deadline(DEADLINE)
        .run();
    run.assert_exited_ok();
    let help = run.texts().join("\n");
    assert!(
        help.contains("target/blocking-lab/heartbeat.svg"),
        "the default chart goes to the workspace's target folder:\n{help}"
    );
    assert!(
        !help.contains("/../"),
        "the default chart path is printed without a `..` detour:\n{help}"
    );
}
