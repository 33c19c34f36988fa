//! Tests for the `readiness` exercise. Do not edit: `cargo lab check readiness` runs this file as
//! it is, against your `src/lib.rs`.
//!
//! `drain` is tested against a scripted reader, so each case is exact: the script says what every
//! `read` returns. The reactor and the future are tested on real loopback sockets, polled by hand
//! with wakers that count their wake-ups (testkit's `WakeCounter`): a test writes from the client,
//! turns the reactor once, and looks at which waker was called. Every body runs under testkit's
//! `within`, and every `turn` waits at most a few seconds, so nothing here can hang.

use std::collections::VecDeque;
use std::future::Future;
use std::io::{self, ErrorKind, Read, Write};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use readiness::{Conn, Drained, Reactor, drain};
use testkit::WakeCounter;

/// The limit for one test body; the slowest needs well under a second.
const LIMIT: Duration = Duration::from_secs(10);

/// How long one turn may wait for an event that a test has just caused on loopback.
const EVENT: Duration = Duration::from_secs(3);

/// A reader whose every `read` returns the next step of its script. A step of bytes longer than
/// the caller's buffer is handed out over several reads. Reading past the script's end panics:
/// a `drain` that goes on after `WouldBlock` or end of stream would spin on a real socket.
struct Script(VecDeque<io::Result<Vec<u8>>>);

impl Script {
    fn new(steps: Vec<io::Result<&[u8]>>) -> Script {
        Script(steps.into_iter().map(|s| s.map(<[u8]>::to_vec)).collect())
    }
}

impl Read for Script {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.0.pop_front() {
            None => panic!(
                "drain read again after the socket said WouldBlock or end of stream: stop at \
                 the first of the two"
            ),
            Some(Err(e)) => Err(e),
            Some(Ok(bytes)) => {
                let n = bytes.len().min(buf.len());
                buf[..n].copy_from_slice(&bytes[..n]);
                if n < bytes.len() {
                    self.0.push_front(Ok(bytes[n..].to_vec()));
                }
                Ok(n)
            }
        }
    }
}

fn would_block() -> io::Result<&'static [u8]> {
    Err(ErrorKind::WouldBlock.into())
}

/// A connected pair on loopback: the client (std, blocking) and the server's end, non-blocking
/// and ready to register with mio.
fn pair() -> (std::net::TcpStream, mio::net::TcpStream) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (server, _) = listener.accept().unwrap();
    server.set_nonblocking(true).unwrap();
    (client, mio::net::TcpStream::from_std(server))
}

/// Polls a read once, with a waker that counts on `waker`.
fn poll_read(conn: &mut Conn, waker: &Arc<WakeCounter>) -> Poll<io::Result<Vec<u8>>> {
    let mut read = conn.read_some();
    Pin::new(&mut read).poll(&mut Context::from_waker(&waker.waker()))
}

/// Turns the reactor once, waiting at most [`EVENT`].
fn turn(reactor: &mut Reactor) -> usize {
    reactor
        .turn(Some(EVENT))
        .expect("Reactor::turn failed on a healthy socket")
}

#[test]
fn drain_reads_until_would_block() {
    testkit::within(LIMIT, || {
        let mut src = Script::new(vec![Ok(b"hel"), Ok(b"lo, "), Ok(b"world"), would_block()]);
        let mut got = Vec::new();
        let result = drain(&mut src, &mut got);
        let got = String::from_utf8_lossy(&got);
        match result {
            Err(e) if e.kind() == ErrorKind::WouldBlock => panic!(
                "drain returned Err(WouldBlock), after reading {got:?}: WouldBlock is not a \
                 failure, it means the socket is empty for now. Return Ok(Drained::WouldBlock)"
            ),
            Ok(Drained::Eof) => panic!(
                "drain reported the end of the stream when a read said WouldBlock: WouldBlock \
                 means nothing more for now, the peer is still there. Only a read of 0 bytes is \
                 the end (Drained::Eof)"
            ),
            other => {
                let other = other.map_err(|e| e.to_string());
                assert_eq!(other, Ok(Drained::WouldBlock), "drain's result");
            }
        }
        assert_eq!(
            got, "hello, world",
            "drain stopped before WouldBlock and left bytes unread: an edge-triggered poll (mio's) \
             reports the socket once per arrival, so nothing will announce the bytes still \
             waiting. Read in a loop until a read returns WouldBlock"
        );
    });
}

#[test]
fn drain_stops_at_the_end_of_the_stream() {
    testkit::within(LIMIT, || {
        let mut src = Script::new(vec![Ok(b"bye"), Ok(b"")]);
        let mut got = Vec::new();
        let result = drain(&mut src, &mut got).map_err(|e| e.to_string());
        assert_eq!(
            result,
            Ok(Drained::Eof),
            "a read of 0 bytes is the end of the stream: the peer closed"
        );
        assert_eq!(got, b"bye");
    });
}

#[test]
fn drain_returns_other_errors() {
    testkit::within(LIMIT, || {
        let mut src = Script::new(vec![Ok(b"x"), Err(ErrorKind::ConnectionReset.into())]);
        let mut got = Vec::new();
        let result = drain(&mut src, &mut got);
        assert!(
            matches!(&result, Err(e) if e.kind() == ErrorKind::ConnectionReset),
            "a read failed with ConnectionReset, and drain returned {result:?}: errors other than \
             WouldBlock are failures, return them"
        );
    });
}

#[test]
fn turn_wakes_the_waiting_task_and_its_poll_reads() {
    testkit::within(LIMIT, || {
        let mut reactor = Reactor::new().unwrap();
        let (mut client, server) = pair();
        let mut conn = reactor.register(server).unwrap();
        let task = WakeCounter::new();
        assert!(
            poll_read(&mut conn, &task).is_pending(),
            "read_some was ready before any byte was sent: a fresh socket's slot is not ready \
             until the reactor reports an event for it"
        );

        client.write_all(b"hello").unwrap();
        let woken = turn(&mut reactor);
        assert_eq!(
            task.count(),
            1,
            "bytes arrived and the reactor turned, but the waiting task's waker was called {} \
             time(s), not once: turn must call the waker stored in the event's slot, and a \
             Pending poll must store it there",
            task.count()
        );
        assert_eq!(woken, 1, "turn called one waker; it must return 1");
        match poll_read(&mut conn, &task) {
            Poll::Ready(Ok(bytes)) => assert_eq!(bytes, b"hello"),
            Poll::Ready(Err(e)) => panic!("read_some failed after a wake-up: {e}"),
            Poll::Pending => panic!(
                "the reactor woke the task, yet its next poll found the socket not ready and \
                 returned Pending: turn must record the readiness (slot.ready = true) before it \
                 calls the waker, and a poll must read when its slot is ready"
            ),
        }

        // Everything was read up to WouldBlock, so the next read waits for a new event.
        assert!(
            poll_read(&mut conn, &task).is_pending(),
            "read_some was ready again with nothing sent: after a read ends in WouldBlock the slot \
             is no longer ready"
        );
        client.write_all(b"again").unwrap();
        turn(&mut reactor);
        assert_eq!(task.count(), 2, "a new arrival must wake the task again");
        assert!(matches!(poll_read(&mut conn, &task), Poll::Ready(Ok(b)) if b == b"again"));
    });
}

#[test]
fn each_socket_wakes_its_own_task() {
    testkit::within(LIMIT, || {
        let mut reactor = Reactor::new().unwrap();
        let (mut client1, server1) = pair();
        let (mut client2, server2) = pair();
        let mut conn1 = reactor.register(server1).unwrap();
        let mut conn2 = reactor.register(server2).unwrap();
        assert_ne!(
            conn1.token(),
            conn2.token(),
            "two sockets share a token: the reactor cannot tell whose event it is. Give each \
             registration a Token of its own (a counter in the Reactor)"
        );
        let (task1, task2) = (WakeCounter::new(), WakeCounter::new());
        assert!(poll_read(&mut conn1, &task1).is_pending());
        assert!(poll_read(&mut conn2, &task2).is_pending());

        client1.write_all(b"one").unwrap();
        turn(&mut reactor);
        assert_eq!(
            (task1.count(), task2.count()),
            (1, 0),
            "bytes arrived on the first socket: its task must be woken, and the other not \
             (wake-ups of the first and the second task shown)"
        );
        client2.write_all(b"two").unwrap();
        turn(&mut reactor);
        assert_eq!(
            (task1.count(), task2.count()),
            (1, 1),
            "bytes arrived on the second socket: its task must be woken, and the other not"
        );
    });
}

#[test]
fn the_latest_waker_is_the_one_woken() {
    testkit::within(LIMIT, || {
        let mut reactor = Reactor::new().unwrap();
        let (mut client, server) = pair();
        let mut conn = reactor.register(server).unwrap();
        // The same read polled by one task, then by another (a future moved between tasks, or a
        // select! that polls it with a new context): only the second one still waits.
        let (first, second) = (WakeCounter::new(), WakeCounter::new());
        assert!(poll_read(&mut conn, &first).is_pending());
        assert!(poll_read(&mut conn, &second).is_pending());

        client.write_all(b"hi").unwrap();
        turn(&mut reactor);
        assert_eq!(
            (first.count(), second.count()),
            (0, 1),
            "the reactor called the waker of an earlier poll, not of the latest (wake-ups of the \
             first and the second waker shown): a future may be polled with a new waker each \
             time, and every Pending must store cx.waker(), replacing the old one"
        );
    });
}

#[test]
fn while_a_client_streams_no_byte_is_lost() {
    testkit::within(LIMIT, || {
        const TOTAL: usize = 256 * 1024;
        let mut reactor = Reactor::new().unwrap();
        let (mut client, server) = pair();
        let mut conn = reactor.register(server).unwrap();
        // The client writes in pieces, then closes; a write blocks while the server's socket
        // buffer is full, so arrivals and reads interleave.
        let writer = std::thread::spawn(move || {
            let data: Vec<u8> = (0..TOTAL).map(|i| (i % 251) as u8).collect();
            for piece in data.chunks(16 * 1024) {
                client.write_all(piece)?;
            }
            client.shutdown(std::net::Shutdown::Write)
        });

        // A one-task executor: poll, and when Pending, turn the reactor until the task is woken.
        let task = WakeCounter::new();
        let mut got = Vec::new();
        // Quiet for this long with bytes still on their way: no event is coming.
        let quiet = Duration::from_secs(2);
        let mut progress = Instant::now();
        loop {
            match poll_read(&mut conn, &task) {
                Poll::Ready(Ok(bytes)) if bytes.is_empty() => break,
                Poll::Ready(Ok(bytes)) => {
                    got.extend_from_slice(&bytes);
                    progress = Instant::now();
                }
                Poll::Ready(Err(e)) => panic!("read_some failed after {} bytes: {e}", got.len()),
                Poll::Pending => {
                    let woken = task.count();
                    while task.count() == woken {
                        assert!(
                            progress.elapsed() < quiet,
                            "{} of {TOTAL} bytes read, and for {quiet:?} no event woke the \
                             reading task: bytes are left in the socket that no event will \
                             announce. \
                             A read must drain the socket until WouldBlock, and the task must \
                             be woken when its socket is ready",
                            got.len()
                        );
                        reactor
                            .turn(Some(Duration::from_millis(200)))
                            .expect("Reactor::turn failed on a healthy socket");
                    }
                }
            }
        }
        assert_eq!(
            got.len(),
            TOTAL,
            "read_some said end of stream after {} of {TOTAL} bytes, before the client closed",
            got.len()
        );
        assert!(
            got.iter().enumerate().all(|(i, &b)| b == (i % 251) as u8),
            "the bytes arrived out of order or changed"
        );
        writer.join().unwrap().unwrap();
    });
}
