//! TLS: a second listener beside the plain one, same server, same rooms and
//! limits.
//!
//! rustls (through `tokio-rustls`, with the `ring` provider) decrypts; what
//! comes out is the same line protocol, split into a reader and a writer and
//! served by the same `conn.rs` as a plain TCP client. Two things are new:
//!
//! - The handshake is bounded. From the accept on, a TLS client holds one of
//!   `--max-connections`, and it has `Config::handshake_timeout` in all to
//!   finish its handshake, however it trickles its bytes: a client that opens
//!   TCP and never says hello cannot keep a slot.
//! - A plain-text client on this port (`nc` to the wrong port) is told so in
//!   one plain line and closed, and the server logs it at most once per 10 s.

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, timeout_at};
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

pub use tokio_rustls::TlsAcceptor;

use crate::Server;
use crate::metrics::{Failure, Transport};
use crate::rooms::lock;
use crate::server::{LogEvery, Open};

/// The first byte of every TLS connection: a record of content type 22,
/// `handshake`, carrying the ClientHello (RFC 8446, section 5.1).
const HANDSHAKE_RECORD: u8 = 0x16;

/// What a plain-text client on the TLS port is told before it is closed.
pub const PLAINTEXT_REFUSAL: &str =
    "! this port speaks TLS: use a TLS client, or the server's plain port\n";

/// Why the certificate or key could not be loaded.
#[derive(Debug)]
pub enum TlsError {
    /// A PEM file could not be read or parsed.
    Pem {
        path: PathBuf,
        source: rustls::pki_types::pem::Error,
    },
    /// The certificate file holds no certificate.
    NoCertificate(PathBuf),
    /// rustls refused the certificate and key (a key that does not match the
    /// certificate, an unsupported key type).
    Rustls(rustls::Error),
}

impl std::fmt::Display for TlsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TlsError::Pem { path, source } => write!(
                f,
                "could not read {}: {source}; give a PEM file",
                path.display()
            ),
            TlsError::NoCertificate(path) => write!(
                f,
                "{} holds no CERTIFICATE block; give the server's certificate \
                 (and its chain) in PEM",
                path.display()
            ),
            TlsError::Rustls(err) => write!(
                f,
                "the certificate and key were refused: {err}; check that the \
                 key belongs to the certificate"
            ),
        }
    }
}

impl std::error::Error for TlsError {}

/// An acceptor for the certificate chain in `cert` and the private key in
/// `key`, both PEM files.
pub fn acceptor(cert: &Path, key: &Path) -> Result<TlsAcceptor, TlsError> {
    let pem = |path: &Path| {
        let path = path.to_owned();
        move |source| TlsError::Pem { path, source }
    };
    let certs = CertificateDer::pem_file_iter(cert)
        .map_err(pem(cert))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(pem(cert))?;
    if certs.is_empty() {
        return Err(TlsError::NoCertificate(cert.to_owned()));
    }
    let key = PrivateKeyDer::from_pem_file(key).map_err(pem(key))?;
    acceptor_from_der(certs, key)
}

/// An acceptor for a certificate chain and key already in DER form.
pub fn acceptor_from_der(
    certs: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
) -> Result<TlsAcceptor, TlsError> {
    // rustls 0.23.48 deprecates this provider for lacking the post-quantum
    // key exchange `aws-lc-rs` has (`src/crypto/ring/mod.rs`); it is kept
    // because it builds in less than half the time (see the workspace's
    // Cargo.toml). Both ends here are this workspace's own.
    #[allow(deprecated, reason = "ring builds in half the time; see above")]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Rustls)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(TlsError::Rustls)?;
    Ok(TlsAcceptor::from(Arc::new(config)))
}

impl Server {
    // ANCHOR: accept_tls
    /// Accepts TLS clients on `listener` until the shutdown begins. Run it
    /// beside [`Server::run`], which serves the plain listener and runs the
    /// shutdown; a TLS connection takes part in that shutdown like any other.
    pub async fn accept_tls(
        self,
        listener: TcpListener,
        acceptor: TlsAcceptor,
    ) {
        let max = self.shared.config.max_connections;
        let plaintext_log =
            Arc::new(Mutex::new(LogEvery::new(Duration::from_secs(10))));
        let mut failures = LogEvery::new(Duration::from_secs(10));
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = self.shared.stop_reading.cancelled() => return,
            };
            let (stream, peer) = match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    if let Some(suppressed) = failures.due() {
                        tracing::warn!(%err, suppressed, "TLS accept failed");
                    }
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            if self.shared.open.load(std::sync::atomic::Ordering::Relaxed)
                >= max
            {
                // No plain-text line here: a TLS client could not read it.
                self.shared.metrics.refused(Transport::Tls);
                continue;
            }
            let _ = stream.set_nodelay(true);
            // The slot is taken now, before the handshake: the connection
            // limit counts handshakes in progress.
            let open = Open::new(&self.shared, Transport::Tls);
            let deadline =
                Instant::now() + self.shared.config.handshake_timeout;
            let server = self.clone();
            let acceptor = acceptor.clone();
            let plaintext_log = Arc::clone(&plaintext_log);
            self.tracker.spawn(async move {
                let mut stream = stream;
                if server
                    .speaks_tls(&mut stream, deadline, &plaintext_log)
                    .await
                {
                    server
                        .serve_tls(stream, &acceptor, Some(peer.ip()), deadline)
                        .await;
                }
                drop(open);
            });
        }
    }
    // ANCHOR_END: accept_tls

    /// Waits (until `deadline`) for the first byte without taking it, and
    /// answers a client that does not start with a TLS handshake record.
    async fn speaks_tls(
        &self,
        stream: &mut TcpStream,
        deadline: Instant,
        log: &Mutex<LogEvery>,
    ) -> bool {
        let mut first = [0u8; 1];
        let peeked = tokio::select! {
            peeked = timeout_at(deadline, stream.peek(&mut first)) => peeked,
            () = self.shared.stop_reading.cancelled() => return false,
        };
        match peeked {
            Ok(Ok(1..)) if first[0] == HANDSHAKE_RECORD => true,
            Ok(Ok(1..)) => {
                self.shared.metrics.handshake_failed(Failure::Plaintext);
                if let Some(suppressed) = lock(log).due() {
                    tracing::warn!(
                        suppressed,
                        "a client spoke plain text to the TLS port; \
                         told it so and closed it"
                    );
                }
                refuse_plaintext(stream, deadline).await;
                false
            }
            // Closed, or failed, before a byte came.
            Ok(_) => false,
            Err(_) => {
                self.shared.metrics.handshake_failed(Failure::Timeout);
                false
            }
        }
    }

    // ANCHOR: serve_tls
    /// Runs the TLS handshake on `stream`, which must be over by `deadline`,
    /// then serves the client like any other. Any stream will do: the
    /// accept loop gives a `TcpStream`, tests an in-memory pipe.
    pub async fn serve_tls<S>(
        &self,
        stream: S,
        acceptor: &TlsAcceptor,
        peer: Option<IpAddr>,
        deadline: Instant,
    ) where
        S: AsyncRead + AsyncWrite + Unpin,
    {
        let handshake = tokio::select! {
            done = timeout_at(deadline, acceptor.accept(stream)) => done,
            () = self.shared.stop_reading.cancelled() => return,
        };
        let stream = match handshake {
            Ok(Ok(stream)) => stream,
            Ok(Err(err)) => {
                self.shared.metrics.handshake_failed(Failure::Error);
                tracing::debug!(?peer, %err, "TLS handshake failed");
                return;
            }
            Err(_) => {
                self.shared.metrics.handshake_failed(Failure::Timeout);
                tracing::debug!(?peer, "TLS handshake timed out");
                return;
            }
        };
        // `split` puts the stream behind a lock the two halves share: rustls
        // keeps one state for both directions.
        let (reader, writer) = tokio::io::split(stream);
        self.serve_from(Transport::Tls, reader, writer, peer).await;
    }
    // ANCHOR_END: serve_tls
}

/// Tells a plain-text client what this port is, then closes it cleanly: what
/// it sent is read first, so that the close is an end of stream and not a
/// reset that could discard the line before the client reads it.
async fn refuse_plaintext(stream: &mut TcpStream, deadline: Instant) {
    let mut scratch = [0u8; 1024];
    for _ in 0..16 {
        match stream.try_read(&mut scratch) {
            Ok(n) if n > 0 => {}
            _ => break,
        }
    }
    let _ = timeout_at(deadline, async {
        stream.write_all(PLAINTEXT_REFUSAL.as_bytes()).await?;
        stream.shutdown().await
    })
    .await;
}
