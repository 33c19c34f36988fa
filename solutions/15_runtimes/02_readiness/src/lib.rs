//! A reactor in miniature, on mio: the loop that turns readiness events into wake-ups, and the
//! read future it wakes.
//!
//! # Layout
//!
//! - [`Reactor`]: owns the `mio::Poll`. [`Reactor::register`] gives each socket a token and a
//!   [`Slot`]; [`Reactor::turn`] waits once for events, marks each event's slot ready and calls
//!   the waker stored there. It never reads: that is the task's job.
//! - [`drain`]: reads until the socket says `WouldBlock` (or the peer closes).
//! - [`Conn`] and [`ReadSome`]: a registered socket, and the future that reads from it when its
//!   slot is ready and otherwise stores its waker and returns `Pending`.
//!
//! The same split as Tokio's I/O driver: `dispatch_event` in `tokio/src/runtime/io/driver.rs`
//! sets the readiness of the socket's `ScheduledIo`, then wakes its waiters; the read in
//! `tokio/src/io/poll_evented.rs` clears the readiness only when the read returns `WouldBlock`.

use std::collections::HashMap;
use std::future::Future;
use std::io::{self, ErrorKind, Read};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use mio::net::TcpStream;
use mio::{Events, Interest, Token};

/// What the reactor keeps per registered socket: Tokio's `ScheduledIo`, cut down to one reader.
#[derive(Debug, Default)]
pub struct Slot {
    /// The OS reported the socket readable, and no read has returned `WouldBlock` since.
    pub ready: bool,
    /// The waker of the task waiting to read, stored by its latest `Pending`.
    pub waker: Option<Waker>,
}

/// The slots of every registered socket, by token, shared by the reactor and the futures.
type Slots = Arc<Mutex<HashMap<Token, Slot>>>;

/// The event loop: a `mio::Poll` and a slot per registered socket.
pub struct Reactor {
    /// epoll on Linux. mio registers every source edge-triggered.
    poll: mio::Poll,
    /// Reused by every turn.
    events: Events,
    /// Readiness and waker per token.
    slots: Slots,
    /// The token the next registration gets.
    next_token: usize,
}

impl Reactor {
    /// A reactor with nothing registered.
    pub fn new() -> io::Result<Reactor> {
        Ok(Reactor {
            poll: mio::Poll::new()?,
            events: Events::with_capacity(64),
            slots: Arc::default(),
            next_token: 0,
        })
    }

    /// Registers `stream` for readable events under a token of its own, with an empty slot
    /// (not ready, no waker), and returns it as a [`Conn`].
    pub fn register(&mut self, mut stream: TcpStream) -> io::Result<Conn> {
        let token = Token(self.next_token);
        self.next_token += 1;
        self.poll
            .registry()
            .register(&mut stream, token, Interest::READABLE)?;
        self.slots.lock().unwrap().insert(token, Slot::default());
        Ok(Conn {
            stream,
            token,
            slots: Arc::clone(&self.slots),
        })
    }

    /// Waits once for events, at most `timeout` (`None`: until one comes). For each event, marks
    /// its socket's slot ready, then takes and calls the waker stored there. Returns how many
    /// wakers it called.
    pub fn turn(&mut self, timeout: Option<Duration>) -> io::Result<usize> {
        match self.poll.poll(&mut self.events, timeout) {
            // A signal interrupted the wait: nothing happened, the caller turns again.
            Err(e) if e.kind() == ErrorKind::Interrupted => return Ok(0),
            result => result?,
        }
        let mut wakers = Vec::new();
        {
            let mut slots = self.slots.lock().unwrap();
            for event in self.events.iter() {
                if let Some(slot) = slots.get_mut(&event.token()) {
                    // Readiness first, then the wake-up: the woken task must find it.
                    slot.ready = true;
                    wakers.extend(slot.waker.take());
                }
            }
        }
        // Woken outside the lock: a waker may run code that polls the future at once.
        let woken = wakers.len();
        for waker in wakers {
            waker.wake();
        }
        Ok(woken)
    }
}

/// How a [`drain`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drained {
    /// A read returned `WouldBlock`: everything there was has been read, the socket is open.
    WouldBlock,
    /// A read returned 0: the peer closed its side, no more bytes will come.
    Eof,
}

/// Reads from `src` into `into` until a read returns `WouldBlock` or end of stream. Other errors
/// are returned as they are.
pub fn drain(src: &mut impl Read, into: &mut Vec<u8>) -> io::Result<Drained> {
    let mut chunk = [0u8; 4096];
    loop {
        match src.read(&mut chunk) {
            Ok(0) => return Ok(Drained::Eof),
            Ok(n) => into.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == ErrorKind::WouldBlock => return Ok(Drained::WouldBlock),
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

/// A socket registered with a [`Reactor`].
pub struct Conn {
    /// The non-blocking socket.
    stream: TcpStream,
    /// Its token: the key of its slot.
    token: Token,
    /// The reactor's slots.
    slots: Slots,
}

impl Conn {
    /// The token this socket was registered under.
    pub fn token(&self) -> Token {
        self.token
    }

    /// A future that reads what is there: the bytes (never empty while the socket is open), or an
    /// empty `Vec` once the peer has closed.
    pub fn read_some(&mut self) -> ReadSome<'_> {
        ReadSome { conn: self }
    }
}

/// The future of [`Conn::read_some`].
pub struct ReadSome<'a> {
    /// The socket it reads from.
    conn: &'a mut Conn,
}

impl Future for ReadSome<'_> {
    type Output = io::Result<Vec<u8>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let Conn {
            stream,
            token,
            slots,
        } = &mut *self.get_mut().conn;
        let mut slots = slots.lock().unwrap();
        let slot = slots
            .get_mut(token)
            .expect("a registered socket keeps its slot");
        if slot.ready {
            let mut got = Vec::new();
            match drain(stream, &mut got) {
                Err(e) => return Poll::Ready(Err(e)),
                Ok(Drained::Eof) => return Poll::Ready(Ok(got)),
                Ok(Drained::WouldBlock) => {
                    // Only `WouldBlock` proves the socket empty: from here on, only a new event
                    // can make it ready again.
                    slot.ready = false;
                    if !got.is_empty() {
                        return Poll::Ready(Ok(got));
                    }
                }
            }
        }
        // Whoever polls now is the task to wake: store this waker, replacing any older one.
        slot.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}
