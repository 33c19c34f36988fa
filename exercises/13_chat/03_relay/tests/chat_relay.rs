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
        assert_eq!(
            String::from_utf8(client.bytes).unwrap(),
            lines(0..200),
            "every line, in order"
        );
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
            "4 delivered, 6 dropped"
        );
    });
}
