//! # Count the non-empty lines of any async reader
//!
//! [`count_non_empty_lines`] must work on anything that implements
//! [`AsyncBufRead`](https://docs.rs/tokio/latest/tokio/io/trait.AsyncBufRead.html): a file behind a
//! `BufReader`, a socket, a pipe, an in-memory `&[u8]`. Lines end with `\n` or `\r\n`; a line that
//! is empty once that ending is removed does not count; a last line without a newline does. Bytes
//! that are not UTF-8 are an error (of kind `InvalidData`), never a panic.
//!
//! The tests live in `tests/line_count.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check line_count`.

use tokio::io::AsyncBufRead;

/// Counts the lines of `reader` that are not empty once their `\n` or `\r\n` is removed. A last
/// line without a newline counts too. Bytes that are not valid UTF-8 give an error of kind
/// [`std::io::ErrorKind::InvalidData`], as does any error of the reader itself.
pub async fn count_non_empty_lines<R>(reader: R) -> std::io::Result<usize>
where
    R: AsyncBufRead + Unpin,
{
    // TODO: Read the input line by line and count the lines that have something in them.
    //       `tokio::io::AsyncBufReadExt` has the methods that help (`read_line`, `lines` and
    //       `next_line`); read their docs for what they do with line endings and with bytes that
    //       are not UTF-8. Pass errors on with `?`.
    let _ = reader;
    todo!()
}
