//! Tests for the `chat_relay` exercise. Do not edit: `cargo lab check chat_relay` runs this file as
//! it is, against your `src/lib.rs`.
//!
//! The client is a writer that records every `poll_write` and `poll_flush` it receives, so the
//! tests can count writes per line without a socket and without timing anything.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use chat_relay::{Relayed, relay};
use tokio::io::AsyncWrite;
use tokio::sync::broadcast;

/// The time limit of every test; each needs a few milliseconds.
const LIMIT: Duration = Duration::from_secs(5);

/// A client that accepts everything and counts how it was written to.
#[derive(Default)]
struct Recorder {
    bytes: Vec<u8>,
    writes: usize,
    flushes: usize,
}

impl AsyncWrite for Recorder {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.writes += 1;
        self.bytes.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }
    fn poll_flush(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushes += 1;
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

fn lines(range: std::ops::Range<usize>) -> String {
    range.map(|i| format!("ann: line {i}\n")).collect()
}

#[test]
fn every_line_arrives_in_order_and_the_relay_ends_when_the_room_closes() {
    testkit::run_both(LIMIT, || async {
        let (tx, rx) = broadcast::channel(256);
        let mut client = Recorder::default();
        let relaying = relay(rx, &mut client);
        let sending = async move {
            for i in 0..200 {
                tx.send(Arc::from(format!("ann: line {i}\n"))).unwrap();
                if i % 7 == 0 {
                    tokio::task::yield_now().await;
                }
            }
            // Dropping the last sender closes the channel: the relay must return.
        };
        let (relayed, ()) = tokio::join!(relaying, sending);
        let relayed = relayed.expect("writing to the recorder never fails");
        assert_eq!(
            relayed,
            Relayed {
                delivered: 200,
                dropped: 0
            },
            "200 lines delivered, none dropped"
        );
        let got = String::from_utf8(client.bytes).unwrap();
        let expected = lines(0..200);
        assert!(
            got.len() >= expected.len() || !expected.starts_with(&got),
            "only the first {} of 200 lines reached the client, although relay counted them all: \
             the lines gathered before Closed must be written before relay returns",
            got.lines().count()
        );
        assert_eq!(got, expected, "every line, in order");
    });
}

#[test]
fn lines_that_are_ready_together_go_out_in_one_write() {
    testkit::run_both(LIMIT, || async {
        let (tx, rx) = broadcast::channel(256);
        for i in 0..100 {
            tx.send(Arc::from(format!("ann: line {i}\n"))).unwrap();
        }
        drop(tx);
        let mut client = Recorder::default();
        relay(rx, &mut client).await.unwrap();
        assert!(
            !client.bytes.is_empty(),
            "100 lines were ready and then the channel closed, but nothing reached the client: \
             the lines gathered before Closed must be written before relay returns"
        );
        assert_eq!(
            String::from_utf8(client.bytes).unwrap(),
            lines(0..100),
            "every line, in order"
        );
        assert_eq!(
            client.flushes, 0,
            "relay flushed {} times for 100 lines: a flush per message is what collapses a chat server's throughput; \
             write_all on a TcpStream needs no flush",
            client.flushes
        );
        assert!(
            client.writes <= 2,
            "relay wrote {} times for 100 lines that were all ready at once: gather what try_recv gives into one buffer and write it once",
            client.writes
        );
    });
}

#[test]
fn a_client_that_fell_behind_is_told_and_stays() {
    testkit::run_both(LIMIT, || async {
        // A channel of 4 holds only the last 4 of 10 lines: the receiver has lagged by 6.
        let (tx, rx) = broadcast::channel(4);
        for i in 0..10 {
            tx.send(Arc::from(format!("ann: line {i}\n"))).unwrap();
        }
        drop(tx);
        let mut client = Recorder::default();
        let relayed = relay(rx, &mut client).await.unwrap();
        let text = String::from_utf8(client.bytes).unwrap();
        assert!(
            !text.is_empty() || relayed == Relayed::default(),
            "relay returned {relayed:?} but nothing reached the client: the lines gathered \
             before Closed must be written before relay returns"
        );
        assert!(
            text.starts_with("* 6 messages dropped\n"),
            "a lagged client must be told `* 6 messages dropped` and stay connected; it got {text:?} \
             (a relay that returns at Lagged hangs up on every client that was slow for a moment)"
        );
        assert_eq!(
            text,
            format!("* 6 messages dropped\n{}", lines(6..10)),
            "relay stopped at Lagged: the receiver is still open after Lagged and goes on with the oldest line it still has; \
             only Closed ends the relay"
        );
        assert_eq!(
            relayed,
            Relayed {
                delivered: 4,
                dropped: 6
            },
            "the counts relay returned are wrong: each line written adds 1 to `delivered`, each \
             Lagged(n) adds n to `dropped` (4 delivered, 6 dropped here)"
        );
    });
}

#[test]
fn lines_missed_while_a_batch_is_gathered_are_told_and_counted() {
    // A sender on another thread makes the relay fall behind while it gathers a batch, 100 times.
    // Each time, it fills the channel, waits until the relay has taken one line (so the relay is
    // in the middle of a batch, with more lines to take), then sends a channel's worth at once.
    // The relay's next receive is then most likely a `try_recv`, which gives
    // `TryRecvError::Lagged`. The sender watches the relay through `Sender::len`, the number of
    // lines it has not taken yet, so this does not depend on how fast either thread runs.
    testkit::run(testkit::Flavor::CurrentThread, LIMIT, || async {
        const CAPACITY: usize = 16;
        const ROUNDS: usize = 100;
        let (tx, rx) = broadcast::channel::<Arc<str>>(CAPACITY);
        let sender = std::thread::spawn(move || {
            let line: Arc<str> = Arc::from("ann: flood\n");
            let mut sent = 0u64;
            let give_up = std::time::Instant::now() + Duration::from_secs(3);
            'flood: for _ in 0..ROUNDS {
                while tx.len() < CAPACITY {
                    tx.send(Arc::clone(&line)).unwrap();
                    sent += 1;
                }
                // Full: wait for the relay to take a line. A relay that stopped reading (its
                // receiver dropped, or stuck) ends the flood.
                while tx.len() == CAPACITY {
                    if tx.receiver_count() == 0 || std::time::Instant::now() > give_up {
                        break 'flood;
                    }
                    std::hint::spin_loop();
                }
                for _ in 0..CAPACITY {
                    tx.send(Arc::clone(&line)).unwrap();
                    sent += 1;
                }
            }
            sent
        });
        let mut client = Recorder::default();
        let relayed = relay(rx, &mut client).await.unwrap();
        let sent = sender.join().unwrap();
        let text = String::from_utf8(client.bytes).unwrap();
        let mut told = 0;
        let mut written = 0;
        for line in text.lines() {
            if let Some(n) = line
                .strip_prefix("* ")
                .and_then(|rest| rest.strip_suffix(" messages dropped"))
            {
                told += n
                    .parse::<u64>()
                    .expect("`* n messages dropped` with a number n");
            } else {
                written += 1;
            }
        }
        assert_eq!(
            relayed.delivered + relayed.dropped,
            sent,
            "of {sent} lines sent, relay counted {} delivered and {} dropped: {} went missing \
             without being counted. A receiver can fall behind between recv and a try_recv too: \
             try_recv then gives TryRecvError::Lagged(n) while the batch is gathered; tell the \
             client and count it there as well, instead of ending the batch on any error",
            relayed.delivered,
            relayed.dropped,
            sent.saturating_sub(relayed.delivered + relayed.dropped)
        );
        assert_eq!(
            (written, told),
            (relayed.delivered, relayed.dropped),
            "relay returned {relayed:?} but wrote {written} lines and told the client of {told} \
             dropped ones: every Lagged(n), from recv or from try_recv, is written to the client as \
             `* n messages dropped`"
        );
    });
}

#[test]
fn a_quiet_room_is_waited_for_not_polled() {
    // The relay runs as a task of its own, counted: a relay that waits for a line with
    // `recv().await` is polled once and then sleeps until a line comes; one that checks with
    // `try_recv` in a loop (`yield_now` between tries) is polled each time the test yields.
    testkit::run(testkit::Flavor::CurrentThread, LIMIT, || async {
        let (tx, rx) = broadcast::channel::<Arc<str>>(16);
        let relaying = testkit::Counted::new(async move {
            let mut client = Recorder::default();
            let relayed = relay(rx, &mut client).await;
            (relayed, client)
        });
        let stats = relaying.stats();
        let relaying = tokio::spawn(relaying);
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        let polls_while_quiet = stats.polls();
        tx.send(Arc::from("ann: hello\n")).unwrap();
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        drop(tx);
        let (relayed, client) = relaying.await.expect("the relay task does not panic");
        let relayed = relayed.expect("writing to the recorder never fails");
        assert!(
            polls_while_quiet <= 3,
            "relay was polled {polls_while_quiet} times while the room was quiet (the test yielded \
             100 times): it is a busy loop, checking for a line again and again (try_recv, \
             yield_now) instead of waiting, and burns a core while nobody talks. Wait for the \
             first line of a batch with recv().await; use try_recv only for the lines after it"
        );
        assert_eq!(
            String::from_utf8(client.bytes).unwrap(),
            "ann: hello\n",
            "the one line sent"
        );
        assert_eq!(relayed.delivered, 1, "one line delivered");
        assert_eq!(
            client.flushes, 0,
            "relay flushed {} times for one line: write_all on a TcpStream sends what it is given \
             and needs no flush, per line or per batch",
            client.flushes
        );
    });
}
