//! The TLS listener: a TLS client chats with a plain one in the same room, a plain-text client on
//! the TLS port is told so and closed, a handshake that does not finish is cut off at its time-out,
//! and the attacks that matter (an oversized line, a trickled line, a client that never reads) are
//! stopped for a TLS client as they are for a plain one. Certificates are made by `rcgen` at test
//! time. Every test runs under a testkit time limit.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use chat::tls::{PLAINTEXT_REFUSAL, TlsAcceptor};
use chat::{Config, Report, Server};
use common::{Client, LIMIT, quiet_config, tcp_client};
use testkit::Flavor;
use tokio::io::{
    AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadHalf, WriteHalf,
};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls::pki_types::ServerName;

/// A running server with a plain and a TLS listener.
struct Running {
    plain: SocketAddr,
    tls: SocketAddr,
    connector: TlsConnector,
    server: Server,
    stop: oneshot::Sender<()>,
    handle: JoinHandle<Report>,
}

async fn start(config: Config) -> Running {
    let (acceptor, connector) = common::tls_pair();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let tls_listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let plain = listener.local_addr().unwrap();
    let tls = tls_listener.local_addr().unwrap();
    let server = Server::new(config);
    tokio::spawn(server.clone().accept_tls(tls_listener, acceptor));
    let (stop, stopped) = oneshot::channel::<()>();
    let handle = tokio::spawn(server.clone().run(listener, async move {
        let _ = stopped.await;
    }));
    Running {
        plain,
        tls,
        connector,
        server,
        stop,
        handle,
    }
}

type TlsHalves<S> = (Client<ReadHalf<TlsStream<S>>>, WriteHalf<TlsStream<S>>);

/// A TLS client on `stream`, registered as `nick` and in the lobby.
async fn tls_register<S>(
    connector: &TlsConnector,
    stream: S,
    nick: &str,
) -> TlsHalves<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let name = ServerName::try_from("localhost").unwrap();
    let tls = tokio::time::timeout(
        common::LINE_WITHIN,
        connector.connect(name, stream),
    )
    .await
    .expect("the TLS handshake did not finish in time")
    .expect("the TLS handshake failed");
    let (reader, mut writer) = tokio::io::split(tls);
    let mut client = Client::new(reader);
    let welcome = client.next("the welcome line over TLS").await;
    assert!(welcome.starts_with("* welcome"), "got {welcome:?}");
    send(&mut writer, &format!("/nick {nick}")).await;
    client
        .until("you are in room lobby", "the notice that /nick worked")
        .await;
    (client, writer)
}

async fn send<W: AsyncWrite + Unpin>(writer: &mut W, line: &str) {
    writer
        .write_all(format!("{line}\n").as_bytes())
        .await
        .unwrap();
    writer.flush().await.unwrap();
}

/// The value of one series in a scrape, e.g. `chat_connections_total{transport="tls"}`.
fn series(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
        .unwrap_or_else(|| panic!("no series {name} in:\n{text}"))
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn a_tls_client_and_a_plain_client_chat_in_one_room() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let run = start(quiet_config()).await;
        let stream = TcpStream::connect(run.tls).await.unwrap();
        let (mut secure, mut ws) =
            tls_register(&run.connector, stream, "secure").await;
        let (mut plain, mut wp) = tcp_client(run.plain, "plain").await;
        secure
            .until("plain joined", "the plain client's arrival")
            .await;
        send(&mut ws, "hello from TLS").await;
        assert_eq!(
            plain.until("secure:", "the TLS client's message").await,
            "secure: hello from TLS"
        );
        wp.write_all(b"hello from TCP\n").await.unwrap();
        assert_eq!(
            secure.until("plain:", "the plain client's message").await,
            "plain: hello from TCP"
        );
        let text = run.server.metrics_text();
        assert_eq!(
            series(&text, r#"chat_connections_total{transport="tls"}"#),
            1.0
        );
        assert_eq!(
            series(&text, r#"chat_connections_total{transport="tcp"}"#),
            1.0
        );
        run.stop.send(()).unwrap();
        let report = run.handle.await.unwrap();
        assert_eq!(report.connections, 2, "{report:?}");
        // The shutdown reaches the TLS client too: it gets the goodbye.
        secure
            .until("server shutting down", "the goodbye over TLS")
            .await;
    });
}

#[test]
fn a_plain_client_on_the_tls_port_is_told_and_closed() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let run = start(quiet_config()).await;
        // What `nc 127.0.0.1 <tls port>` does when a person types a line.
        let (reader, mut writer) =
            TcpStream::connect(run.tls).await.unwrap().into_split();
        writer.write_all(b"/nick plain\n").await.unwrap();
        let seen = Client::new(reader)
            .read_to_close("the answer to plain text on the TLS port")
            .await;
        assert_eq!(
            seen,
            vec![PLAINTEXT_REFUSAL.trim_end().to_string()],
            "a plain-text client on the TLS port gets one plain line that says so, then the \
             end of the stream (not TLS alert bytes, not a reset)"
        );
        let text = run.server.metrics_text();
        assert_eq!(
            series(
                &text,
                r#"chat_tls_handshake_failures_total{reason="plaintext"}"#
            ),
            1.0
        );
        assert_eq!(
            series(&text, r#"chat_connections_open{transport="tls"}"#),
            0.0,
            "the refused client's slot is given back"
        );
        drop(run.stop);
    });
}

#[test]
fn a_handshake_that_does_not_finish_is_cut_off_and_its_slot_freed() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let run = start(Config {
            max_connections: 2,
            handshake_timeout: Duration::from_secs(1),
            ..quiet_config()
        })
        .await;
        let started = std::time::Instant::now();
        // One client opens TCP and never says hello; another sends the header of a 512-byte
        // handshake record and then trickles its body a byte every 100 ms, never idle for long.
        let mut silent = TcpStream::connect(run.tls).await.unwrap();
        let mut trickle = TcpStream::connect(run.tls).await.unwrap();
        trickle
            .write_all(&[0x16, 0x03, 0x01, 0x02, 0x00])
            .await
            .unwrap();
        let drip = tokio::spawn(async move {
            let mut buf = [0u8; 64];
            for _ in 0..100 {
                if trickle.write_all(&[0]).await.is_err() {
                    break;
                }
                tokio::select! {
                    read = trickle.read(&mut buf) => match read {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {}
                    },
                    () = tokio::time::sleep(Duration::from_millis(100)) => {}
                }
            }
            std::time::Instant::now()
        });
        // While both handshakes run, they hold both slots: a plain client is refused.
        tokio::time::sleep(Duration::from_millis(200)).await;
        let (reader, _w) =
            TcpStream::connect(run.plain).await.unwrap().into_split();
        let refused = Client::new(reader).read_to_close("the refusal").await;
        assert_eq!(
            refused,
            vec!["! server full (at most 2 connections): try again later"],
            "handshakes in progress count against --max-connections"
        );
        // The silent one is closed at its time-out.
        let mut buf = [0u8; 16];
        let read = tokio::time::timeout(
            Duration::from_secs(10),
            silent.read(&mut buf),
        )
        .await
        .expect(
            "a client that never said hello was not closed within 10 s: the handshake needs \
             a time-out",
        );
        assert!(
            matches!(read, Ok(0) | Err(_)),
            "closed, not answered: {read:?}"
        );
        let waited = started.elapsed();
        assert!(
            waited >= Duration::from_millis(900)
                && waited < Duration::from_secs(5),
            "the silent client was closed after {waited:?}, not at its 1 s time-out"
        );
        // The trickling one too: bytes that arrive do not move the deadline.
        let closed_at = tokio::time::timeout(Duration::from_secs(10), drip)
            .await
            .expect(
                "a client that trickles its handshake was not closed: the time-out must bound \
                 the whole handshake, not the wait for each byte",
            )
            .unwrap();
        let waited = closed_at.duration_since(started);
        assert!(
            waited < Duration::from_secs(5),
            "the trickling client was closed after {waited:?}, not at its 1 s time-out"
        );
        // Both slots are free again.
        let (_c, _w) = tcp_client(run.plain, "after").await;
        let text = run.server.metrics_text();
        assert_eq!(
            series(
                &text,
                r#"chat_tls_handshake_failures_total{reason="timeout"}"#
            ),
            2.0
        );
        drop(run.stop);
    });
}

// The attacks of `attacks.rs` and `reliability.rs` that a TLS layer could undo.

#[test]
fn tls_a_one_mebibyte_line_gets_an_error_and_the_connection_goes_on() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let run = start(quiet_config()).await;
        let stream = TcpStream::connect(run.tls).await.unwrap();
        let (mut big, mut wb) =
            tls_register(&run.connector, stream, "big").await;
        let (mut other, _wo) = tcp_client(run.plain, "other").await;
        let mut line = vec![b'x'; 1 << 20];
        line.push(b'\n');
        wb.write_all(&line).await.unwrap();
        send(&mut wb, "after the big one").await;
        let reply = big.until("! ", "the error reply to a 1 MiB line").await;
        assert!(reply.contains("too long"), "got {reply:?}");
        assert_eq!(
            other.until("big:", "the line after the long one").await,
            "big: after the big one"
        );
        assert!(
            run.server.report().peak_output < 64 * 1024,
            "{:?}",
            run.server.report()
        );
        drop(run.stop);
    });
}

/// A TLS client over an in-memory pipe of `buffer` bytes, served by `server` with `acceptor`,
/// registered as `nick`.
async fn tls_duplex(
    server: &Server,
    acceptor: TlsAcceptor,
    connector: &TlsConnector,
    buffer: usize,
    nick: &str,
) -> TlsHalves<tokio::io::DuplexStream> {
    let (ours, theirs) = tokio::io::duplex(buffer);
    let server = server.clone();
    tokio::spawn(async move {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        server.serve_tls(theirs, &acceptor, None, deadline).await;
    });
    tls_register(connector, ours, nick).await
}

#[test]
fn tls_bytes_without_a_line_ending_do_not_reset_the_idle_clock() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let (acceptor, connector) = common::tls_pair();
        let server = Server::new(Config {
            idle_timeout: Duration::from_secs(300),
            ..quiet_config()
        });
        let (mut c, mut w) =
            tls_duplex(&server, acceptor, &connector, 1 << 16, "drip").await;
        let start = tokio::time::Instant::now();
        let drip = tokio::spawn(async move {
            for _ in 0..200 {
                if w.write_all(b"x").await.is_err() || w.flush().await.is_err()
                {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
        let rest = c
            .read_to_close_within(
                Duration::from_secs(600),
                "the disconnection of a TLS client that never ends a line",
            )
            .await;
        assert_eq!(
            rest.last().map(String::as_str),
            Some("* idle for 300 s: disconnecting"),
            "one byte every 5 s in its own TLS record is not a line: the client is idle"
        );
        assert!(start.elapsed() < Duration::from_secs(310));
        drip.abort();
    });
}

#[test]
fn tls_a_client_that_never_reads_is_cut_off_and_the_room_goes_on() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let (acceptor, connector) = common::tls_pair();
        let server = Server::new(Config {
            write_timeout: Duration::from_secs(10),
            ..quiet_config()
        });
        // The stalled client registers over TLS and then never reads: its pipe holds 4 KiB,
        // rustls on the server's side at most 64 KiB more.
        let (_stalled, _ws) =
            tls_duplex(&server, acceptor.clone(), &connector, 4096, "stalled")
                .await;
        let (mut reader, _wr) = tls_duplex(
            &server,
            acceptor.clone(),
            &connector,
            1 << 20,
            "reader",
        )
        .await;
        let (_sender_rx, mut sender) =
            tls_duplex(&server, acceptor, &connector, 1 << 20, "sender").await;
        reader.until("sender joined", "the sender's arrival").await;
        let payload = "x".repeat(1000);
        for i in 0..500 {
            send(&mut sender, &format!("{i} {payload}")).await;
            reader.until(&format!("sender: {i} "), "each message").await;
        }
        // 500 KB were sent the stalled client's way; its write has waited since the pipe and
        // rustls's buffer filled. Past the write time-out it is gone.
        tokio::time::sleep(Duration::from_secs(11)).await;
        send(&mut sender, "last").await;
        reader.until("sender: last", "the last message").await;
        let text = server.metrics_text();
        assert_eq!(
            series(&text, "chat_write_timeouts_total"),
            1.0,
            "the TLS client that stopped reading is cut off by the write time-out"
        );
        assert!(
            server.report().peak_output < 64 * 1024,
            "{:?}",
            server.report()
        );
    });
}

#[test]
fn tls_a_reader_that_falls_behind_and_catches_up_gets_every_line() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let (acceptor, connector) = common::tls_pair();
        let server = Server::new(quiet_config());
        // The reader's pipe holds 4 KiB: most of what it is sent waits on the server's side, in
        // rustls's buffer, while it does not read.
        let (mut reader, _wr) =
            tls_duplex(&server, acceptor.clone(), &connector, 4096, "reader")
                .await;
        let (_sr, mut sender) =
            tls_duplex(&server, acceptor, &connector, 1 << 20, "sender").await;
        reader.until("sender joined", "the sender's arrival").await;
        let payload = "x".repeat(1000);
        for i in 0..30 {
            send(&mut sender, &format!("{i} {payload}")).await;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        // Now it reads, and nothing else is sent: every line must come out of the server's
        // buffers by themselves.
        for i in 0..30 {
            let line = reader
                .until(
                    "sender: ",
                    "the lines sent while the reader did not read",
                )
                .await;
            assert!(
                line.starts_with(&format!("sender: {i} ")),
                "line {i} expected, got {:.20}",
                line
            );
        }
    });
}
