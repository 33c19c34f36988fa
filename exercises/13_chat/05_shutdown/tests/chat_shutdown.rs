//! Tests for the `chat_shutdown` exercise. Do not edit: `cargo lab check chat_shutdown` runs this
//! file as it is, against your `src/lib.rs`.
//!
//! The tests use real TCP on `127.0.0.1:0` on a current_thread runtime, and hold the handlers at a
//! gate they control, so the order of events is fixed: nothing depends on timing.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chat_shutdown::serve;
use testkit::Flavor;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc, oneshot};

/// The time limit of every test; each needs a few milliseconds.
const LIMIT: Duration = Duration::from_secs(10);
/// How long a test waits for a connection's welcome. Generous: it takes microseconds.
const EVENT_WITHIN: Duration = Duration::from_secs(2);
/// How long a test waits for the handlers' tokens to be cancelled after the shutdown signal, and
/// for serve to return once the handlers may finish: nothing but loopback writes happens in
/// between, so a second is generous, and a failing check ends soon.
const SHUTDOWN_WITHIN: Duration = Duration::from_secs(1);

/// What the handlers report to the test.
#[derive(Debug, PartialEq)]
enum Event {
    /// A handler saw its token cancelled and waits at the gate.
    Cancelled,
    /// A handler has written its goodbye and is about to return.
    Finished,
}

/// A server whose handlers greet, wait for the token, report, wait at `gate`, say goodbye and
/// report again.
struct Setup {
    addr: std::net::SocketAddr,
    stop: oneshot::Sender<()>,
    events: mpsc::UnboundedReceiver<Event>,
    gate: Arc<Semaphore>,
    finished: Arc<AtomicUsize>,
    server: tokio::task::JoinHandle<usize>,
}

async fn setup() -> Setup {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let (report, events) = mpsc::unbounded_channel();
    let gate = Arc::new(Semaphore::new(0));
    let finished = Arc::new(AtomicUsize::new(0));
    let (g, f) = (Arc::clone(&gate), Arc::clone(&finished));
    let server = tokio::spawn(serve(
        listener,
        async move {
            let _ = stopped.await;
        },
        move |mut stream: TcpStream, token| {
            let (report, gate, finished) = (report.clone(), Arc::clone(&g), Arc::clone(&f));
            async move {
                stream.write_all(b"* welcome\n").await.unwrap();
                token.cancelled().await;
                report.send(Event::Cancelled).unwrap();
                gate.acquire().await.unwrap().forget();
                stream.write_all(b"* goodbye\n").await.unwrap();
                finished.fetch_add(1, Ordering::SeqCst);
                report.send(Event::Finished).unwrap();
            }
        },
    ));
    Setup {
        addr,
        stop,
        events,
        gate,
        finished,
        server,
    }
}

/// What a test says when a handler's token is not cancelled after the shutdown signal.
const NOT_CANCELLED: &str = "a handler's token was not cancelled within 1 s of the shutdown \
     signal. The handlers wait for their token before they can finish, so cancel the token before \
     waiting for the handlers (waiting first means each side waits for the other), and give each \
     handler a child of the token serve cancels (token.child_token()): a token made with \
     CancellationToken::new() for a handler is never cancelled. A serve that awaits a handler \
     instead of spawning it never even sees the shutdown: spawn a task per connection";

async fn connect(addr: std::net::SocketAddr) -> tokio::io::Lines<BufReader<TcpStream>> {
    let stream = TcpStream::connect(addr).await.unwrap();
    let mut lines = BufReader::new(stream).lines();
    let welcome = tokio::time::timeout(EVENT_WITHIN, lines.next_line()).await;
    assert!(
        matches!(welcome, Ok(Ok(Some(ref l))) if l == "* welcome"),
        "a connection must be handed to the handler at once (accept in a loop, spawn a task per connection): {welcome:?}"
    );
    lines
}

async fn event(events: &mut mpsc::UnboundedReceiver<Event>, what: &str) -> Event {
    tokio::time::timeout(SHUTDOWN_WITHIN, events.recv())
        .await
        .unwrap_or_else(|_| panic!("{what}"))
        .expect("every handler is gone")
}

#[test]
fn connections_are_served_at_once_and_counted() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut s = setup().await;
        // Two connections open at the same time: each has its own task.
        let _a = connect(s.addr).await;
        let _b = connect(s.addr).await;
        s.stop.send(()).unwrap();
        for _ in 0..2 {
            assert_eq!(event(&mut s.events, NOT_CANCELLED).await, Event::Cancelled);
        }
        s.gate.add_permits(2);
        let accepted = tokio::time::timeout(SHUTDOWN_WITHIN, &mut s.server)
            .await
            .expect(
                "serve did not return within 1 s of the shutdown, although every handler had seen \
                 its token cancelled and was free to finish: close the TaskTracker before \
                 waiting, since TaskTracker::wait resolves only after TaskTracker::close",
            )
            .unwrap();
        assert_eq!(
            accepted, 2,
            "serve returns the number of connections it accepted"
        );
    });
}

#[test]
fn the_shutdown_cancels_every_handlers_token() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut s = setup().await;
        let _a = connect(s.addr).await;
        let _b = connect(s.addr).await;
        s.stop.send(()).unwrap();
        for _ in 0..2 {
            let e = event(&mut s.events, NOT_CANCELLED).await;
            assert_eq!(
                e,
                Event::Cancelled,
                "the handlers first see their token cancelled"
            );
        }
        s.gate.add_permits(2);
    });
}

#[test]
fn serve_returns_only_after_every_handler_finished() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut s = setup().await;
        let mut a = connect(s.addr).await;
        s.stop.send(()).unwrap();
        assert_eq!(event(&mut s.events, NOT_CANCELLED).await, Event::Cancelled);
        // The handler waits at the gate. Give serve every chance to run: on this one-thread
        // runtime, each yield lets every other ready task take a turn. Then a minute passes on
        // Tokio's paused clock, in no real time: a serve that waits for its handlers only so
        // long has given up by then.
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        tokio::time::pause();
        tokio::time::sleep(Duration::from_secs(60)).await;
        tokio::time::resume();
        assert!(
            !s.server.is_finished(),
            "serve returned while a handler was still finishing its goodbye (the handler was \
             held for a minute of Tokio's paused clock): wait for the TaskTracker before returning, \
             with no time limit. A grace period that gives up leaves handlers running after \
             serve returned, their goodbyes cut"
        );
        // Stop accepting: while the handlers finish, a new connection is refused.
        let refused = TcpStream::connect(s.addr).await;
        assert!(
            refused.is_err(),
            "a new connection was accepted by the kernel during the shutdown: drop the listener as soon as the shutdown comes"
        );
        s.gate.add_permits(1);
        assert_eq!(
            event(&mut s.events, "the handler did not finish").await,
            Event::Finished
        );
        let accepted = tokio::time::timeout(SHUTDOWN_WITHIN, &mut s.server)
            .await
            .expect(
                "serve did not return within 1 s of every handler finishing: \
                 TaskTracker::wait resolves only after TaskTracker::close",
            )
            .unwrap();
        assert_eq!(accepted, 1, "one connection was accepted");
        assert_eq!(
            s.finished.load(Ordering::SeqCst),
            1,
            "the handler had finished when serve returned"
        );
        let bye = a.next_line().await.unwrap();
        assert_eq!(
            bye.as_deref(),
            Some("* goodbye"),
            "the client got its goodbye"
        );
    });
}
