//! # Exercise: bridge a WebSocket connection into the chat
//!
//! Chapter 13, *A chat server*. A browser speaks WebSocket: messages, not lines. [`bridge`] joins
//! such a connection (what a WebSocket library hands a server after the handshake: a `Stream` of
//! received [`Message`]s and a `Sink` for the ones to send) to the line-based chat handler, so
//! that a browser can share a room with `nc` clients. The types are given; you write `bridge`.
//!
//! The tests live in `tests/ws_bridge.rs`. Do not edit them: `cargo lab check ws_bridge` runs
//! them as they are, and so does CI against the solution.

use std::fmt;

use futures::{Sink, Stream};
use tokio::io::{self, AsyncRead, AsyncWrite};

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
    // TODO: carry messages both ways at once, by the rules above: the client's next message
    // (`StreamExt::next`) to the chat (`AsyncWriteExt::write_all`), and the chat's next line
    // (`AsyncBufReadExt::lines`) to the client (`SinkExt::send`). A side that does not read may
    // hold up only what goes to it. Helpful: `StreamExt::split`, `tokio::io::split`,
    // `tokio::sync::mpsc::channel` and `tokio::select!`.
    let _ = (ws, chat, limit);
    todo!("bridge the WebSocket connection and the chat")
}
