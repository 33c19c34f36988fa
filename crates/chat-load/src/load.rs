//! The load generator: many clients in one process, one clock, counts merged at the end.
//!
//! Every client is a task on one multi-threaded runtime. A client connects, sends its handshake
//! lines, optionally waits for a line that says it is ready, and then (unless it is a stalled
//! reader) reads until the run is over. The first `senders` clients also run a sender task on their
//! write half. Sending is paced by a schedule (message `k` of a sender is due at `k / rate`), and
//! each batch of due messages goes out in one `write_all`.
//!
//! Timing: `t0` is when the senders start. Messages sent before `t0 + warmup` are warm-up traffic
//! and do not count. The senders stop at `t0 + warmup + duration` (or after `messages` in total).
//! Then every receiver reads until it has every message it expects, or until the drain time is
//! over; whatever is missing then is counted as lost.
//!
//! Write halves stay open until every receiver has finished: dropping a Tokio
//! [`OwnedWriteHalf`](https://docs.rs/tokio/latest/tokio/net/tcp/struct.OwnedWriteHalf.html) shuts
//! the socket's write side down (a WebSocket client's [`Writer`] sends a close frame), and a server
//! may rightly take a half-closed socket for a quit.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use memchr::memmem::Finder;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::watch;

use crate::hist::Histogram;
use crate::report::{Latency, Report};
use crate::scan::{self, LineBuffer, MARKER};
use crate::tls::TlsClient;
use crate::transport::{self, Reader, Transport, Writer};

/// Width of the time buckets in which receivers count deliveries (for lines per second).
const BUCKET: Duration = Duration::from_millis(100);
/// How many bytes a client reads while it waits for its ready line before giving up.
const READY_LIMIT: usize = 1 << 20;
/// At most this many messages go into one write of a sender (a sender that fell behind catches up
/// in pieces instead of building one huge buffer).
const MAX_BATCH: u64 = 4096;

/// Everything a run needs to know.
#[derive(Clone, Debug)]
pub struct LoadConfig {
    /// The server's address (its HTTP address for [`Transport::Ws`]).
    pub addr: SocketAddr,
    /// How clients talk to the server.
    pub transport: Transport,
    /// Clients that read everything they are sent (senders are among them).
    pub clients: usize,
    /// How many of the clients also send.
    pub senders: usize,
    /// Extra clients that connect, send their handshake and never read.
    pub stalled: usize,
    /// Offered messages per second, all senders together.
    pub rate: u64,
    /// Bytes of each message's text (the payload header is never cut).
    pub size: usize,
    /// How long the measured part of the run lasts.
    pub duration: Duration,
    /// How long the senders send before measuring starts.
    pub warmup: Duration,
    /// Stop after this many messages in total (warm-up included), if set.
    pub messages: Option<u64>,
    /// Lines each client sends after connecting; `{i}` becomes the client's index.
    pub handshake: Vec<String>,
    /// A substring of a line each client waits for after its handshake, if set.
    pub ready: Option<String>,
    /// How long to wait after the handshakes before sending, when there is no ready line.
    pub settle: Duration,
    /// How long receivers keep reading after the senders stop.
    pub drain: Duration,
    /// Time limit for connecting and getting ready, all clients together.
    pub connect_timeout: Duration,
    /// Bytes of each client's read buffer.
    pub read_buffer: usize,
    /// Worker threads of the generator's runtime.
    pub threads: usize,
    /// Show a progress bar on standard error (only done when it is a terminal).
    pub progress: bool,
    /// The client setup of [`Transport::Tls`]: the certificates it trusts, the name it expects.
    pub tls: Option<TlsClient>,
}

impl LoadConfig {
    /// The defaults of the `chat-load` command, aimed at `addr`.
    pub fn new(addr: SocketAddr) -> Self {
        LoadConfig {
            addr,
            transport: Transport::Tcp,
            clients: 100,
            senders: 10,
            stalled: 0,
            rate: 1000,
            size: 32,
            duration: Duration::from_secs(5),
            warmup: Duration::from_secs(1),
            messages: None,
            handshake: vec!["/nick lg{i}".to_owned()],
            ready: None,
            settle: Duration::from_millis(500),
            drain: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(30),
            read_buffer: 64 * 1024,
            threads: 2,
            progress: false,
            tls: None,
        }
    }
}

/// Why a run could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A setting makes no sense.
    #[error("invalid settings: {0}")]
    Config(String),
    /// A client could not connect.
    #[error("client {client} could not connect to {addr}: {source}; is the server running there?")]
    Connect {
        client: usize,
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// A client failed during its handshake.
    #[error("client {client} failed during its handshake: {message}")]
    Handshake { client: usize, message: String },
    /// Connecting and getting ready took too long.
    #[error(
        "only {ready} of {total} clients were ready after {limit:?}; raise --connect-timeout or check --ready"
    )]
    NotReady {
        ready: usize,
        total: usize,
        limit: Duration,
    },
    /// The runtime could not be built.
    #[error("could not start the runtime: {0}")]
    Runtime(std::io::Error),
}

/// The phase of a run, as every task sees it.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// Clients are connecting.
    Setup,
    /// The senders are sending.
    Running(Times),
    /// The senders have stopped; receivers drain until the deadline.
    Draining(Times, Instant),
    /// Everything is over; stalled clients let go.
    Over,
}

/// The fixed instants of a run, in nanoseconds since `base`.
#[derive(Clone, Copy, Debug)]
struct Times {
    /// When sending starts.
    t0: u64,
    /// When measuring starts.
    warm_end: u64,
    /// When sending stops at the latest.
    send_end: u64,
}

/// What all tasks share.
struct Shared {
    base: Instant,
    /// Payload lines received, all clients (for the progress bar).
    received: AtomicU64,
    /// Messages sent in the measured window, per client index (0 for non-senders), set by the
    /// senders when they finish.
    window_sent: Vec<AtomicU64>,
    /// Messages sent in total by all senders.
    total_sent: AtomicU64,
    /// Senders that gave up on a write the server never took.
    senders_blocked: AtomicU64,
}

impl Shared {
    fn now_ns(&self) -> u64 {
        self.base.elapsed().as_nanos() as u64
    }
}

/// What one receiving client counted.
struct ReceiverStats {
    hist: Histogram,
    /// Payload lines received, by receive time, in [`BUCKET`]s since `t0`.
    buckets: Vec<u64>,
    /// Payload lines whose send time is in the measured window.
    measured: u64,
    /// Payload lines that claim to come from this very client.
    echoed: u64,
    /// Non-payload lines (notices, errors).
    other_lines: u64,
    overlong: u64,
    /// The server closed the connection before the run was over.
    closed_early: bool,
    /// A read failed.
    error: Option<String>,
}

/// Runs the load described by `config` on a runtime of its own and returns the report.
pub fn run(config: &LoadConfig) -> Result<Report, LoadError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(config.threads.max(1))
        .enable_all()
        .build()
        .map_err(LoadError::Runtime)?;
    runtime.block_on(generate(config.clone()))
}

/// Runs the load described by `config` on the current runtime and returns the report.
pub async fn generate(config: LoadConfig) -> Result<Report, LoadError> {
    validate(&config)?;
    let total = config.clients + config.stalled;
    let shared = Arc::new(Shared {
        base: Instant::now(),
        received: AtomicU64::new(0),
        window_sent: (0..config.clients).map(|_| AtomicU64::new(0)).collect(),
        total_sent: AtomicU64::new(0),
        senders_blocked: AtomicU64::new(0),
    });
    let (phase_tx, phase_rx) = watch::channel(Phase::Setup);
    let (ready_tx, mut ready_rx) = tokio::sync::mpsc::channel::<Result<(), LoadError>>(total);

    // Connect one client after the other: a thousand connects on loopback take milliseconds, and a
    // server's accept backlog is never flooded.
    let setup = async {
        let mut streams = Vec::with_capacity(total);
        for client in 0..total {
            let stream =
                TcpStream::connect(config.addr)
                    .await
                    .map_err(|source| LoadError::Connect {
                        client,
                        addr: config.addr,
                        source,
                    })?;
            let _ = stream.set_nodelay(true);
            let halves =
                transport::open(config.transport, stream, config.addr, config.tls.as_ref())
                    .await
                    .map_err(|message| LoadError::Handshake { client, message })?;
            streams.push(halves);
        }
        Ok::<_, LoadError>(streams)
    };
    let streams = match tokio::time::timeout(config.connect_timeout, setup).await {
        Ok(streams) => streams?,
        Err(_) => {
            return Err(LoadError::NotReady {
                ready: 0,
                total,
                limit: config.connect_timeout,
            });
        }
    };

    let mut receivers = Vec::with_capacity(config.clients);
    let mut senders = Vec::with_capacity(config.senders);
    let mut stalled = Vec::with_capacity(config.stalled);
    for (client, (read, write)) in streams.into_iter().enumerate() {
        let config = config.clone();
        let shared = shared.clone();
        let phase = phase_rx.clone();
        let ready = ready_tx.clone();
        if client < config.clients {
            let (write_tx, write_rx) = tokio::sync::oneshot::channel();
            let is_sender = client < config.senders;
            receivers.push(tokio::spawn(receiver(
                client,
                Halves { read, write },
                config.clone(),
                shared.clone(),
                phase,
                ready,
                write_tx,
            )));
            if is_sender {
                senders.push(tokio::spawn(sender(
                    client,
                    write_rx,
                    config.clone(),
                    shared.clone(),
                    phase_rx.clone(),
                )));
            }
        } else {
            stalled.push(tokio::spawn(stalled_client(
                client, read, write, config, phase, ready,
            )));
        }
    }
    drop(ready_tx);

    // Wait until every client is ready.
    let mut ready = 0;
    let wait_ready = async {
        while ready < total {
            match ready_rx.recv().await {
                Some(Ok(())) => ready += 1,
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        Ok(())
    };
    let outcome = match tokio::time::timeout(config.connect_timeout, wait_ready).await {
        Ok(Err(e)) => Err(e),
        Ok(Ok(())) | Err(_) if ready < total => Err(LoadError::NotReady {
            ready,
            total,
            limit: config.connect_timeout,
        }),
        Ok(Ok(())) | Err(_) => Ok(()),
    };
    if let Err(e) = outcome {
        // Tell every task to end; dropping the runtime (in `run`) cancels what is still waiting.
        let _ = phase_tx.send(Phase::Over);
        return Err(e);
    }
    if config.ready.is_none() {
        tokio::time::sleep(config.settle).await;
    }

    // Start.
    let t0 = shared.now_ns();
    let times = Times {
        t0,
        warm_end: t0 + config.warmup.as_nanos() as u64,
        send_end: t0 + (config.warmup + config.duration).as_nanos() as u64,
    };
    let _ = phase_tx.send(Phase::Running(times));
    let progress = Progress::start(&config, shared.clone(), times);

    let mut write_halves = Vec::with_capacity(total);
    let mut sent_end_ns = times.t0;
    for handle in senders {
        let (write, finished_ns) = handle.await.expect("a sender task panicked");
        sent_end_ns = sent_end_ns.max(finished_ns);
        write_halves.extend(write);
    }
    let drain_deadline = Instant::now() + config.drain;
    let _ = phase_tx.send(Phase::Draining(times, drain_deadline));

    let mut stats = Vec::with_capacity(config.clients);
    for handle in receivers {
        let (s, write) = handle.await.expect("a receiver task panicked");
        stats.push(s);
        write_halves.extend(write);
    }
    let _ = phase_tx.send(Phase::Over);
    for handle in stalled {
        let _ = handle.await;
    }
    progress.finish();
    // Only now may the write halves close.
    drop(write_halves);

    Ok(summarize(&config, &shared, times, sent_end_ns, stats))
}

/// Both halves of one client's connection.
struct Halves {
    read: Reader,
    write: Writer,
}

fn validate(config: &LoadConfig) -> Result<(), LoadError> {
    let bad = |m: &str| Err(LoadError::Config(m.to_owned()));
    if config.clients < 2 {
        return bad("--clients must be at least 2 (a sender does not receive its own messages)");
    }
    if config.senders == 0 || config.senders > config.clients {
        return bad("--senders must be between 1 and --clients");
    }
    if config.rate == 0 {
        return bad("--rate must be at least 1 message per second");
    }
    if config.duration.is_zero() {
        return bad("--duration must be longer than zero");
    }
    Ok(())
}

/// Sends the handshake lines and, if a ready substring is set, reads until a line contains it.
async fn handshake(
    client: usize,
    halves: &mut Halves,
    config: &LoadConfig,
    lines: &mut LineBuffer,
) -> Result<(), LoadError> {
    let fail = |message: String| LoadError::Handshake { client, message };
    let mut out = String::new();
    for line in &config.handshake {
        out.push_str(&line.replace("{i}", &client.to_string()));
        out.push('\n');
    }
    let write = &mut halves.write;
    // A TLS stream may keep what it could not write yet until it is flushed.
    let sent = async {
        write.write_all(out.as_bytes()).await?;
        write.flush().await
    };
    sent.await
        .map_err(|e| fail(format!("could not send the handshake: {e}")))?;
    let Some(ready) = &config.ready else {
        return Ok(());
    };
    let wanted = Finder::new(ready.as_bytes());
    let mut seen = 0;
    let mut found = false;
    while !found {
        let n = halves
            .read
            .read(lines.spare())
            .await
            .map_err(|e| fail(format!("read failed while waiting for {ready:?}: {e}")))?;
        if n == 0 {
            return Err(fail(format!(
                "the server closed the connection before sending a line containing {ready:?}"
            )));
        }
        seen += n;
        lines.filled(n, |line| found |= wanted.find(line).is_some());
        if !found && seen > READY_LIMIT {
            return Err(fail(format!(
                "no line containing {ready:?} in the first {READY_LIMIT} bytes"
            )));
        }
    }
    Ok(())
}

/// Waits for the senders to start; `None` if the run ended first.
async fn started(phase: &mut watch::Receiver<Phase>) -> Option<Times> {
    let seen = phase
        .wait_for(|p| !matches!(p, Phase::Setup))
        .await
        .ok()
        .map(|p| *p)?;
    match seen {
        Phase::Running(times) | Phase::Draining(times, _) => Some(times),
        Phase::Setup | Phase::Over => None,
    }
}

/// One reading client: handshake, then count every line until the run is over.
async fn receiver(
    client: usize,
    mut halves: Halves,
    config: LoadConfig,
    shared: Arc<Shared>,
    mut phase: watch::Receiver<Phase>,
    ready: tokio::sync::mpsc::Sender<Result<(), LoadError>>,
    write_to_sender: tokio::sync::oneshot::Sender<Writer>,
) -> (ReceiverStats, Option<Writer>) {
    let slots = ((config.warmup + config.duration + config.drain).as_nanos() / BUCKET.as_nanos())
        as usize
        + 2;
    let mut stats = ReceiverStats {
        hist: Histogram::new(),
        buckets: vec![0; slots],
        measured: 0,
        echoed: 0,
        other_lines: 0,
        overlong: 0,
        closed_early: false,
        error: None,
    };
    let mut lines = LineBuffer::new(config.read_buffer);
    if let Err(e) = handshake(client, &mut halves, &config, &mut lines).await {
        stats.error = Some(e.to_string());
        let _ = ready.send(Err(e)).await;
        return (stats, Some(halves.write));
    }
    let _ = ready.send(Ok(())).await;
    drop(ready);
    let Halves { mut read, write } = halves;
    // A sender's write half goes to its sender task, which hands it back at the end.
    let kept_write = if client < config.senders {
        let _ = write_to_sender.send(write);
        None
    } else {
        Some(write)
    };

    let Some(times) = started(&mut phase).await else {
        return (stats, kept_write);
    };
    let finder = Finder::new(MARKER);
    let bucket_ns = BUCKET.as_nanos() as u64;
    let me = client as u64;
    // Set once the senders have stopped: how many measured messages this client must receive.
    let mut expected: Option<u64> = None;
    let drain = tokio::time::sleep(Duration::from_secs(3600 * 24));
    tokio::pin!(drain);

    enum Event {
        Read(std::io::Result<usize>),
        Phase(bool),
        DrainOver,
    }
    loop {
        if let Some(expected) = expected
            && stats.measured >= expected
        {
            break;
        }
        let event = tokio::select! {
            biased;
            r = read.read(lines.spare()) => Event::Read(r),
            changed = phase.changed(), if expected.is_none() => Event::Phase(changed.is_ok()),
            () = &mut drain, if expected.is_some() => Event::DrainOver,
        };
        match event {
            Event::Read(Ok(0)) => {
                stats.closed_early = true;
                break;
            }
            Event::Read(Ok(n)) => {
                // One timestamp per read: every line in this chunk arrived at the same moment.
                let now = shared.now_ns();
                let slot = (now.saturating_sub(times.t0) / bucket_ns) as usize;
                let slot = slot.min(stats.buckets.len() - 1);
                let mut payloads = 0;
                let st = &mut stats;
                lines.filled(n, |line| match scan::parse_line(&finder, line) {
                    Some(p) => {
                        payloads += 1;
                        if p.sender == me {
                            st.echoed += 1;
                        } else if p.sent_ns >= times.warm_end {
                            st.measured += 1;
                            st.hist.record(now.saturating_sub(p.sent_ns));
                        }
                    }
                    None => st.other_lines += 1,
                });
                stats.buckets[slot] += payloads;
                shared.received.fetch_add(payloads, Ordering::Relaxed);
            }
            Event::Read(Err(e)) => {
                stats.error = Some(e.to_string());
                break;
            }
            Event::Phase(false) => break,
            Event::Phase(true) => {
                let now = *phase.borrow_and_update();
                match now {
                    Phase::Draining(_, deadline) => {
                        let total: u64 = shared
                            .window_sent
                            .iter()
                            .map(|n| n.load(Ordering::Acquire))
                            .sum();
                        let own = shared.window_sent[client].load(Ordering::Acquire);
                        expected = Some(total - own);
                        drain.as_mut().reset(deadline.into());
                    }
                    Phase::Over => break,
                    Phase::Setup | Phase::Running(_) => {}
                }
            }
            Event::DrainOver => break,
        }
    }
    stats.overlong = lines.overlong;
    (stats, kept_write)
}

/// One sender: paced payload lines on a write half, batched into one write per tick.
async fn sender(
    client: usize,
    write: tokio::sync::oneshot::Receiver<Writer>,
    config: LoadConfig,
    shared: Arc<Shared>,
    mut phase: watch::Receiver<Phase>,
) -> (Option<Writer>, u64) {
    let Ok(mut write) = write.await else {
        return (None, shared.now_ns());
    };
    let Some(times) = started(&mut phase).await else {
        return (Some(write), shared.now_ns());
    };
    let senders = config.senders as u64;
    let per_second = config.rate as f64 / senders as f64;
    // This sender's share of `--messages`, if set.
    let quota = config
        .messages
        .map(|m| m / senders + u64::from((client as u64) < m % senders));
    let start = shared.base + Duration::from_nanos(times.t0);
    let mut seq: u64 = 0;
    let mut in_window: u64 = 0;
    let mut out = Vec::with_capacity(64 * 1024);
    let give_up = tokio::time::Instant::from_std(
        shared.base + Duration::from_nanos(times.send_end) + config.drain,
    );
    loop {
        let now = shared.now_ns();
        if now >= times.send_end || quota.is_some_and(|q| seq >= q) {
            break;
        }
        // Message k is due at t0 + k / rate: how many are due by now?
        let elapsed = (now - times.t0) as f64 / 1e9;
        let mut due = (elapsed * per_second).floor() as u64 + 1;
        if let Some(q) = quota {
            due = due.min(q);
        }
        let n = due.saturating_sub(seq).min(MAX_BATCH);
        if n == 0 {
            let next = start + Duration::from_secs_f64(seq as f64 / per_second);
            tokio::time::sleep_until(next.into()).await;
            continue;
        }
        out.clear();
        for _ in 0..n {
            scan::write_payload(&mut out, client as u64, seq, now, config.size);
            seq += 1;
        }
        if now >= times.warm_end {
            in_window += n;
        }
        // A server that stops reading a sender's socket would block this write forever; past the
        // end of sending plus the drain time, give up and say so.
        // The flush sends what a TLS stream kept back; on TCP it does nothing.
        let send = async {
            write.write_all(&out).await?;
            write.flush().await
        };
        match tokio::time::timeout_at(give_up, send).await {
            Ok(Ok(())) => {}
            Ok(Err(_)) => break,
            Err(_) => {
                shared.senders_blocked.fetch_add(1, Ordering::Relaxed);
                break;
            }
        }
    }
    shared.window_sent[client].store(in_window, Ordering::Release);
    shared.total_sent.fetch_add(seq, Ordering::Relaxed);
    (Some(write), shared.now_ns())
}

/// A client that connects, sends its handshake (and waits for ready) and then never reads.
async fn stalled_client(
    client: usize,
    read: Reader,
    write: Writer,
    config: LoadConfig,
    mut phase: watch::Receiver<Phase>,
    ready: tokio::sync::mpsc::Sender<Result<(), LoadError>>,
) {
    let mut halves = Halves { read, write };
    let mut lines = LineBuffer::new(4096);
    match handshake(client, &mut halves, &config, &mut lines).await {
        Ok(()) => {
            let _ = ready.send(Ok(())).await;
        }
        Err(e) => {
            let _ = ready.send(Err(e)).await;
            return;
        }
    }
    drop(ready);
    // Hold both halves, unread, until the run is over.
    let _ = phase.wait_for(|p| matches!(p, Phase::Over)).await;
    drop(halves);
}

/// Merges the receivers' counts into the report.
fn summarize(
    config: &LoadConfig,
    shared: &Shared,
    times: Times,
    sent_end_ns: u64,
    stats: Vec<ReceiverStats>,
) -> Report {
    let window_total: u64 = shared
        .window_sent
        .iter()
        .map(|n| n.load(Ordering::Acquire))
        .sum();
    let mut hist = Histogram::new();
    let mut received = 0;
    let mut expected = 0;
    let mut buckets: Vec<u64> = Vec::new();
    let mut report = Report::default();
    for (client, s) in stats.iter().enumerate() {
        hist.merge(&s.hist);
        received += s.measured;
        expected += window_total - shared.window_sent[client].load(Ordering::Acquire);
        if buckets.len() < s.buckets.len() {
            buckets.resize(s.buckets.len(), 0);
        }
        for (total, n) in buckets.iter_mut().zip(&s.buckets) {
            *total += n;
        }
        report.echoed += s.echoed;
        report.other_lines += s.other_lines;
        report.overlong_lines += s.overlong;
        report.closed_early += usize::from(s.closed_early);
        report.read_errors += usize::from(s.error.is_some());
    }
    // Deliveries per second: whole buckets between the end of the warm-up and the last send.
    let bucket_ns = BUCKET.as_nanos() as u64;
    let first = (times.warm_end - times.t0).div_ceil(bucket_ns) as usize;
    let last = (sent_end_ns.max(times.warm_end) - times.t0) / bucket_ns;
    let last = (last as usize).min(buckets.len());
    let window_secs = sent_end_ns.saturating_sub(times.warm_end) as f64 / 1e9;
    report.delivered_per_sec = if last > first {
        let lines: u64 = buckets[first..last].iter().sum();
        lines as f64 / ((last - first) as f64 * BUCKET.as_secs_f64())
    } else if window_secs > 0.0 {
        received as f64 / window_secs
    } else {
        0.0
    };

    report.clients = config.clients;
    report.senders = config.senders;
    report.stalled = config.stalled;
    report.rate = config.rate;
    report.size = config.size;
    report.offered_deliveries_per_sec = config.rate as f64 * (config.clients - 1) as f64;
    report.warmup_secs = config.warmup.as_secs_f64();
    report.window_secs = window_secs;
    report.sent_total = shared.total_sent.load(Ordering::Relaxed);
    report.senders_blocked = shared.senders_blocked.load(Ordering::Relaxed) as usize;
    report.sent_measured = window_total;
    report.sent_per_sec = if window_secs > 0.0 {
        window_total as f64 / window_secs
    } else {
        0.0
    };
    report.expected = expected;
    report.received = received;
    report.lost = expected.saturating_sub(received);
    report.extra = received.saturating_sub(expected);
    report.loss_ratio = if expected > 0 {
        report.lost as f64 / expected as f64
    } else {
        0.0
    };
    report.latency = Latency::from_histogram(&hist);
    report
}

/// A progress bar on standard error, only when it is a terminal.
struct Progress {
    task: Option<tokio::task::JoinHandle<()>>,
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    fn start(config: &LoadConfig, shared: Arc<Shared>, times: Times) -> Progress {
        use std::io::IsTerminal;
        if !config.progress || !std::io::stderr().is_terminal() {
            return Progress {
                task: None,
                bar: None,
            };
        }
        let total_ms = (times.send_end - times.t0) / 1_000_000;
        let bar = indicatif::ProgressBar::new(total_ms);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} ms  {msg}")
                .expect("the progress template is valid"),
        );
        let task_bar = bar.clone();
        let task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_millis(250));
            let mut last = 0;
            loop {
                tick.tick().await;
                let now = shared.now_ns();
                let received = shared.received.load(Ordering::Relaxed);
                let phase = if now < times.warm_end {
                    "warm-up"
                } else {
                    "measuring"
                };
                task_bar.set_position(((now - times.t0) / 1_000_000).min(total_ms));
                task_bar.set_message(format!(
                    "{phase}, {:.2} M lines/s",
                    (received - last) as f64 * 4.0 / 1e6
                ));
                last = received;
            }
        });
        Progress {
            task: Some(task),
            bar: Some(bar),
        }
    }

    fn finish(self) {
        if let Some(task) = self.task {
            task.abort();
        }
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}
