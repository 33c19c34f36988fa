//! # Exercise: one chat room
//!
//! Chapter 13, *A chat server*. [`client`] serves one connection of a one-room chat: the client
//! picks a nickname with `/nick <name>`, then every line it sends goes to everyone else in the
//! room as `<nick>: <text>`, and every line someone else sends comes back to it. The room is a
//! `tokio::sync::broadcast` channel that every client's task subscribes to.
//!
//! The tests live in `tests/chat_one_room.rs`. Do not edit them: `cargo lab check chat_one_room`
//! runs them as they are, and so does CI against the solution.

use std::sync::Arc;

use tokio::io::{self, AsyncRead, AsyncWrite};
use tokio::sync::broadcast;

/// One line on the room's channel: the sender's id, and the finished line with its `\n`.
pub type Line = (u64, Arc<str>);

/// Serves client `id` until it closes its side: reads its lines and relays the room to it.
///
/// - Until the client has sent `/nick <name>`, any other line gets the reply
///   `! choose a nickname first: /nick <name>`. `/nick <name>` gets `* you are <name>`.
/// - After that, each line `text` is sent to the room as `<nick>: text\n`.
/// - Every line on the room from another client is written to the client; its own are not.
pub async fn client<R, W>(
    id: u64,
    reader: R,
    writer: W,
    room: broadcast::Sender<Line>,
) -> io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    // TODO: subscribe to the room (`room.subscribe()`), then loop in a `tokio::select!` over two
    // branches: the next line from the client, and the next line from the room. Read lines with
    // something whose half-read line survives when the other branch wins (see chapter 10's
    // `cancel_safe_reader`: `AsyncBufReadExt::lines` and `next_line`). Write with
    // `AsyncWriteExt::write_all`; a line on the room carries its sender's id.
    let _ = (id, reader, writer, room);
    todo!("serve one chat client")
}
