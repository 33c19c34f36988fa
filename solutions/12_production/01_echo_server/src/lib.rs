//! # An echo server for many clients at once
//!
//! Chapter 12, *Production patterns*. [`serve`] accepts TCP connections until its `shutdown`
//! future completes and gives each client a task of its own, which echoes every line back. Three
//! rules keep one client from hurting the others:
//!
//! - **A task per client.** The accept loop never waits for a client, only for the next
//!   connection or the shutdown signal.
//! - **A bound on a line.** A line is read with at most [`MAX_LINE`] + 1 bytes allowed
//!   ([`AsyncReadExt::take`](https://docs.rs/tokio/latest/tokio/io/trait.AsyncReadExt.html#method.take)),
//!   so a peer that never sends a newline cannot make the server buffer without limit.
//! - **A client's error is its own.** Whatever goes wrong on one connection ends that task only.
//!
//! Shutdown stops accepting; connections already open are left to end on their own (chapter 12's
//! `tokio84` shows how to cancel them too).

use std::io;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// The longest line the server echoes, in bytes, not counting the newline.
pub const MAX_LINE: usize = 1024;

/// What a client that sends a longer line gets back, just before the server closes its connection.
pub const TOO_LONG: &str = "error: line too long\n";

/// Serves every client that connects to `listener`, until `shutdown` completes.
pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) -> io::Result<()> {
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            _ = &mut shutdown => return Ok(()),
            accepted = listener.accept() => {
                let (stream, _peer) = accepted?;
                tokio::spawn(async move {
                    // A client's I/O error (a reset, a broken pipe) ends this client only.
                    let _ = handle(stream).await;
                });
            }
        }
    }
}

/// Echoes the lines of one client until it leaves or sends a line longer than [`MAX_LINE`].
async fn handle(stream: TcpStream) -> io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut line = Vec::new();
    loop {
        line.clear();
        let limit = MAX_LINE as u64 + 1;
        let read = (&mut reader)
            .take(limit)
            .read_until(b'\n', &mut line)
            .await?;
        if read == 0 {
            // The client closed its side: done.
            return Ok(());
        }
        if line.ends_with(b"\n") {
            write.write_all(&line).await?;
        } else if line.len() > MAX_LINE {
            write.write_all(TOO_LONG.as_bytes()).await?;
            return write.shutdown().await;
        } else {
            // The connection ended half-way through a line: nothing to echo.
            return Ok(());
        }
    }
}
