//! What the chat server's test files share: a server on a free port, line-reading clients over
//! TCP or an in-memory pipe, and the limits every test runs under.

#![allow(
    dead_code,
    reason = "each test file uses a different part of this module"
)]

use std::net::SocketAddr;
use std::time::Duration;

use chat::{Config, Report, Server};
use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader, DuplexStream, Lines,
};
use tokio::net::TcpStream;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The limit of one test. Generous: each takes well under a second alone, but the machine may be
/// busy with other builds.
pub const LIMIT: Duration = Duration::from_secs(30);

/// How long a client waits for one expected line. Generous for the same reason.
pub const LINE_WITHIN: Duration = Duration::from_secs(10);

/// A config with the rate limit and history out of the way, for tests about something else.
pub fn quiet_config() -> Config {
    Config {
        rate_limit: 0,
        history: 0,
        ..Config::default()
    }
}

/// Starts a server on a free loopback port; send on the returned sender to shut it down.
pub async fn start(
    config: Config,
) -> (SocketAddr, oneshot::Sender<()>, JoinHandle<Report>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(chat::run(listener, config, async move {
        let _ = stopped.await;
    }));
    (addr, stop, server)
}

/// A line-reading client.
pub struct Client<R> {
    pub lines: Lines<BufReader<R>>,
}

impl<R: AsyncRead + Unpin> Client<R> {
    pub fn new(reader: R) -> Self {
        Client {
            lines: BufReader::new(reader).lines(),
        }
    }

    /// The next line, failing the test with `what` if none comes in time or the server closed.
    pub async fn next(&mut self, what: &str) -> String {
        match tokio::time::timeout(LINE_WITHIN, self.lines.next_line()).await {
            Ok(Ok(Some(line))) => line,
            Ok(Ok(None)) => {
                panic!(
                    "the server closed the connection while the test waited for {what}"
                )
            }
            Ok(Err(err)) => panic!(
                "reading failed ({err}) while the test waited for {what}"
            ),
            Err(_) => panic!(
                "no line within {LINE_WITHIN:?} while the test waited for {what}"
            ),
        }
    }

    /// Reads lines until one contains `needle`; returns it.
    pub async fn until(&mut self, needle: &str, what: &str) -> String {
        loop {
            let line = self.next(what).await;
            if line.contains(needle) {
                return line;
            }
        }
    }

    /// Reads until end of file, returning every line.
    pub async fn read_to_close(&mut self, what: &str) -> Vec<String> {
        self.read_to_close_within(LINE_WITHIN, what).await
    }

    /// Reads until end of file, returning every line; fails if `within` passes without a line.
    pub async fn read_to_close_within(
        &mut self,
        within: Duration,
        what: &str,
    ) -> Vec<String> {
        let mut all = Vec::new();
        loop {
            match tokio::time::timeout(within, self.lines.next_line()).await {
                Ok(Ok(Some(line))) => all.push(line),
                Ok(Ok(None)) => return all,
                Ok(Err(err)) => panic!(
                    "reading failed ({err}) while the test waited for {what}"
                ),
                Err(_) => panic!(
                    "the server neither sent a line nor closed within {within:?} while the test waited for {what}"
                ),
            }
        }
    }
}

/// Connects over TCP and registers `nick`, reading up to the line that says it is in the lobby.
pub async fn tcp_client(
    addr: SocketAddr,
    nick: &str,
) -> (Client<tokio::net::tcp::OwnedReadHalf>, OwnedWriteHalf) {
    register(TcpStream::connect(addr).await.unwrap(), nick).await
}

/// Registers `nick` on a connected stream, reading up to the line that says it is in the lobby.
pub async fn register(
    stream: TcpStream,
    nick: &str,
) -> (Client<tokio::net::tcp::OwnedReadHalf>, OwnedWriteHalf) {
    let (reader, mut writer) = stream.into_split();
    let mut client = Client::new(reader);
    let welcome = client.next("the welcome line").await;
    assert!(
        welcome.starts_with("* "),
        "the first line must be a `* ` notice, got {welcome:?}"
    );
    writer
        .write_all(format!("/nick {nick}\n").as_bytes())
        .await
        .unwrap();
    client
        .until(
            "you are in room lobby",
            "the notice that /nick put the client in the lobby",
        )
        .await;
    (client, writer)
}

/// A client over an in-memory pipe of `buffer` bytes, served by `server` on a task.
pub fn duplex_client(
    server: &Server,
    buffer: usize,
) -> (
    Client<tokio::io::ReadHalf<DuplexStream>>,
    tokio::io::WriteHalf<DuplexStream>,
) {
    let (ours, theirs) = tokio::io::duplex(buffer);
    let server = server.clone();
    tokio::spawn(async move {
        let (r, w) = tokio::io::split(theirs);
        server.serve(r, w).await;
    });
    let (r, w) = tokio::io::split(ours);
    (Client::new(r), w)
}

/// A self-signed certificate for `localhost`: the server's acceptor, and a client connector that
/// trusts it, with the crypto provider the server uses.
pub fn tls_pair() -> (chat::tls::TlsAcceptor, tokio_rustls::TlsConnector) {
    use std::sync::Arc;
    use tokio_rustls::rustls;
    let made = rcgen::generate_simple_self_signed(vec!["localhost".into()])
        .expect("rcgen makes a certificate");
    let cert = made.cert.der().clone();
    let key = rustls::pki_types::PrivateKeyDer::try_from(
        made.signing_key.serialize_der(),
    )
    .expect("rcgen's key is PKCS#8");
    let acceptor = chat::tls::acceptor_from_der(vec![cert.clone()], key)
        .expect("the server takes the certificate");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).expect("the certificate is a valid root");
    #[allow(deprecated, reason = "the provider the server uses")]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(roots)
        .with_no_client_auth();
    (acceptor, tokio_rustls::TlsConnector::from(Arc::new(config)))
}
