//! The TLS side of the load generator ([`Transport::Tls`](crate::Transport::Tls)): which
//! certificate to trust, and a self-signed one made at run time for `chat-bench --transport tls`.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio_rustls::TlsConnector;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};

/// A TLS client setup: the connector (with the certificates it trusts) and the name it checks the
/// server's certificate against.
#[derive(Clone)]
pub struct TlsClient {
    pub connector: TlsConnector,
    pub name: ServerName<'static>,
}

impl fmt::Debug for TlsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsClient")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl TlsClient {
    /// A client that trusts the certificates in the PEM file `ca` and expects `name` in the
    /// server's certificate.
    pub fn trusting(ca: &Path, name: &str) -> Result<TlsClient, String> {
        let certs = CertificateDer::pem_file_iter(ca)
            .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
            .map_err(|e| format!("could not read {}: {e}", ca.display()))?;
        let mut roots = rustls::RootCertStore::empty();
        for cert in certs {
            roots
                .add(cert)
                .map_err(|e| format!("{}: {e}", ca.display()))?;
        }
        if roots.is_empty() {
            return Err(format!("{} holds no certificate", ca.display()));
        }
        // The provider the chat server uses (see its `tls.rs` for why `ring`).
        #[allow(deprecated, reason = "the provider the server uses")]
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let name = ServerName::try_from(name.to_owned())
            .map_err(|e| format!("{name:?} is not a server name: {e}"))?;
        Ok(TlsClient {
            connector: TlsConnector::from(Arc::new(config)),
            name,
        })
    }
}

/// A self-signed certificate for `localhost` and its key, written as PEM files into `dir`.
pub struct SelfSigned {
    pub cert: PathBuf,
    pub key: PathBuf,
}

impl SelfSigned {
    pub fn write(dir: &Path) -> Result<SelfSigned, String> {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
            .map_err(|e| format!("could not make a certificate: {e}"))?;
        let cert = dir.join("cert.pem");
        let key = dir.join("key.pem");
        std::fs::write(&cert, made.cert.pem()).map_err(|e| e.to_string())?;
        std::fs::write(&key, made.signing_key.serialize_pem()).map_err(|e| e.to_string())?;
        Ok(SelfSigned { cert, key })
    }
}
