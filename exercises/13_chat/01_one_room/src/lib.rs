//! # Solution: one chat room
//!
//! Chapter 13, *A chat server*. [`client`] serves one connection of a one-room chat: the client
//! picks a nickname with `/nick <name>`, then every line it sends goes to everyone else in the
//! room as `<nick>: <text>`, and every line someone else sends comes back to it.

use std::sync::Arc;

use tokio::io::{self, AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
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
    mut writer: W,
    room: broadcast::Sender<Line>,
) -> io::Result<()>
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    // `Lines::next_line` keeps a half-read line inside the `Lines`, which outlives the `select!`:
    // when the room's branch wins, nothing the client sent is lost.
    let mut lines = BufReader::new(reader).lines();
    let mut nick: Option<String> = None;
    loop {
        let mut rx = room.subscribe();
        tokio::select! {
            line = lines.next_line() => {
                let Some(line) = line? else { return Ok(()) };
                if let Some(name) = line.strip_prefix("/nick ") {
                    writer.write_all(format!("* you are {name}\n").as_bytes()).await?;
                    nick = Some(name.to_string());
                } else if let Some(nick) = &nick {
                    let _ = room.send((id, format!("{nick}: {line}\n").into()));
                } else {
                    writer.write_all(b"! choose a nickname first: /nick <name>\n").await?;
                }
            }
            msg = rx.recv() => match msg {
                Ok((from, line)) if from != id => writer.write_all(line.as_bytes()).await?,
                Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                Err(broadcast::error::RecvError::Closed) => return Ok(()),
            },
        }
    }
}
