//! # tokio56: a file as a stream: lines, parsing, statistics, without loading it
//!
//! Chapter 9, *Streams and async I/O*. The pieces of this chapter together: a file read with
//! `tokio::fs` and `BufReader::lines`, turned into a stream of numbers with `try_stream!`, blank
//! lines skipped, and folded into running statistics, one line at a time. The whole file is never
//! in memory, so the same code works on a file of any size (or a socket).
//!
//! ```text
//! cargo run --example tokio56
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! 5 readings: min 19.5, max 23.0, mean 21.70
//! bad input: line 2: invalid float literal
//! ```
//!
//! `data/readings.txt` holds five numbers, blank lines and one `\r\n` ending. The second run
//! reads a text that has a word on line 2: `?` inside `try_stream!` ends the stream with that
//! error, and `try_fold` stops at it. `tokio::fs` runs each file operation on the blocking pool
//! (chapter 3); for a large file, a `BufReader` keeps those operations few.

use std::path::Path;
use std::pin::pin;

use anyhow::{Context, Result};
use async_stream::try_stream;
use futures::{Stream, TryStreamExt};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, BufReader};

// ANCHOR: main
/// The numbers of `reader`, one per line; blank lines skipped.
fn readings<R: AsyncBufRead + Unpin>(
    reader: R,
) -> impl Stream<Item = Result<f64>> {
    try_stream! {
        let mut lines = reader.lines();
        let mut number = 0;
        while let Some(line) = lines.next_line().await? {
            number += 1;
            if line.trim().is_empty() {
                continue;
            }
            let value: f64 = line
                .trim()
                .parse()
                .with_context(|| format!("line {number}"))?;
            yield value;
        }
    }
}

/// Count, min, max and sum, updated one reading at a time.
async fn summary(readings: impl Stream<Item = Result<f64>>) -> Result<String> {
    let start = (0usize, f64::INFINITY, f64::NEG_INFINITY, 0.0);
    let (count, min, max, sum) = pin!(readings)
        .try_fold(start, |(n, min, max, sum), x| async move {
            Ok((n + 1, min.min(x), max.max(x), sum + x))
        })
        .await?;
    if count == 0 {
        return Ok("no readings".to_string());
    }
    Ok(format!(
        "{count} readings: min {min:.1}, max {max:.1}, mean {:.2}",
        sum / count as f64
    ))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("ch09_streams/data/readings.txt");
    let file = tokio::fs::File::open(&path)
        .await
        .with_context(|| format!("cannot open {}", path.display()))?;
    println!("{}", summary(readings(BufReader::new(file))).await?);

    let bad: &[u8] = b"1.0\nabc\n2.0\n";
    match summary(readings(bad)).await {
        Ok(line) => println!("{line}"),
        Err(e) => println!("bad input: {e:#}"),
    }
    Ok(())
}
// ANCHOR_END: main
