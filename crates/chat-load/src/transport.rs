//! How a client reaches the server: plain TCP, TLS, or a WebSocket whose text frames are the lines.
//!
//! The generator reads and writes line bytes whatever the transport, so a transport's job is to
//! turn a connected TCP stream into a [`Reader`] and a [`Writer`] of lines. TCP hands over the
//! stream's halves as they are. A TLS client does the handshake and splits the TLS stream. A
//! WebSocket client does the upgrade (`GET /ws`), then runs two
//! small tasks that turn every line written into one text frame and every text frame received into
//! one line, over in-memory pipes (`tokio::io::duplex`).
//!
//! The WebSocket figures therefore include that hop on the client's side too (a copy and a task
//! wake-up per batch, at each end), which is what a real client's frame parsing costs as well.
//! A new transport is one more variant here and one more arm in [`open`].

use std::net::SocketAddr;

use futures_util::{FutureExt, SinkExt, StreamExt};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;

use crate::tls::TlsClient;

/// The reading side of a client: line bytes, whatever the transport.
pub type Reader = Box<dyn AsyncRead + Send + Unpin>;
/// The writing side of a client: line bytes, whatever the transport. Dropping it ends the
/// client's sending (a TCP half-close, or a WebSocket close frame).
pub type Writer = Box<dyn AsyncWrite + Send + Unpin>;

/// How clients talk to the server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// Lines over a TCP connection (`--addr` is the server's TCP address).
    #[default]
    Tcp,
    /// The same lines inside TLS (`--addr` is the server's TLS address, `chat-server --tls`).
    Tls,
    /// One text frame per line over a WebSocket at `ws://<addr>/ws` (`--addr` is the server's
    /// HTTP address, `chat-server --http`).
    Ws,
}

impl Transport {
    /// Its name in tables and on the command line: `tcp`, `tls`, `ws`.
    pub fn name(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Tls => "tls",
            Transport::Ws => "ws",
        }
    }
}

/// How much each in-memory pipe of a WebSocket client holds.
const PIPE: usize = 64 * 1024;

/// Turns a connected stream into a client's halves. `tls` is the client setup of
/// [`Transport::Tls`]; the other transports ignore it.
pub async fn open(
    transport: Transport,
    stream: TcpStream,
    addr: SocketAddr,
    tls: Option<&TlsClient>,
) -> Result<(Reader, Writer), String> {
    match transport {
        Transport::Tcp => {
            let (read, write) = stream.into_split();
            Ok((Box::new(read), Box::new(write)))
        }
        Transport::Tls => {
            let tls = tls.ok_or("--transport tls needs a certificate to trust (--tls-ca)")?;
            let stream = tls
                .connector
                .connect(tls.name.clone(), stream)
                .await
                .map_err(|e| format!("the TLS handshake failed: {e}"))?;
            // The two halves share a lock: rustls keeps one state for both directions.
            let (read, write) = tokio::io::split(stream);
            Ok((Box::new(read), Box::new(write)))
        }
        Transport::Ws => websocket(stream, addr).await,
    }
}

async fn websocket(stream: TcpStream, addr: SocketAddr) -> Result<(Reader, Writer), String> {
    // Frames as large as the server may send: a line of a long nickname and a long message. A
    // read buffer of 16 KiB rather than the default 128 KiB, which is allocated at once for each of
    // a thousand clients.
    let config = WebSocketConfig::default()
        .read_buffer_size(16 * 1024)
        .max_message_size(Some(1 << 20));
    let (ws, _) = tokio_tungstenite::client_async_with_config(
        format!("ws://{addr}/ws"),
        stream,
        Some(config),
    )
    .await
    .map_err(|e| format!("the WebSocket upgrade at ws://{addr}/ws failed: {e}"))?;
    let (mut sink, mut frames) = ws.split();
    let (reader, mut to_reader) = tokio::io::duplex(PIPE);
    let (writer, mut from_writer) = tokio::io::duplex(PIPE);
    // Frames in, lines out to the reader. Ends when the server closes (the reader then sees the
    // end of the stream) or the reader is gone.
    tokio::spawn(async move {
        let mut lines = Vec::new();
        let mut open = true;
        while open && let Some(Ok(frame)) = frames.next().await {
            lines.clear();
            push_line(&mut lines, frame);
            // Every frame already received goes into the same write: one write into the pipe
            // (a lock and a wake-up) per batch, not per line, as a TCP client reads a batch.
            while lines.len() < PIPE {
                match frames.next().now_or_never() {
                    Some(Some(Ok(frame))) => push_line(&mut lines, frame),
                    Some(_) => {
                        open = false;
                        break;
                    }
                    None => break,
                }
            }
            if to_reader.write_all(&lines).await.is_err() {
                return;
            }
        }
    });
    // Lines from the writer out as frames, a batch at a time. When the writer is dropped, a close
    // frame.
    tokio::spawn(async move {
        let mut buf = Vec::with_capacity(PIPE);
        let mut chunk = vec![0u8; PIPE];
        loop {
            let n = match from_writer.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            buf.extend_from_slice(&chunk[..n]);
            let mut start = 0;
            while let Some(end) = memchr::memchr(b'\n', &buf[start..]) {
                let text = String::from_utf8_lossy(&buf[start..start + end]).into_owned();
                start += end + 1;
                if sink.feed(Message::text(text)).await.is_err() {
                    return;
                }
            }
            buf.drain(..start);
            if sink.flush().await.is_err() {
                return;
            }
        }
        let _ = sink.close().await;
    });
    Ok((Box::new(reader), Box::new(writer)))
}

/// A text frame's text as a line; other frames are not lines.
fn push_line(lines: &mut Vec<u8>, frame: Message) {
    if let Message::Text(text) = frame {
        lines.extend_from_slice(text.as_bytes());
        lines.push(b'\n');
    }
}
