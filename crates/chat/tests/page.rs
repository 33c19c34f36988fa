//! Checks the outputs chapter 13's page shows (`docs/src/ch13-chat.md`).
//!
//! Every ```text block on the page is either commands (every line starts with `cargo `) or an
//! `nc` session that starts with a `$ nc ` line. A session is replayed against a real server:
//! lines starting with `* ` or `! ` are what the server must send, in that order; every other line
//! is what the user typed, and is sent. Anything else on the page fails this test.

use std::path::PathBuf;
use std::time::Duration;

use testkit::Flavor;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const LIMIT: Duration = Duration::from_secs(20);
const LINE_WITHIN: Duration = Duration::from_secs(10);

fn text_blocks() -> Vec<Vec<String>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../docs/src/ch13-chat.md");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let mut blocks = Vec::new();
    let mut current: Option<Vec<String>> = None;
    for line in text.lines() {
        match (&mut current, line.trim()) {
            (None, "```text") => current = Some(Vec::new()),
            (Some(_), "```") => {
                blocks.push(current.take().expect("inside a block"))
            }
            (Some(block), _) => block.push(line.to_string()),
            (None, _) => {}
        }
    }
    assert!(
        current.is_none(),
        "ch13-chat.md: a ```text block is never closed"
    );
    blocks
}

#[test]
fn every_text_block_is_a_command_or_a_session_that_replays() {
    let blocks = text_blocks();
    let sessions: Vec<Vec<String>> = blocks
        .iter()
        .filter(|b| b.first().is_some_and(|l| l.starts_with("$ nc ")))
        .cloned()
        .collect();
    for block in &blocks {
        // Commands, each on a line of its own or continued with a trailing `\`.
        let is_command = !block.is_empty()
            && block.iter().enumerate().all(|(i, l)| {
                l.starts_with("cargo ")
                    || (i > 0 && block[i - 1].ends_with('\\'))
            });
        let is_session = block.first().is_some_and(|l| l.starts_with("$ nc "));
        assert!(
            is_command || is_session,
            "ch13-chat.md shows an output that no test checks:\n{}",
            block.join("\n")
        );
    }
    assert!(
        !sessions.is_empty(),
        "the page shows at least one nc session"
    );
    for session in sessions {
        testkit::run(Flavor::MultiThread, LIMIT, move || async move {
            replay(&session).await
        });
    }
}

async fn replay(session: &[String]) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(chat::run(
        listener,
        chat::Config::default(),
        std::future::pending::<()>(),
    ));
    let (reader, mut writer) =
        TcpStream::connect(addr).await.unwrap().into_split();
    let mut lines = BufReader::new(reader).lines();
    for line in &session[1..] {
        if line.starts_with("* ") || line.starts_with("! ") {
            let got = tokio::time::timeout(LINE_WITHIN, lines.next_line())
                .await
                .unwrap_or_else(|_| {
                    panic!("the server did not send {line:?} in time")
                })
                .unwrap();
            assert_eq!(
                got.as_deref(),
                Some(line.as_str()),
                "the page's nc session shows a line the server does not send"
            );
        } else {
            writer
                .write_all(format!("{line}\n").as_bytes())
                .await
                .unwrap();
        }
    }
}
