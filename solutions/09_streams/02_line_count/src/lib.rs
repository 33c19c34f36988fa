//! # Count the non-empty lines of any async reader
//!
//! [`count_non_empty_lines`] works on anything that implements
//! [`AsyncBufRead`](https://docs.rs/tokio/latest/tokio/io/trait.AsyncBufRead.html): a file behind a
//! `BufReader`, a socket, a pipe, an in-memory `&[u8]`. It reads one line at a time with
//! [`AsyncBufReadExt::lines`](https://docs.rs/tokio/latest/tokio/io/trait.AsyncBufReadExt.html#method.lines),
//! which already does the fiddly parts: it strips `\n` or `\r\n`, returns a last line that has no
//! newline, and reports bytes that are not UTF-8 as an `io::Error` of kind `InvalidData`.

use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// Counts the lines of `reader` that are not empty once their `\n` or `\r\n` is removed. A last
/// line without a newline counts too. Bytes that are not valid UTF-8 give an error of kind
/// [`std::io::ErrorKind::InvalidData`], as does any error of the reader itself.
pub async fn count_non_empty_lines<R>(reader: R) -> std::io::Result<usize>
where
    R: AsyncBufRead + Unpin,
{
    let mut lines = reader.lines();
    let mut count = 0;
    while let Some(line) = lines.next_line().await? {
        if !line.is_empty() {
            count += 1;
        }
    }
    Ok(count)
}
