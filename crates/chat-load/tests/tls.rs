//! `chat-load` over TLS against the chat server, in process: every message arrives, and the
//! server saw TLS clients, not plain ones.

use std::sync::mpsc;
use std::time::Duration;

use chat_load::tls::{SelfSigned, TlsClient};
use chat_load::{LoadConfig, Report, Transport};

/// Process-level limit of the test: the run below takes about 3 s.
const LIMIT: Duration = Duration::from_secs(60);

#[test]
fn chat_load_over_tls_delivers_every_message_to_tls_clients() {
    let dir = tempfile::tempdir().unwrap();
    let cert = SelfSigned::write(dir.path()).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let acceptor = chat::tls::acceptor(&cert.cert, &cert.key).unwrap();
    let (server, tls_addr) = runtime.block_on(async {
        let plain = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let tls = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let tls_addr = tls.local_addr().unwrap();
        let server = chat::Server::new(chat::Config {
            rate_limit: 0,
            history: 0,
            ..chat::Config::default()
        });
        tokio::spawn(server.clone().accept_tls(tls, acceptor));
        tokio::spawn(server.clone().run(plain, std::future::pending::<()>()));
        (server, tls_addr)
    });
    let config = LoadConfig {
        clients: 10,
        senders: 2,
        rate: 200,
        duration: Duration::from_secs(1),
        warmup: Duration::from_millis(200),
        ready: Some(" lobby".to_owned()),
        transport: Transport::Tls,
        tls: Some(TlsClient::trusting(&cert.cert, "localhost").unwrap()),
        ..LoadConfig::new(tls_addr)
    };
    let (tx, rx) = mpsc::channel::<Report>();
    std::thread::spawn(move || {
        let _ = tx.send(chat_load::load::run(&config).expect("the load runs"));
    });
    let report = rx
        .recv_timeout(LIMIT)
        .expect("chat-load over TLS did not finish in time");
    assert!(
        report.expected > 0,
        "the senders sent in the measured window: {report:?}"
    );
    assert_eq!(
        report.lost, 0,
        "every message reaches every TLS reader: {report:?}"
    );
    let text = server.metrics_text();
    assert!(
        text.contains("chat_connections_total{transport=\"tls\"} 10\n"),
        "the server served 10 TLS clients:\n{text}"
    );
    assert!(
        text.contains("chat_connections_total{transport=\"tcp\"} 0\n"),
        "and no plain one:\n{text}"
    );
}
