//! Reference tests for the `test_kv_server` exercise: the suite that passes against the correct
//! server and fails against every hidden bug in `bugs.toml`.
//!
//! The server runs in a task and the test talks to it through `tokio::io::duplex`: two in-memory
//! byte streams joined end to end, so the test is the client, decides how the bytes are cut into
//! writes, and needs no port. The clock is paused, so a reply that never comes fails the test as
//! soon as every task waits, instead of after [`PATIENCE`] of real time.

use std::collections::HashMap;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use test_kv_server::{Store, serve};
use testkit::Flavor;
use tokio::io::{
    AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines, ReadHalf, WriteHalf,
};
use tokio::task::JoinHandle;
use tokio::time::sleep;

/// The real-time limit for every test body.
const LIMIT: Duration = Duration::from_secs(10);
/// How long, on the paused clock, the client waits for a reply before calling it missing.
const PATIENCE: Duration = Duration::from_secs(5);

/// Runs `body` on a fresh current_thread runtime with Tokio's clock paused.
fn paused<F: Future<Output = ()> + 'static>(body: impl FnOnce() -> F + Send + 'static) {
    testkit::run(Flavor::CurrentThread, LIMIT, || async move {
        tokio::time::pause();
        body().await;
    });
}

fn new_store() -> Store {
    Arc::new(Mutex::new(HashMap::new()))
}

/// The test's end of one connection.
struct Client {
    replies: Lines<BufReader<ReadHalf<DuplexStream>>>,
    commands: WriteHalf<DuplexStream>,
}

/// Starts `serve` on one end of a duplex pipe and returns the other end and the server's task.
fn connect(store: Store) -> (Client, JoinHandle<io::Result<usize>>) {
    // 64 bytes of buffer each way: small, so a server that stops reading is noticed.
    let (ours, theirs) = tokio::io::duplex(64);
    let server = tokio::spawn(serve(theirs, store));
    let (read, write) = tokio::io::split(ours);
    let client = Client {
        replies: BufReader::new(read).lines(),
        commands: write,
    };
    (client, server)
}

impl Client {
    /// Writes `bytes` exactly as given, in one write.
    async fn send(&mut self, bytes: &str) {
        self.commands.write_all(bytes.as_bytes()).await.unwrap();
    }

    /// The next reply line, or `None` when the server closed the connection.
    async fn reply(&mut self) -> Option<String> {
        testkit::timeout(PATIENCE, self.replies.next_line())
            .await
            .unwrap()
    }

    /// Sends one command line and waits for its reply, as an interactive client does.
    async fn ask(&mut self, command: &str) -> String {
        self.send(&format!("{command}\n")).await;
        self.reply().await.unwrap_or_else(|| {
            panic!("the server closed the connection instead of answering {command:?}")
        })
    }

    /// Closes the client's side: the server reads the end of the stream.
    async fn close(&mut self) {
        self.commands.shutdown().await.unwrap();
    }
}

/// On a fresh connection to `store`: sends every command in one write, closes, and returns every
/// reply.
async fn session(store: Store, commands: &str) -> Vec<String> {
    let (mut client, server) = connect(store);
    client.send(commands).await;
    client.close().await;
    let mut replies = Vec::new();
    while let Some(reply) = client.reply().await {
        replies.push(reply);
    }
    server.await.unwrap().unwrap();
    replies
}

/// Commands and their replies, for a client that waits for each reply.
const DIALOGUE: [(&str, &str); 5] = [
    ("SET a 1", "OK"),
    ("GET a", "VALUE 1"),
    ("DEL a", "DELETED"),
    ("GET a", "NONE"),
    ("DEL a", "NONE"),
];

#[test]
fn each_reply_comes_before_the_next_command_is_sent() {
    paused(|| async {
        let (mut client, server) = connect(new_store());
        for (command, expected) in DIALOGUE {
            assert_eq!(client.ask(command).await, expected);
        }
        assert!(client.ask("HELLO").await.starts_with("ERR"));
        client.close().await;
        assert_eq!(
            client.reply().await,
            None,
            "the server closes after the client"
        );
        assert_eq!(server.await.unwrap().unwrap(), 6, "six commands answered");
    });
}

#[test]
fn a_value_keeps_its_spaces_and_a_new_set_replaces_it() {
    paused(|| async {
        let replies = session(
            new_store(),
            "SET greeting hello there world\nGET greeting\nSET greeting bye\nGET greeting\n",
        )
        .await;
        assert_eq!(
            replies,
            ["OK", "VALUE hello there world", "OK", "VALUE bye"],
            "a value is the rest of its line, and SET replaces an older value"
        );
    });
}

#[test]
fn a_command_that_arrives_in_pieces_is_answered_once_whole() {
    paused(|| async {
        let (mut client, server) = connect(new_store());
        client.send("SET a").await;
        // Every task waits, so the server reads the first piece before the test goes on.
        sleep(Duration::from_millis(1)).await;
        client.send(" 1\nGET").await;
        sleep(Duration::from_millis(1)).await;
        client.send(" a\n").await;
        client.close().await;
        assert_eq!(client.reply().await.as_deref(), Some("OK"));
        assert_eq!(client.reply().await.as_deref(), Some("VALUE 1"));
        assert_eq!(client.reply().await, None);
        assert_eq!(
            server.await.unwrap().unwrap(),
            2,
            "two commands, in five pieces"
        );
    });
}

#[test]
fn a_last_command_without_a_newline_is_answered() {
    paused(|| async {
        assert_eq!(
            session(new_store(), "SET a 1\nGET a").await,
            ["OK", "VALUE 1"]
        );
    });
}

#[test]
fn every_connection_sees_the_same_store() {
    paused(|| async {
        let store = new_store();
        assert_eq!(session(store.clone(), "SET shared yes\n").await, ["OK"]);
        assert_eq!(session(store, "GET shared\n").await, ["VALUE yes"]);
    });
}
