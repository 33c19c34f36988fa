//! The optional HTTP listener: the chat page and the WebSocket upgrade.
//!
//! One request per connection, read by a small request-head reader bounded in
//! size ([`MAX_HEAD`]) and in time ([`HEAD_TIMEOUT`]): a head that never ends
//! costs at most that much memory for that long. `GET /` (and the page's
//! script and style sheet) are answered and the connection closed; `GET /ws`
//! is upgraded to a WebSocket and handed to `ws::bridge`, which runs it
//! through the same connection code as a TCP client. Connections take their
//! slot with [`Server::admit`], as TCP and TLS ones do, so they count against the
//! same `max_connections` and in the metrics under `transport="ws"`.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;
use tokio::time::{Instant, timeout, timeout_at};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::handshake::derive_accept_key;
use tokio_tungstenite::tungstenite::protocol::Role;

use crate::{Server, Transport};

/// The largest request head accepted, in bytes: the request line and every
/// header. A browser's upgrade request is well under 1 KiB.
pub const MAX_HEAD: usize = 8 * 1024;

/// How long a client may take to send its whole request head. The deadline is
/// for the whole head, not for each read, so a head sent a byte at a time does
/// not hold the connection any longer.
pub const HEAD_TIMEOUT: Duration = Duration::from_secs(10);

const PAGE: &str = include_str!("../static/index.html");
const SCRIPT: &str = include_str!("../static/chat.js");
const STYLE: &str = include_str!("../static/chat.css");

/// The page loads nothing but its own script and style sheet, runs no inline
/// script, and talks only to this server: a message that got into the page as
/// HTML still could not run or load anything.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; \
                   connect-src 'self'; img-src 'none'; base-uri 'none'; \
                   form-action 'none'; frame-ancestors 'none'";

/// At most this many refused HTTP clients are answered at once (see
/// `refuse`); past that, a refused connection is closed at once.
const REFUSING_MAX: usize = 64;

/// How long a refused HTTP client may take to send its request head and take
/// the answer.
const REFUSING_WITHIN: Duration = Duration::from_secs(1);

/// Answers a client the server has no room for. An HTTP client sends its
/// request before it reads anything, and closing a socket that holds unread
/// bytes sends a reset, which makes the client's kernel throw the answer away:
/// so the head is read first (bounded in size and time), then the answer
/// written, then the connection closed.
async fn refuse(mut stream: TcpStream, answer: &str) {
    let deadline = Instant::now() + REFUSING_WITHIN;
    let mut buf = Vec::new();
    let _ = read_head(&mut stream, &mut buf, deadline).await;
    let _ = timeout_at(deadline, async {
        stream.write_all(answer.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}

/// A parsed request head.
struct Head {
    method: String,
    /// The path, without its query string.
    path: String,
    /// Header names in lower case, values trimmed.
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether the comma-separated header `name` holds `token`, in any case.
    fn has_token(&self, name: &str, token: &str) -> bool {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .any(|(_, v)| {
                v.split(',').any(|t| t.trim().eq_ignore_ascii_case(token))
            })
    }
}

/// Why no request head could be read.
enum HeadError {
    Closed,
    TooLarge,
    TimedOut,
    Malformed,
}

impl Server {
    /// Accepts HTTP clients on `listener` until the shutdown begins: the chat
    /// page at `/`, and WebSocket clients at `/ws`, who share rooms, limits and
    /// shutdown with the TCP clients. Run it beside [`Server::run`].
    pub async fn serve_http(&self, listener: TcpListener) {
        let max = self.shared.config.max_connections;
        let refusing = Arc::new(Semaphore::new(REFUSING_MAX));
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = self.shared.stop_reading.cancelled() => return,
            };
            let (stream, peer) = match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Usually no file descriptor left: wait a little rather
                    // than spin.
                    tracing::warn!(%err, "http accept failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            // The slot is taken now, before the request head is read, as TLS
            // takes it before its handshake: a head in progress counts against
            // the limit. `admit` counts a refusal under `ws`, the label of
            // everything that comes through this listener.
            let Some(slot) = self.admit(Transport::Ws) else {
                let body =
                    format!("! server full (at most {max} connections)\n");
                let answer = response(503, "text/plain", &body);
                match Arc::clone(&refusing).try_acquire_owned() {
                    Ok(permit) => {
                        tokio::spawn(async move {
                            refuse(stream, &answer).await;
                            drop(permit);
                        });
                    }
                    // Too many refusals at once: close at once, answered
                    // if the socket takes the answer now.
                    Err(_) => {
                        let _ = stream.try_write(answer.as_bytes());
                    }
                }
                continue;
            };
            let _ = stream.set_nodelay(true);
            let server = self.clone();
            self.tracker.spawn(async move {
                server.serve_http_stream(stream, Some(peer.ip())).await;
                drop(slot);
            });
        }
    }

    /// Serves one HTTP connection on an already-connected stream (a TCP
    /// stream, or an in-memory `tokio::io::duplex` in tests): one request, or
    /// one WebSocket session after an upgrade.
    pub async fn serve_http_stream<S>(
        &self,
        mut stream: S,
        peer: Option<IpAddr>,
    ) where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let mut buf = Vec::new();
        let deadline = Instant::now() + HEAD_TIMEOUT;
        let head = match read_head(&mut stream, &mut buf, deadline).await {
            Ok(head) => head,
            Err(HeadError::Closed) => return,
            Err(HeadError::TooLarge) => {
                let text = format!("! request head over {MAX_HEAD} bytes\n");
                return self
                    .reply(stream, response(431, "text/plain", &text))
                    .await;
            }
            Err(HeadError::TimedOut) => {
                let text = format!(
                    "! no whole request head within {} s\n",
                    HEAD_TIMEOUT.as_secs()
                );
                return self
                    .reply(stream, response(408, "text/plain", &text))
                    .await;
            }
            Err(HeadError::Malformed) => {
                let text = "! not an HTTP/1.1 request head\n";
                return self
                    .reply(stream, response(400, "text/plain", text))
                    .await;
            }
        };
        let (end, head) = head;
        if head.method != "GET" {
            let text = "! only GET is served\n";
            return self.reply(stream, response(405, "text/plain", text)).await;
        }
        let (content_type, body) = match head.path.as_str() {
            "/" | "/index.html" => ("text/html; charset=utf-8", PAGE),
            "/chat.js" => ("text/javascript; charset=utf-8", SCRIPT),
            "/chat.css" => ("text/css; charset=utf-8", STYLE),
            "/ws" => {
                return self
                    .upgrade(stream, &head, buf.split_off(end), peer)
                    .await;
            }
            _ => ("text/plain; charset=utf-8", "! not found\n"),
        };
        let status = if body.starts_with("! not found") {
            404
        } else {
            200
        };
        self.reply(stream, response(status, content_type, body))
            .await;
    }

    /// Writes a whole response, bounded by the write time-out, and closes.
    async fn reply<S>(&self, mut stream: S, response: String)
    where
        S: AsyncWrite + Unpin,
    {
        let limit = self.shared.config.write_timeout;
        let _ = timeout(limit, async {
            stream.write_all(response.as_bytes()).await?;
            stream.shutdown().await
        })
        .await;
    }

    /// Checks an upgrade request, answers it, and runs the WebSocket.
    async fn upgrade<S>(
        &self,
        mut stream: S,
        head: &Head,
        rest: Vec<u8>,
        peer: Option<IpAddr>,
    ) where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let key = head.header("sec-websocket-key");
        let ok = head.has_token("upgrade", "websocket")
            && head.has_token("connection", "upgrade")
            && head.header("sec-websocket-version") == Some("13");
        let Some(key) = key.filter(|_| ok) else {
            let text = "! /ws takes a WebSocket upgrade (version 13)\n";
            return self.reply(stream, response(400, "text/plain", text)).await;
        };
        // A page on another site may open a WebSocket to this server from a
        // visitor's browser; browsers always say which page did it. Accept
        // only our own page, or a client that is not a browser.
        if let Some(origin) = head.header("origin") {
            let origin_host = origin.split_once("://").map(|(_, host)| host);
            if origin_host != head.header("host") {
                let text = "! WebSocket from another site's page refused\n";
                return self
                    .reply(stream, response(403, "text/plain", text))
                    .await;
            }
        }
        let accept = derive_accept_key(key.as_bytes());
        let switch = format!(
            "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
        );
        let limit = self.shared.config.write_timeout;
        match timeout(limit, stream.write_all(switch.as_bytes())).await {
            Ok(Ok(())) => {}
            _ => return,
        }
        let config = crate::ws::config(self.shared.config.max_line);
        // `rest`: frames the client sent right behind its head, already read.
        let ws = WebSocketStream::from_partially_read(
            stream,
            rest,
            Role::Server,
            Some(config),
        )
        .await;
        crate::ws::bridge(self, ws, peer).await;
    }
}

/// Reads until the blank line that ends a request head, at most [`MAX_HEAD`]
/// bytes, until `deadline`. Returns where the head ends in `buf` (bytes after
/// it belong to what follows) and the head.
async fn read_head<S>(
    stream: &mut S,
    buf: &mut Vec<u8>,
    deadline: Instant,
) -> Result<(usize, Head), HeadError>
where
    S: AsyncRead + Unpin,
{
    let mut chunk = [0u8; 1024];
    loop {
        let read = timeout_at(deadline, stream.read(&mut chunk)).await;
        let n = match read {
            Err(_) => return Err(HeadError::TimedOut),
            Ok(Err(_) | Ok(0)) => return Err(HeadError::Closed),
            Ok(Ok(n)) => n,
        };
        // Look again only where the new bytes could complete `\r\n\r\n`.
        let from = buf.len().saturating_sub(3);
        buf.extend_from_slice(&chunk[..n]);
        if let Some(at) = buf[from..].windows(4).position(|w| w == b"\r\n\r\n")
        {
            let end = from + at + 4;
            if end > MAX_HEAD {
                return Err(HeadError::TooLarge);
            }
            let head = parse(&buf[..end]).ok_or(HeadError::Malformed)?;
            return Ok((end, head));
        }
        if buf.len() >= MAX_HEAD {
            return Err(HeadError::TooLarge);
        }
    }
}

fn parse(bytes: &[u8]) -> Option<Head> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut lines = text.split("\r\n");
    let mut request = lines.next()?.split(' ');
    let (method, target, version) =
        (request.next()?, request.next()?, request.next()?);
    if request.next().is_some() || !version.starts_with("HTTP/1.") {
        return None;
    }
    let path = target.split_once('?').map_or(target, |(path, _)| path);
    let mut headers = Vec::new();
    for line in lines.take_while(|line| !line.is_empty()) {
        let (name, value) = line.split_once(':')?;
        headers
            .push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    Some(Head {
        method: method.to_string(),
        path: path.to_string(),
        headers,
    })
}

/// A whole response with `body`, after which the connection closes.
fn response(status: u16, content_type: &str, body: &str) -> String {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        _ => "Service Unavailable",
    };
    format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\nCache-Control: no-store\r\n\
         X-Content-Type-Options: nosniff\r\nContent-Security-Policy: {CSP}\r\n\
         \r\n{body}",
        body.len()
    )
}
