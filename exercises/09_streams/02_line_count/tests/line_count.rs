//! Tests for `count_non_empty_lines`: `\n` and `\r\n`, blank lines, a last line without a newline,
//! whitespace-only lines (not empty, so they count), input that arrives a few bytes at a time over
//! an in-memory pipe (`tokio::io::duplex`), invalid UTF-8 as an `InvalidData` error, and a reader
//! that fails.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use line_count::count_non_empty_lines;
use testkit::Flavor;
use tokio::io::{AsyncRead, AsyncWriteExt, BufReader, ReadBuf};

/// Real-time limit for each test; the inputs are in memory, so a correct version needs
/// milliseconds. The margin is for a machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(2);

/// Counts the lines of `input` with the function under test.
fn count(input: &'static [u8]) -> io::Result<usize> {
    testkit::run(Flavor::CurrentThread, LIMIT, move || async move {
        // `&[u8]` implements `AsyncBufRead`.
        count_non_empty_lines(input).await
    })
}

#[test]
fn counts_lines_ending_in_newline() {
    assert_eq!(
        count(b"one\ntwo\nthree\n").unwrap(),
        3,
        "three lines, each ending in \\n"
    );
}

#[test]
fn blank_lines_do_not_count() {
    assert_eq!(
        count(b"one\n\n\ntwo\n\n").unwrap(),
        2,
        "two lines with text and three empty ones: only the two count"
    );
}

#[test]
fn crlf_line_endings_are_handled() {
    assert_eq!(
        count(b"one\r\n\r\ntwo\r\n").unwrap(),
        2,
        "with \\r\\n endings, a line holding only \\r\\n is empty too: remove the whole \\r\\n, \
         not just the \\n"
    );
}

#[test]
fn a_last_line_without_newline_counts() {
    assert_eq!(
        count(b"one\ntwo").unwrap(),
        2,
        "\"two\" has no newline after it but is a line: counting newlines misses it"
    );
}

#[test]
fn empty_input_has_no_lines() {
    assert_eq!(count(b"").unwrap(), 0, "no input, no lines");
}

#[test]
fn whitespace_is_not_empty() {
    assert_eq!(
        count(b"  \n\t\n").unwrap(),
        2,
        "a line of spaces or tabs is not empty once its newline is removed, so it counts"
    );
}

#[test]
fn invalid_utf8_is_an_invalid_data_error() {
    let result = count(b"fine\n\xff\xfe broken\nfine again\n");
    let error = result.expect_err(
        "the input holds bytes that are not UTF-8: return an error instead of a count (and never \
         panic)",
    );
    assert_eq!(
        error.kind(),
        io::ErrorKind::InvalidData,
        "invalid UTF-8 should be reported as ErrorKind::InvalidData, got {error:?}"
    );
}

#[test]
fn input_arriving_in_small_pieces() {
    let count = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        // A pipe with a 3-byte buffer: the writer can hand over only 3 bytes at a time, so lines
        // arrive in pieces and the reader has to wait for the rest of each one.
        let (mut writer, reader) = tokio::io::duplex(3);
        let write = tokio::spawn(async move {
            writer
                .write_all(b"alpha\r\n\r\nbeta\n\ngamma")
                .await
                .unwrap();
            // Dropping the writer ends the input.
        });
        let count = count_non_empty_lines(BufReader::new(reader)).await;
        write.await.unwrap();
        count
    });
    assert_eq!(
        count.unwrap(),
        3,
        "alpha, beta and gamma, read from a pipe a few bytes at a time: a line must be counted \
         once, whole, however many reads it takes to arrive"
    );
}

/// A reader that fails on its first read.
struct Broken;

impl AsyncRead for Broken {
    fn poll_read(
        self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        _buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Poll::Ready(Err(io::Error::new(
            io::ErrorKind::ConnectionReset,
            "the peer went away",
        )))
    }
}

#[test]
fn a_failing_reader_gives_its_error() {
    let result = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        count_non_empty_lines(BufReader::new(Broken)).await
    });
    let error = result.expect_err("the reader failed: its error must be returned, not a count");
    assert_eq!(
        error.kind(),
        io::ErrorKind::ConnectionReset,
        "pass the reader's own error on (the `?` operator does)"
    );
}
