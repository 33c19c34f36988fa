//! The deliberate bugs that the tests of this exercise must catch.
//!
//! **Reading this file spoils the exercise.** Write your tests from the contract in `lib.rs`, then
//! let `cargo lab check test_kv_server` tell you which bugs they miss, by their behaviour.
//!
//! Each bug is switched on by the environment variable `ASYNC_LAB_BUG=<name>`, read once. Without
//! it, every function here does what the correct server needs. `bugs.toml` beside `Cargo.toml`
//! lists the names with a description of what each bug does, as the verdict shows it.

use std::collections::HashMap;
use std::io;
use std::sync::OnceLock;

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// The bugs, one per name in `bugs.toml`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bug {
    /// Replies stay in the write buffer until the client closes its side.
    NoFlush,
    /// Whatever bytes one read returns are taken as a whole command.
    SplitReads,
    /// A last command without `\n` is dropped.
    LastLineLost,
    /// Only the first word of a value is kept.
    ValueTruncated,
    /// SET does not replace an existing value.
    KeepsOld,
}

/// The bug switched on for this process, if any. An unknown name is a mistake in the exercise's
/// set-up, not in the learner's tests, so it stops the run loudly.
fn active() -> Option<Bug> {
    static ACTIVE: OnceLock<Option<Bug>> = OnceLock::new();
    *ACTIVE.get_or_init(|| match std::env::var("ASYNC_LAB_BUG").ok()?.as_str() {
        "no_flush" => Some(Bug::NoFlush),
        "split_reads" => Some(Bug::SplitReads),
        "last_line_lost" => Some(Bug::LastLineLost),
        "value_truncated" => Some(Bug::ValueTruncated),
        "keeps_old" => Some(Bug::KeepsOld),
        other => panic!("ASYNC_LAB_BUG={other:?} names no bug of this exercise"),
    })
}

/// Reads one command into `line`: up to and including its `\n`, or the last bytes before the end
/// of the stream. `false` when the stream ended with nothing left.
pub(crate) async fn read_command<R>(reader: &mut R, line: &mut String) -> io::Result<bool>
where
    R: AsyncBufRead + Unpin,
{
    match active() {
        Some(Bug::SplitReads) => {
            let available = reader.fill_buf().await?;
            if available.is_empty() {
                return Ok(false);
            }
            let end = available
                .iter()
                .position(|&b| b == b'\n')
                .map_or(available.len(), |i| i + 1);
            let text = std::str::from_utf8(&available[..end])
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))?;
            line.push_str(text);
            reader.consume(end);
            Ok(true)
        }
        Some(Bug::LastLineLost) => {
            reader.read_line(line).await?;
            Ok(line.ends_with('\n'))
        }
        _ => Ok(reader.read_line(line).await? > 0),
    }
}

/// Whether each reply is flushed as soon as it is written: yes.
pub(crate) fn flush_each_reply() -> bool {
    active() != Some(Bug::NoFlush)
}

/// The value a `SET` stores, from the rest of its line: all of it.
pub(crate) fn value(rest: &str) -> &str {
    if active() == Some(Bug::ValueTruncated) {
        rest.split(' ').next().unwrap_or_default()
    } else {
        rest
    }
}

/// Stores `value` under `key`, replacing any older value.
pub(crate) fn store(map: &mut HashMap<String, String>, key: &str, value: &str) {
    if active() == Some(Bug::KeepsOld) {
        map.entry(key.to_string())
            .or_insert_with(|| value.to_string());
    } else {
        map.insert(key.to_string(), value.to_string());
    }
}
