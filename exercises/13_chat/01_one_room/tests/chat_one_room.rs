//! Tests for the `chat_one_room` exercise. Do not edit: `cargo lab check chat_one_room` runs this
//! file as it is, against your `src/lib.rs`.
//!
//! Each client is an in-memory pipe (`tokio::io::duplex`): a socket would add nothing here. The
//! tests wait for events (a line arrives), never for a length of time.

use std::time::Duration;

use chat_one_room::{Line, client};
use tokio::io::{
    AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream, Lines, ReadHalf, WriteHalf,
};
use tokio::sync::broadcast;
use tokio::task::JoinHandle;

/// The time limit of every test; each needs a few milliseconds.
const LIMIT: Duration = Duration::from_secs(5);
/// How long a test waits for one line it expects. Generous: a line takes microseconds.
const LINE_WITHIN: Duration = Duration::from_secs(2);

struct Peer {
    lines: Lines<BufReader<ReadHalf<DuplexStream>>>,
    writer: WriteHalf<DuplexStream>,
    task: JoinHandle<std::io::Result<()>>,
}

fn connect(id: u64, room: &broadcast::Sender<Line>) -> Peer {
    let (ours, theirs) = tokio::io::duplex(4096);
    let (r, w) = tokio::io::split(theirs);
    let task = tokio::spawn(client(id, r, w, room.clone()));
    let (r, writer) = tokio::io::split(ours);
    Peer {
        lines: BufReader::new(r).lines(),
        writer,
        task,
    }
}

impl Peer {
    async fn send(&mut self, text: &str) {
        self.writer.write_all(text.as_bytes()).await.unwrap();
    }

    async fn next(&mut self, what: &str) -> String {
        match tokio::time::timeout(LINE_WITHIN, self.lines.next_line()).await {
            Ok(Ok(Some(line))) => line,
            Ok(_) => panic!("the connection ended while the test waited for {what}"),
            Err(_) => panic!(
                "nothing arrived within {LINE_WITHIN:?} while the test waited for {what}: a line \
                 for the client must be written whole with its `\\n`, and flushed if the writer \
                 is wrapped in a BufWriter"
            ),
        }
    }

    /// Sends `/nick name` and waits for the reply.
    async fn nick(&mut self, name: &str) {
        self.send(&format!("/nick {name}\n")).await;
        assert_eq!(
            self.next("the reply to /nick").await,
            format!("* you are {name}"),
            "`/nick {name}` is answered with `* you are {name}`"
        );
    }
}

#[test]
fn a_line_before_nick_gets_an_error() {
    testkit::run_both(LIMIT, || async {
        let (room, _) = broadcast::channel(16);
        let mut ann = connect(1, &room);
        ann.send("hello\n").await;
        assert_eq!(
            ann.next("the reply to a line sent before /nick").await,
            "! choose a nickname first: /nick <name>",
            "a line before /nick gets the `! ` error and is not sent to the room"
        );
        ann.nick("ann").await;
    });
}

#[test]
fn a_line_reaches_the_others_as_nick_colon_text() {
    testkit::run_both(LIMIT, || async {
        let (room, _) = broadcast::channel(16);
        let mut ann = connect(1, &room);
        let mut bob = connect(2, &room);
        ann.nick("ann").await;
        bob.nick("bob").await;
        ann.send("hi bob\n").await;
        assert_eq!(
            bob.next("ann's message").await,
            "ann: hi bob",
            "a message reaches the others as `<nick>: <text>`"
        );
    });
}

#[test]
fn the_sender_does_not_get_its_own_message_back() {
    testkit::run_both(LIMIT, || async {
        let (room, _) = broadcast::channel(16);
        let mut ann = connect(1, &room);
        let mut bob = connect(2, &room);
        ann.nick("ann").await;
        bob.nick("bob").await;
        ann.send("first\n").await;
        bob.next("ann's first message").await;
        bob.send("reply\n").await;
        assert_eq!(
            ann.next("bob's reply").await,
            "bob: reply",
            "the sender received its own message back: skip the lines whose id is the client's own"
        );
    });
}

#[test]
fn a_half_sent_line_survives_a_room_message() {
    testkit::run_both(LIMIT, || async {
        let (room, _) = broadcast::channel(16);
        let mut ann = connect(1, &room);
        let mut bob = connect(2, &room);
        let mut cat = connect(3, &room);
        ann.nick("ann").await;
        bob.nick("bob").await;
        cat.nick("cat").await;
        // Half a line from ann; let her task read it before the room speaks.
        ann.send("hel").await;
        for _ in 0..8 {
            tokio::task::yield_now().await;
        }
        bob.send("interrupting\n").await;
        assert_eq!(
            ann.next("bob's message").await,
            "bob: interrupting",
            "the room's line reaches ann while her own line is half-sent"
        );
        ann.send("lo\n").await;
        // cat only listens: first bob's line, then ann's.
        assert_eq!(
            cat.next("bob's message").await,
            "bob: interrupting",
            "cat hears bob"
        );
        assert_eq!(
            cat.next("ann's whole line").await,
            "ann: hello",
            "the first half of a line was lost when the room's branch won the select!: read_line is not \
             cancel safe; keep the half-read line in a Lines (next_line) that outlives the loop"
        );
    });
}

#[test]
fn lines_sent_close_together_all_arrive() {
    testkit::run_both(LIMIT, || async {
        let (room, _) = broadcast::channel(16);
        let mut ann = connect(1, &room);
        ann.nick("ann").await;
        // Three lines on the room at once, as a busy room sends them: ann's task is busy writing
        // the first while the others are sent.
        for text in ["one", "two", "three"] {
            room.send((9, format!("zed: {text}\n").into())).unwrap();
        }
        assert_eq!(ann.next("the first of three lines").await, "zed: one");
        for text in ["two", "three"] {
            match tokio::time::timeout(LINE_WITHIN, ann.lines.next_line()).await {
                Ok(Ok(Some(line))) => assert_eq!(line, format!("zed: {text}")),
                _ => panic!(
                    "`zed: {text}` never reached ann: lines sent to the room between two of her \
                     receives were lost. A receiver only gets what is sent while it exists: \
                     subscribe once, before the loop, not afresh on every turn"
                ),
            }
        }
    });
}

#[test]
fn a_client_that_falls_behind_stays_connected() {
    // One runtime thread: the room's sixteen lines are all sent before ann's task runs again, so
    // its receiver (capacity 4) misses the oldest twelve and gets `RecvError::Lagged(12)`.
    testkit::run(testkit::Flavor::CurrentThread, LIMIT, || async {
        let (room, _) = broadcast::channel(4);
        let mut ann = connect(1, &room);
        ann.nick("ann").await;
        for n in 0..16 {
            room.send((9, format!("zed: {n}\n").into())).unwrap();
        }
        room.send((9, "zed: after the flood\n".into())).unwrap();
        loop {
            match tokio::time::timeout(LINE_WITHIN, ann.lines.next_line()).await {
                Ok(Ok(Some(line))) if line == "zed: after the flood" => break,
                Ok(Ok(Some(_))) => {}
                Ok(_) => panic!(
                    "ann's connection ended after she fell behind the room (recv gave \
                     RecvError::Lagged): a slow client loses the lines it missed, not its \
                     connection. Only RecvError::Closed ends the task; after Lagged, keep \
                     receiving"
                ),
                Err(_) => panic!(
                    "the last lines of the room never reached ann: lines sent to the room between \
                     two of her receives were lost. A receiver only gets what is sent while it \
                     exists: subscribe once, before the loop, not afresh on every turn; and after \
                     RecvError::Lagged, keep receiving with the same receiver"
                ),
            }
        }
    });
}

#[test]
fn the_task_ends_when_the_client_closes() {
    testkit::run_both(LIMIT, || async {
        let (room, _) = broadcast::channel(16);
        let mut ann = connect(1, &room);
        ann.nick("ann").await;
        // Shutting down our side of the pipe is the end of file for the client's reader.
        ann.writer.shutdown().await.unwrap();
        tokio::time::timeout(LINE_WITHIN, ann.task)
            .await
            .expect("client() must return when the client closes its side (next_line gives None)")
            .unwrap()
            .unwrap();
    });
}

#[test]
fn a_bare_nick_or_a_longer_word_is_not_a_nick() {
    testkit::run_both(LIMIT, || async {
        let (room, _) = broadcast::channel(16);
        let mut ann = connect(1, &room);
        ann.send("/nick\n/nickname\n").await;
        for sent in ["/nick", "/nickname"] {
            let reply = tokio::time::timeout(LINE_WITHIN, ann.lines.next_line()).await;
            let reply = match reply {
                Ok(Ok(Some(reply))) => reply,
                Err(_) => panic!(
                    "nothing arrived within {LINE_WITHIN:?} while the test waited for the reply \
                     to `{sent}`: a line for the client must be written whole with its `\\n`, \
                     and flushed if the writer is wrapped in a BufWriter"
                ),
                Ok(_) => {
                    let ended = match tokio::time::timeout(LINE_WITHIN, &mut ann.task).await {
                        Ok(Err(e)) if e.is_panic() => "panicked",
                        _ => "ended",
                    };
                    panic!(
                        "the client's task {ended} on the line `{sent}`: the command is \
                         `/nick <name>`, with a space, and any other line before it gets the `! ` \
                         reply. Slicing the name by position (&line[6..]) panics on a line \
                         shorter than that; take it with line.strip_prefix(\"/nick \")"
                    );
                }
            };
            assert_eq!(
                reply, "! choose a nickname first: /nick <name>",
                "`{sent}` is not `/nick <name>` (the command has a space after /nick), so it gets \
                 the `! ` reply: take the name with line.strip_prefix(\"/nick \")"
            );
        }
    });
}

#[test]
fn a_room_line_longer_than_the_pipe_arrives_whole() {
    testkit::run(testkit::Flavor::CurrentThread, LIMIT, || async {
        // Tokio's clock is paused: a wait for a line that never comes ends as soon as nothing is
        // left to run, not after a real two seconds.
        tokio::time::pause();
        let (room, _keep) = broadcast::channel(16);
        // A pipe that holds 8 bytes: a write of a longer line takes only part of it, as a socket
        // with a full send buffer does.
        let (ours, theirs) = tokio::io::duplex(8);
        let (r, w) = tokio::io::split(theirs);
        let task = tokio::spawn(client(1, r, w, room.clone()));
        let mut lines = BufReader::new(ours).lines();
        // The room's lines reach only the receivers that exist: wait for the client's.
        while room.receiver_count() < 2 {
            if task.is_finished() {
                match task.await {
                    Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                    ended => panic!(
                        "the client's task ended ({ended:?}) before it subscribed to the room"
                    ),
                }
            }
            tokio::task::yield_now().await;
        }
        let long = format!("bob: {}", "words ".repeat(20));
        room.send((2, format!("{long}\n").into())).unwrap();
        room.send((2, "bob: and more\n".into())).unwrap();
        for expected in [long.as_str(), "bob: and more"] {
            let got = tokio::time::timeout(LINE_WITHIN, lines.next_line()).await;
            assert!(
                matches!(&got, Ok(Ok(Some(line))) if line == expected),
                "a room line reached the client cut short or not at all (got {got:?}, expected \
                 {expected:?}): write may write only part of the buffer (as much as the socket \
                 takes) and returns how much it wrote. Use write_all, which writes it all (and flush \
                 if the writer is wrapped in a BufWriter)"
            );
        }
        task.abort();
    });
}
