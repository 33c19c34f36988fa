//! Tests for the `chat_line_limits` exercise. Do not edit: `cargo lab check chat_line_limits` runs
//! this file as it is, against your `src/lib.rs`.
//!
//! The client is an in-memory pipe (`tokio::io::duplex`) and the clock is paused: a test that
//! waits for a reply that never comes fails as soon as the runtime has nothing left to do, instead
//! of after a real wait.

use std::io;
use std::time::Duration;

use chat_line_limits::read_lines;
use testkit::Flavor;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines};
use tokio::task::JoinHandle;

/// The time limit of every test; each needs a few milliseconds of real time.
const LIMIT: Duration = Duration::from_secs(10);
/// How long (paused, so virtual) a test waits for a reply.
const REPLY_WITHIN: Duration = Duration::from_secs(5);
/// The line limit the tests use.
const MAX: usize = 64;

struct Client {
    input: DuplexStream,
    replies: Lines<BufReader<DuplexStream>>,
    reading: JoinHandle<io::Result<Vec<String>>>,
}

/// Starts `read_lines` on one end of two pipes; the test holds the other ends.
fn start() -> Client {
    tokio::time::pause();
    let (input, server_in) = tokio::io::duplex(64 * 1024);
    let (server_out, replies) = tokio::io::duplex(64 * 1024);
    Client {
        input,
        replies: BufReader::new(replies).lines(),
        reading: tokio::spawn(read_lines(server_in, server_out, MAX)),
    }
}

impl Client {
    /// The next reply. `what` says what it answers; `silence` what it means when none comes.
    async fn reply(&mut self, what: &str, silence: &str) -> String {
        match tokio::time::timeout(REPLY_WITHIN, self.replies.next_line()).await {
            Ok(Ok(Some(line))) => line,
            Ok(_) => panic!(
                "read_lines returned (or dropped its writer) before replying {what}: a bad line must get a `! ` \
                 reply, and the loop must go on"
            ),
            Err(_) => panic!("no reply {what}: {silence}"),
        }
    }

    /// Closes the input and returns the lines `read_lines` accepted.
    async fn finish(self, what: &str) -> Vec<String> {
        drop(self.input);
        match self.reading.await.expect("read_lines panicked") {
            Ok(lines) => lines,
            Err(err) => panic!(
                "read_lines returned an error ({err}) after {what}: a bad line must get a `! ` reply, not end the connection"
            ),
        }
    }
}

#[test]
fn lines_with_either_ending_and_a_last_one_without() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut client = start();
        client.input.write_all(b"one\ntwo\r\nthree").await.unwrap();
        let lines = client.finish("plain lines").await;
        assert_eq!(
            lines,
            ["one", "two", "three"],
            "every line, without its ending. One read can bring several lines: call decode until \
             it returns Ok(None). A last line without an ending comes only from decode_eof, once \
             read_buf has returned 0"
        );
    });
}

#[test]
fn a_line_over_the_limit_is_refused_while_it_is_still_arriving() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut client = start();
        // 1,000 bytes and no line ending yet: the limit is passed, the line is not finished.
        client.input.write_all(&[b'x'; 1000]).await.unwrap();
        let reply = client
            .reply(
                "while a line longer than the limit was still arriving",
                "the reader is keeping the whole line in memory until its end (BufReader::lines and \
                 LinesCodec::new() do); use LinesCodec::new_with_max_length",
            )
            .await;
        assert_eq!(
            reply, "! line too long (the limit is 64 bytes)",
            "the reply to a line over the limit"
        );
        let stopped = "read_lines stopped reading after the reply (its end of the pipe is closed): \
                       a bad line must get a `! ` reply, and the loop must go on";
        client.input.write_all(&[b'x'; 1000]).await.expect(stopped);
        client
            .input
            .write_all(b" end of the long line\nnext\n")
            .await
            .expect(stopped);
        let lines = client.finish("a long line").await;
        assert_eq!(
            lines,
            ["next"],
            "the long line is dropped whole, and the line after it is read"
        );
    });
}

#[test]
fn a_mebibyte_line_gets_one_reply() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let Client {
            mut input,
            replies,
            reading,
        } = start();
        let writer = tokio::spawn(async move {
            // A write fails only when read_lines has already returned; the checks below say so.
            for _ in 0..256 {
                if input.write_all(&[b'y'; 4096]).await.is_err() {
                    return;
                }
            }
            let _ = input.write_all(b"\nafter\n").await;
            // Dropping the input ends it.
        });
        let mut client = Client {
            input: tokio::io::duplex(1).0,
            replies,
            reading,
        };
        assert_eq!(
            client
                .reply(
                    "to a 1 MiB line",
                    "the limit is not enforced while the line arrives"
                )
                .await,
            "! line too long (the limit is 64 bytes)",
            "a 1 MiB line gets the reply"
        );
        writer.await.unwrap();
        let Client {
            mut replies,
            reading,
            ..
        } = client;
        let lines = reading
            .await
            .expect("read_lines panicked")
            .expect("read_lines must not fail on a long line");
        assert_eq!(
            lines,
            ["after"],
            "the 1 MiB line is dropped, the next one read"
        );
        assert_eq!(
            replies.next_line().await.unwrap(),
            None,
            "one reply per long line, not one per chunk of it"
        );
    });
}

#[test]
fn a_bad_line_right_after_a_good_one_is_answered_at_once() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut client = start();
        // Both lines arrive in one read; no more input follows until the reply comes.
        client.input.write_all(b"hello\n\xff\n").await.unwrap();
        let reply = client
            .reply(
                "to a line that is not UTF-8, sent right after a good one",
                "the bad line was already read but not looked at: one read can bring several \
                 lines, so call decode until it returns Ok(None) before reading again",
            )
            .await;
        assert_eq!(reply, "! not valid UTF-8", "the reply to the bad line");
        let lines = client.finish("a good line and a bad one").await;
        assert_eq!(
            lines,
            ["hello"],
            "the good line is kept, the bad one dropped"
        );
    });
}

#[test]
fn invalid_utf8_gets_a_reply_and_the_next_line_is_read() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut client = start();
        client.input.write_all(b"caf\xc3 \xff\n").await.unwrap();
        client.input.write_all("café\n".as_bytes()).await.unwrap();
        let reply = client
            .reply(
                "to a line that is not UTF-8",
                "a bad line must be answered at once",
            )
            .await;
        assert_eq!(
            reply, "! not valid UTF-8",
            "the reply to a line that is not UTF-8"
        );
        let lines = client.finish("a line that is not UTF-8").await;
        assert_eq!(
            lines,
            ["café"],
            "the bad line is dropped, the valid one after it read"
        );
    });
}

/// Closes the input, then returns the lines `read_lines` accepted and every reply it wrote.
async fn lines_and_replies(client: Client, what: &str) -> (Vec<String>, Vec<String>) {
    let Client {
        input,
        mut replies,
        reading,
    } = client;
    let lines = Client {
        input,
        replies: BufReader::new(tokio::io::duplex(1).0).lines(),
        reading,
    }
    .finish(what)
    .await;
    // read_lines has returned and dropped its writer: the replies end here.
    let mut all = Vec::new();
    while let Some(reply) = replies.next_line().await.unwrap() {
        all.push(reply);
    }
    (lines, all)
}

#[test]
fn the_limit_keeps_a_line_of_exactly_max_bytes_and_refuses_one_more() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut client = start();
        let exact = "x".repeat(MAX);
        let over = "y".repeat(MAX + 1);
        client.input.write_all(exact.as_bytes()).await.unwrap();
        client.input.write_all(b"\n").await.unwrap();
        tokio::task::yield_now().await;
        client.input.write_all(over.as_bytes()).await.unwrap();
        client.input.write_all(b"\n").await.unwrap();
        let (lines, replies) = lines_and_replies(client, "lines at the limit").await;
        assert!(
            lines.contains(&exact),
            "a line of exactly {MAX} bytes, the limit, was refused (replies: {replies:?}): only a \
             longer line is over the limit. LinesCodec::new_with_max_length(max_line) allows \
             lines of up to max_line bytes, not counting the line ending"
        );
        assert!(
            !lines.contains(&over),
            "a line of {} bytes (the limit is {MAX}) was let through: the limit is off by one. \
             LinesCodec's max_length does not count the line ending, so it needs no + 1 for \
             it: give it max_line",
            MAX + 1
        );
        assert_eq!(
            (lines, replies),
            (
                vec![exact],
                vec!["! line too long (the limit is 64 bytes)".to_string()]
            ),
            "the line of {MAX} bytes is kept, the one of {} bytes refused with one reply",
            MAX + 1
        );
    });
}

#[test]
fn the_line_after_a_long_one_in_the_same_read_is_kept() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut client = start();
        // One write, so one read brings the end of the long line and the whole line after it.
        let mut bytes = vec![b'z'; 100];
        bytes.extend_from_slice(b"\nafter\n");
        client.input.write_all(&bytes).await.unwrap();
        let (lines, replies) = lines_and_replies(client, "a long line and the line after it").await;
        assert_eq!(
            lines,
            ["after"],
            "the line after a long line, which came in the same read, was lost (replies: \
             {replies:?}): drop only the long line, whose rest the codec discards by itself, \
             not the whole buffer"
        );
    });
}

/// A reader that gives `data`, then fails the way a reset connection does.
struct FailsAfter {
    data: &'static [u8],
}

impl tokio::io::AsyncRead for FailsAfter {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<io::Result<()>> {
        if self.data.is_empty() {
            return std::task::Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()));
        }
        let n = self.data.len().min(buf.remaining());
        buf.put_slice(&self.data[..n]);
        self.data = &self.data[n..];
        std::task::Poll::Ready(Ok(()))
    }
}

#[test]
fn a_read_error_is_passed_on() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let reader = FailsAfter { data: b"one\n" };
        let result = read_lines(reader, tokio::io::sink(), MAX).await;
        assert!(
            result.is_err(),
            "the connection failed (ConnectionReset) after one line, and read_lines returned \
             {result:?}: a read error was swallowed, taken for the end of the input. Pass it on \
             with ?, so the caller knows the connection broke"
        );
    });
}
