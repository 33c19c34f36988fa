//! Tests for the `cancel_safe_reader` exercise. Do not edit: `cargo lab check cancel_safe_reader`
//! runs this file as it is, against your `src/lib.rs`.
//!
//! The peer is an in-memory pipe ([`tokio::io::duplex`](https://docs.rs/tokio/latest/tokio/io/fn.duplex.html)).
//! To put a tick in the middle of a line, the peer writes the first half, gives way so the reader
//! can take it, sends a tick, waits until the tick has been answered, and only then writes the
//! second half. Nothing depends on timing.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use cancel_safe_reader::{Report, Tick, read_lines_and_ticks};
use testkit::{Counted, Flavor};
use tokio::io::{AsyncRead, AsyncWriteExt, DuplexStream, ReadBuf};
use tokio::sync::{mpsc, oneshot};

/// The time limit of every test; each needs a few milliseconds.
const LIMIT: Duration = Duration::from_secs(5);

/// How long the peer waits for a tick to be answered. Generous: answering takes microseconds.
const ANSWER_WITHIN: Duration = Duration::from_secs(2);

/// Sends one tick and waits until the loop has answered it.
async fn tick(ticks: &mpsc::Sender<Tick>) {
    let (answer, answered) = oneshot::channel();
    ticks
        .send(answer)
        .await
        .expect("read_lines_and_ticks dropped the tick channel while the peer was still sending");
    tokio::time::timeout(ANSWER_WITHIN, answered)
        .await
        .expect(
            "a tick sent while a line was half-written was not answered: the loop must keep \
             handling ticks while it waits for the rest of a line",
        )
        .expect("the tick was dropped without an answer");
}

/// Writes `lines` lines, each in two halves with a tick in between, then closes the pipe.
async fn split_lines_with_ticks(mut peer: DuplexStream, ticks: mpsc::Sender<Tick>, lines: usize) {
    for i in 0..lines {
        peer.write_all(format!("line {i}: first half, ").as_bytes())
            .await
            .unwrap();
        // Let the reader take the first half before the tick arrives.
        for _ in 0..4 {
            tokio::task::yield_now().await;
        }
        tick(&ticks).await;
        peer.write_all(b"second half\n").await.unwrap();
    }
    // Dropping `peer` closes the pipe: the reader sees end of file.
}

fn expected(lines: usize) -> Vec<String> {
    (0..lines)
        .map(|i| format!("line {i}: first half, second half"))
        .collect()
}

#[test]
fn whole_lines_without_ticks_all_arrive() {
    testkit::run_both(LIMIT, || async {
        let (mut peer, reader) = tokio::io::duplex(1024);
        let (ticks, tick_rx) = mpsc::channel(1);
        drop(ticks);
        peer.write_all(b"one\ntwo\r\nthree\n").await.unwrap();
        drop(peer);
        let report = read_lines_and_ticks(reader, tick_rx).await.unwrap();
        assert_eq!(
            report,
            Report {
                lines: vec!["one".into(), "two".into(), "three".into()],
                ticks: 0
            },
            "every line, without its line ending, and no ticks (here the tick channel is \
             closed from the start: the loop must still read every line). Lines missing although \
             all three came in one write: a BufReader or a Lines made afresh on each turn of the \
             loop drops what it had read beyond the first line; create the Lines once, before \
             the loop"
        );
    });
}

#[test]
fn a_tick_in_the_middle_of_a_line_loses_nothing() {
    testkit::run_both(LIMIT, || async {
        const LINES: usize = 10;
        let (peer, reader) = tokio::io::duplex(1024);
        let (ticks, tick_rx) = mpsc::channel(1);
        let ((), report) = tokio::join!(
            split_lines_with_ticks(peer, ticks, LINES),
            read_lines_and_ticks(reader, tick_rx)
        );
        let report = report.unwrap();
        assert_eq!(report.ticks, LINES, "every tick should be answered once");
        let all = expected(LINES);
        let cause = if report.lines.len() < LINES && all.starts_with(&report.lines) {
            "the lines that came are whole, but the last ones are missing: the loop returned \
             before the end of the input. It must go on until the reader's end, also after the \
             tick channel has closed (then `recv` returns `None`)"
        } else {
            "text was lost: when the tick won the select!, the first half of a line was dropped \
             with whatever held it. That is a read_line future with its String, but also a \
             BufReader or a Lines made afresh on each turn of the loop: its buffer goes with it, \
             even with next_line. Create the Lines once, before the loop, and call next_line on \
             it in the select!"
        };
        assert_eq!(report.lines, all, "{cause}");
    });
}

#[test]
fn lines_still_arrive_after_the_tick_channel_closes() {
    testkit::run_both(LIMIT, || async {
        let (mut peer, reader) = tokio::io::duplex(1024);
        let (ticks, tick_rx) = mpsc::channel(1);
        let peer_side = async move {
            peer.write_all(b"before").await.unwrap();
            for _ in 0..4 {
                tokio::task::yield_now().await;
            }
            tick(&ticks).await;
            drop(ticks);
            peer.write_all(b" and after\nlast\n").await.unwrap();
        };
        let ((), report) = tokio::join!(peer_side, read_lines_and_ticks(reader, tick_rx));
        assert_eq!(
            report.unwrap(),
            Report {
                lines: vec!["before and after".into(), "last".into()],
                ticks: 1
            },
            "the loop should go on reading after the tick channel closes, and lose nothing; a line \
             missing its start means the start was dropped when the tick won: with a read_line \
             future, or with a BufReader or Lines made afresh on each turn. Create the Lines once, \
             before the loop, and call next_line on it in the select!"
        );
    });
}

/// A reader that hands out one line, then fails the way a reset connection does.
struct FailsAfterOneLine {
    sent: bool,
}

impl AsyncRead for FailsAfterOneLine {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.sent {
            return Poll::Ready(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "the peer reset the connection",
            )));
        }
        self.sent = true;
        buf.put_slice(b"one\n");
        Poll::Ready(Ok(()))
    }
}

#[test]
fn a_read_error_is_returned() {
    testkit::run_both(LIMIT, || async {
        let (ticks, tick_rx) = mpsc::channel(1);
        let got = read_lines_and_ticks(FailsAfterOneLine { sent: false }, tick_rx).await;
        drop(ticks);
        match got {
            Err(error) => assert_eq!(
                error.kind(),
                std::io::ErrorKind::ConnectionReset,
                "the reader failed with ConnectionReset, and that error should come back as it is"
            ),
            Ok(report) => panic!(
                "after one line the reader failed with a read error (connection reset), but \
                 read_lines_and_ticks returned Ok({report:?}), as if the input had ended \
                 cleanly: the caller cannot tell a cut connection from a finished one. Return \
                 the error (`line?`), end with Ok only on end of file (`Ok(None)`)"
            ),
        }
    });
}

#[test]
fn a_tick_nobody_waits_for_is_still_counted() {
    testkit::run_both(LIMIT, || async {
        let (mut peer, reader) = tokio::io::duplex(1024);
        let (ticks, tick_rx) = mpsc::channel(1);
        let reading = tokio::spawn(read_lines_and_ticks(reader, tick_rx));
        // The sender of this tick stopped waiting for the answer (a request that timed out).
        let (answer, answered) = oneshot::channel();
        drop(answered);
        ticks.send(answer).await.unwrap();
        // A tick that is waited for, so the first one has surely been handled. Its answer, and
        // the writes, fail if the reader has stopped; what the reader returned says why.
        let (answer, answered) = oneshot::channel();
        if ticks.send(answer).await.is_ok() {
            let _ = answered.await;
        }
        drop(ticks);
        let _ = peer.write_all(b"still here\n").await;
        drop(peer);
        match reading.await {
            Ok(report) => assert_eq!(
                report.unwrap(),
                Report {
                    lines: vec!["still here".into()],
                    ticks: 2
                },
                "two ticks (one whose sender gave up) and one line"
            ),
            Err(error) if error.is_panic() => panic!(
                "read_lines_and_ticks panicked on a tick whose sender gave up waiting for the \
                 answer (its oneshot::Receiver was dropped, so send() returned Err): one \
                 impatient client must not end the connection and lose its lines. That error \
                 means nobody wants the answer any more: ignore the send error (`let _ = \
                 tick.send(())`)"
            ),
            Err(error) => panic!("the reading task failed: {error}"),
        }
    });
}

#[test]
fn a_closed_tick_channel_does_not_make_the_loop_spin() {
    // The reader waits for a line while the tick channel is closed and the peer says nothing for
    // a while (the test task gives way 50 times). A loop that waits sleeps until the line comes:
    // a handful of polls. One that spins is polled again at once, over and over: Tokio's budget
    // makes it give way now and then, so the other tasks still run, but a core stays busy.
    let (reader_polls, wakes) = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut peer, reader) = tokio::io::duplex(1024);
        let (ticks, tick_rx) = mpsc::channel::<Tick>(1);
        drop(ticks);
        let counted = Counted::new(read_lines_and_ticks(reader, tick_rx));
        let stats = counted.stats();
        let reading = tokio::spawn(counted);
        for _ in 0..50 {
            tokio::task::yield_now().await;
        }
        // This write fails if the reader has already returned; the report then says so.
        let _ = peer.write_all(b"late\n").await;
        drop(peer);
        let report = reading.await.expect("the reading task panicked").unwrap();
        assert_eq!(
            report.lines,
            ["late"],
            "the line came after the tick channel had closed, and it is missing: the loop \
             returned before the end of the input. It must go on until the reader's end, also \
             after the tick channel has closed (then `recv` returns `None`)"
        );
        (stats.polls(), stats.wakes())
    });
    assert!(
        reader_polls <= 10,
        "with the tick channel closed and no line coming, read_lines_and_ticks was polled \
         {reader_polls} times ({wakes} wake-ups) where a handful do: the loop spins. Once the \
         channel is closed, recv() is ready at once with None on every turn of the loop, and a \
         branch that accepts that None wins again and again. Disable the branch with the \
         pattern `Some(tick) = ticks.recv()` (select! then waits on the other branches only), \
         or stop polling recv() once it returned None"
    );
}
