//! Tests for `relay` and `serve`: bytes both ways with a half-close in the middle, an upstream that
//! speaks first (a greeting, as SMTP and SSH servers send), and two clients through `serve` at the
//! same time, over real sockets on 127.0.0.1.

use std::time::Duration;

use proxy::{relay, serve};
use testkit::Flavor;
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream};
use tokio::net::{TcpListener, TcpStream};

/// Real-time limit for each test. A correct version needs milliseconds; the margin is for a
/// machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(10);

/// A client and an upstream joined by `relay` running in a task: returns the client's end, the
/// upstream's end and the relay's task.
fn relayed() -> (
    DuplexStream,
    DuplexStream,
    tokio::task::JoinHandle<std::io::Result<(u64, u64)>>,
) {
    let (client, mut client_side) = tokio::io::duplex(64);
    let (mut upstream_side, upstream) = tokio::io::duplex(64);
    let task = tokio::spawn(async move { relay(&mut client_side, &mut upstream_side).await });
    (client, upstream, task)
}

#[test]
fn a_half_closed_client_still_gets_its_reply() {
    let (request, reply, counts) = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause(); // a wait that can never end is reported at once, not after seconds
        let (mut client, mut upstream, task) = relayed();
        client.write_all(b"hello").await.unwrap();
        client.shutdown().await.unwrap(); // "that is all I send", and then wait for the answer

        let mut request = Vec::new();
        let ended =
            tokio::time::timeout(Duration::from_secs(1), upstream.read_to_end(&mut request)).await;
        assert!(
            ended.is_ok(),
            "the upstream never saw the end of the client's data: when the client's side ends, \
             relay must shut down the upstream's write side (copy_bidirectional does)"
        );
        // A relay that already ended has closed the upstream's pipe: these writes then fail,
        // and the assertion on the reply below says why.
        let _ = upstream.write_all(b"HELLO THERE").await;
        let _ = upstream.shutdown().await;
        drop(upstream);

        let mut reply = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(1), client.read_to_end(&mut reply)).await;
        let counts = tokio::time::timeout(Duration::from_secs(1), task).await;
        (request, reply, counts)
    });
    assert_eq!(request, b"hello", "the upstream got the wrong request");
    assert_eq!(
        reply, b"HELLO THERE",
        "the client shut down its sending side and then lost the upstream's reply: relay stopped \
         at the end of the first direction. The other direction must go on until it ends too"
    );
    let counts = counts
        .expect("relay did not end after both sides had closed")
        .expect("relay's task panicked")
        .expect("relay returned an error");
    assert_eq!(
        counts,
        (5, 11),
        "relay returns (bytes client to upstream, bytes upstream to client): the client sent 5 \
         bytes and the upstream 11. The two counts the other way round come from \
         copy_bidirectional(upstream, client): it returns (first to second, second to first)"
    );
}

#[test]
fn an_upstream_that_speaks_first_is_heard() {
    let greeting = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let (mut client, mut upstream, _task) = relayed();
        upstream.write_all(b"220 welcome\n").await.unwrap();
        // The client says nothing until it has the greeting, as SMTP clients do.
        let mut greeting = [0u8; 12];
        let got =
            tokio::time::timeout(Duration::from_secs(1), client.read_exact(&mut greeting)).await;
        got.ok().map(|_| greeting)
    });
    assert_eq!(
        greeting.as_ref().map(|g| &g[..]),
        Some(&b"220 welcome\n"[..]),
        "the client never got the upstream's greeting: relay must copy both directions at the \
         same time, not client to upstream first (which waits for a client that is waiting too)"
    );
}

#[test]
fn an_upstream_that_ends_first_ends_the_client_s_data() {
    let (seen, sent) = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause(); // a wait that can never end is reported at once, not after seconds
        let (mut client, mut upstream, _task) = relayed();
        // The upstream says all it has to say and shuts down its sending side, but still reads.
        upstream.write_all(b"bye").await.unwrap();
        upstream.shutdown().await.unwrap();
        let mut bye = [0u8; 3];
        let came = tokio::time::timeout(Duration::from_secs(1), client.read_exact(&mut bye)).await;
        assert!(
            came.is_ok(),
            "the upstream's bytes never reached the client, which was waiting for them: relay \
             must copy both directions at the same time, not client to upstream first"
        );
        let mut seen = bye.to_vec();
        let ended =
            tokio::time::timeout(Duration::from_secs(1), client.read_to_end(&mut seen)).await;
        // The client's direction still works.
        let _ = client.write_all(b"ok").await;
        let mut sent = [0u8; 2];
        let got =
            tokio::time::timeout(Duration::from_secs(1), upstream.read_exact(&mut sent)).await;
        (ended.ok().map(|_| seen), got.ok().map(|_| sent))
    });
    assert_eq!(
        seen.as_deref(),
        Some(&b"bye"[..]),
        "the upstream shut down its sending side, and the client got its bytes but never the \
         end of data: when the upstream's side ends, relay must shut down the client's write \
         side too (copy_bidirectional does both)"
    );
    assert_eq!(
        sent.as_ref().map(|s| &s[..]),
        Some(&b"ok"[..]),
        "after the upstream shut down its sending side, the client's bytes no longer reached \
         it: the client-to-upstream direction must go on until it ends too"
    );
}

#[test]
fn serve_closes_a_client_whose_upstream_cannot_be_reached() {
    let (closed, serve_ended) = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        // An address nobody listens on: connecting to it is refused at once.
        let upstream = {
            let gone = TcpListener::bind("127.0.0.1:0").await.unwrap();
            gone.local_addr().unwrap()
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = listener.local_addr().unwrap();
        let serving = tokio::spawn(serve(listener, upstream));
        let mut client = TcpStream::connect(proxy).await.unwrap();
        let mut buf = [0u8; 16];
        let read = tokio::time::timeout(Duration::from_secs(2), client.read(&mut buf)).await;
        let closed = matches!(read, Ok(Ok(0)) | Ok(Err(_)));
        // On this one-thread runtime, a serve that returns on the failed connect has ended in the
        // same poll that closed the client.
        (closed, serving.is_finished())
    });
    assert!(
        !serve_ended,
        "the upstream cannot be reached, and serve returned: serve stopped accepting, so every \
         later client is refused. Relay each client in a task of its own (tokio::spawn), and \
         connect to the upstream inside that task, so that a failed connect ends that task and \
         closes that one client only"
    );
    assert!(
        closed,
        "the upstream cannot be reached, and the client was left open: a client whose upstream \
         cannot be reached is closed (its task ends, and with it the client's socket)"
    );
}

/// An echo server on 127.0.0.1 that serves every connection in a task of its own.
async fn echo_server() -> std::net::SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let (mut r, mut w) = socket.split();
                let _ = tokio::io::copy(&mut r, &mut w).await;
            });
        }
    });
    addr
}

/// Writes `message` on `stream` and reads as many bytes back, within `within`.
async fn echo(stream: &mut TcpStream, message: &[u8], within: Duration) -> Option<Vec<u8>> {
    stream.write_all(message).await.unwrap();
    let mut back = vec![0; message.len()];
    let got = tokio::time::timeout(within, stream.read_exact(&mut back)).await;
    got.ok().map(|r| r.map(|_| back).unwrap())
}

#[test]
fn serve_relays_two_clients_at_the_same_time() {
    let (first, second) = testkit::run(Flavor::MultiThread, LIMIT, || async {
        let upstream = echo_server().await;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let proxy = listener.local_addr().unwrap();
        tokio::spawn(serve(listener, upstream));

        let mut a = TcpStream::connect(proxy).await.unwrap();
        let first = echo(&mut a, b"from a", Duration::from_secs(2)).await;
        if first.is_none() {
            return (first, None); // the assertion below says what went wrong
        }
        // `a` stays connected, and idle, while `b` comes.
        let mut b = TcpStream::connect(proxy).await.unwrap();
        let second = echo(&mut b, b"from b", Duration::from_secs(2)).await;
        drop(a);
        (first, second)
    });
    assert_eq!(
        first.as_deref(),
        Some(&b"from a"[..]),
        "the first client's bytes did not come back through the proxy"
    );
    assert_eq!(
        second.as_deref(),
        Some(&b"from b"[..]),
        "a second client got no echo while the first was still connected: serve must relay each \
         client in a task of its own (tokio::spawn), not in its accept loop"
    );
}
