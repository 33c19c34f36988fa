//! # Length-prefixed frames, by hand and with `LengthDelimitedCodec`
//!
//! A frame is a 4-byte big-endian length followed by that many bytes of payload. [`write_frame`]
//! and [`read_frame`] do it by hand with `AsyncWriteExt`/`AsyncReadExt`; [`length_delimited`]
//! builds the same format from tokio-util's
//! [`LengthDelimitedCodec`](https://docs.rs/tokio-util/latest/tokio_util/codec/length_delimited/index.html),
//! so either side can talk to the other.
//!
//! The length is the peer's word: [`read_frame`] compares it with its limit before it allocates
//! the payload's buffer, so a header claiming 4 GiB costs nothing.

use std::io;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::codec::{Framed, LengthDelimitedCodec};

/// Writes `payload` as one frame (its length as a big-endian `u32`, then the bytes) and flushes,
/// so that a buffered writer hands the frame on at once. A payload longer than `u32::MAX` bytes is
/// an error of kind `InvalidInput`.
pub async fn write_frame<W>(writer: &mut W, payload: &[u8]) -> io::Result<()>
where
    W: AsyncWrite + Unpin,
{
    let len = u32::try_from(payload.len()).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            "a frame holds at most u32::MAX bytes",
        )
    })?;
    writer.write_u32(len).await?;
    writer.write_all(payload).await?;
    writer.flush().await
}

/// Reads one frame and returns its payload.
///
/// - `Ok(None)`: the stream ended cleanly, where the next header would start.
/// - `UnexpectedEof`: the stream ended inside a header or a payload.
/// - `InvalidData`: the header announces more than `max_len` bytes; nothing more is read and
///   no buffer of that size is allocated. A payload of exactly `max_len` bytes is accepted.
pub async fn read_frame<R>(reader: &mut R, max_len: u32) -> io::Result<Option<Vec<u8>>>
where
    R: AsyncRead + Unpin,
{
    let mut header = [0u8; 4];
    // A plain read first: 0 bytes before any header is the clean end. `read_u32` alone would
    // report a header cut after 1 to 3 bytes the same way, as UnexpectedEof.
    let got = reader.read(&mut header).await?;
    if got == 0 {
        return Ok(None);
    }
    reader.read_exact(&mut header[got..]).await?;
    let len = u32::from_be_bytes(header);
    if len > max_len {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a frame of {len} bytes is over the limit of {max_len}"),
        ));
    }
    let mut payload = vec![0; len as usize];
    reader.read_exact(&mut payload).await?;
    Ok(Some(payload))
}

/// The same format with `LengthDelimitedCodec`: a 4-byte big-endian length (the codec's default
/// header), frames over `max_len` bytes refused with an `InvalidData` error when read.
pub fn length_delimited<T>(io: T, max_len: usize) -> Framed<T, LengthDelimitedCodec>
where
    T: AsyncRead + AsyncWrite,
{
    LengthDelimitedCodec::builder()
        .length_field_type::<u32>()
        .max_frame_length(max_len)
        .new_framed(io)
}
