//! Runs the framing and proxying examples of chapter 9 (`tokio120` to `tokio122`) and the
//! threads-against-async measurement of chapter 12 (`tokio123`), and checks what each header
//! promises.
//!
//! `tokio122` and `tokio123` print measured figures: their tests run the `--quick` mode and check
//! the table's shape and the figures that do not depend on the machine (counts, bytes, threads).

mod harness;

use std::time::Duration;

use harness::{Example, assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run. The quick measurements need a second or two; the margin is for a
/// busy machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(60);

#[test]
fn examples_with_a_fixed_output_print_their_header() {
    for name in ["tokio120", "tokio121"] {
        let run = run_to_end(name, ENDS_WITHIN);
        assert_eq!(run.texts(), header_text_block(name, 1), "{name}\n{run}");
    }
}

/// The whitespace-separated fields of a table row.
fn fields(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

#[test]
fn tokio122_measures_direct_and_proxied_paths() {
    let run = Example::new("tokio122")
        .args(["--quick"])
        .deadline(ENDS_WITHIN)
        .run();
    run.assert_exited_ok();
    let texts = run.texts();
    assert_eq!(texts.len(), 4, "{run}");
    assert_eq!(texts[0], header_text_block("tokio122", 1)[0], "{run}");
    for (row, path) in texts[1..3].iter().zip(["direct", "proxied"]) {
        let f = fields(row);
        assert_eq!(f.len(), 6, "{run}");
        assert_eq!(f[0], path, "{run}");
        assert_eq!(f[1], "200", "quick mode makes 200 round trips\n{run}");
        assert_eq!(f[4], "4", "quick mode sends 4 MiB\n{run}");
        let p50: u64 = f[2].parse().unwrap();
        let p99: u64 = f[3].parse().unwrap();
        assert!(p50 <= p99, "{run}");
    }
    assert!(texts[3].starts_with("the proxy added "), "{run}");
    assert!(texts[3].ends_with("% of the direct throughput"), "{run}");
}

#[test]
fn tokio123_threads_grow_with_connections_and_tasks_do_not() {
    let run = Example::new("tokio123")
        .args(["--quick"])
        .deadline(ENDS_WITHIN)
        .run();
    run.assert_exited_ok();
    let texts = run.texts();
    assert_eq!(texts.len(), 6, "{run}");
    assert!(
        texts[0].starts_with("open files allowed per process: "),
        "{run}"
    );
    assert_eq!(texts[1], header_text_block("tokio123", 1)[0], "{run}");
    let expected = [
        ("threads", 10),
        ("async", 10),
        ("threads", 100),
        ("async", 100),
    ];
    for (row, (server, n)) in texts[2..].iter().zip(expected) {
        let f = fields(row);
        assert_eq!(f.len(), 9, "{run}");
        assert_eq!((f[0], f[1]), (server, n.to_string().as_str()), "{run}");
        let threads: usize = f[5].parse().unwrap();
        if server == "threads" {
            // One thread per connection, plus the main and the accepting thread.
            assert!(
                threads >= n + 2,
                "{server} with {n} connections: {threads} threads\n{run}"
            );
        } else {
            // The main thread and the runtime's 2 workers, whatever the number of connections.
            assert!(
                threads <= 4,
                "{server} with {n} connections: {threads} threads\n{run}"
            );
        }
        let p50: u64 = f[7].parse().unwrap();
        let p99: u64 = f[8].parse().unwrap();
        assert!(p50 <= p99, "{run}");
    }
}

#[test]
fn the_framing_page_shows_only_checked_outputs() {
    assert_page_shows_checked_outputs(
        "ch09-framing.md",
        &["tokio120", "tokio121"],
        // tokio122's table is a recorded run, shown with its command and machine.
        &["path     round trips  p50 µs  p99 µs  bulk MiB  MiB/s"],
    );
}

#[test]
fn the_when_not_async_page_shows_only_checked_outputs() {
    assert_page_shows_checked_outputs(
        "ch12-when-not-async.md",
        &[],
        // tokio123's table is a recorded run, shown with its command and machine.
        &["open files allowed per process: 20000"],
    );
}
