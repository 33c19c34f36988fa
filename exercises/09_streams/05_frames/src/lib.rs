//! # Length-prefixed frames, by hand and with `LengthDelimitedCodec`
//!
//! A byte stream has no message boundaries, so messages travel as frames: a 4-byte big-endian
//! length, then that many bytes of payload. Write the format by hand first ([`write_frame`],
//! [`read_frame`]), then build the same format from tokio-util's `LengthDelimitedCodec`
//! ([`length_delimited`]) so that either side can talk to the other.
//!
//! The tests live in `tests/frames.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check frames`.

use std::io;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio_util::codec::{Framed, LengthDelimitedCodec};

/// Writes `payload` as one frame (its length as a big-endian `u32`, then the bytes) and flushes,
/// so that a buffered writer hands the frame on at once. A payload longer than `u32::MAX` bytes is
/// an error of kind `InvalidInput`.
pub async fn write_frame<W>(writer: &mut W, payload: &[u8]) -> io::Result<()>
where
    W: AsyncWrite + Unpin,
{
    // TODO: Write the header with `AsyncWriteExt::write_u32` (big-endian), the payload with
    //       `write_all`, then `flush`. `u32::try_from(payload.len())` gives the length.
    let _ = (writer, payload);
    todo!()
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
    // TODO: Read the 4-byte header, tell a clean end (no byte at all) from a cut-off header,
    //       check the length against `max_len` BEFORE allocating, then `read_exact` the payload.
    //       `AsyncReadExt` has `read`, `read_exact` and `read_u32`; `u32::from_be_bytes` turns
    //       four bytes into the length.
    let _ = (reader, max_len);
    todo!()
}

/// The same format with `LengthDelimitedCodec`: a 4-byte big-endian length (the codec's default
/// header), frames over `max_len` bytes refused with an `InvalidData` error when read.
pub fn length_delimited<T>(io: T, max_len: usize) -> Framed<T, LengthDelimitedCodec>
where
    T: AsyncRead + AsyncWrite,
{
    // TODO: Build it with `LengthDelimitedCodec::builder()`, set the limit, and finish with
    //       `.new_framed(io)`. Look at the builder's defaults before you rely on them.
    let _ = (io, max_len);
    todo!()
}
