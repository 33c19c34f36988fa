//! # Exercise: read client lines with a limit, without trusting UTF-8
//!
//! Chapter 13, *A chat server*. [`read_lines`] reads a client's lines the way the chat server
//! must. As written it trusts the client twice: `BufReader::lines` keeps a line without end in
//! memory for as long as the client keeps sending (one client can exhaust the server's memory),
//! and it returns an error for a line that is not UTF-8, which ends the connection.
//!
//! The tests live in `tests/chat_line_limits.rs`. Do not edit them: `cargo lab check
//! chat_line_limits` runs them as they are, and so does CI against the solution.

use tokio::io::{self, AsyncBufReadExt, AsyncRead, AsyncWrite, BufReader};

/// Reads lines from `reader` until end of file and returns the valid ones, without line endings
/// (`\n` or `\r\n`; a last line without an ending counts).
///
/// - A line longer than `max_line` bytes: write `! line too long (the limit is <max_line> bytes)\n`
///   to `writer` as soon as the limit is passed, and drop the rest of that line as it arrives.
/// - A line that is not valid UTF-8: write `! not valid UTF-8\n` and go on with the next line.
pub async fn read_lines<R, W>(reader: R, writer: W, max_line: usize) -> io::Result<Vec<String>>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    // TODO: read the lines so that the limit holds while a line is still arriving, and so that
    // each kind of bad line gets its reply from the list above and does not end the loop. APIs
    // that help: `tokio_util::codec::LinesCodec` (`new_with_max_length`) and the
    // `tokio_util::codec::Decoder` trait it implements, fed by `AsyncReadExt::read_buf` into a
    // `tokio_util::bytes::BytesMut`.
    let _ = (writer, max_line);
    let mut lines = BufReader::new(reader).lines();
    let mut all = Vec::new();
    while let Some(line) = lines.next_line().await? {
        all.push(line);
    }
    Ok(all)
}
