//! # Solution: relay a room to a client, in batches
//!
//! Chapter 13, *A chat server*. [`relay`] copies a room's lines from a `broadcast` receiver to one
//! client. It is the hot path of the server: with 1,000 clients in a room, every line is written
//! 999 times, so the cost per line decides the throughput.

use std::sync::Arc;

use tokio::io::{self, AsyncWrite, AsyncWriteExt};
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

/// What one [`relay`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Relayed {
    /// Lines written to the client.
    pub delivered: u64,
    /// Lines the client missed because it fell behind the channel.
    pub dropped: u64,
}

/// Stop gathering once this much is waiting, so one batch stays bounded.
const BATCH_BYTES: usize = 64 * 1024;

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
    let mut out = Vec::new();
    loop {
        // Wait for the first line; then take whatever else is ready without waiting.
        let mut next = Some(rx.recv().await);
        while let Some(result) = next.take() {
            match result {
                Ok(line) => {
                    out.extend_from_slice(line.as_bytes());
                    relayed.delivered += 1;
                }
                Err(RecvError::Lagged(n)) => {
                    out.extend_from_slice(format!("* {n} messages dropped\n").as_bytes());
                    relayed.dropped += n;
                }
                Err(RecvError::Closed) => {
                    writer.write_all(&out).await?;
                    return Ok(relayed);
                }
            }
            if out.len() < BATCH_BYTES {
                next = match rx.try_recv() {
                    Ok(line) => Some(Ok(line)),
                    Err(TryRecvError::Lagged(n)) => Some(Err(RecvError::Lagged(n))),
                    Err(TryRecvError::Closed) => Some(Err(RecvError::Closed)),
                    Err(TryRecvError::Empty) => None,
                };
            }
        }
        writer.write_all(&out).await?;
        out.clear();
    }
}
