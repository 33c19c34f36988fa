//! # tokio120: length-prefixed frames by hand, and a hostile length refused before allocating
//!
//! Chapter 9, *Framing*. A byte stream (TCP, a pipe) has no message boundaries: one `write` may
//! arrive as three reads, three writes as one. A frame puts them back: a 4-byte big-endian length
//! (`write_u32`), the payload (`write_all`), then `flush`. The reader takes the length, checks it
//! against a limit *before* it allocates anything, and reads exactly that many bytes
//! (`read_exact`). The transport here is `tokio::io::duplex` with an 8-byte buffer, so every frame
//! is cut into pieces on the way.
//!
//! ```text
//! cargo run --example tokio120
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! sent 3 frames (5, 0 and 11 bytes) in 28 bytes
//! frame 1: "hello"
//! frame 2: ""
//! frame 3: "async world"
//! clean end after 3 frames
//! cut-off header: early eof
//! hostile length 4294967295: refused (limit 1048576), heap grew by less than 1 KiB
//! ```
//!
//! 28 bytes is 16 of payload plus three 4-byte headers. An empty frame is a frame (its header says
//! 0), which is why the end of the stream is told apart by the header itself: no byte at all is a
//! clean end, two bytes of a header are a connection cut mid-frame. The last line is the point of
//! the limit: a peer that sends `ff ff ff ff` would otherwise make the reader allocate 4 GiB for
//! a frame that never comes.

use std::io;

use anyhow::Result;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

// The counting allocator, to show that the refused frame allocated nothing of
// its size.
#[global_allocator]
static ALLOCATOR: alloc_meter::Meter = alloc_meter::Meter;

/// The largest payload this reader accepts.
const MAX_FRAME: u32 = 1024 * 1024;

// ANCHOR: write_frame
/// Writes one frame: the payload's length as a big-endian `u32`, then the
/// payload.
async fn write_frame<W: AsyncWrite + Unpin>(
    w: &mut W,
    payload: &[u8],
) -> io::Result<()> {
    let len = u32::try_from(payload.len()).map_err(|_| {
        io::Error::new(io::ErrorKind::InvalidInput, "payload over 4 GiB")
    })?;
    w.write_u32(len).await?; // 4 bytes, big-endian ("network order")
    w.write_all(payload).await?; // loops until every byte is taken
    // A buffered writer (BufWriter, a TLS stream) may hold the frame until it
    // is flushed; the peer would wait for bytes that sit in our buffer.
    w.flush().await
}
// ANCHOR_END: write_frame

// ANCHOR: read_frame
/// Reads one frame. `Ok(None)` is a clean end: the stream ended where a header
/// would start.
async fn read_frame<R: AsyncRead + Unpin>(
    r: &mut R,
    max: u32,
) -> io::Result<Option<Vec<u8>>> {
    let mut header = [0u8; 4];
    // One plain `read` first: 0 bytes means the peer closed between frames, a
    // clean end. (`read_u32` alone cannot tell that from a header cut after 2
    // bytes: both are UnexpectedEof.)
    let n = r.read(&mut header).await?;
    if n == 0 {
        return Ok(None);
    }
    // the rest of the header; EOF here is an error
    r.read_exact(&mut header[n..]).await?;
    let len = u32::from_be_bytes(header);
    // The check comes before the allocation: the length is the peer's word, not
    // ours.
    if len > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame of {len} bytes is over the limit of {max}"),
        ));
    }
    let mut payload = vec![0; len as usize];
    r.read_exact(&mut payload).await?;
    Ok(Some(payload))
}
// ANCHOR_END: read_frame

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    // ANCHOR: main
    // An 8-byte pipe: the writer waits whenever 8 bytes are in flight, so
    // frames arrive in pieces.
    let (mut client, mut server) = tokio::io::duplex(8);
    let frames: [&[u8]; 3] = [b"hello", b"", b"async world"];
    let writer = tokio::spawn(async move {
        let mut sent = 0;
        for frame in frames {
            write_frame(&mut client, frame).await?;
            sent += 4 + frame.len();
        }
        io::Result::Ok(sent) // dropping `client` here ends the stream
    });

    let mut count = 0;
    let mut received = Vec::new();
    while let Some(frame) = read_frame(&mut server, MAX_FRAME).await? {
        count += 1;
        received.push(format!(
            "frame {count}: {:?}",
            String::from_utf8_lossy(&frame)
        ));
    }
    let sent = writer.await??;
    println!("sent 3 frames (5, 0 and 11 bytes) in {sent} bytes");
    for line in received {
        println!("{line}");
    }
    println!("clean end after {count} frames");
    // ANCHOR_END: main

    // ANCHOR: hostile
    // A header cut after 2 bytes: the stream ends mid-frame, which is an error,
    // not an end.
    let mut cut: &[u8] = &[0, 0];
    let error = read_frame(&mut cut, MAX_FRAME).await.unwrap_err();
    println!("cut-off header: {error}");

    // A peer that claims a 4 GiB frame. The reader refuses it from the header
    // alone.
    let mut hostile: &[u8] = &[0xff, 0xff, 0xff, 0xff];
    let before = alloc_meter::thread_allocated();
    let error = read_frame(&mut hostile, MAX_FRAME).await.unwrap_err();
    let grew = alloc_meter::thread_allocated() - before;
    assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    let verdict = if grew < 1024 { "less than" } else { "at least" };
    println!(
        "hostile length {}: refused (limit {MAX_FRAME}), heap grew by \
        {verdict} 1 KiB",
        u32::MAX
    );
    // ANCHOR_END: hostile
    Ok(())
}
