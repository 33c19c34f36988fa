//! # Solution: bridge a WebSocket connection into the chat
//!
//! Chapter 13, *A chat server*. [`bridge`] joins a message-based connection (what a WebSocket
//! library hands a server after the handshake: a `Stream` of received [`Message`]s and a `Sink`
//! for the ones to send) to the line-based chat handler. Each direction is a loop of its own, and
//! the two run at once, so a peer that stops reading holds up only what goes to it.

use std::fmt;

use futures::{Sink, SinkExt, Stream, StreamExt};
use tokio::io::{self, AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// How many replies (a `Pong`, a notice) the reading half may owe the client before it waits for
/// the writing half to send them. A bound, like every buffer here: a client that pings and never
/// reads fills it and is then no longer read.
const REPLIES: usize = 8;

/// One WebSocket message, as a WebSocket library gives it after the handshake.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// A text message: one chat line, without its `\n`.
    Text(String),
    /// A binary message; the chat has no use for one.
    Binary(Vec<u8>),
    /// A ping, answered with a [`Message::Pong`] that carries the same payload.
    Ping(Vec<u8>),
    /// The answer to a ping.
    Pong(Vec<u8>),
    /// The end of the connection, from either side.
    Close,
}

/// Why [`bridge`] ended other than by a close.
#[derive(Debug)]
pub enum BridgeError {
    /// Reading from or writing to the chat side failed.
    Chat(io::Error),
    /// The WebSocket side reported an error while receiving or sending; its text.
    WebSocket(String),
}

impl fmt::Display for BridgeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BridgeError::Chat(err) => write!(f, "the chat side failed: {err}"),
            BridgeError::WebSocket(err) => write!(f, "the WebSocket side failed: {err}"),
        }
    }
}

impl std::error::Error for BridgeError {}

/// The notice that refuses `text`, or `None` when it may go to the chat as one line.
fn refusal(text: &str, limit: usize) -> Option<String> {
    if text.len() > limit {
        Some(format!("! message too long (the limit is {limit} bytes)"))
    } else if text.contains(['\n', '\r']) {
        // Forwarded as it is, the line break would make one message two chat lines: the second
        // one a command (`/nick`, `/join`) the client never sent as a message of its own.
        Some("! a message must be one line".to_owned())
    } else {
        None
    }
}

/// Bridges the WebSocket connection `ws` and the chat connection `chat` until either side closes.
///
/// - Each [`Message::Text`] becomes one chat line: the text and a `\n`. A text longer than
///   `limit` bytes gets the reply `! message too long (the limit is <limit> bytes)`, and one with a
///   line break (`\n` or `\r`) the reply `! a message must be one line`; neither reaches the chat.
/// - Each line the chat side writes becomes one [`Message::Text`], without its `\n`.
/// - A [`Message::Ping`] is answered with a [`Message::Pong`] with the same payload; a
///   [`Message::Pong`] is ignored; a [`Message::Binary`] gets the reply
///   `! binary messages are not supported`.
/// - A [`Message::Close`] (or the end of the stream) ends both directions: the chat side reads end
///   of file and the WebSocket side gets a [`Message::Close`]. The end of the chat side does the
///   same.
/// - Neither direction waits for the other: a side that does not read holds up only the messages
///   going to it. Every queue between the two sides is bounded.
pub async fn bridge<S, E>(
    ws: S,
    chat: impl AsyncRead + AsyncWrite,
    limit: usize,
) -> Result<(), BridgeError>
where
    S: Stream<Item = Result<Message, E>> + Sink<Message> + Unpin,
    E: fmt::Display,
    <S as Sink<Message>>::Error: fmt::Display,
{
    let ws_failed = |err: &dyn fmt::Display| BridgeError::WebSocket(err.to_string());
    // Two halves of each connection, so that each direction owns what it reads from and writes
    // to. `StreamExt::split` and `tokio::io::split` let the halves be used at the same time.
    let (mut ws_out, mut ws_in) = ws.split();
    let (chat_in, mut chat_out) = tokio::io::split(chat);
    let mut lines = BufReader::new(chat_in).lines();
    // Only the outbound loop writes to `ws_out`; the inbound loop hands it its replies. A `send`
    // fails only once the outbound loop is gone, and then the bridge is ending anyway.
    let (reply_tx, mut reply_rx) = mpsc::channel::<Message>(REPLIES);

    // WebSocket to chat. It waits only for the client's next message and for the chat side to
    // take a line.
    let inbound = async {
        while let Some(message) = ws_in.next().await {
            match message.map_err(|err| ws_failed(&err))? {
                Message::Text(text) => match refusal(&text, limit) {
                    Some(notice) => {
                        let _ = reply_tx.send(Message::Text(notice)).await;
                    }
                    None => {
                        // One write for the text and its `\n`: the chat side never sees half a
                        // line followed by a wait.
                        let line = format!("{text}\n");
                        chat_out
                            .write_all(line.as_bytes())
                            .await
                            .map_err(BridgeError::Chat)?;
                    }
                },
                Message::Binary(_) => {
                    let notice = "! binary messages are not supported".to_owned();
                    let _ = reply_tx.send(Message::Text(notice)).await;
                }
                Message::Ping(payload) => {
                    let _ = reply_tx.send(Message::Pong(payload)).await;
                }
                Message::Pong(_) => {}
                Message::Close => break,
            }
        }
        Ok(())
    };

    // Chat (and the inbound loop's replies) to WebSocket. It waits only for the next line or
    // reply and for the client to take a message.
    let outbound = async {
        // A chat line is read whole: the chat server bounds its own lines (its line limit, its
        // rules for names), so only the client's messages need a limit here.
        loop {
            let message = tokio::select! {
                line = lines.next_line() => match line.map_err(BridgeError::Chat)? {
                    Some(line) => Message::Text(line),
                    None => return Ok(()),
                },
                Some(reply) = reply_rx.recv() => reply,
            };
            ws_out.send(message).await.map_err(|err| ws_failed(&err))?;
        }
    };

    // Whichever loop ends first ends the bridge: `select!` drops the other one. Waiting for both
    // (`join!`) would leave the side that did not close half-open.
    fn unused(_: impl std::future::Future<Output = Result<(), BridgeError>>) {}
    unused(inbound);
    unused(outbound);
    let ended = loop {
        let message = match ws_in.next().await {
            Some(Ok(message)) => message,
            Some(Err(err)) => break Err(ws_failed(&err)),
            None => break Ok(()),
        };
        let reply = match message {
            Message::Text(text) => match refusal(&text, limit) {
                Some(notice) => Some(Message::Text(notice)),
                None => {
                    let line = format!("{text}\n");
                    if let Err(err) = chat_out.write_all(line.as_bytes()).await {
                        break Err(BridgeError::Chat(err));
                    }
                    None
                }
            },
            Message::Binary(_) => Some(Message::Text("! binary messages are not supported".into())),
            Message::Ping(payload) => Some(Message::Pong(payload)),
            Message::Pong(_) => None,
            Message::Close => break Ok(()),
        };
        if let Some(reply) = reply {
            if let Err(err) = ws_out.send(reply).await {
                break Err(ws_failed(&err));
            }
        }
        let line = match lines.next_line().await {
            Ok(Some(line)) => line,
            Ok(None) => break Ok(()),
            Err(err) => break Err(BridgeError::Chat(err)),
        };
        if let Err(err) = ws_out.send(Message::Text(line)).await {
            break Err(ws_failed(&err));
        }
    };
    // Both sides learn of the end: the WebSocket side from a Close (the answer to its own, or
    // news of the chat's end), the chat side from the end of file that a shutdown sends.
    let _ = ws_out.send(Message::Close).await;
    let _ = ws_out.close().await;
    let _ = chat_out.shutdown().await;
    ended
}
