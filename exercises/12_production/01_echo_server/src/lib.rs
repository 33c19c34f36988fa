//! # Exercise: an echo server for many clients at once
//!
//! Chapter 12, *Production patterns*. Write [`serve`]: accept TCP connections on `listener` until
//! `shutdown` completes, and for each client echo every line it sends, newline included. The
//! tests connect real clients over the loopback interface. They check that:
//!
//! - every client is served at the same time as the others: a client that stays connected
//!   doesn't make the next one wait;
//! - a line longer than [`MAX_LINE`] bytes is not echoed (a peer must not be able to make the
//!   server buffer without limit): the client gets [`TOO_LONG`] and its connection is closed;
//! - a client that disconnects, even half-way through a line, ends its own connection and
//!   nothing else;
//! - once `shutdown` completes, `serve` returns `Ok(())`.
//!
//! The tests live in `tests/echo_server.rs`. Do not edit them: `cargo lab check echo_server` runs
//! them as they are, and so does CI against the solution.

use std::io;

use tokio::net::TcpListener;

/// The longest line the server echoes, in bytes, not counting the newline.
pub const MAX_LINE: usize = 1024;

/// What a client that sends a longer line gets back, just before the server closes its connection.
pub const TOO_LONG: &str = "error: line too long\n";

/// Serves every client that connects to `listener`, until `shutdown` completes.
//
// TODO: accept clients until `shutdown` completes, and serve each one without making the others
// wait. Read each client's lines with a bound on their length, and let a client's end or error
// end that client only. Helpful: `tokio::select!` (and `tokio::pin!` for `shutdown`),
// `tokio::spawn`, `AsyncReadExt::take`, `AsyncBufReadExt::read_until`, `AsyncWriteExt::write_all`.
pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    let _ = (listener, shutdown);
    todo!("accept clients until shutdown, one task per client")
}
