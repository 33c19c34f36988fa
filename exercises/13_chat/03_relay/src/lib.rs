//! # Exercise: relay a room to a client, in batches
//!
//! Chapter 13, *A chat server*. [`relay`] copies a room's lines from a `broadcast` receiver to one
//! client. It is the hot path of the server: with 1,000 clients in a room, every line is written
//! 999 times, so the cost per line decides the throughput. As written it has the two bugs most
//! chat servers ship with: it writes and flushes once per line, and it hangs up on a client that
//! fell behind.
//!
//! The tests live in `tests/chat_relay.rs`. Do not edit them: `cargo lab check chat_relay` runs
//! them as they are, and so does CI against the solution.

use std::sync::Arc;

use tokio::io::{self, AsyncWrite, AsyncWriteExt};
use tokio::sync::broadcast::{self, error::RecvError};

/// What one [`relay`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Relayed {
    /// Lines written to the client.
    pub delivered: u64,
    /// Lines the client missed because it fell behind the channel.
    pub dropped: u64,
}

/// Writes every line from `rx` to `writer` until the channel closes (every sender dropped).
///
/// - Every line that is ready when the task wakes goes out in one `write_all`: no write, and no
///   flush, per line.
/// - A receiver that fell behind gets `RecvError::Lagged(n)`: write `* n messages dropped\n` to
///   the client and go on with the oldest line still in the channel. It is not a disconnect.
pub async fn relay<W>(mut rx: broadcast::Receiver<Arc<str>>, mut writer: W) -> io::Result<Relayed>
where
    W: AsyncWrite + Unpin,
{
    let mut relayed = Relayed::default();
    // TODO: two fixes.
    // 1. Batch: after `recv` returns a line, take every other line that is ready with
    //    `Receiver::try_recv` (until `TryRecvError::Empty`), gather them in one `Vec<u8>`, and
    //    write that buffer once. A `TcpStream` sends what `write_all` gives it; it needs no flush.
    // 2. `Lagged(n)` means this receiver skipped `n` lines and is still open: tell the client
    //    (`* n messages dropped`), count them, and carry on. Only `Closed` ends the relay.
    loop {
        match rx.recv().await {
            Ok(line) => {
                writer.write_all(line.as_bytes()).await?;
                writer.flush().await?;
                relayed.delivered += 1;
            }
            Err(RecvError::Lagged(_)) => return Ok(relayed),
            Err(RecvError::Closed) => return Ok(relayed),
        }
    }
}
