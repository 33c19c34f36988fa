//! # tokio132: readiness by hand, with mio (the crate under Tokio's I/O driver)
//!
//! Chapter 15, *under the runtime*. Tokio's I/O driver is a loop around `mio::Poll`: it waits for
//! the OS to say "this socket is ready", then wakes the task that was waiting for it. This program
//! runs that loop by hand on 127.0.0.1, in three parts:
//!
//! 1. **The loop and its waker.** A socket is registered with a token; a table maps the token to
//!    the waker of the task that would read it. When the client writes, `poll` returns an event for
//!    the token, and the loop calls that waker: this is all a reactor does. Reading is still the
//!    task's job, and it reads until `WouldBlock`.
//! 2. **Edge-triggered (mio, so Tokio).** mio registers with `EPOLLET`: one event per change. Read
//!    4 of 10 bytes and wait again: no new event, though 6 bytes are still there. That is why a
//!    Tokio socket reads until `WouldBlock` before it clears its readiness.
//! 3. **Level-triggered (plain epoll).** The same 10 bytes on an epoll without `EPOLLET`: every
//!    wait reports the socket as long as unread bytes remain.
//!
//! ```text
//! cargo run --example tokio132
//! ```
//!
//! Prints (the same on every run):
//!
//! ```text
//! loop: event for Token(1): readable
//! loop: calls the waker of task 1
//! task 1: woken 1 time(s), reads 5 bytes "hello", then WouldBlock
//! edge: write 10 bytes -> 1 event; read 4
//! edge: wait again -> 0 events (6 bytes still unread)
//! edge: write 1 more byte -> 1 event (a new edge)
//! level: write 10 bytes -> 1 event; read 4
//! level: wait again -> 1 event (6 bytes still unread)
//! level: wait again -> 1 event (6 bytes still unread)
//! ```

use std::collections::HashMap;
use std::io::{ErrorKind, Read, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Wake, Waker};
use std::time::Duration;

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};
use rustix::event::epoll;

/// Long enough for a loopback write to show up; the waits that expect an
/// event return as soon as it does.
const SOON: Duration = Duration::from_millis(200);

/// A stand-in for a task: counts how often the reactor woke it.
struct Task {
    id: usize,
    woken: AtomicUsize,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.woken.fetch_add(1, Ordering::Relaxed);
    }
}

/// A connected pair over loopback: the client (std, blocking) and the
/// server's end (mio, non-blocking).
fn pair(poll: &mut Poll) -> (std::net::TcpStream, TcpStream) {
    let mut listener =
        TcpListener::bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let addr = listener.local_addr().unwrap();
    poll.registry()
        .register(&mut listener, Token(0), Interest::READABLE)
        .unwrap();
    let client = std::net::TcpStream::connect(addr).unwrap();
    let mut events = Events::with_capacity(8);
    loop {
        poll.poll(&mut events, Some(SOON)).unwrap();
        if let Ok((server, _)) = listener.accept() {
            return (client, server);
        }
    }
}

/// Waits once on `poll` and returns the events, as (token, readable).
fn wait(poll: &mut Poll, timeout: Duration) -> Vec<(Token, bool)> {
    let mut events = Events::with_capacity(8);
    poll.poll(&mut events, Some(timeout)).unwrap();
    events
        .iter()
        .map(|e| (e.token(), e.is_readable()))
        .collect()
}

// ANCHOR: event_loop
fn the_loop_and_its_waker() {
    let mut poll = Poll::new().unwrap();
    let (mut client, mut server) = pair(&mut poll);
    poll.registry()
        .register(&mut server, Token(1), Interest::READABLE)
        .unwrap();

    // What Tokio keeps per registered socket (its `ScheduledIo`), cut down
    // to the waker of the one task waiting to read.
    let task = Arc::new(Task {
        id: 1,
        woken: AtomicUsize::new(0),
    });
    let mut wakers: HashMap<Token, Waker> = HashMap::new();
    wakers.insert(Token(1), Waker::from(Arc::clone(&task)));

    client.write_all(b"hello").unwrap();
    for (token, readable) in wait(&mut poll, SOON) {
        let how = if readable { "readable" } else { "other" };
        println!("loop: event for {token:?}: {how}");
        if let Some(waker) = wakers.get(&token) {
            println!("loop: calls the waker of task {}", task.id);
            waker.wake_by_ref();
        }
    }

    // The woken task's poll: read until the socket says WouldBlock.
    let mut got = Vec::new();
    let mut buf = [0u8; 64];
    loop {
        match server.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => break,
            Err(e) => panic!("read: {e}"),
        }
    }
    println!(
        "task {}: woken {} time(s), reads {} bytes {:?}, then WouldBlock",
        task.id,
        task.woken.load(Ordering::Relaxed),
        got.len(),
        String::from_utf8_lossy(&got)
    );
}
// ANCHOR_END: event_loop

// ANCHOR: edge
fn edge_triggered() {
    let mut poll = Poll::new().unwrap();
    let (mut client, mut server) = pair(&mut poll);
    poll.registry()
        .register(&mut server, Token(1), Interest::READABLE)
        .unwrap();
    // Starts from a quiet state: an event left from the connection, if
    // any, is taken here.
    let _ = wait(&mut poll, Duration::from_millis(20));

    client.write_all(&[b'x'; 10]).unwrap();
    let first = wait(&mut poll, SOON).len();
    server.read_exact(&mut [0u8; 4]).unwrap();
    println!("edge: write 10 bytes -> {first} event; read 4");
    let again = wait(&mut poll, Duration::from_millis(50)).len();
    println!("edge: wait again -> {again} events (6 bytes still unread)");
    client.write_all(b"y").unwrap();
    let new = wait(&mut poll, SOON).len();
    println!("edge: write 1 more byte -> {new} event (a new edge)");
}
// ANCHOR_END: edge

// ANCHOR: level
fn level_triggered() {
    let mut poll = Poll::new().unwrap();
    let (mut client, mut server) = pair(&mut poll);
    let epfd = epoll::create(epoll::CreateFlags::CLOEXEC).unwrap();
    // No `EventFlags::ET`: level-triggered, epoll's default.
    epoll::add(
        &epfd,
        &server,
        epoll::EventData::new_u64(1),
        epoll::EventFlags::IN,
    )
    .unwrap();
    let wait = |ms: i64| {
        let mut events = Vec::with_capacity(8);
        let timeout = rustix::event::Timespec {
            tv_sec: 0,
            tv_nsec: ms * 1_000_000,
        };
        let buf = rustix::buffer::spare_capacity(&mut events);
        epoll::wait(&epfd, buf, Some(&timeout)).unwrap();
        events.len()
    };

    client.write_all(&[b'x'; 10]).unwrap();
    let first = wait(200);
    server.read_exact(&mut [0u8; 4]).unwrap();
    println!("level: write 10 bytes -> {first} event; read 4");
    for _ in 0..2 {
        let again = wait(50);
        println!("level: wait again -> {again} event (6 bytes still unread)");
    }
}
// ANCHOR_END: level

fn main() {
    the_loop_and_its_waker();
    edge_triggered();
    level_triggered();
}
