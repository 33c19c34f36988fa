//! The admin listener's `GET /metrics`: scraped over HTTP before and during a small load, the
//! numbers move by what the load did, and they are the numbers the server's `Report` gives. Every
//! test runs under a testkit time limit.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;

use chat::{Config, Server};
use common::{Client, LIMIT, quiet_config, tcp_client};
use testkit::Flavor;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Sends `request` to the admin address and returns the status line, the headers and the body.
async fn http(addr: SocketAddr, request: &[u8]) -> (String, String, String) {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(request).await.unwrap();
    let mut raw = Vec::new();
    tokio::time::timeout(common::LINE_WITHIN, stream.read_to_end(&mut raw))
        .await
        .expect("the admin listener answered and closed in time")
        .unwrap();
    let raw = String::from_utf8(raw).unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").expect("a complete response");
    let (status, headers) = head.split_once("\r\n").unwrap_or((head, ""));
    (status.to_string(), headers.to_string(), body.to_string())
}

/// One scrape: every sample line, name with labels to value.
async fn scrape(addr: SocketAddr) -> HashMap<String, f64> {
    let (status, headers, body) =
        http(addr, b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").await;
    assert_eq!(status, "HTTP/1.1 200 OK");
    assert!(
        headers.contains("Content-Type: text/plain; version=0.0.4"),
        "the Prometheus text format's content type: {headers}"
    );
    body.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (name, value) = line.rsplit_once(' ').unwrap();
            (name.to_string(), value.parse().unwrap())
        })
        .collect()
}

fn get(scrape: &HashMap<String, f64>, name: &str) -> f64 {
    *scrape
        .get(name)
        .unwrap_or_else(|| panic!("no series {name} in the scrape: {scrape:?}"))
}

#[test]
fn a_scrape_during_a_load_counts_what_the_load_did() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let admin = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let (addr, admin_addr) =
            (listener.local_addr().unwrap(), admin.local_addr().unwrap());
        let server = Server::new(Config {
            max_connections: 3,
            ..quiet_config()
        });
        tokio::spawn(server.clone().serve_metrics(admin));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let running = tokio::spawn(server.clone().run(listener, async move {
            let _ = stopped.await;
        }));

        let before = scrape(admin_addr).await;
        assert_eq!(get(&before, "chat_messages_received_total"), 0.0);
        assert_eq!(get(&before, "chat_rooms"), 0.0);

        // Three clients in the lobby; one sends 10 messages, the other two read them all.
        let (_a, mut wa) = tcp_client(addr, "a").await;
        let (mut b, _wb) = tcp_client(addr, "b").await;
        let (mut c, _wc) = tcp_client(addr, "c").await;
        b.until("c joined", "c's arrival").await;
        let lines: String = (0..10).map(|i| format!("m{i}\n")).collect();
        wa.write_all(lines.as_bytes()).await.unwrap();
        for reader in [&mut b, &mut c] {
            reader.until("a: m9", "the tenth message").await;
        }
        // A fourth client is over --max-connections.
        let (reader, _w) = TcpStream::connect(addr).await.unwrap().into_split();
        Client::new(reader).read_to_close("the refusal").await;

        // A reader may see its last line a moment before the server counts the write that
        // carried it (the count follows the flush), so wait, briefly, for the count to settle.
        let settle =
            tokio::time::Instant::now() + std::time::Duration::from_secs(2);
        let mut during = scrape(admin_addr).await;
        while get(&during, "chat_lines_delivered_total") < 20.0
            && tokio::time::Instant::now() < settle
        {
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            during = scrape(admin_addr).await;
        }
        let tcp = |name: &str| format!("{name}{{transport=\"tcp\"}}");
        assert_eq!(get(&during, "chat_messages_received_total"), 10.0);
        assert_eq!(
            get(&during, "chat_lines_delivered_total"),
            20.0,
            "10 messages to 2 readers are 20 lines delivered"
        );
        assert_eq!(get(&during, &tcp("chat_connections_total")), 3.0);
        assert_eq!(get(&during, &tcp("chat_connections_open")), 3.0);
        assert_eq!(get(&during, &tcp("chat_refused_connections_total")), 1.0);
        assert_eq!(get(&during, "chat_rooms"), 1.0);
        assert_eq!(get(&during, "chat_lagged_dropped_total"), 0.0);
        assert_eq!(get(&during, "chat_write_timeouts_total"), 0.0);
        let observed = get(&during, "chat_delivery_latency_seconds_count");
        assert!(
            (2.0..=20.0).contains(&observed),
            "one latency observation per write that carried chat: at least one per reader, at \
             most one per line; got {observed}"
        );
        let inf =
            get(&during, "chat_delivery_latency_seconds_bucket{le=\"+Inf\"}");
        assert_eq!(inf, observed, "every observation is in the +Inf bucket");

        // The report reads the same counters.
        let report = server.report();
        assert_eq!(report.messages, 10);
        assert_eq!(report.delivered, 20);
        assert_eq!(report.refused, 1);
        assert_eq!(report.connections, 3);
        stop.send(()).unwrap();
        running.await.unwrap();
    });
}

#[test]
fn the_admin_listener_answers_only_get_metrics_and_bounds_the_request() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let admin = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = admin.local_addr().unwrap();
        let server = Server::new(quiet_config());
        tokio::spawn(server.clone().serve_metrics(admin));
        let (status, _, _) =
            http(addr, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n").await;
        assert_eq!(status, "HTTP/1.1 404 Not Found");
        let (status, _, _) =
            http(addr, b"POST /metrics HTTP/1.1\r\nHost: x\r\n\r\n").await;
        assert_eq!(status, "HTTP/1.1 405 Method Not Allowed");
        // A head that never ends is not read past 8 KiB.
        let mut huge = b"GET /metrics HTTP/1.1\r\n".to_vec();
        huge.extend(std::iter::repeat_n(b'x', 64 * 1024));
        let (status, _, _) = http(addr, &huge).await;
        assert_eq!(status, "HTTP/1.1 431 Request Header Fields Too Large");
    });
}
