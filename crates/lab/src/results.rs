//! Counting results from a channel the test's own output cannot reach by accident.
//!
//! A test binary's stdout is shared with the code under test (and with any process it starts),
//! so lines that look like libtest's can be printed by anyone. Lab therefore takes the results
//! from elsewhere:
//!
//! 1. **The expected tests** come from `--list`, run before the tests: listing runs no test code.
//! 2. **The results** come from libtest's `--logfile`, a file libtest writes one line to as each
//!    test ends (`ok NAME`, `failed NAME`, `ignored NAME`). Its path is fresh for every run, in a
//!    folder of its own with a random name, and lab reads it only after the process tree is gone.
//! 3. **A pass** needs exit status 0, every listed test `ok` in the log, no other entry, and
//!    libtest's own summary on stdout agreeing with that count.
//!
//! What this defeats: a process that exits 0 early (the log lacks the tests that never ran),
//! libtest-looking lines printed to stdout (they never reach the log), output without a newline
//! in front of libtest's lines (results are not read from stdout). What it cannot defeat: code in
//! the test process can read its own command line, find the log's path and write to it. That
//! takes deliberate effort, not a mistake; the integrity check on the tests
//! ([`crate::integrity`]) and review of the learner's code are the answer to it.

use std::collections::BTreeMap;

/// One test's result, as libtest logged it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Logged {
    /// It passed.
    Ok,
    /// It failed.
    Failed,
    /// It was skipped with `#[ignore]`.
    Ignored,
}

/// Parses libtest's log: `ok NAME`, `failed NAME`, `failed: MSG NAME`, `ignored NAME`,
/// `ignored: REASON NAME`. The test name is the last word (Rust paths hold no spaces).
pub fn parse_log(text: &str) -> BTreeMap<String, Logged> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let Some(name) = line.split_whitespace().last() else {
            continue;
        };
        let result = if line.starts_with("ok ") {
            Logged::Ok
        } else if line.starts_with("failed") {
            Logged::Failed
        } else if line.starts_with("ignored") {
            Logged::Ignored
        } else {
            continue;
        };
        // A later entry for the same name (there is none from libtest) never turns a failure
        // into a pass.
        let entry = out.entry(name.to_owned()).or_insert(result);
        if result != Logged::Ok {
            *entry = result;
        }
    }
    out
}

/// The `N passed` count of libtest's summary line, found anywhere on a line so that output
/// without a trailing newline in front of it does not hide it. The last summary wins.
pub fn summary_passed(stdout: &str) -> Option<usize> {
    stdout
        .lines()
        .filter_map(|l| {
            let at = l.rfind("test result: ")?;
            let rest = &l[at..];
            let passed = rest.find(" passed")?;
            let number = rest[..passed].rsplit(' ').next()?;
            number.parse().ok()
        })
        .next_back()
}

/// How a run that exited with status 0 falls short of a pass, if it does.
#[derive(Debug, PartialEq, Eq)]
pub enum Shortfall {
    /// Listed tests that never reported a result: the process ended before they ran.
    NeverRan(Vec<String>),
    /// Tests that were skipped.
    Ignored(Vec<String>),
    /// The log has a test the list does not, or libtest's summary disagrees with the log.
    Inconsistent(String),
}

/// Judges a run that exited with status 0 against the list of tests it should have run.
pub fn judge_success(
    listed: &[String],
    log: &BTreeMap<String, Logged>,
    stdout: &str,
) -> Option<Shortfall> {
    let ignored: Vec<String> = listed
        .iter()
        .filter(|t| log.get(*t) == Some(&Logged::Ignored))
        .cloned()
        .collect();
    if !ignored.is_empty() {
        return Some(Shortfall::Ignored(ignored));
    }
    let never: Vec<String> = listed
        .iter()
        .filter(|t| !log.contains_key(*t))
        .cloned()
        .collect();
    if !never.is_empty() {
        return Some(Shortfall::NeverRan(never));
    }
    if let Some(extra) = log.keys().find(|k| !listed.contains(k)) {
        return Some(Shortfall::Inconsistent(format!(
            "the results name a test `{extra}` that the test binary does not list"
        )));
    }
    if let Some(bad) = listed.iter().find(|t| log.get(*t) != Some(&Logged::Ok)) {
        return Some(Shortfall::Inconsistent(format!(
            "the process exited with status 0, but `{bad}` failed"
        )));
    }
    match summary_passed(stdout) {
        Some(n) if n == listed.len() => None,
        Some(n) => Some(Shortfall::Inconsistent(format!(
            "libtest's summary says {n} passed, but {} tests ran and passed",
            listed.len()
        ))),
        None => Some(Shortfall::Inconsistent(
            "the process exited with status 0, but libtest's summary line never came".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_is_parsed_with_reasons() {
        let log = parse_log("ok a\nfailed b\nignored: slow c\nfailed: msg here d\nnoise\n");
        assert_eq!(log.get("a"), Some(&Logged::Ok), "an `ok` line is a pass");
        assert_eq!(log.get("b"), Some(&Logged::Failed), "a `failed` line");
        assert_eq!(log.get("c"), Some(&Logged::Ignored), "an ignore reason");
        assert_eq!(log.get("d"), Some(&Logged::Failed), "a failure message");
        assert_eq!(log.len(), 4, "a line of noise is no result");
    }

    #[test]
    fn the_summary_is_found_behind_output_without_a_newline() {
        let out = "running 2 tests\npartial outputtest result: ok. 2 passed; 0 failed; 0 ignored\n";
        assert_eq!(
            summary_passed(out),
            Some(2),
            "the summary is read where it starts, not only at a line's start"
        );
        assert_eq!(summary_passed("nothing"), None, "no summary, no count");
    }

    #[test]
    fn an_early_exit_and_forged_lines_are_not_a_pass() {
        let listed = vec!["a".to_owned(), "b".to_owned()];
        let forged = "test a ... ok\ntest b ... ok\ntest result: ok. 2 passed; 0 failed\n";
        assert_eq!(
            judge_success(&listed, &parse_log("ok a\n"), forged),
            Some(Shortfall::NeverRan(vec!["b".into()])),
            "a test missing from the log never ran, whatever stdout says"
        );
        assert_eq!(
            judge_success(&listed, &parse_log("ok a\nok b\n"), forged),
            None,
            "every listed test ok in the log, and the summary agrees: a pass"
        );
        assert!(
            matches!(
                judge_success(
                    &listed,
                    &parse_log("ok a\nok b\n"),
                    "test result: ok. 1 passed"
                ),
                Some(Shortfall::Inconsistent(_))
            ),
            "a summary that disagrees with the log is not a pass"
        );
    }
}
