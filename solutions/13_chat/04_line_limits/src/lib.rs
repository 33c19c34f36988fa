//! # Solution: read client lines with a limit, without trusting UTF-8
//!
//! Chapter 13, *A chat server*. [`read_lines`] reads a client's lines the way the chat server
//! must: a line longer than the limit gets an error reply and is discarded as it arrives, so it
//! never grows memory; a line that is not UTF-8 gets an error reply, not a disconnect.

use tokio::io::{self, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::bytes::BytesMut;
use tokio_util::codec::{Decoder, LinesCodec, LinesCodecError};

/// Reads lines from `reader` until end of file and returns the valid ones, without line endings
/// (`\n` or `\r\n`; a last line without an ending counts).
///
/// - A line longer than `max_line` bytes: write `! line too long (the limit is <max_line> bytes)\n`
///   to `writer` as soon as the limit is passed, and drop the rest of that line as it arrives.
/// - A line that is not valid UTF-8: write `! not valid UTF-8\n` and go on with the next line.
pub async fn read_lines<R, W>(
    mut reader: R,
    mut writer: W,
    max_line: usize,
) -> io::Result<Vec<String>>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    // `new()` would keep a line without end in memory until the peer stops sending.
    let mut codec = LinesCodec::new_with_max_length(max_line);
    let mut buffer = BytesMut::with_capacity(4096);
    let mut lines = Vec::new();
    loop {
        let eof = reader.read_buf(&mut buffer).await? == 0;
        loop {
            // The codec is used directly, not through `FramedRead`: a `FramedRead` ends its
            // stream after any decode error, and a bad line must not end the connection.
            let decoded = if eof {
                codec.decode_eof(&mut buffer)
            } else {
                codec.decode(&mut buffer)
            };
            match decoded {
                Ok(Some(line)) => lines.push(line),
                Ok(None) => break,
                Err(LinesCodecError::MaxLineLengthExceeded) => {
                    let reply = format!("! line too long (the limit is {max_line} bytes)\n");
                    writer.write_all(reply.as_bytes()).await?;
                }
                Err(LinesCodecError::Io(_)) => writer.write_all(b"! not valid UTF-8\n").await?,
            }
        }
        if eof {
            return Ok(lines);
        }
    }
}
