//! # tokio121: `poll_read`, `poll_write` and `ReadBuf`: what `AsyncRead`/`AsyncWrite` really are
//!
//! Chapter 9, *Framing*. `read_exact`, `write_all` and friends are loops over two methods:
//! `AsyncRead::poll_read(cx, &mut ReadBuf)` puts *some* bytes into the buffer's unfilled part and
//! `AsyncWrite::poll_write(cx, &[u8])` takes *some* bytes and says how many. This example writes
//! both by hand: a reader that hands out at most 3 bytes per call, and a writer that takes at most
//! 4, each printing every call, then lets `read_exact` and `write_all` drive them.
//!
//! ```text
//! cargo run --example tokio121
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! poll_read: capacity 8, filled 0 -> 3
//! poll_read: capacity 8, filled 3 -> 6
//! poll_read: capacity 8, filled 6 -> 8
//! read_exact got "length-p" in 3 calls
//! poll_write: offered 10 bytes, took 4
//! poll_write: offered 6 bytes, took 4
//! poll_write: offered 2 bytes, took 2
//! write_all wrote "frame data" in 3 calls
//! ```
//!
//! `read_exact` hands the same `ReadBuf` back until it is full; the third call gets only 2 bytes of
//! room, so the reader gives 2. `write_all` offers what is left after each short write. Neither
//! reader nor writer ever returns `Pending` here, so no waker is needed; a socket returns
//! `Pending` when it has no bytes (or no room) and wakes the task when it has.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use anyhow::Result;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

// ANCHOR: reader
/// A reader over `data` that gives at most 3 bytes per call, like a slow
/// socket.
struct Trickle {
    data: &'static [u8],
    calls: usize,
}

impl AsyncRead for Trickle {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.calls += 1;
        let before = buf.filled().len();
        // `remaining()` is the room left in the caller's buffer; never write
        // more than that.
        let n = self.data.len().min(3).min(buf.remaining());
        // appends to `filled()`, which the caller reads
        buf.put_slice(&self.data[..n]);
        self.data = &self.data[n..];
        let capacity = buf.capacity();
        let after = buf.filled().len();
        println!("poll_read: capacity {capacity}, filled {before} -> {after}");
        // Ready with nothing added would mean end of file; here it only happens
        // once data is empty.
        Poll::Ready(Ok(()))
    }
}
// ANCHOR_END: reader

// ANCHOR: writer
/// A writer that takes at most 4 bytes per call, like a socket with a full send
/// buffer.
#[derive(Default)]
struct Narrow {
    written: Vec<u8>,
    calls: usize,
}

impl AsyncWrite for Narrow {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.calls += 1;
        let n = buf.len().min(4);
        self.written.extend_from_slice(&buf[..n]);
        println!("poll_write: offered {} bytes, took {n}", buf.len());
        // a short write is normal; the caller offers the rest again
        Poll::Ready(Ok(n))
    }

    fn poll_flush(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(())) // nothing is buffered
    }

    fn poll_shutdown(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
// ANCHOR_END: writer

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    // ANCHOR: main
    let mut reader = Trickle {
        data: b"length-prefixed",
        calls: 0,
    };
    let mut buf = [0u8; 8];
    reader.read_exact(&mut buf).await?;
    let got = String::from_utf8_lossy(&buf);
    println!("read_exact got {got:?} in {} calls", reader.calls);

    let mut writer = Narrow::default();
    writer.write_all(b"frame data").await?;
    let wrote = String::from_utf8_lossy(&writer.written);
    println!("write_all wrote {wrote:?} in {} calls", writer.calls);
    // ANCHOR_END: main
    Ok(())
}
