//! A reactor in miniature, on mio: the loop that turns readiness events into wake-ups, and the
//! read future it wakes.
//!
//! The tests live in `tests/readiness.rs`; do not edit them. `cargo lab check readiness` runs
//! them against this file.
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
    pub fn register(&mut self, stream: TcpStream) -> io::Result<Conn> {
        // TODO: pick the next token (`Token(self.next_token)`, then count up), register the
        // stream with `self.poll.registry().register(&mut stream, token, Interest::READABLE)`,
        // insert a `Slot::default()` under the token in `self.slots`, and return the `Conn`
        // (its `slots` is an `Arc::clone` of the reactor's).
        let _ = (
            stream,
            Interest::READABLE,
            &self.poll,
            &self.slots,
            self.next_token,
        );
        todo!("register")
    }

    /// Waits once for events, at most `timeout` (`None`: until one comes). For each event, marks
    /// its socket's slot ready, then takes and calls the waker stored there. Returns how many
    /// wakers it called.
    pub fn turn(&mut self, timeout: Option<Duration>) -> io::Result<usize> {
        // TODO: wait with `self.poll.poll(&mut self.events, timeout)` (an `Interrupted` error
        // means a signal cut the wait short: return Ok(0)). Then, for each event of
        // `self.events.iter()`, find the slot of `event.token()`, set `ready`, and take its
        // waker, if any. Call the wakers you took (`waker.wake()`), preferably after releasing
        // the lock, and return how many.
        let _ = (timeout, &self.events);
        todo!("turn")
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
    // TODO: read into a buffer (`[0u8; 4096]`) in a loop and append what each read gives. A
    // read returns `Ok(0)` at the end of the stream, `Ok(n)` with bytes, or an error whose
    // `e.kind()` is `ErrorKind::WouldBlock` once the socket is empty for now. (`Interrupted`
    // means: read again.)
    let _ = (src, into, ErrorKind::WouldBlock);
    todo!("drain")
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
        // TODO: lock the conn's slots and find its slot by token. If the slot is ready, `drain`
        // the stream: an error or `Drained::Eof` ends the future with what was read; on
        // `Drained::WouldBlock` the socket is empty, so the slot is no longer ready, and bytes
        // read end the future. Otherwise (not ready, or nothing read) store `cx.waker()` in the
        // slot for `turn` to call, and return `Poll::Pending`.
        // (`let Conn { stream, token, slots } = &mut *self.get_mut().conn;` borrows the three
        // fields apart, so the slot's lock and the stream can be used at once.)
        let _ = (&self.conn.stream, &self.conn.slots, cx);
        todo!("ReadSome::poll")
    }
}
