//! The server's counters, as Prometheus metrics, and the admin listener that
//! serves them at `GET /metrics`.
//!
//! These are the only counters the server keeps: [`Report`](crate::Report)
//! and `/stats` read them too. A counter is one atomic add (`Counter` wraps an
//! `AtomicU64`); the latency histogram takes a lock per observation, so it is
//! observed once per write, not once per line.

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::{
    EncodeLabelSet, EncodeLabelValue, LabelValueEncoder,
};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use crate::Server;

/// How a client reaches the server: the `transport` label of the connection
/// metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// Plain text lines over TCP (and over any stream given to
    /// [`Server::serve`]).
    Tcp,
    /// The same lines inside TLS.
    Tls,
    /// The same lines in WebSocket messages.
    Ws,
}

impl Transport {
    /// Every transport, in the order the arrays below are indexed.
    pub const ALL: [Transport; 3] =
        [Transport::Tcp, Transport::Tls, Transport::Ws];

    /// The label's value.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Tls => "tls",
            Transport::Ws => "ws",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

impl EncodeLabelValue for Transport {
    fn encode(
        &self,
        encoder: &mut LabelValueEncoder<'_>,
    ) -> Result<(), std::fmt::Error> {
        encoder.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ByTransport {
    transport: Transport,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ByReason {
    reason: &'static str,
}

/// Why a TLS connection ended before it was served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The handshake did not finish within `Config::handshake_timeout`.
    Timeout,
    /// The client spoke plain text to the TLS port.
    Plaintext,
    /// The handshake failed (no common cipher, a bad message, a reset).
    Error,
}

/// Every metric of one server, and the registry that encodes them.
pub(crate) struct Metrics {
    registry: Registry,
    open: [Gauge; 3],
    total: [Counter; 3],
    refused: [Counter; 3],
    handshake_failures: [Counter; 3],
    rooms: Gauge,
    /// Chat messages accepted from clients and broadcast to their room.
    pub(crate) messages: Counter,
    /// Chat messages written to clients (one message to 9 others counts 9).
    pub(crate) delivered: Counter,
    /// Chat messages readers lost because they fell behind their room.
    pub(crate) dropped: Counter,
    /// Connections ended because a write took longer than
    /// `Config::write_timeout`.
    pub(crate) write_timeouts: Counter,
    /// From a message's acceptance to the end of the write that carried it to
    /// a receiver, in seconds: observed once per write, for the oldest chat
    /// message in it.
    pub(crate) latency: Histogram,
}

impl Metrics {
    pub(crate) fn new() -> Metrics {
        let mut registry = Registry::with_prefix("chat");
        let open = Family::<ByTransport, Gauge>::default();
        let total = Family::<ByTransport, Counter>::default();
        let refused = Family::<ByTransport, Counter>::default();
        let failures = Family::<ByReason, Counter>::default();
        let rooms = Gauge::default();
        let messages = Counter::default();
        let delivered = Counter::default();
        let dropped = Counter::default();
        let write_timeouts = Counter::default();
        // 100 µs to 3.3 s, doubling.
        let latency = Histogram::new(exponential_buckets(0.0001, 2.0, 16));
        registry.register(
            "connections_open",
            "Connections being served or in their TLS handshake, by transport",
            open.clone(),
        );
        registry.register(
            "connections",
            "Connections served, by transport",
            total.clone(),
        );
        registry.register(
            "refused_connections",
            "Connections refused because the server was full, by transport",
            refused.clone(),
        );
        registry.register(
            "tls_handshake_failures",
            "TLS connections closed before the handshake completed, by reason",
            failures.clone(),
        );
        registry.register("rooms", "Rooms that exist now", rooms.clone());
        registry.register(
            "messages_received",
            "Chat messages accepted from clients",
            messages.clone(),
        );
        registry.register(
            "lines_delivered",
            "Chat messages written to receiving clients",
            delivered.clone(),
        );
        registry.register(
            "lagged_dropped",
            "Chat messages readers lost because they fell behind their room",
            dropped.clone(),
        );
        registry.register(
            "write_timeouts",
            "Connections closed because a write to the client timed out",
            write_timeouts.clone(),
        );
        registry.register(
            "delivery_latency_seconds",
            "From a message's acceptance to the end of the write that carried \
             it to a receiver (the oldest chat message of each write)",
            latency.clone(),
        );
        // One handle per label value, kept: the family's lookup takes a lock,
        // a clone of the metric shares its atomic.
        fn by<M: Clone + Default>(family: &Family<ByTransport, M>) -> [M; 3] {
            Transport::ALL.map(|transport| {
                family.get_or_create_owned(&ByTransport { transport })
            })
        }
        let reasons = ["timeout", "plaintext", "error"]
            .map(|reason| failures.get_or_create_owned(&ByReason { reason }));
        Metrics {
            registry,
            open: by(&open),
            total: by(&total),
            refused: by(&refused),
            handshake_failures: reasons,
            rooms,
            messages,
            delivered,
            dropped,
            write_timeouts,
            latency,
        }
    }

    pub(crate) fn opened(&self, transport: Transport) {
        self.open[transport.index()].inc();
    }

    pub(crate) fn closed(&self, transport: Transport) {
        self.open[transport.index()].dec();
    }

    pub(crate) fn served(&self, transport: Transport) {
        self.total[transport.index()].inc();
    }

    pub(crate) fn refused(&self, transport: Transport) {
        self.refused[transport.index()].inc();
    }

    pub(crate) fn handshake_failed(&self, why: Failure) {
        self.handshake_failures[why as usize].inc();
    }

    /// Connections served, all transports.
    pub(crate) fn connections(&self) -> u64 {
        self.total.iter().map(Counter::get).sum()
    }

    /// Connections refused, all transports.
    pub(crate) fn refusals(&self) -> u64 {
        self.refused.iter().map(Counter::get).sum()
    }

    /// The metrics in the Prometheus text format, with the room count taken
    /// now.
    pub(crate) fn encode(&self, rooms: usize) -> String {
        self.rooms.set(i64::try_from(rooms).unwrap_or(i64::MAX));
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(
            &mut text,
            &self.registry,
        )
        .expect("writing to a String cannot fail");
        text
    }
}

/// The largest request head the admin listener reads; a longer one gets `431`.
const MAX_HEAD: usize = 8 * 1024;

/// How long one scrape may take, from the accept to the last byte written.
const SCRAPE_TIMEOUT: Duration = Duration::from_secs(5);

/// Admin connections served at once; more are closed at once.
const ADMIN_CONNECTIONS: usize = 8;

impl Server {
    /// The metrics page as `GET /metrics` returns it.
    pub fn metrics_text(&self) -> String {
        self.shared.metrics.encode(self.shared.room_count())
    }

    /// Answers `GET /metrics` on `listener` (an admin address, not the public
    /// one) until the shutdown begins. One request per connection; each is
    /// bounded by an 8 KiB request head and a 5 s time-out, and at most 8 are
    /// answered at once.
    pub async fn serve_metrics(self, listener: TcpListener) {
        let slots = Arc::new(Semaphore::new(ADMIN_CONNECTIONS));
        loop {
            let accepted = tokio::select! {
                accepted = listener.accept() => accepted,
                () = self.shared.stop_reading.cancelled() => return,
            };
            let Ok((stream, _)) = accepted else {
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            };
            let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
                continue;
            };
            let server = self.clone();
            tokio::spawn(async move {
                let _ = tokio::time::timeout(
                    SCRAPE_TIMEOUT,
                    answer(&server, stream),
                )
                .await;
                drop(slot);
            });
        }
    }
}

/// Reads one request head and answers it.
async fn answer(server: &Server, mut stream: TcpStream) {
    let mut head = Vec::with_capacity(1024);
    let complete = loop {
        if head.windows(4).any(|w| w == b"\r\n\r\n") {
            break true;
        }
        if head.len() >= MAX_HEAD {
            break false;
        }
        let mut chunk = [0u8; 1024];
        let room = (MAX_HEAD - head.len()).min(chunk.len());
        match stream.read(&mut chunk[..room]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&chunk[..n]),
        }
    };
    let (status, body) = if !complete {
        ("431 Request Header Fields Too Large", String::new())
    } else {
        let line = head.split(|&b| b == b'\n').next().unwrap_or_default();
        let mut words = line.trim_ascii().split(|&b| b == b' ');
        match (words.next(), words.next()) {
            (Some(b"GET"), Some(b"/metrics")) => {
                ("200 OK", server.metrics_text())
            }
            (Some(b"GET"), Some(_)) => ("404 Not Found", String::new()),
            (Some(_), Some(_)) => ("405 Method Not Allowed", String::new()),
            _ => ("400 Bad Request", String::new()),
        }
    };
    let mut response = String::with_capacity(body.len() + 160);
    let _ = write!(
        response,
        "HTTP/1.1 {status}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n{body}",
        prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
        body.len()
    );
    if stream.write_all(response.as_bytes()).await.is_ok()
        && stream.shutdown().await.is_ok()
    {
        // Read what the client still sends (a head past the limit) before
        // closing: closing with unread bytes sends a reset, which can make the
        // client's side discard the response. Bounded by the scrape time-out.
        let mut scratch = [0u8; 1024];
        for _ in 0..MAX_HEAD {
            match stream.read(&mut scratch).await {
                Ok(n) if n > 0 => {}
                _ => break,
            }
        }
    }
}
