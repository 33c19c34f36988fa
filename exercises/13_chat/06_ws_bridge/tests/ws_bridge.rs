//! Tests for the `ws_bridge` exercise. Do not edit: `cargo lab check ws_bridge` runs this file as
//! it is, against your `src/lib.rs`.
//!
//! The WebSocket client is two bounded `futures` channels (one each way), the chat side an
//! in-memory pipe (`tokio::io::duplex`), and the clock is paused on a current_thread runtime: a
//! test that waits for something that never comes fails as soon as every task is waiting, instead
//! of after a real wait.

use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures::channel::mpsc;
use futures::{Sink, SinkExt, Stream, StreamExt};
use testkit::Flavor;
use tokio::io::{
    AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines, ReadHalf, WriteHalf,
};
use tokio::task::JoinHandle;
use ws_bridge::{BridgeError, Message, bridge};

/// The time limit of every test; each needs a few milliseconds of real time.
const LIMIT: Duration = Duration::from_secs(10);
/// How long (paused, so virtual) a test waits for one message or line.
const WITHIN: Duration = Duration::from_secs(5);
/// The size limit of a message the tests give the bridge.
const MAX: usize = 64;
/// What each of the WebSocket channels holds; small, so that a side that does not read is felt.
const WS_BUFFER: usize = 4;
/// What the chat pipe holds in each direction.
const CHAT_BUFFER: usize = 1024;

/// The bridge's side of the WebSocket connection: what the client sends comes out of `incoming`,
/// what the bridge sends goes into `outgoing`. A WebSocket library's connection is the same pair.
struct Socket {
    incoming: mpsc::Receiver<Result<Message, Infallible>>,
    outgoing: mpsc::Sender<Message>,
}

impl Stream for Socket {
    type Item = Result<Message, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.incoming.poll_next_unpin(cx)
    }
}

impl Sink<Message> for Socket {
    type Error = mpsc::SendError;

    fn poll_ready(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.outgoing.poll_ready_unpin(cx)
    }

    fn start_send(mut self: Pin<&mut Self>, item: Message) -> Result<(), Self::Error> {
        self.outgoing.start_send_unpin(item)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.outgoing.poll_flush_unpin(cx)
    }

    fn poll_close(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.outgoing.poll_close_unpin(cx)
    }
}

/// The test's end of the WebSocket connection.
struct Client {
    tx: mpsc::Sender<Result<Message, Infallible>>,
    rx: mpsc::Receiver<Message>,
}

/// The test's end of the chat connection: it plays the chat handler.
struct Chat {
    lines: Lines<BufReader<ReadHalf<DuplexStream>>>,
    writer: WriteHalf<DuplexStream>,
}

/// Starts `bridge` between a fresh client and a fresh chat side, on a paused clock.
fn start() -> (Client, Chat, JoinHandle<Result<(), BridgeError>>) {
    tokio::time::pause();
    let (tx, incoming) = mpsc::channel(WS_BUFFER);
    let (outgoing, rx) = mpsc::channel(WS_BUFFER);
    let (ours, theirs) = tokio::io::duplex(CHAT_BUFFER);
    let task = tokio::spawn(bridge(Socket { incoming, outgoing }, theirs, MAX));
    let (reader, writer) = tokio::io::split(ours);
    let chat = Chat {
        lines: BufReader::new(reader).lines(),
        writer,
    };
    (Client { tx, rx }, chat, task)
}

/// Waits until every other task is waiting: on the paused clock a sleep ends only when nothing
/// else can run.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(1)).await;
}

fn text(s: &str) -> Message {
    Message::Text(s.to_owned())
}

impl Client {
    async fn send(&mut self, message: Message) {
        self.tx.send(Ok(message)).await.expect(
            "the bridge dropped the WebSocket side while the client was still sending: it must \
             keep reading until a Close",
        );
    }

    /// The next message to the client. `what` says what it is; `silence` what it means when
    /// none comes.
    async fn next(&mut self, what: &str, silence: &str) -> Message {
        match tokio::time::timeout(WITHIN, self.rx.next()).await {
            Ok(Some(message)) => message,
            Ok(None) => panic!(
                "the WebSocket side was closed (the bridge closed or dropped its sink) while the \
                 client waited for {what}: the sink stays open until either side ends, and then \
                 the bridge sends a Close on it before it closes it"
            ),
            Err(_) => panic!(
                "no message reached the WebSocket client while it waited for {what}: {silence}"
            ),
        }
    }
}

impl Chat {
    async fn send(&mut self, line: &str) {
        self.writer
            .write_all(line.as_bytes())
            .await
            .expect("the bridge dropped the chat side while the chat side was still writing");
    }

    /// The next line the chat side reads. `what` says what it is; `silence` what it means when
    /// none comes.
    async fn line(&mut self, what: &str, silence: &str) -> String {
        match tokio::time::timeout(WITHIN, self.lines.next_line()).await {
            Ok(Ok(Some(line))) => line,
            Ok(Ok(None)) => panic!(
                "the chat side read end of file while it waited for {what}: the bridge ended \
                 (or shut down its chat writer) too early"
            ),
            Ok(Err(err)) => {
                panic!("reading the chat side failed ({err}) while it waited for {what}")
            }
            Err(_) => panic!("no line reached the chat side while it waited for {what}: {silence}"),
        }
    }

    /// Waits for the end of file on the chat side.
    async fn end(&mut self, after: &str) {
        match tokio::time::timeout(WITHIN, self.lines.next_line()).await {
            Ok(Ok(None)) => {}
            Ok(Ok(Some(line))) => {
                panic!("the chat side read {line:?} after {after}, not the end of file")
            }
            Ok(Err(err)) => panic!("reading the chat side failed ({err}) after {after}"),
            Err(_) => panic!(
                "the chat side is left half-open: after {after} it never read end of file, so the \
                 chat handler keeps a client that is gone. A Close from either side ends both \
                 directions: shut the chat writer down (AsyncWriteExt::shutdown), or drop it by \
                 returning"
            ),
        }
    }
}

/// Waits for `bridge` to return, and checks that it returned `Ok(())`.
async fn returns(task: JoinHandle<Result<(), BridgeError>>, after: &str) {
    match tokio::time::timeout(WITHIN, task).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(err))) => panic!(
            "bridge returned an error after {after}: {err}; a close is the normal end, Ok(())"
        ),
        Ok(Err(err)) => panic!("bridge panicked after {after}: {err}"),
        Err(_) => panic!(
            "bridge did not return after {after}: once both directions have ended, it must return Ok(())"
        ),
    }
}

#[test]
fn text_becomes_lines_and_lines_become_text() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut client, mut chat, _task) = start();
        client.send(text("hello, room")).await;
        assert_eq!(
            chat.line(
                "the client's message",
                "a text message must reach the chat as one line that ends with `\\n` (write the \
                 text and the `\\n`; the chat reads lines)"
            )
            .await,
            "hello, room",
            "a text message becomes one chat line, the same text"
        );
        chat.send("ann: hi\nbob: hello\n").await;
        for expected in ["ann: hi", "bob: hello"] {
            let message = client
                .next(
                    "a line the chat side wrote",
                    "each line of the chat side must become one Text message",
                )
                .await;
            assert_eq!(
                message,
                text(expected),
                "each chat line becomes one Text message, without its `\\n`"
            );
        }
    });
}

#[test]
fn each_direction_goes_on_while_the_other_is_silent() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut client, mut chat, _task) = start();
        for message in ["one", "two"] {
            client.send(text(message)).await;
            let line = chat
                .line(
                    &format!("the message `{message}`, while the chat side wrote nothing"),
                    "the bridge waits for a line from the chat side before it reads the next \
                     message: it does the two directions one after the other. They must run at \
                     once (tokio::select! over both sides, or a loop for each direction, run \
                     together), so that each direction waits only for its own side",
                )
                .await;
            assert_eq!(
                line, message,
                "the client's messages reach the chat in order"
            );
        }
        for line in ["three", "four"] {
            chat.send(&format!("{line}\n")).await;
            let message = client
                .next(
                    &format!("the chat line `{line}`, while the client sent nothing"),
                    "the bridge waits for a message from the client before it reads the next \
                     chat line: it does the two directions one after the other. They must run \
                     at once (tokio::select! over both sides, or a loop for each direction, run \
                     together)",
                )
                .await;
            assert_eq!(
                message,
                text(line),
                "the chat's lines reach the client in order"
            );
        }
    });
}

#[test]
fn a_line_break_inside_a_message_is_refused() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut client, mut chat, _task) = start();
        // As two lines, the second would be a command the client never sent as a message.
        for bad in ["hi\n/nick mallory", "carriage\rreturn"] {
            client.send(text(bad)).await;
        }
        client.send(text("after")).await;
        let line = chat
            .line(
                "the message sent after two with line breaks",
                "a message with a line break must be answered with a notice, and the next one \
                 forwarded",
            )
            .await;
        assert!(
            line == "after",
            "one message, two lines: the chat side read {line:?}, a part of a message with a line \
             break in it. A text with `\\n` or `\\r` must be refused with the reply `! a message \
             must be one line`, never forwarded"
        );
        for _ in 0..2 {
            let notice = client
                .next(
                    "the reply to a message with a line break",
                    "a refused message must get its reply",
                )
                .await;
            assert_eq!(
                notice,
                text("! a message must be one line"),
                "the reply to a message with a line break"
            );
        }
    });
}

#[test]
fn a_message_over_the_limit_is_refused() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut client, mut chat, _task) = start();
        let long = "x".repeat(MAX + 1);
        let longest = "y".repeat(MAX);
        client.send(text(&long)).await;
        client.send(text(&longest)).await;
        let line = chat
            .line(
                "a message of exactly the limit, sent after one over it",
                "a message of `limit` bytes is allowed; only a longer one is refused",
            )
            .await;
        assert!(
            line != long,
            "a message over the limit ({} bytes, the limit is {MAX}) reached the chat: a text \
             longer than `limit` bytes must be refused with the reply `! message too long (the \
             limit is {MAX} bytes)`. Without a limit, one client's message is as large as it \
             likes, in the bridge and in every other member's connection",
            MAX + 1
        );
        assert_eq!(
            line, longest,
            "a message of exactly `limit` bytes reaches the chat"
        );
        let notice = client
            .next(
                "the reply to a message over the limit",
                "a refused message must get its reply",
            )
            .await;
        assert_eq!(
            notice,
            text(&format!("! message too long (the limit is {MAX} bytes)")),
            "the reply to a message over the limit"
        );
    });
}

#[test]
fn binary_messages_are_refused() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut client, mut chat, _task) = start();
        client.send(Message::Binary(b"hi\n".to_vec())).await;
        client.send(text("after")).await;
        let line = chat
            .line(
                "the message sent after a binary one",
                "a binary message must be answered with a notice, and the next one forwarded",
            )
            .await;
        assert_eq!(line, "after", "a binary message never reaches the chat");
        assert_eq!(
            client
                .next(
                    "the reply to a binary message",
                    "a refused message must get its reply"
                )
                .await,
            text("! binary messages are not supported"),
            "the reply to a binary message"
        );
    });
}

#[test]
fn a_ping_is_answered_with_a_pong_with_its_payload() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut client, mut chat, _task) = start();
        client.send(Message::Pong(b"unasked".to_vec())).await;
        client.send(Message::Ping(b"are you there?".to_vec())).await;
        let answer = client
            .next(
                "the answer to a Ping",
                "no Pong came back for a Ping. Answer every Ping with a Pong that carries the \
                 same payload: a client (or a proxy) that gets none takes the connection for dead",
            )
            .await;
        assert_eq!(
            answer,
            Message::Pong(b"are you there?".to_vec()),
            "a Ping is answered with a Pong carrying the same payload (and a Pong the client \
             sends is not answered)"
        );
        client.send(text("after")).await;
        assert_eq!(
            chat.line(
                "the message sent after a Ping and a Pong",
                "a Ping or a Pong must not stop the bridge"
            )
            .await,
            "after",
            "a Ping or a Pong never reaches the chat"
        );
    });
}

#[test]
fn a_close_from_the_websocket_ends_both_directions() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut client, mut chat, task) = start();
        client.send(text("bye")).await;
        chat.line(
            "the last message before a Close",
            "a message must reach the chat",
        )
        .await;
        client.send(Message::Close).await;
        chat.end("the client's Close").await;
        let answer = client
            .next(
                "the answer to its Close",
                "the WebSocket side is left half-open: the chat side read its end of file, but \
                 no Close came back to the client, and the bridge still waits for the chat side. \
                 A Close from either side ends both directions: answer the client's Close with a \
                 Close, and stop the chat-to-WebSocket direction too",
            )
            .await;
        assert_eq!(answer, Message::Close, "a Close is answered with a Close");
        returns(task, "the client's Close").await;
    });
}

#[test]
fn a_stream_that_ends_without_a_close_ends_the_bridge() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (client, mut chat, task) = start();
        // The end of the stream, without a Close: the connection dropped.
        drop(client);
        chat.end("the end of the client's stream").await;
        returns(task, "the end of the client's stream").await;
    });
}

#[test]
fn the_end_of_the_chat_ends_both_directions() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut client, mut chat, task) = start();
        chat.send("* bye\n").await;
        client
            .next("the chat's last line", "a chat line must reach the client")
            .await;
        // The chat handler ends the connection.
        chat.writer.shutdown().await.unwrap();
        let message = client
            .next(
                "a Close after the chat side ended",
                "the WebSocket side is left half-open: the chat side ended, but no Close reached \
                 the client, and the bridge still reads it. The end of the chat side ends both \
                 directions: send the client a Close, and stop reading it",
            )
            .await;
        assert_eq!(
            message,
            Message::Close,
            "the client gets a Close when the chat side ends"
        );
        chat.end("its own end").await;
        returns(task, "the end of the chat side").await;
    });
}

#[test]
fn a_slow_chat_reader_does_not_stop_lines_to_the_websocket() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut client, mut chat, _task) = start();
        // The chat side reads nothing while the client sends more than the pipe holds: the
        // bridge's writes to the chat side wait.
        let mut flood = client.tx.clone();
        let flooding = tokio::spawn(async move {
            for n in 0..64 {
                if flood.send(Ok(text(&format!("{n:060}")))).await.is_err() {
                    return;
                }
            }
        });
        settle().await;
        chat.send("from the room\n").await;
        let message = client
            .next(
                "a chat line, while the chat side was not reading",
                "a slow reader on the chat side stopped the other direction: the bridge is stuck \
                 writing to the chat side and reads no chat line meanwhile. Run the two \
                 directions independently (a loop each, run together, each awaiting only its own \
                 writes), so that a slow reader holds up only what goes to it",
            )
            .await;
        assert_eq!(
            message,
            text("from the room"),
            "the chat line reaches the client"
        );
        flooding.abort();
    });
}

#[test]
fn a_slow_websocket_reader_does_not_stop_messages_to_the_chat() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut client, chat, _task) = start();
        // The client reads nothing while the chat side writes more than the channel holds: the
        // bridge's sends to the client wait.
        let mut writer = chat.writer;
        let flooding = tokio::spawn(async move {
            for n in 0..64 {
                let line = format!("{n:060}\n");
                if writer.write_all(line.as_bytes()).await.is_err() {
                    return;
                }
            }
            // Keeps the chat side open until the test ends.
            std::future::pending::<()>().await;
        });
        settle().await;
        client.send(text("hello")).await;
        let mut lines = chat.lines;
        let line = match tokio::time::timeout(WITHIN, lines.next_line()).await {
            Ok(Ok(Some(line))) => line,
            _ => panic!(
                "no line reached the chat side while the client was not reading: a slow reader \
                 on the WebSocket side stopped the other direction. The bridge is stuck sending \
                 to the client and reads no message meanwhile. Run the two directions \
                 independently (a loop each, run together, each awaiting only its own writes), \
                 so that a slow reader holds up only what goes to it"
            ),
        };
        assert_eq!(line, "hello", "the client's message reaches the chat");
        flooding.abort();
    });
}

#[test]
fn a_chat_side_that_does_not_read_stops_the_bridge_reading_the_client() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (client, _chat, _task) = start();
        // The chat side reads nothing; the client sends as fast as the bridge takes its messages.
        const SENT: usize = 1000;
        let taken = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&taken);
        let mut flood = client.tx.clone();
        let flooding = tokio::spawn(async move {
            for n in 0..SENT {
                if flood.send(Ok(text(&format!("{n:060}")))).await.is_err() {
                    return;
                }
                counted.fetch_add(1, Ordering::Relaxed);
            }
        });
        settle().await;
        assert!(
            !client.tx.is_closed(),
            "the bridge stopped reading the client (it dropped its side) while the chat side was \
             not reading: it must wait for the chat side to take its lines, not give up"
        );
        // The pipe holds 1,024 bytes (16 of these messages with their `\n`) and the channel a few
        // more; a bridge with bounded buffers adds a few at most.
        let taken = taken.load(Ordering::Relaxed);
        assert!(
            taken < 100,
            "the bridge took {taken} of {SENT} messages from the client while the chat side read \
             none: it keeps what the chat side has not taken in a buffer without a bound, which \
             grows as long as the client sends. Every buffer must be bounded \
             (tokio::sync::mpsc::channel, not unbounded_channel), so that a chat side that does \
             not read stops the bridge from reading the client"
        );
        flooding.abort();
    });
}

#[test]
fn the_limit_is_in_bytes_not_characters() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut client, mut chat, _task) = start();
        // `é` is two bytes in UTF-8: MAX of them are MAX characters and twice MAX bytes.
        let wide = "é".repeat(MAX);
        let fits = "é".repeat(MAX / 2);
        client.send(text(&wide)).await;
        client.send(text(&fits)).await;
        let line = chat
            .line(
                "a message of exactly the limit in bytes, sent after one over it",
                "a message of `limit` bytes is allowed; only a longer one is refused",
            )
            .await;
        assert!(
            line != wide,
            "a message of {MAX} characters but {} bytes reached the chat (the limit is {MAX} \
             bytes): the limit is in bytes, what the message costs in memory and on the wire. \
             Measure with str::len, not chars().count()",
            wide.len()
        );
        assert_eq!(
            line,
            fits,
            "a message of {MAX} bytes ({} two-byte characters) reaches the chat",
            MAX / 2
        );
    });
}

#[test]
fn pings_from_a_client_that_does_not_read_are_all_answered_in_time() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let (mut client, _chat, _task) = start();
        // The client pings and reads nothing for a while: the Pongs wait in the bridge's bounded
        // queues, and once they are full the bridge stops reading the client.
        const PINGS: usize = 200;
        let taken = Arc::new(AtomicUsize::new(0));
        let counted = Arc::clone(&taken);
        let mut pinger = client.tx.clone();
        let pinging = tokio::spawn(async move {
            for n in 0..PINGS {
                if pinger.send(Ok(Message::Ping(vec![n as u8]))).await.is_err() {
                    return;
                }
                counted.fetch_add(1, Ordering::Relaxed);
            }
        });
        settle().await;
        let taken_while_not_reading = taken.load(Ordering::Relaxed);
        // Now the client reads: every Ping gets its Pong, in order.
        for n in 0..PINGS {
            let answer = tokio::time::timeout(WITHIN, client.rx.next()).await;
            assert!(
                matches!(&answer, Ok(Some(Message::Pong(p))) if p == &[n as u8]),
                "of {PINGS} Pings sent while the client was not reading, only {n} were answered \
                 in order (then {answer:?}): a Pong was dropped when the reply queue was full \
                 (try_send). Wait for room with send().await: a full queue then stops the bridge \
                 reading the client, which is the bound doing its work"
            );
        }
        assert!(
            taken_while_not_reading < PINGS,
            "the bridge took all {PINGS} Pings from a client that read none of its Pongs: it keeps \
             the replies it owes in a buffer without a bound, which grows as long as the client \
             pings. Every buffer must be bounded (tokio::sync::mpsc::channel, not \
             unbounded_channel), so that a client that does not read is no longer read"
        );
        pinging.await.unwrap();
    });
}

/// A chat side whose writes fail, as a socket's do once the chat handler has gone, and which has
/// nothing to read yet.
struct BrokenChat;

impl tokio::io::AsyncRead for BrokenChat {
    fn poll_read(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        _: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Poll::Pending
    }
}

impl tokio::io::AsyncWrite for BrokenChat {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        _: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into()))
    }
    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[test]
fn a_failed_write_to_the_chat_ends_the_bridge_with_its_error() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let (mut tx, incoming) = mpsc::channel(WS_BUFFER);
        let (outgoing, _rx) = mpsc::channel(WS_BUFFER);
        let task = tokio::spawn(bridge(Socket { incoming, outgoing }, BrokenChat, MAX));
        let _ = tx.send(Ok(text("hello"))).await;
        let ended = tokio::time::timeout(WITHIN, task).await;
        assert!(
            matches!(ended, Ok(Ok(Err(BridgeError::Chat(_))))),
            "a write to the chat side failed, and the bridge {}: a failed write to the chat ends \
             the bridge with BridgeError::Chat (pass it on with ?), or the client talks on to a \
             chat handler that is gone",
            match &ended {
                Err(_) => "went on reading the client".to_string(),
                Ok(Ok(result)) => format!("returned {result:?}"),
                Ok(Err(e)) => format!("panicked: {e}"),
            }
        );
    });
}
