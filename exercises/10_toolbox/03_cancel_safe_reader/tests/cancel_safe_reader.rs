//! Tests for the `cancel_safe_reader` exercise. Do not edit: `cargo lab check cancel_safe_reader`
//! runs this file as it is, against your `src/lib.rs`.
//!
//! The peer is an in-memory pipe ([`tokio::io::duplex`](https://docs.rs/tokio/latest/tokio/io/fn.duplex.html)).
//! To put a tick in the middle of a line, the peer writes the first half, gives way so the reader
//! can take it, sends a tick, waits until the tick has been answered, and only then writes the
//! second half. Nothing depends on timing.

use std::time::Duration;

use cancel_safe_reader::{Report, Tick, read_lines_and_ticks};
use tokio::io::{AsyncWriteExt, DuplexStream};
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
