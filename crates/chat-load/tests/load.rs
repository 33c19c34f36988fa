//! The load generator against real servers on `127.0.0.1:0`: the naive baseline, and a test server
//! that drops messages on purpose. Every test is bounded by `testkit::within`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chat_load::{LoadConfig, LoadError, Report};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};

/// Generous: a run below takes about a second, but five other builds may share the two cores.
const LIMIT: Duration = Duration::from_secs(90);

/// A server running on a thread of its own until this is dropped.
struct Running {
    addr: SocketAddr,
    _stop: oneshot::Sender<()>,
}

/// Starts a server made by `serve` (given the listener and a stop signal) on its own runtime.
fn start<F, Fut>(serve: F) -> Running
where
    F: FnOnce(TcpListener, oneshot::Receiver<()>) -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = oneshot::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("a runtime for the server");
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind 127.0.0.1:0");
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            serve(listener, stop_rx).await;
        });
    });
    let addr = addr_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("the test server did not start within 10 s");
    Running {
        addr,
        _stop: stop_tx,
    }
}

fn naive() -> Running {
    start(|listener, stop| {
        chat_load::naive::serve(listener, async move {
            let _ = stop.await;
        })
    })
}

/// A small run that waits for the naive server's `* you are lgN, in room lobby` before sending.
fn small(addr: SocketAddr) -> LoadConfig {
    LoadConfig {
        clients: 6,
        senders: 3,
        rate: 2000,
        messages: Some(300),
        warmup: Duration::ZERO,
        duration: Duration::from_secs(30),
        drain: Duration::from_secs(20),
        ready: Some(" lobby".to_owned()),
        ..LoadConfig::new(addr)
    }
}

fn run(config: LoadConfig) -> Report {
    testkit::within(LIMIT, move || chat_load::load::run(&config)).expect("the load run failed")
}

#[test]
fn counts_are_exact_on_a_small_run_against_the_naive_server() {
    let server = naive();
    let report = run(small(server.addr));
    assert_eq!(
        report.sent_total, 300,
        "--messages 300 must send exactly 300 messages"
    );
    assert_eq!(
        report.sent_measured, 300,
        "without warm-up every message is measured"
    );
    assert_eq!(
        report.expected,
        300 * 5,
        "each message is owed to every reading client but its sender (6 - 1)"
    );
    assert_eq!(
        report.received, report.expected,
        "the naive server delivers everything at this rate; a shortfall here means the generator \
         miscounts, or closed a write half (the naive server takes a half-closed socket for a quit)"
    );
    assert_eq!(
        (report.lost, report.extra),
        (0, 0),
        "no loss and no duplicates"
    );
    assert_eq!(
        report.latency.count, report.received,
        "every measured delivery must give one latency sample"
    );
    assert!(
        report.latency.max_ms >= report.latency.p99_ms
            && report.latency.p99_ms >= report.latency.p50_ms,
        "latency figures must be ordered: {:?}",
        report.latency
    );
    assert_eq!(
        report.echoed, 0,
        "the naive server never sends a client its own messages"
    );
    assert_eq!(
        report.closed_early, 0,
        "no connection may end before the run is over"
    );
}

/// Bytes a test server queued for, and wrote to, each nickname.
#[derive(Default)]
struct Traffic {
    queued: HashMap<String, u64>,
    written: HashMap<String, Arc<std::sync::atomic::AtomicU64>>,
}

/// A one-room server like the naive one that silently drops every `nth` chat message it is sent
/// (counted across all clients; 0 drops none) and records its traffic per nickname.
async fn test_server(
    listener: TcpListener,
    stop: oneshot::Receiver<()>,
    nth: u64,
    traffic: Arc<Mutex<Traffic>>,
) {
    use std::sync::atomic::{AtomicU64, Ordering};
    type Queues = Arc<Mutex<(u64, HashMap<u64, (String, mpsc::UnboundedSender<Arc<str>>)>)>>;
    let queues: Queues = Arc::default();
    let mut next = 0;
    let accept = async {
        loop {
            let (stream, _) = listener.accept().await.expect("accept");
            next += 1;
            let (id, queues, traffic) = (next, queues.clone(), traffic.clone());
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let (tx, mut rx) = mpsc::unbounded_channel::<Arc<str>>();
                let written = Arc::new(AtomicU64::new(0));
                let counter = written.clone();
                tokio::spawn(async move {
                    while let Some(line) = rx.recv().await {
                        if write.write_all(line.as_bytes()).await.is_err() {
                            break;
                        }
                        counter.fetch_add(line.len() as u64, Ordering::Relaxed);
                    }
                });
                let mut lines = BufReader::new(read).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(nick) = line.strip_prefix("/nick ") {
                        let _ = tx.send(format!("* you are {nick}, in room lobby\n").into());
                        traffic
                            .lock()
                            .unwrap()
                            .written
                            .insert(nick.to_owned(), written.clone());
                        queues
                            .lock()
                            .unwrap()
                            .1
                            .insert(id, (nick.to_owned(), tx.clone()));
                        continue;
                    }
                    let mut state = queues.lock().unwrap();
                    state.0 += 1;
                    if nth > 0 && state.0 % nth == 0 {
                        continue;
                    }
                    let message: Arc<str> = format!("x: {line}\n").into();
                    let mut traffic = traffic.lock().unwrap();
                    for (&peer, (nick, queue)) in &state.1 {
                        if peer != id {
                            let _ = queue.send(message.clone());
                            *traffic.queued.entry(nick.clone()).or_default() +=
                                message.len() as u64;
                        }
                    }
                }
            });
        }
    };
    tokio::select! {
        () = accept => {}
        _ = stop => {}
    }
}

#[test]
fn loss_is_detected_when_the_server_drops_messages() {
    let traffic = Arc::default();
    let server = start(|listener, stop| test_server(listener, stop, 5, traffic));
    let report = run(LoadConfig {
        // The dropped messages never come: there is nothing to wait for after a short drain.
        drain: Duration::from_millis(500),
        ..small(server.addr)
    });
    assert_eq!(
        report.sent_total, 300,
        "--messages 300 must send exactly 300 messages"
    );
    assert_eq!(
        report.lost,
        60 * 5,
        "the server dropped every fifth message (60 of 300), each owed to 5 readers: the report \
         must count exactly those as lost"
    );
    assert_eq!(
        report.received,
        240 * 5,
        "the other 240 messages reach all 5 readers"
    );
    assert!(
        (report.loss_ratio - 0.2).abs() < 1e-9,
        "the loss ratio must be 20 %, got {}",
        report.loss_ratio
    );
}

#[test]
fn a_stalled_reader_does_not_stall_the_generator() {
    let traffic: Arc<Mutex<Traffic>> = Arc::default();
    let seen = traffic.clone();
    let server = start(|listener, stop| test_server(listener, stop, 0, seen));
    // 40,000 messages of 200 bytes: 8 MB queued for each stalled reader, more than loopback socket
    // buffers hold, so the stalled sockets really fill up while the other readers go on.
    let report = run(LoadConfig {
        clients: 4,
        senders: 2,
        stalled: 3,
        rate: 40_000,
        size: 200,
        messages: Some(40_000),
        ..small(server.addr)
    });
    assert_eq!(
        report.stalled, 3,
        "the run must have had its stalled readers"
    );
    assert_eq!(
        report.sent_total, 40_000,
        "the senders must send every message"
    );
    assert_eq!(
        (report.received, report.lost),
        (40_000 * 3, 0),
        "every reader that keeps up must get every message although three readers never read"
    );
    assert_eq!(
        report.closed_early, 0,
        "no reading connection may end early"
    );
    // The stalled clients are 4, 5 and 6. Their sockets must really have filled: the server could
    // not write everything it queued for them.
    let traffic = traffic.lock().unwrap();
    for nick in ["lg4", "lg5", "lg6"] {
        let queued = traffic.queued.get(nick).copied().unwrap_or(0);
        let written = traffic.written[nick].load(std::sync::atomic::Ordering::Relaxed);
        assert!(
            queued >= 8_000_000 && queued.saturating_sub(written) >= 1_000_000,
            "stalled reader {nick} was queued {queued} bytes and took {written}: a stalled reader \
             must leave megabytes unread (is the generator reading its socket?)"
        );
    }
}

/// A server that answers `/nick` and then never reads from or writes to a client again.
async fn deaf_server(listener: TcpListener, stop: oneshot::Receiver<()>) {
    let accept = async {
        let mut held = Vec::new();
        loop {
            let (stream, _) = listener.accept().await.expect("accept");
            let mut stream = BufReader::new(stream);
            let mut nick = String::new();
            let _ = stream.read_line(&mut nick).await;
            let _ = stream
                .get_mut()
                .write_all(b"* you are in room lobby\n")
                .await;
            held.push(stream);
        }
    };
    tokio::select! {
        () = accept => {}
        _ = stop => {}
    }
}

#[test]
fn a_server_that_stops_reading_cannot_hang_the_generator() {
    let server = start(deaf_server);
    // 10 MB per sender in one second, far more than the socket buffers of a connection nobody reads.
    let report = run(LoadConfig {
        clients: 3,
        senders: 2,
        rate: 20_000,
        size: 1000,
        messages: None,
        duration: Duration::from_secs(1),
        drain: Duration::from_secs(1),
        ..small(server.addr)
    });
    assert_eq!(
        report.senders_blocked, 2,
        "both senders must give up on a write the server never takes, and say so"
    );
    assert_eq!(report.received, 0, "the deaf server delivers nothing");
    assert_eq!(
        report.lost, report.expected,
        "everything the senders counted as sent is missing"
    );
}

#[test]
fn a_server_that_is_not_there_is_a_connect_error() {
    // Bind and drop a listener: its port is very likely free and refuses connections.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let result = testkit::within(LIMIT, move || chat_load::load::run(&small(addr)));
    assert!(
        matches!(result, Err(LoadError::Connect { client: 0, .. })),
        "connecting to a closed port must fail with LoadError::Connect for client 0, got {result:?}"
    );
}

#[test]
fn a_ready_line_that_never_comes_is_a_not_ready_error_in_bounded_time() {
    let server = naive();
    let config = LoadConfig {
        ready: Some("a line the naive server never sends".to_owned()),
        connect_timeout: Duration::from_secs(1),
        ..small(server.addr)
    };
    let result = testkit::within(LIMIT, move || chat_load::load::run(&config));
    assert!(
        matches!(
            result,
            Err(LoadError::NotReady {
                ready: 0,
                total: 6,
                ..
            })
        ),
        "clients waiting for a --ready line that never comes must end in NotReady after \
         --connect-timeout, got {result:?}"
    );
}

/// The chat server, its WebSocket clients on `listener` (no TCP listener at all).
fn chat_over_http() -> Running {
    start(|listener, stop| async move {
        let server = chat::Server::new(chat::Config {
            rate_limit: 0,
            history: 0,
            ..chat::Config::default()
        });
        tokio::select! {
            () = server.serve_http(listener) => {}
            _ = stop => {}
        }
    })
}

#[test]
fn counts_are_exact_over_websocket_against_the_chat_server() {
    let server = chat_over_http();
    let report = run(LoadConfig {
        transport: chat_load::Transport::Ws,
        ready: Some("you are in room lobby".to_owned()),
        ..small(server.addr)
    });
    // 300 messages, each delivered to the 5 other clients, every one a text frame read as a line.
    assert_eq!(report.sent_total, 300, "{report:?}");
    assert_eq!(report.expected, 1500, "{report:?}");
    assert_eq!(
        report.received, 1500,
        "every message over WebSocket arrives: {report:?}"
    );
    assert_eq!(report.lost, 0, "{report:?}");
    assert_eq!(
        report.echoed, 0,
        "the server sends nobody their own message: {report:?}"
    );
    assert_eq!(report.overlong_lines, 0, "{report:?}");
}
