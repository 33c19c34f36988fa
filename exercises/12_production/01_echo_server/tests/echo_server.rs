//! Tests for the `echo_server` exercise. Do not edit: `cargo lab check echo_server` runs this file
//! as it is, against your `src/lib.rs`.
//!
//! Every test starts the server on `127.0.0.1:0` (a free port the system picks) and talks to it
//! with real TCP clients over the loopback interface. Every wait for the server is bounded, and
//! the failure message says what was being waited for.

use std::time::Duration;

use echo_server::{MAX_LINE, TOO_LONG, serve};
use testkit::Flavor;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The real-time limit for every test body.
const LIMIT: Duration = Duration::from_secs(10);

/// How long a client waits for an answer that should come at once; loopback answers in well under
/// a millisecond, so a full second is a generous margin for a busy machine.
const ANSWER_WITHIN: Duration = Duration::from_secs(1);

/// A running server: its address, the switch that shuts it down, and its task.
struct Server {
    addr: std::net::SocketAddr,
    stop: oneshot::Sender<()>,
    task: JoinHandle<std::io::Result<()>>,
}

async fn start() -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let addr = listener.local_addr().expect("an address");
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(serve(listener, async move {
        let _ = stopped.await;
    }));
    Server { addr, stop, task }
}

/// Sends `line` and returns the line that comes back, or fails saying the server did not answer.
async fn echo(client: &mut BufReader<TcpStream>, line: &str, what: &str) -> String {
    client
        .get_mut()
        .write_all(line.as_bytes())
        .await
        .expect("the server accepts the bytes");
    let mut back = String::new();
    match tokio::time::timeout(ANSWER_WITHIN, client.read_line(&mut back)).await {
        Ok(Ok(_)) => back,
        Ok(Err(e)) => panic!("{what}: reading the echo failed: {e}"),
        Err(_) => panic!("{what}: no echo within {ANSWER_WITHIN:?}"),
    }
}

async fn connect(server: &Server) -> BufReader<TcpStream> {
    BufReader::new(
        TcpStream::connect(server.addr)
            .await
            .expect("the server accepts"),
    )
}

#[test]
fn echoes_every_line_back() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let server = start().await;
        let mut client = connect(&server).await;
        assert_eq!(echo(&mut client, "hello\n", "first line").await, "hello\n");
        assert_eq!(echo(&mut client, "world\n", "second line").await, "world\n");
        let _ = server.stop.send(());
    });
}

#[test]
fn serves_many_clients_at_once() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let server = start().await;
        // Ten clients connect, and all stay connected while each sends a line.
        let mut clients = Vec::new();
        for _ in 0..10 {
            clients.push(connect(&server).await);
        }
        for (i, client) in clients.iter_mut().enumerate().rev() {
            let line = format!("client {i}\n");
            let what = format!(
                "many clients at once: client {i} of 10, while the others stay connected (a server \
                 that handles one client at a time in its accept loop answers only the first)"
            );
            assert_eq!(echo(client, &line, &what).await, line);
        }
        let _ = server.stop.send(());
    });
}

#[test]
fn an_over_long_line_gets_an_error_and_the_connection_closes() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let server = start().await;
        let mut client = connect(&server).await;
        let exactly_max = format!("{}\n", "b".repeat(MAX_LINE));
        assert_eq!(
            echo(
                &mut client,
                &exactly_max,
                "a line of exactly MAX_LINE bytes"
            )
            .await,
            exactly_max,
            "a line of exactly MAX_LINE bytes is allowed and echoed"
        );
        let long = format!("{}\n", "a".repeat(10 * MAX_LINE));
        let back = echo(&mut client, &long, "an over-long line").await;
        assert!(
            !back.is_empty(),
            "the server closed the connection without a word at an over-long line that came \
             after a line of exactly MAX_LINE bytes: it must answer TOO_LONG first. If the limit \
             is a take made once for the whole connection, it counts every byte the connection \
             sends and is used up after MAX_LINE + 1 bytes in all: the limit is for each line, so \
             take a fresh (&mut reader).take(MAX_LINE + 1) for each line"
        );
        assert_eq!(
            back, TOO_LONG,
            "a line longer than MAX_LINE must not be echoed (that would let a peer make the server \
             buffer without limit): read at most MAX_LINE + 1 bytes of a line \
             (`AsyncReadExt::take`) and answer TOO_LONG"
        );
        let mut rest = Vec::new();
        let closed = tokio::time::timeout(ANSWER_WITHIN, client.read_to_end(&mut rest)).await;
        assert!(
            matches!(closed, Ok(Ok(0))),
            "after TOO_LONG the server must close the connection (got {closed:?}, {} more bytes)",
            rest.len()
        );
        let _ = server.stop.send(());
    });
}

#[test]
fn an_over_long_line_is_refused_before_its_end_arrives() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let server = start().await;
        let mut client = connect(&server).await;
        // Four times MAX_LINE bytes and no newline yet: a peer that could go on for ever. The
        // server has seen enough after MAX_LINE + 1 bytes and must answer without waiting for a
        // newline that may never come.
        client
            .get_mut()
            .write_all("a".repeat(4 * MAX_LINE).as_bytes())
            .await
            .expect("the server accepts the bytes");
        let mut back = String::new();
        let answered = tokio::time::timeout(ANSWER_WITHIN, client.read_line(&mut back)).await;
        assert!(
            matches!(answered, Ok(Ok(_))) && back == TOO_LONG,
            "a client sent {} bytes without a newline and got no TOO_LONG within {ANSWER_WITHIN:?} \
             (got {answered:?}, {back:?}): the server reads the whole line before it looks at its \
             length, so a peer can make it buffer without limit. Bound the read itself: read at \
             most MAX_LINE + 1 bytes of a line (`AsyncReadExt::take`)",
            4 * MAX_LINE
        );
        let _ = server.stop.send(());
    });
}

#[test]
fn a_client_that_leaves_mid_line_does_not_stop_the_server() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let server = start().await;
        {
            let mut leaver = connect(&server).await;
            leaver
                .get_mut()
                .write_all(b"half a li")
                .await
                .expect("the server accepts the bytes");
            // Dropped here: the connection ends half-way through a line.
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(
            !server.task.is_finished(),
            "disconnects: the server stopped after a client left mid-line; one client's end or error must \
             end that client's connection only: {:?}",
            server.task.await
        );
        let mut next = connect(&server).await;
        assert_eq!(
            echo(
                &mut next,
                "still there?\n",
                "disconnects: a new client after one left mid-line"
            )
            .await,
            "still there?\n"
        );
        let _ = server.stop.send(());
    });
}

#[test]
fn serve_returns_once_shutdown_completes() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let server = start().await;
        let mut client = connect(&server).await;
        assert_eq!(
            echo(&mut client, "ping\n", "before shutdown").await,
            "ping\n"
        );
        server.stop.send(()).expect("the server is running");
        let ended = tokio::time::timeout(ANSWER_WITHIN, server.task).await;
        assert!(
            matches!(ended, Ok(Ok(Ok(())))),
            "shutdown: serve must return Ok(()) once its shutdown future completes, even with a \
             client still connected (got {ended:?})"
        );
    });
}
