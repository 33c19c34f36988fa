//! # Solution: a cancel-safe reader loop in `select!`
//!
//! Chapter 10, *Tokio's toolbox*. [`read_lines_and_ticks`] reads text lines from a peer until it
//! closes the connection, and meanwhile answers "ticks" that arrive on a channel (think of a chat
//! server relaying other people's messages while it reads its own client). Both happen in one
//! `tokio::select!` loop. A `read_line` future in that loop would lose the start of a line whenever
//! a tick won while the line was half-read; `Lines::next_line` keeps the partial line in the
//! `Lines` value instead, so nothing is lost.
//!
//! The tests are in `exercises/10_toolbox/03_cancel_safe_reader/tests/cancel_safe_reader.rs`.

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
    // `Lines` keeps a half-read line inside itself, and it lives across every turn of the loop:
    // when a tick wins, the dropped `next_line` future had nothing of its own to lose.
    let mut lines = BufReader::new(reader).lines();
    loop {
        tokio::select! {
            line = lines.next_line() => match line? {
                Some(line) => report.lines.push(line),
                None => return Ok(report),
            },
            Some(tick) = ticks.recv() => {
                report.ticks += 1;
                let _ = tick.send(());
            }
        }
    }
}
