//! A WebSocket client, served by the same connection code as a TCP client.
//!
//! `conn::serve` reads lines from any `AsyncRead` and writes lines to any
//! `AsyncWrite`. A WebSocket connection gets two in-memory pipes
//! (`tokio::io::duplex`) in their place, and two pumps beside it, all polled by
//! the connection's one task:
//!
//! - in: each text frame is one line. It goes into the pipe with a `\n`, and
//!   the connection code cuts, limits and runs it as it would a TCP client's
//!   line. A frame holding a line break, or a binary frame, is refused with a
//!   `! ` notice; a frame over the line limit is refused by the WebSocket
//!   reader itself (`max_frame_size`), before its payload is read, with a `! `
//!   notice and a close frame 1009 (message too big).
//! - out: each line the connection code writes is one text frame.
//!
//! The pipes are small (`PIPE`), so every bound of the TCP side holds: a
//! client that stops reading fills them, the connection code's write waits and
//! its write time-out ends the connection; the connection code stops taking
//! lines while its output is over its bound, the in-pipe fills, and the pump
//! stops reading frames. The idle and nickname clocks run in the connection
//! code, so a frame that never ends does not stop them.

use std::net::IpAddr;
use std::pin::pin;
use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use tokio::io::{
    AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream,
};
use tokio::sync::mpsc;
use tokio::time::{Instant, timeout_at};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message, Utf8Bytes};
use tokio_util::bytes::BytesMut;
use tokio_util::sync::CancellationToken;

use crate::{Server, Transport};

/// The capacity of each in-memory pipe between a WebSocket and the connection
/// code: what the bridge holds for one client in each direction, besides the
/// WebSocket's own buffers.
const PIPE: usize = 8 * 1024;

/// How long the out pump may take, after the connection code has finished, to
/// send what is left and the close frame.
const CLOSE_WITHIN: Duration = Duration::from_secs(2);

// ANCHOR: ws_config
/// The WebSocket limits for a server whose longest line is `max_line` bytes: a
/// message is one line, so no frame or message may be longer. Small buffers:
/// most chat clients are idle, and each buffer is paid per client.
pub(crate) fn config(max_line: usize) -> WebSocketConfig {
    // Lines are written as frames into a buffer that is sent once it holds
    // `batch` bytes (and at every flush, after each batch the connection code
    // writes). A line can be up to three times `max_line` once `sanitize` has
    // replaced control bytes, plus the nickname.
    let batch = 8 * 1024;
    WebSocketConfig::default()
        .read_buffer_size(4096)
        .write_buffer_size(batch)
        .max_write_buffer_size(batch + 4 * max_line + 1024)
        .max_message_size(Some(max_line))
        .max_frame_size(Some(max_line))
}
// ANCHOR_END: ws_config

/// Runs one WebSocket client through the connection code until it ends.
pub(crate) async fn bridge<S>(
    server: &Server,
    ws: WebSocketStream<S>,
    peer: Option<IpAddr>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let max_line = server.shared.config.max_line;
    let (sink, frames) = ws.split();
    let (conn_in, to_conn) = tokio::io::duplex(PIPE);
    let (conn_out, from_conn) = tokio::io::duplex(PIPE);
    let (notices, notices_rx) = mpsc::channel(2);
    let stop = CancellationToken::new();

    let mut serve =
        pin!(server.serve_as(Transport::Ws, conn_in, conn_out, peer));
    let mut input = pin!(async {
        tokio::select! {
            () = pump_in(frames, to_conn, notices, max_line) => {}
            () = stop.cancelled() => {}
        }
    });
    let mut output = pin!(pump_out(sink, from_conn, notices_rx));
    let (mut input_done, mut output_done) = (false, false);
    loop {
        tokio::select! {
            () = &mut serve => break,
            () = &mut input, if !input_done => input_done = true,
            () = &mut output, if !output_done => {
                // The client is gone or was sent a close frame: stop reading
                // it, which the connection code sees as the end of its input.
                output_done = true;
                stop.cancel();
            }
        }
    }
    if !output_done {
        let mut until = Instant::now() + CLOSE_WITHIN;
        if let Some(deadline) = server.shared.deadline.get() {
            until = until.min(*deadline);
        }
        let _ = timeout_at(until, output).await;
    }
}

/// Frames in, lines out to the connection code.
async fn pump_in<S>(
    mut frames: SplitStream<WebSocketStream<S>>,
    mut to_conn: DuplexStream,
    notices: mpsc::Sender<Message>,
    max_line: usize,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut line = Vec::new();
    // ANCHOR: ws_frame
    while let Some(frame) = frames.next().await {
        let refusal = match frame {
            Ok(Message::Text(text)) => {
                if text.contains('\n') {
                    "! one message is one line: that one held a line break; \
                     it was discarded"
                } else {
                    // Waits while the connection code is not taking lines:
                    // the client's frames then wait in its socket.
                    line.clear();
                    line.extend_from_slice(text.as_bytes());
                    line.push(b'\n');
                    if to_conn.write_all(&line).await.is_err() {
                        return;
                    }
                    continue;
                }
            }
            Ok(Message::Binary(_)) => {
                "! binary frames are not accepted: send each line as a text \
                 frame"
            }
            // The connection code sees the end of its input when this
            // returns, as with a TCP client that closes.
            Ok(Message::Close(_)) => return,
            // Pings are answered by the WebSocket layer itself.
            Ok(_) => continue,
            Err(WsError::Capacity(_)) => {
                let text = format!(
                    "! message too long: the limit is {max_line} bytes; closing"
                );
                let close = CloseFrame {
                    code: CloseCode::Size,
                    reason: "message too long".into(),
                };
                let _ = notices.send(Message::text(text)).await;
                let _ = notices.send(Message::Close(Some(close))).await;
                // The reader cannot skip the rest of a frame it refused, so
                // the connection ends; the out pump sends the close frame and
                // then stops this one.
                std::future::pending::<()>().await;
                return;
            }
            Err(err) => {
                tracing::debug!(%err, "websocket read failed");
                return;
            }
        };
        if notices.send(Message::text(refusal)).await.is_err() {
            return;
        }
    }
    // ANCHOR_END: ws_frame
}

/// Lines from the connection code out as frames, and the in pump's notices.
/// Returns once the connection code's output has ended and a close frame was
/// sent, or the client is gone.
async fn pump_out<S>(
    mut sink: SplitSink<WebSocketStream<S>, Message>,
    mut from_conn: DuplexStream,
    mut notices: mpsc::Receiver<Message>,
) where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut buf = BytesMut::new();
    let mut notices_open = true;
    loop {
        // Room for a read; a line longer than this grows `buf` until its end
        // arrives.
        if buf.capacity() - buf.len() < 1024 {
            buf.reserve(4096);
        }
        tokio::select! {
            read = from_conn.read_buf(&mut buf) => {
                let n = read.unwrap_or(0);
                // The connection code writes whole lines, but a pipe may hand
                // over part of one: it waits in `buf` for its end.
                while let Some(end) = buf.iter().position(|&b| b == b'\n') {
                    let line = buf.split_to(end + 1).freeze().slice(..end);
                    let text = Utf8Bytes::try_from(line).unwrap_or_else(|err| {
                        // Never happens: the connection code writes strings.
                        tracing::debug!(%err, "a line out was not UTF-8");
                        Utf8Bytes::from_static("! (a line that was not UTF-8)")
                    });
                    if sink.feed(Message::Text(text)).await.is_err() {
                        return;
                    }
                }
                if n == 0 {
                    let close = CloseFrame {
                        code: CloseCode::Normal,
                        reason: Utf8Bytes::default(),
                    };
                    let _ = sink.send(Message::Close(Some(close))).await;
                    return;
                }
                if sink.flush().await.is_err() {
                    return;
                }
            }
            notice = notices.recv(), if notices_open => match notice {
                Some(close @ Message::Close(_)) => {
                    let _ = sink.send(close).await;
                    return;
                }
                Some(notice) => {
                    if sink.send(notice).await.is_err() {
                        return;
                    }
                }
                None => notices_open = false,
            },
        }
    }
}
