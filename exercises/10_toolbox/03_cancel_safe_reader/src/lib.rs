//! # Exercise: a cancel-safe reader loop in `select!`
//!
//! Chapter 10, *Tokio's toolbox*. [`read_lines_and_ticks`] reads text lines from a peer until it
//! closes the connection, and meanwhile answers "ticks" that arrive on a channel (think of a chat
//! server relaying other people's messages while it reads its own client). Both happen in one
//! `tokio::select!` loop. As written, the loop loses text: when a tick wins the `select!` while a
//! line is half-read, the `read_line` future is dropped, and the part of the line it had already
//! taken from the reader goes with it. Make the loop cancel safe.
//!
//! The tests live in `tests/cancel_safe_reader.rs`. Do not edit them: `cargo lab check
//! cancel_safe_reader` runs them as they are, and so does CI against the solution.

use tokio::io::{self, AsyncBufReadExt, AsyncRead, BufReader};
use tokio::sync::{mpsc, oneshot};

/// A tick: answer it by sending `()` back through it once it has been handled.
pub type Tick = oneshot::Sender<()>;

/// What one connection produced.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Every line the peer sent, without its line ending, in order.
    pub lines: Vec<String>,
    /// How many ticks were answered.
    pub ticks: usize,
}

/// Reads lines from `reader` until end of file, answering every tick that arrives meanwhile.
/// When the tick channel closes, it goes on reading lines.
pub async fn read_lines_and_ticks<R>(
    reader: R,
    mut ticks: mpsc::Receiver<Tick>,
) -> io::Result<Report>
where
    R: AsyncRead + Unpin,
{
    let mut report = Report::default();
    let mut reader = BufReader::new(reader);
    let mut line = String::new();
    // TODO: this loop loses data when the tick branch wins while a line is half read. Find what
    // the dropped branch took with it, and read lines in a way that keeps nothing in a future
    // `select!` may drop. The docs of `tokio::select!` and of each `AsyncBufReadExt` method say
    // which ones are cancel safe.
    loop {
        tokio::select! {
            read = reader.read_line(&mut line) => {
                if read? == 0 {
                    return Ok(report);
                }
                report.lines.push(line.trim_end_matches(['\r', '\n']).to_string());
                line.clear();
            }
            Some(tick) = ticks.recv() => {
                report.ticks += 1;
                let _ = tick.send(());
            }
        }
    }
}
