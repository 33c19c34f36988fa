//! The chat server's HTTP listener and WebSocket clients: the page, a WebSocket client and a TCP
//! client in one room, and the WebSocket twins of the TCP attacks (a frame over the line limit, a
//! frame that never ends, a client that never reads), plus a request head that never ends. Over
//! TCP on `127.0.0.1:0` where the socket matters, over an in-memory `tokio::io::duplex` with paused
//! time where a clock is the point. A WebSocket client also counts in `/metrics` under `ws` and in
//! the connection limit it shares with TCP and TLS clients. Every test runs under a testkit time
//! limit.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use chat::{Config, HEAD_TIMEOUT, MAX_HEAD, Report, Server};
use common::{Client, LIMIT, LINE_WITHIN, quiet_config, tcp_client};
use futures_util::{SinkExt, StreamExt};
use testkit::Flavor;
use tokio::io::{
    AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

/// A server with both listeners on free loopback ports: (TCP, HTTP).
async fn start_both(
    config: Config,
) -> (
    SocketAddr,
    SocketAddr,
    oneshot::Sender<()>,
    JoinHandle<Report>,
) {
    let tcp = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let http = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let (tcp_addr, http_addr) =
        (tcp.local_addr().unwrap(), http.local_addr().unwrap());
    let server = Server::new(config);
    let web = server.clone();
    tokio::spawn(async move { web.serve_http(http).await });
    let (stop, stopped) = oneshot::channel::<()>();
    let handle = tokio::spawn(server.run(tcp, async move {
        let _ = stopped.await;
    }));
    (tcp_addr, http_addr, stop, handle)
}

/// A WebSocket client that reads text frames as lines.
struct Ws<S> {
    ws: WebSocketStream<S>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Ws<S> {
    async fn send(&mut self, line: &str) {
        self.ws.send(Message::text(line)).await.unwrap();
    }

    /// The next text frame; fails the test with `what` if none comes in time.
    async fn next(&mut self, what: &str) -> String {
        loop {
            match tokio::time::timeout(LINE_WITHIN, self.ws.next()).await {
                Ok(Some(Ok(Message::Text(text)))) => return text.to_string(),
                Ok(Some(Ok(Message::Close(frame)))) => panic!(
                    "the server closed ({frame:?}) while the test waited for {what}"
                ),
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(err))) => panic!(
                    "reading failed ({err}) while the test waited for {what}"
                ),
                Ok(None) => panic!(
                    "the connection ended while the test waited for {what}"
                ),
                Err(_) => panic!(
                    "no frame within {LINE_WITHIN:?} while the test waited for {what}"
                ),
            }
        }
    }

    async fn until(&mut self, needle: &str, what: &str) -> String {
        loop {
            let line = self.next(what).await;
            if line.contains(needle) {
                return line;
            }
        }
    }
}

/// Connects a WebSocket client to `/ws` over TCP and registers `nick`.
async fn ws_client(http: SocketAddr, nick: &str) -> Ws<TcpStream> {
    let stream = TcpStream::connect(http).await.unwrap();
    ws_register(stream, &format!("ws://{http}/ws"), nick).await
}

async fn ws_register<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
    url: &str,
    nick: &str,
) -> Ws<S> {
    let (ws, response) = tokio_tungstenite::client_async(url, stream)
        .await
        .expect("the WebSocket handshake");
    assert_eq!(response.status(), 101);
    let mut ws = Ws { ws };
    let welcome = ws.next("the welcome").await;
    assert!(welcome.starts_with("* welcome"), "got {welcome:?}");
    ws.send(&format!("/nick {nick}")).await;
    ws.until(
        "you are in room lobby",
        "the notice that /nick put it in the lobby",
    )
    .await;
    ws
}

// The raw protocol, for clients that misbehave on purpose.

const UPGRADE: &str = "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n\
                       Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
                       Sec-WebSocket-Version: 13\r\n\r\n";

/// The head of a masked client frame of `len` payload bytes (what a browser sends).
fn frame_head(opcode: u8, len: u64) -> Vec<u8> {
    let mut head = vec![0x80 | opcode];
    if len < 126 {
        head.push(0x80 | len as u8);
    } else if len <= u64::from(u16::MAX) {
        head.push(0x80 | 126);
        head.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        head.push(0x80 | 127);
        head.extend_from_slice(&len.to_be_bytes());
    }
    head.extend_from_slice(&MASK);
    head
}

const MASK: [u8; 4] = [0x11, 0x22, 0x33, 0x44];

fn frame(opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mut frame = frame_head(opcode, payload.len() as u64);
    frame.extend(payload.iter().enumerate().map(|(i, b)| b ^ MASK[i % 4]));
    frame
}

/// Sends the upgrade request and reads the response head, returning it.
async fn raw_upgrade<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
) -> String {
    stream.write_all(UPGRADE.as_bytes()).await.unwrap();
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8];
        stream
            .read_exact(&mut byte)
            .await
            .expect("the upgrade response");
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap()
}

/// One server frame (never masked): (opcode, payload); `None` at end of stream.
async fn raw_frame<R: AsyncRead + Unpin>(
    reader: &mut R,
) -> Option<(u8, Vec<u8>)> {
    let mut head = [0u8; 2];
    reader.read_exact(&mut head).await.ok()?;
    let len = match head[1] & 0x7f {
        126 => u64::from(reader.read_u16().await.ok()?),
        127 => reader.read_u64().await.ok()?,
        n => u64::from(n),
    };
    let mut payload = vec![0u8; len as usize];
    reader.read_exact(&mut payload).await.ok()?;
    Some((head[0] & 0x0f, payload))
}

/// Every text frame until the close frame and the end of the stream: (texts, close code).
async fn raw_to_close<R: AsyncRead + Unpin>(
    reader: &mut R,
    within: Duration,
    what: &str,
) -> (Vec<String>, Option<u16>) {
    let mut texts = Vec::new();
    let mut code = None;
    loop {
        match tokio::time::timeout(within, raw_frame(reader)).await {
            Err(_) => panic!(
                "the server neither sent a frame nor closed within {within:?} while the test \
                 waited for {what} (frames so far: {texts:?})"
            ),
            Ok(None) => return (texts, code),
            Ok(Some((1, text))) => texts.push(String::from_utf8(text).unwrap()),
            Ok(Some((8, payload))) => {
                code =
                    payload.get(..2).map(|c| u16::from_be_bytes([c[0], c[1]]));
            }
            Ok(Some(_)) => {}
        }
    }
}

/// An HTTP connection over a pipe, served by `server` on a task.
fn duplex_http(server: &Server) -> DuplexStream {
    let (ours, theirs) = tokio::io::duplex(64 * 1024);
    let server = server.clone();
    tokio::spawn(async move { server.serve_http_stream(theirs, None).await });
    ours
}

// The page.

#[test]
fn the_page_is_served_with_its_script_and_a_strict_policy() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let server = Server::new(quiet_config());
        let mut http = duplex_http(&server);
        http.write_all(b"GET /?nick=ann HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .await
            .unwrap();
        let mut response = String::new();
        http.read_to_string(&mut response).await.unwrap();
        assert!(response.starts_with("HTTP/1.1 200 OK\r\n"), "{response}");
        assert!(
            response.contains(
                "Content-Security-Policy: default-src 'none'; script-src 'self'"
            ),
            "the page forbids inline and foreign scripts: {response}"
        );
        assert!(response.contains(r#"<script src="/chat.js" defer></script>"#));
        let mut js = duplex_http(&server);
        js.write_all(b"GET /chat.js HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .await
            .unwrap();
        let mut script = String::new();
        js.read_to_string(&mut script).await.unwrap();
        assert!(
            script.starts_with(
                "HTTP/1.1 200 OK\r\nContent-Type: text/javascript"
            )
        );
        for sink in [
            "innerHTML",
            "outerHTML",
            "insertAdjacentHTML",
            "document.write",
        ] {
            assert!(
                !script.contains(sink),
                "chat.js must put text in the page with textContent only, and uses {sink}"
            );
        }
        let mut missing = duplex_http(&server);
        missing
            .write_all(b"GET /etc/passwd HTTP/1.1\r\n\r\n")
            .await
            .unwrap();
        let mut response = String::new();
        missing.read_to_string(&mut response).await.unwrap();
        assert!(response.starts_with("HTTP/1.1 404 "), "{response}");
    });
}

// The same rooms for both kinds of client.

#[test]
fn a_websocket_client_and_a_tcp_client_share_a_room() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (tcp, http, stop, server) = start_both(quiet_config()).await;
        let (mut nc, mut nc_w) = tcp_client(tcp, "nc").await;
        let mut web = ws_client(http, "web").await;
        nc.until("web joined lobby", "the WebSocket client's arrival")
            .await;
        web.send("/join den").await;
        web.until("you are in room den", "the WebSocket client's /join")
            .await;
        nc_w.write_all(b"/join den\n").await.unwrap();
        nc.until("you are in room den (2 here)", "the TCP client's /join")
            .await;
        web.until("nc joined den", "the TCP client's arrival").await;

        web.send("hello from a browser").await;
        assert_eq!(
            nc.next("the WebSocket client's message").await,
            "web: hello from a browser",
            "a text frame is one line to a TCP client"
        );
        nc_w.write_all(b"hello from nc\n").await.unwrap();
        assert_eq!(
            web.next("the TCP client's message").await,
            "nc: hello from nc",
            "a TCP line is one text frame to a WebSocket client"
        );
        web.send("/who").await;
        assert_eq!(web.next("the reply to /who").await, "* in den: nc, web");

        stop.send(()).unwrap();
        assert_eq!(
            web.until("goodbye", "the WebSocket client's goodbye").await,
            "* server shutting down: goodbye",
            "the shutdown says goodbye to WebSocket clients too"
        );
        let report = server.await.unwrap();
        assert_eq!(report.messages, 2, "{report:?}");
        assert_eq!(report.connections, 2, "{report:?}");
    });
}

// 1. A frame over the line limit.

#[test]
fn a_frame_over_the_line_limit_is_refused_with_a_notice_and_close_1009() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            max_line: 64,
            ..quiet_config()
        });
        let mut http = duplex_http(&server);
        let head = raw_upgrade(&mut http).await;
        assert!(head.starts_with("HTTP/1.1 101 "), "{head}");
        let (mut reader, mut writer) = tokio::io::split(http);
        writer.write_all(&frame(1, b"/nick big")).await.unwrap();
        // Only the head of a 1 MiB frame: the server must refuse it from its length, before the
        // payload (which never comes) would fill its memory.
        writer.write_all(&frame_head(1, 1 << 20)).await.unwrap();
        let (texts, code) = raw_to_close(
            &mut reader,
            LINE_WITHIN,
            "the refusal of a long frame",
        )
        .await;
        assert!(
            texts
                .iter()
                .any(|t| t
                    == "! message too long: the limit is 64 bytes; closing"),
            "a frame over --max-line gets a `! ` notice, got {texts:?}"
        );
        assert_eq!(
            code,
            Some(1009),
            "and a close frame 1009 (message too big): {texts:?}"
        );
    });
}

#[test]
fn a_frame_with_a_line_break_or_binary_is_refused_with_a_notice() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (tcp, http, _stop, _server) = start_both(quiet_config()).await;
        let (mut nc, _nc_w) = tcp_client(tcp, "nc").await;
        let mut web = ws_client(http, "web").await;
        nc.until("web joined lobby", "the arrival").await;
        web.send("one\n/nick mallory").await;
        assert_eq!(
            web.next("the reply to a frame with a line break").await,
            "! one message is one line: that one held a line break; it was discarded"
        );
        web.ws.send(Message::binary(&b"hi\n"[..])).await.unwrap();
        assert_eq!(
            web.next("the reply to a binary frame").await,
            "! binary frames are not accepted: send each line as a text frame"
        );
        web.send("fine").await;
        assert_eq!(
            nc.next("the next message").await,
            "web: fine",
            "the refused frames reached nobody, and the connection goes on"
        );
    });
}

// 2. A frame that never ends.

#[test]
fn a_frame_trickled_byte_by_byte_does_not_stop_the_nickname_clock() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            nick_timeout: Duration::from_secs(60),
            ..quiet_config()
        });
        let mut http = duplex_http(&server);
        raw_upgrade(&mut http).await;
        let (mut reader, mut writer) = tokio::io::split(http);
        let start = tokio::time::Instant::now();
        // A frame of 100 bytes, one byte every 5 s: it would end after 500 s.
        let drip = tokio::spawn(async move {
            let bytes = frame(1, &[b'x'; 100]);
            for byte in bytes {
                if writer.write_all(&[byte]).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
        let (texts, code) = raw_to_close(
            &mut reader,
            Duration::from_secs(120),
            "the disconnection of a client that never ends a frame",
        )
        .await;
        assert_eq!(
            texts.last().map(String::as_str),
            Some("* no nickname after 60 s: disconnecting"),
            "a frame still arriving is not a nickname"
        );
        assert_eq!(code, Some(1000), "then a close frame: {texts:?}");
        let waited = start.elapsed();
        assert!(
            waited < Duration::from_secs(70),
            "closed after {waited:?}, not at its 60 s"
        );
        drip.abort();
    });
}

#[test]
fn a_frame_trickled_byte_by_byte_does_not_reset_the_idle_clock() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            idle_timeout: Duration::from_secs(300),
            ..quiet_config()
        });
        let http = duplex_http(&server);
        let mut ws = ws_register(http, "ws://localhost/ws", "drip").await;
        let start = tokio::time::Instant::now();
        // The head of a 1,000-byte frame, then a byte every 5 s.
        ws.ws
            .get_mut()
            .write_all(&frame_head(1, 1000))
            .await
            .unwrap();
        let (mut reader, mut writer) = tokio::io::split(ws.ws.into_inner());
        let drip = tokio::spawn(async move {
            for _ in 0..200 {
                if writer.write_all(b"x").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
        let (texts, code) = raw_to_close(
            &mut reader,
            Duration::from_secs(600),
            "the disconnection of a client that never ends a frame",
        )
        .await;
        assert_eq!(
            texts.last().map(String::as_str),
            Some("* idle for 300 s: disconnecting"),
            "bytes of a frame are not a line: the client is idle"
        );
        assert_eq!(code, Some(1000));
        let waited = start.elapsed();
        assert!(waited < Duration::from_secs(310), "closed after {waited:?}");
        drip.abort();
    });
}

// 3. A client that never reads.

#[test]
fn a_websocket_client_that_never_reads_is_dropped_and_the_others_keep_receiving()
 {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (tcp, http, _stop, _server) = start_both(Config {
            write_timeout: Duration::from_secs(1),
            ..quiet_config()
        })
        .await;
        let (mut nc, mut nc_w) = tcp_client(tcp, "nc").await;
        let mut web = ws_client(http, "web").await;
        // `stalled` registers, then never reads again, with a small receive buffer.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let stream = socket.connect(http).await.unwrap();
        let stalled =
            ws_register(stream, &format!("ws://{http}/ws"), "stalled").await;
        nc.until("stalled joined lobby", "the arrival").await;
        web.until("stalled joined lobby", "the arrival").await;

        // 6,000 messages of 1 KB: 6 MB that `stalled` does not read.
        let talker = tokio::spawn(async move {
            let (c, mut w) = tcp_client(tcp, "talker").await;
            let pad = "p".repeat(1000);
            for i in 0..6000 {
                let line = format!("m{i} {pad}\n");
                w.write_all(line.as_bytes()).await.unwrap();
            }
            (c, w)
        });
        let last = "talker: m5999 ";
        let tcp_reader = tokio::spawn(async move {
            nc.until(last, "the TCP client's last message").await;
            nc
        });
        let ws_reader = tokio::spawn(async move {
            web.until(last, "the WebSocket client's last message").await;
            web
        });
        let mut nc =
            tcp_reader.await.expect("the TCP client got every message");
        let _web = ws_reader
            .await
            .expect("the WebSocket client got every message");
        // The write time-out (1 s) ends `stalled`'s connection: it leaves the room.
        let since = std::time::Instant::now();
        loop {
            nc_w.write_all(b"/who\n").await.unwrap();
            let who = nc.until("* in lobby", "the reply to /who").await;
            if !who.contains("stalled") {
                break;
            }
            assert!(
                since.elapsed() < Duration::from_secs(10),
                "a WebSocket client that reads nothing is still connected 10 s after the room's \
                 last message ({who}): its output is not bounded, or no write time-out applies"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        drop((talker, stalled));
    });
}

// 4. A request head that never ends.

#[test]
fn a_request_head_that_never_ends_is_answered_408_at_its_deadline() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(quiet_config());
        let http = duplex_http(&server);
        let (mut reader, mut writer) = tokio::io::split(http);
        let start = tokio::time::Instant::now();
        // A header line every second: each read comes soon, the head never ends.
        let drip = tokio::spawn(async move {
            writer.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
            for i in 0..1000 {
                let line = format!("X-{i}: y\r\n");
                if writer.write_all(line.as_bytes()).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        });
        let mut response = String::new();
        tokio::time::timeout(
            Duration::from_secs(60),
            reader.read_to_string(&mut response),
        )
        .await
        .expect("the server answered and closed within 60 s")
        .unwrap();
        assert!(
            response.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
            "a head still arriving at its deadline is refused: {response:?}"
        );
        let waited = start.elapsed();
        assert!(
            waited >= HEAD_TIMEOUT
                && waited < HEAD_TIMEOUT + Duration::from_secs(2),
            "closed after {waited:?}, not at its {HEAD_TIMEOUT:?}"
        );
        drip.abort();
    });
}

#[test]
fn a_request_head_over_the_limit_is_answered_431() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(quiet_config());
        let http = duplex_http(&server);
        let (mut reader, mut writer) = tokio::io::split(http);
        // Headers without end, as fast as the pipe takes them.
        let flood = tokio::spawn(async move {
            writer.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
            let line = format!("X-Pad: {}\r\n", "a".repeat(100));
            for _ in 0..100_000 {
                if writer.write_all(line.as_bytes()).await.is_err() {
                    return;
                }
            }
        });
        let mut response = String::new();
        tokio::time::timeout(LINE_WITHIN, reader.read_to_string(&mut response))
            .await
            .expect("the server answered and closed at once")
            .unwrap();
        assert!(
            response.starts_with("HTTP/1.1 431 "),
            "a head over {MAX_HEAD} bytes is refused: {response:?}"
        );
        flood.abort();
    });
}

#[test]
fn websocket_clients_count_against_the_same_connection_limit() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (tcp, http, _stop, _server) = start_both(Config {
            max_connections: 2,
            ..quiet_config()
        })
        .await;
        let (_nc, _nc_w) = tcp_client(tcp, "nc").await;
        let _web = ws_client(http, "web").await;
        let mut third = TcpStream::connect(http).await.unwrap();
        let mut response = String::new();
        third.write_all(UPGRADE.as_bytes()).await.unwrap();
        tokio::time::timeout(LINE_WITHIN, third.read_to_string(&mut response))
            .await
            .expect("the refusal")
            .unwrap();
        assert!(
            response.starts_with("HTTP/1.1 503 ")
                && response
                    .ends_with("! server full (at most 2 connections)\n"),
            "a third connection, TCP or HTTP, is refused: {response:?}"
        );
        let (reader, _w) = TcpStream::connect(tcp).await.unwrap().into_split();
        let refused = Client::new(reader).read_to_close("the refusal").await;
        assert_eq!(
            refused,
            vec![
                "! server full (at most 2 connections): try again later"
                    .to_string()
            ]
        );
    });
}

/// `GET /metrics` on the admin listener: the body.
async fn scrape(admin: SocketAddr) -> String {
    let mut stream = TcpStream::connect(admin).await.unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut page = String::new();
    tokio::time::timeout(LINE_WITHIN, stream.read_to_string(&mut page))
        .await
        .expect("the scrape answered in time")
        .unwrap();
    assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
    page
}

/// The value of one series in a scrape, e.g. `chat_connections_total{transport="ws"}`.
fn series(page: &str, name: &str) -> u64 {
    page.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no series {name} in:\n{page}"))
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn a_websocket_client_is_counted_under_ws_and_refused_when_tcp_and_tls_fill_the_limit()
 {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (acceptor, connector) = common::tls_pair();
        let bind = || TcpListener::bind("127.0.0.1:0");
        let (tcp, tls, http, admin) = (
            bind().await.unwrap(),
            bind().await.unwrap(),
            bind().await.unwrap(),
            bind().await.unwrap(),
        );
        let addr = |l: &TcpListener| l.local_addr().unwrap();
        let (tcp_addr, tls_addr, http_addr, admin_addr) =
            (addr(&tcp), addr(&tls), addr(&http), addr(&admin));
        let server = Server::new(Config {
            max_connections: 2,
            ..quiet_config()
        });
        tokio::spawn(server.clone().accept_tls(tls, acceptor));
        let web = server.clone();
        tokio::spawn(async move { web.serve_http(http).await });
        tokio::spawn(server.clone().serve_metrics(admin));
        let (_stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(server.run(tcp, async move {
            let _ = stopped.await;
        }));

        // A WebSocket client is served, and counted, under `ws`.
        let web = ws_client(http_addr, "web").await;
        let page = scrape(admin_addr).await;
        assert_eq!(
            series(&page, "chat_connections_total{transport=\"ws\"}"),
            1,
            "the WebSocket client is counted under ws"
        );
        assert_eq!(
            series(&page, "chat_connections_open{transport=\"ws\"}"),
            1,
            "the WebSocket client holds a slot under ws"
        );
        assert_eq!(
            series(&page, "chat_connections_total{transport=\"tcp\"}"),
            0
        );
        // Its slot is given back when it leaves.
        drop(web);
        let freed = async {
            while series(
                &scrape(admin_addr).await,
                "chat_connections_open{transport=\"ws\"}",
            ) != 0
            {
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        };
        tokio::time::timeout(LINE_WITHIN, freed)
            .await
            .expect("the WebSocket client's slot is freed after it leaves");

        // A TCP and a TLS client fill the two slots; a WebSocket client is then refused.
        let (_nc, _nc_w) = tcp_client(tcp_addr, "nc").await;
        let name =
            tokio_rustls::rustls::pki_types::ServerName::try_from("localhost")
                .unwrap();
        let secure = connector
            .connect(name, TcpStream::connect(tls_addr).await.unwrap())
            .await
            .expect("the TLS handshake");
        let (reader, _secure_w) = tokio::io::split(secure);
        let mut secure = Client::new(reader);
        let welcome = secure.next("the welcome line over TLS").await;
        assert!(welcome.starts_with("* welcome"), "got {welcome:?}");

        let mut third = TcpStream::connect(http_addr).await.unwrap();
        third.write_all(UPGRADE.as_bytes()).await.unwrap();
        let mut response = String::new();
        tokio::time::timeout(LINE_WITHIN, third.read_to_string(&mut response))
            .await
            .expect("the refusal in time")
            .unwrap();
        assert!(
            response.starts_with("HTTP/1.1 503 ")
                && response
                    .ends_with("! server full (at most 2 connections)\n"),
            "with TCP and TLS clients in both slots, a WebSocket client is refused: {response:?}"
        );
        let page = scrape(admin_addr).await;
        assert_eq!(
            series(&page, "chat_refused_connections_total{transport=\"ws\"}"),
            1,
            "the refusal is counted under ws"
        );
        assert_eq!(
            series(&page, "chat_connections_total{transport=\"ws\"}"),
            1
        );
        assert_eq!(
            series(&page, "chat_connections_open{transport=\"tcp\"}"),
            1
        );
        assert_eq!(
            series(&page, "chat_connections_open{transport=\"tls\"}"),
            1
        );
    });
}
