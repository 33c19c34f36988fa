//! `chat-bench` end to end, with the naive baseline in both slots, on small numbers.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Process-level limit: the runs below take about 15 s in a debug build on an idle machine.
const LIMIT: Duration = Duration::from_secs(180);

#[test]
fn chat_bench_runs_every_scenario_against_both_servers_and_reports_json() {
    let naive = env!("CARGO_BIN_EXE_chat-naive");
    let mut child = Command::new(env!("CARGO_BIN_EXE_chat-bench"))
        .args(["--server", naive, "--naive", naive, "--json"])
        .args([
            "--clients",
            "20",
            "--senders",
            "2",
            "--rate",
            "500",
            "--latency-rate",
            "100",
        ])
        .args(["--duration", "1", "--warmup", "0.2", "--drain", "10"])
        .args([
            "--memory-clients",
            "3",
            "--stalled",
            "4",
            "--memory-messages",
            "2000,4000",
        ])
        .args(["--memory-rate", "10000", "--ready", " lobby"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start chat-bench");
    let deadline = Instant::now() + LIMIT;
    while child.try_wait().expect("poll chat-bench").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chat-bench did not finish within {LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let output = child.wait_with_output().expect("chat-bench output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "chat-bench failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout).expect("--json prints one JSON document");
    let rows = json["rows"].as_array().expect("a `rows` array");
    assert_eq!(
        rows.len(),
        8,
        "throughput, latency and two memory runs, each for both servers"
    );
    for row in rows {
        let report = &row["report"];
        assert!(report.is_object(), "every run must produce a report: {row}");
        assert_eq!(
            report["lost"], 0,
            "the naive server loses nothing at these rates: {row}"
        );
        assert!(
            row["peak_rss_mib"].as_f64().is_some_and(|m| m > 0.0),
            "every row must carry the server's peak RSS: {row}"
        );
        assert_eq!(
            row["exited_early"], false,
            "no server may die during its run: {row}"
        );
    }
    let memory: Vec<_> = rows.iter().filter(|r| r["scenario"] == "memory").collect();
    let sent: Vec<_> = memory
        .iter()
        .map(|r| r["report"]["sent_total"].as_u64())
        .collect();
    assert_eq!(
        sent,
        [Some(2000), Some(2000), Some(4000), Some(4000)],
        "the memory scenario sends each message count to both servers"
    );
    assert_eq!(
        memory[0]["report"]["stalled"], 4,
        "the memory runs have the stalled readers"
    );
    let ratios = json["throughput_ratio"]
        .as_array()
        .expect("a ratio per scenario");
    assert!(
        ratios
            .iter()
            .all(|r| r[1].as_f64().is_some_and(|x| x > 0.0)),
        "both throughput ratios must be computed: {ratios:?}"
    );
}
