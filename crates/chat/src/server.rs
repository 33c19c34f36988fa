//! The accept loop, the metrics ticker and the graceful shutdown.

use std::future::Future;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_util::task::TaskTracker;

use crate::rooms::{Shared, lock};
use crate::{Config, Report};

/// A chat server: the shared state, ready to serve a listener or single
/// connections.
///
/// Cloning is cheap and gives another handle to the same server.
#[derive(Clone)]
pub struct Server {
    pub(crate) shared: Arc<Shared>,
    /// Every reading connection holds a clone of this sender; the shutdown
    /// takes the original away, so once the last clone is dropped nobody reads
    /// any more. `None` once shutting down.
    reading: Arc<std::sync::Mutex<Option<mpsc::Sender<()>>>>,
    /// Its receiver: `recv` returns `None` when every sender is gone.
    reading_done: Arc<tokio::sync::Mutex<mpsc::Receiver<()>>>,
    pub(crate) tracker: TaskTracker,
}

impl Server {
    /// A server with these limits and no clients yet.
    pub fn new(config: Config) -> Server {
        let (reading, reading_done) = mpsc::channel(1);
        Server {
            shared: Arc::new(Shared::new(config)),
            reading: Arc::new(std::sync::Mutex::new(Some(reading))),
            reading_done: Arc::new(tokio::sync::Mutex::new(reading_done)),
            tracker: TaskTracker::new(),
        }
    }

    /// Serves one client on an already-connected pair of halves (a TCP
    /// stream's, or an in-memory `tokio::io::duplex`'s in tests) until it ends.
    /// The connection takes part in the shutdown like any other; once the
    /// shutdown has begun, `serve` returns at once.
    pub async fn serve<R, W>(&self, reader: R, writer: W)
    where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        self.serve_from(reader, writer, None).await;
    }

    pub(crate) async fn serve_from<R, W>(
        &self,
        reader: R,
        writer: W,
        peer: Option<IpAddr>,
    ) where
        R: AsyncRead + Unpin,
        W: AsyncWrite + Unpin,
    {
        let Some(reading) = lock(&self.reading).clone() else {
            return;
        };
        self.shared.connections.fetch_add(1, Ordering::Relaxed);
        crate::conn::serve(&self.shared, reader, writer, reading, peer).await;
    }

    /// What the server has done so far.
    pub fn report(&self) -> Report {
        let shared = &self.shared;
        Report {
            connections: shared.connections.load(Ordering::Relaxed),
            messages: shared.messages.load(Ordering::Relaxed),
            delivered: shared.delivered.load(Ordering::Relaxed),
            dropped: shared.dropped.load(Ordering::Relaxed),
            refused: shared.refused.load(Ordering::Relaxed),
            peak_output: shared.peak_output.load(Ordering::Relaxed),
            deadline_hit: false,
        }
    }

    /// Accepts clients on `listener` until `shutdown` completes, then shuts
    /// down gracefully: stop accepting and reading, wait until no connection
    /// reads any more, deliver everything already accepted, say goodbye and
    /// close every connection. The whole shutdown is bounded by
    /// [`Config::shutdown_deadline`]; connections still open then are abandoned
    /// to the runtime.
    pub async fn run(
        self,
        listener: TcpListener,
        shutdown: impl Future,
    ) -> Report {
        let shared = Arc::clone(&self.shared);
        // The ticker ends by itself when the shutdown drains the connections.
        tokio::spawn(metrics(Arc::clone(&shared)));
        tokio::select! {
            () = self.accept_loop(&listener) => {}
            _ = shutdown => tracing::info!("shutdown requested"),
        }
        drop(listener);
        self.shutdown().await
    }

    // ANCHOR: accept
    async fn accept_loop(&self, listener: &TcpListener) {
        let max = self.shared.config.max_connections;
        // A file descriptor kept in reserve: when `accept` fails for want of
        // descriptors, the waiting client is neither accepted nor refused, and
        // it hangs. Giving this one back lets the server accept that client,
        // tell it the server is full, and close it.
        let mut spare = std::fs::File::open("/dev/null").ok();
        let mut failures = LogEvery::new(Duration::from_secs(10));
        loop {
            match listener.accept().await {
                Ok((stream, peer)) => {
                    if self.shared.open.load(Ordering::Relaxed) >= max {
                        refuse(
                            &self.shared,
                            &stream,
                            &format!("at most {max} connections"),
                        );
                        continue;
                    }
                    // Small batched writes: sending each at once costs nothing
                    // and saves latency.
                    let _ = stream.set_nodelay(true);
                    tracing::debug!(%peer, "accepted");
                    let server = self.clone();
                    let open = Open::new(&self.shared);
                    self.tracker.spawn(async move {
                        let (reader, writer) = stream.into_split();
                        server
                            .serve_from(reader, writer, Some(peer.ip()))
                            .await;
                        tracing::debug!(%peer, "closed");
                        drop(open);
                    });
                }
                Err(err) => {
                    // Usually "too many open files". Log it, but not at every
                    // attempt: the waiting client is retried at once, and a log
                    // line per try would flood.
                    if let Some(suppressed) = failures.due() {
                        tracing::warn!(%err, suppressed, "accept failed");
                    }
                    if spare.take().is_some() {
                        if let Ok((stream, _)) = listener.accept().await {
                            refuse(
                                &self.shared,
                                &stream,
                                "no file descriptor left",
                            );
                        }
                        spare = std::fs::File::open("/dev/null").ok();
                    } else {
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        }
    }
    // ANCHOR_END: accept

    // ANCHOR: shutdown
    /// The two phases of the shutdown; see [`Server::run`].
    pub async fn shutdown(self) -> Report {
        let deadline =
            tokio::time::Instant::now() + self.shared.config.shutdown_deadline;
        let _ = self.shared.deadline.set(deadline);
        self.shared.stop_reading.cancel();
        self.tracker.close();
        let Server {
            shared,
            reading,
            reading_done,
            tracker,
        } = self;
        lock(&reading).take();
        let mut done = reading_done.lock().await;
        // `recv` returns `None` once every connection has dropped its sender:
        // none reads any more, so no message can be accepted after this point.
        // Connections see the deadline too, so one that cannot finish (a client
        // that stopped reading, its write blocked) gives up by then; the others
        // are not held up by it, and the drain waits for them in any case.
        let _ = tokio::time::timeout_at(deadline, done.recv()).await;
        shared.drain.cancel();
        let finished = tokio::time::timeout_at(deadline, tracker.wait())
            .await
            .is_ok();
        // ANCHOR_END: shutdown
        let mut report = Report {
            connections: shared.connections.load(Ordering::Relaxed),
            messages: shared.messages.load(Ordering::Relaxed),
            delivered: shared.delivered.load(Ordering::Relaxed),
            dropped: shared.dropped.load(Ordering::Relaxed),
            refused: shared.refused.load(Ordering::Relaxed),
            peak_output: shared.peak_output.load(Ordering::Relaxed),
            deadline_hit: !finished,
        };
        if !finished {
            tracing::warn!(
                "shutdown deadline hit: some connections were still open"
            );
        }
        report.deadline_hit = !finished;
        report
    }
}

/// Accepts clients until `shutdown` completes, then shuts down gracefully; see
/// [`Server::run`].
pub async fn run(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future,
) -> Report {
    Server::new(config).run(listener, shutdown).await
}

/// Once a second: the message rate for `/stats`, and a log line when anything
/// happened.
async fn metrics(shared: Arc<Shared>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last = shared.messages.load(Ordering::Relaxed);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = shared.drain.cancelled() => return,
        }
        let now = shared.messages.load(Ordering::Relaxed);
        shared.rate.store(now - last, Ordering::Relaxed);
        if now != last {
            tracing::info!(
                clients = shared.clients.load(Ordering::Relaxed),
                rooms = shared.room_count(),
                messages_per_s = now - last,
                "metrics"
            );
        }
        last = now;
    }
}

/// One open connection, counted in `Shared::open` while this lives.
pub(crate) struct Open(Arc<Shared>);

impl Open {
    pub(crate) fn new(shared: &Arc<Shared>) -> Open {
        shared.open.fetch_add(1, Ordering::Relaxed);
        Open(Arc::clone(shared))
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Tells a client the server is full, without waiting (a refused client must
/// cost nothing), and closes it.
fn refuse(shared: &Shared, stream: &TcpStream, why: &str) {
    shared.refused.fetch_add(1, Ordering::Relaxed);
    let line = format!("! server full ({why}): try again later\n");
    let _ = stream.try_write(line.as_bytes());
}

/// Lets an event through once per `every`, counting the ones in between.
struct LogEvery {
    every: Duration,
    last: Option<tokio::time::Instant>,
    suppressed: u64,
}

impl LogEvery {
    fn new(every: Duration) -> LogEvery {
        LogEvery {
            every,
            last: None,
            suppressed: 0,
        }
    }

    /// `Some(events suppressed since the last one)` if this one is due.
    fn due(&mut self) -> Option<u64> {
        let now = tokio::time::Instant::now();
        if self.last.is_some_and(|last| now < last + self.every) {
            self.suppressed += 1;
            return None;
        }
        self.last = Some(now);
        Some(std::mem::take(&mut self.suppressed))
    }
}
