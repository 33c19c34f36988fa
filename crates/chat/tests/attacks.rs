//! What a hostile client tries, one test per attack: each fails against a server without the
//! limit it is named after. Over an in-memory `tokio::io::duplex` with paused time where a timer or
//! a full pipe is the point, over TCP on `127.0.0.1:0` where the socket is. Every test runs under
//! a testkit time limit.

mod common;

use std::time::Duration;

use chat::{Config, Server};
use common::{
    Client, LIMIT, LINE_WITHIN, duplex_client, quiet_config, register, start,
    tcp_client,
};
use testkit::Flavor;
use tokio::io::{AsyncWriteExt, DuplexStream, ReadHalf, WriteHalf};
use tokio::net::TcpStream;

type Duplex = (Client<ReadHalf<DuplexStream>>, WriteHalf<DuplexStream>);

/// A client over a pipe of `buffer` bytes that has registered `nick` and is in the lobby.
async fn duplex_nick(server: &Server, buffer: usize, nick: &str) -> Duplex {
    let (mut client, mut writer) = duplex_client(server, buffer);
    client.next("the welcome").await;
    writer
        .write_all(format!("/nick {nick}\n").as_bytes())
        .await
        .unwrap();
    client
        .until(
            "you are in room lobby",
            "the notice that /nick put the client in the lobby",
        )
        .await;
    (client, writer)
}

/// Sends `line` and returns the next line the client reads.
async fn ask<
    R: tokio::io::AsyncRead + Unpin,
    W: tokio::io::AsyncWrite + Unpin,
>(
    client: &mut Client<R>,
    writer: &mut W,
    line: &str,
) -> String {
    writer
        .write_all(format!("{line}\n").as_bytes())
        .await
        .unwrap();
    client.next(&format!("the reply to {line:?}")).await
}

// 1. Replies are bounded.

#[test]
fn a_client_that_does_not_read_its_replies_is_not_read_either() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            rate_limit: 0,
            history: 20,
            ..Config::default()
        });
        // Two rooms whose history holds 20 lines of 4,000 bytes: each join replays 80 KB.
        let mut keepers = Vec::new();
        for room in ["ha", "hb"] {
            let (mut keeper, mut w) =
                duplex_nick(&server, 1 << 20, &format!("keep_{room}")).await;
            ask(&mut keeper, &mut w, &format!("/join {room}")).await;
            let lines: String = (0..20)
                .map(|i| format!("{i} {}\n", "h".repeat(4000)))
                .collect();
            w.write_all(lines.as_bytes()).await.unwrap();
            w.write_all(b"/who\n").await.unwrap();
            keeper.until("* in ", "the keeper's /who").await;
            keepers.push((keeper, w));
        }
        // 1.7 KB of joins: 200 replies of 80 KB each, 16 MB, if every line is run at once.
        let (mut amp, mut wa) = duplex_nick(&server, 4096, "amp").await;
        let joins: String = (0..100).map(|_| "/join ha\n/join hb\n").collect();
        wa.write_all(joins.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_secs(1)).await;
        let mut joined = 0;
        while joined < 200 {
            if amp
                .next("the replies to 200 joins")
                .await
                .starts_with("* you are in room h")
            {
                joined += 1;
            }
        }
        let peak = server.report().peak_output;
        assert!(
            peak < 128 * 1024,
            "the server held {peak} bytes of replies for one client at once: it must stop \
             running a client's lines while 16 KiB of output wait, and write them first"
        );
    });
}

#[test]
fn who_and_rooms_name_at_most_fifty() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(quiet_config());
        // 55 clients stay in the lobby, 55 go to a room each: 56 rooms.
        let mut clients = Vec::new();
        for i in 0..110 {
            let (mut c, mut w) =
                duplex_nick(&server, 1 << 16, &format!("n{i:03}")).await;
            if i >= 55 {
                w.write_all(format!("/join r{i:03}\n").as_bytes())
                    .await
                    .unwrap();
                c.until("you are in room r", "the join").await;
            }
            clients.push((c, w));
        }
        let (c, w) = &mut clients[0];
        w.write_all(b"/who\n").await.unwrap();
        let who = c.until("* in lobby", "the reply to /who").await;
        assert!(
            who.ends_with(", n049, and 5 more")
                && who.matches(", ").count() == 50,
            "/who names 50 of the 55 members and counts the rest: {who}"
        );
        let (c, w) = &mut clients[109];
        w.write_all(b"/rooms\n").await.unwrap();
        let rooms = c.until("* rooms", "the reply to /rooms").await;
        assert!(
            rooms.ends_with(", and 6 more")
                && rooms.matches(", ").count() == 50,
            "/rooms names 50 of the 56 rooms and counts the rest: {rooms}"
        );
    });
}

// 2. One rate limit for everything.

#[test]
fn commands_cost_tokens_and_announcements_are_limited() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            rate_limit: 5,
            ..quiet_config()
        });
        let (mut listener, _wl) =
            duplex_nick(&server, 1 << 16, "listener").await;
        let (mut spam, mut ws) = duplex_nick(&server, 1 << 16, "spam").await;
        listener
            .until("spam joined", "the notice that spam joined")
            .await;
        tokio::time::sleep(Duration::from_secs(2)).await;
        // 20 renames and 20 /who at once. Each costs a token (5 per second); a rename also
        // costs one of the announcement bucket (a tenth of that: 1 per second).
        let churn: String =
            (0..20).map(|i| format!("/nick spam{i}\n/who\n")).collect();
        ws.write_all(churn.as_bytes()).await.unwrap();
        let (mut answered, mut refused) = (0, 0);
        while answered + refused < 40 {
            let line = spam.next("the replies to the churn").await;
            if line.starts_with("! rate limit")
                || line.starts_with("! slow down")
            {
                refused += 1;
            } else if line.starts_with("* in lobby")
                || line.starts_with("* you are now")
            {
                answered += 1;
            }
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
        ws.write_all(b"/nick last\n").await.unwrap();
        let mut renames = Vec::new();
        loop {
            let line = listener.next("the renames").await;
            if line.contains(" is now ") {
                renames.push(line.clone());
            }
            if line.ends_with(" is now last") {
                break;
            }
        }
        assert_eq!(
            answered, 3,
            "40 commands against 5 tokens: the first rename and two /who are answered; the other \
             two that got a token were renames over the announcement limit; the rest refused"
        );
        assert_eq!(
            renames.len(),
            2,
            "the room heard one rename of the churn (the announcement bucket's burst of 1) and \
             the last one: {renames:?}"
        );
    });
}

#[test]
fn reconnecting_does_not_refill_the_bucket() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (addr, stop, server) = start(Config {
            rate_limit: 5,
            ..quiet_config()
        })
        .await;
        let started = std::time::Instant::now();
        // Five connections one after the other, each sending 10 lines and closing.
        for i in 0..5 {
            let (reader, mut writer) =
                TcpStream::connect(addr).await.unwrap().into_split();
            let mut lines: String = format!("/nick r{i}\n");
            lines.extend((0..10).map(|j| format!("line {i}.{j}\n")));
            writer.write_all(lines.as_bytes()).await.unwrap();
            writer.shutdown().await.unwrap();
            Client::new(reader)
                .read_to_close("the replies to one connection's lines")
                .await;
        }
        let elapsed = started.elapsed().as_secs_f64();
        stop.send(()).unwrap();
        let passed = server.await.unwrap().messages;
        // The first burst of 5 (of which /nick takes one), and what the bucket refills in that
        // time at 5 per second.
        let allowed = 5.0 + elapsed * 5.0;
        assert!(
            (passed as f64) <= allowed,
            "{passed} lines passed over 5 connections in {elapsed:.2} s; one address may send \
             at most {allowed:.1}: a new connection must start with the bucket the last one left"
        );
    });
}

// 3. Limits on connections, rooms and unnamed or silent clients.

#[test]
fn a_connection_over_the_limit_is_refused_with_a_line() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (addr, stop, server) = start(Config {
            max_connections: 2,
            ..quiet_config()
        })
        .await;
        let (_a, _wa) = tcp_client(addr, "a").await;
        let (b, wb) = tcp_client(addr, "b").await;
        let (reader, _w) = TcpStream::connect(addr).await.unwrap().into_split();
        let refused = Client::new(reader)
            .read_to_close("the refusal of a third connection")
            .await;
        assert_eq!(
            refused,
            vec![
                "! server full (at most 2 connections): try again later"
                    .to_string()
            ],
            "a connection over --max-connections gets one `! ` line and is closed"
        );
        drop((b, wb));
        // Once b has gone, there is room again.
        let again = loop {
            let (reader, _w) =
                TcpStream::connect(addr).await.unwrap().into_split();
            let mut c = Client::new(reader);
            let first = c.next("the first line").await;
            if first.starts_with("* welcome") {
                break first;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert!(again.starts_with("* welcome"));
        stop.send(()).unwrap();
        let report = server.await.unwrap();
        assert!(report.refused >= 1, "the refusal is counted: {report:?}");
    });
}

#[test]
fn a_join_over_the_room_limit_is_refused() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            max_rooms: 2,
            ..quiet_config()
        });
        let (mut a, mut wa) = duplex_nick(&server, 4096, "a").await;
        let (mut b, mut wb) = duplex_nick(&server, 4096, "b").await;
        wa.write_all(b"/join two\n").await.unwrap();
        a.until("you are in room two", "a's join").await;
        b.until("a left lobby", "a's leaving").await;
        let refused = ask(&mut b, &mut wb, "/join three").await;
        assert!(
            refused.starts_with("! the server has 2 rooms"),
            "a third room is refused: {refused}"
        );
        assert_eq!(
            ask(&mut b, &mut wb, "/who").await,
            "* in lobby: b",
            "the refused client stays where it was"
        );
        wb.write_all(b"/join two\n").await.unwrap();
        assert_eq!(
            b.until("you are in room", "b's join").await,
            "* you are in room two (2 here)",
            "an existing room can still be joined"
        );
    });
}

#[test]
fn a_client_without_a_nickname_has_a_deadline() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            nick_timeout: Duration::from_secs(60),
            ..quiet_config()
        });
        let (mut c, mut w) = duplex_client(&server, 4096);
        c.next("the welcome").await;
        let start = tokio::time::Instant::now();
        // A line every 10 s keeps the idle clock happy, but never a nickname.
        let talk = tokio::spawn(async move {
            for _ in 0..30 {
                if w.write_all(b"hello\n").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
        let rest = c
            .read_to_close_within(
                Duration::from_secs(120),
                "the disconnection of a client without a nickname",
            )
            .await;
        assert_eq!(
            rest.last().map(String::as_str),
            Some("* no nickname after 60 s: disconnecting"),
            "a client that never sends /nick is told and disconnected"
        );
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_secs(60)
                && waited < Duration::from_secs(70),
            "disconnected after {waited:?}, not at its 60 s"
        );
        talk.abort();
    });
}

#[test]
fn bytes_without_a_line_ending_do_not_reset_the_idle_clock() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            idle_timeout: Duration::from_secs(300),
            ..quiet_config()
        });
        let (mut c, mut w) = duplex_nick(&server, 4096, "drip").await;
        let start = tokio::time::Instant::now();
        let drip = tokio::spawn(async move {
            for _ in 0..200 {
                if w.write_all(b"x").await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        });
        let rest = c
            .read_to_close_within(
                Duration::from_secs(600),
                "the disconnection of a client that never ends a line",
            )
            .await;
        assert_eq!(
            rest.last().map(String::as_str),
            Some("* idle for 300 s: disconnecting"),
            "one byte every 5 s is not a line: the client is idle"
        );
        let waited = start.elapsed();
        assert!(
            waited < Duration::from_secs(310),
            "disconnected after {waited:?}, not at its 300 s"
        );
        drip.abort();
    });
}

#[test]
fn a_room_that_grows_loses_nothing() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        // A room's ring starts at 16 slots and is replaced by bigger ones as members come (at 2,
        // 3, 5, 9, 17 and 33 members). A reader present from the start must see every line of a
        // sender that talks all through it, in order.
        let (addr, stop, server) = start(quiet_config()).await;
        let (mut reader, _wr) = tcp_client(addr, "reader").await;
        let (_s, mut sender) = tcp_client(addr, "sender").await;
        let talk = tokio::spawn(async move {
            for i in 0..2000u32 {
                sender
                    .write_all(format!("n{i}\n").as_bytes())
                    .await
                    .unwrap();
                if i.is_multiple_of(20) {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
            sender
        });
        let mut joiners = Vec::new();
        for i in 0..40 {
            joiners.push(tcp_client(addr, &format!("j{i}")).await);
        }
        let _sender = talk.await.unwrap();
        // Falling behind is allowed (a notice says how many were skipped); a line lost or
        // repeated where the room changed channels is not.
        let (mut next, mut dropped) = (0u64, 0u64);
        while next + dropped < 2000 {
            let line = reader.next("the sender's lines").await;
            if let Some(n) = line.strip_prefix("sender: n") {
                let n: u64 = n.parse().unwrap();
                assert_eq!(
                    n,
                    next + dropped,
                    "line n{n} came where n{} was due: a line was lost or repeated while the \
                     room's channel grew",
                    next + dropped
                );
                next += 1;
            } else if let Some((n, _)) = line
                .strip_prefix("* ")
                .and_then(|l| l.split_once(" messages dropped"))
            {
                dropped += n.parse::<u64>().unwrap();
            }
        }
        // The last joiner hears the sender too: it got a receiver of the newest channel.
        let (last, _) = joiners.last_mut().unwrap();
        let (_s2, mut sender) = tcp_client(addr, "sender2").await;
        sender.write_all(b"after\n").await.unwrap();
        assert_eq!(
            last.until("sender2:", "sender2's line").await,
            "sender2: after"
        );
        stop.send(()).unwrap();
        server.await.unwrap();
    });
}

// 4 and 5. Shutdown: one stalled reader, and clients still typing.

#[test]
fn one_stalled_reader_does_not_cost_the_others_their_goodbye() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (addr, stop, server) = start(Config {
            write_timeout: Duration::from_secs(10),
            shutdown_deadline: Duration::from_secs(4),
            ..quiet_config()
        })
        .await;
        let mut others = Vec::new();
        for i in 0..50 {
            others.push(tcp_client(addr, &format!("o{i}")).await);
        }
        // `stalled` asks for 25 MB of help text and reads none of it: the server's write to it
        // blocks once the socket buffers are full, for up to the 10 s write time-out.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let stream = socket.connect(addr).await.unwrap();
        let (stalled_reader, mut stalled) = stream.into_split();
        stalled.write_all(b"/nick stalled\n").await.unwrap();
        let flood = tokio::spawn(async move {
            let help = "/help\n".repeat(200_000);
            let _ = stalled.write_all(help.as_bytes()).await;
            stalled
        });
        tokio::time::sleep(Duration::from_millis(500)).await;
        stop.send(()).unwrap();
        let stopped = std::time::Instant::now();
        let mut readers = Vec::new();
        for (mut client, writer) in others {
            readers.push(tokio::spawn(async move {
                let lines = client.read_to_close("the goodbye").await;
                drop(writer);
                (lines.last().cloned(), stopped.elapsed())
            }));
        }
        for reader in readers {
            let (last, after) = reader.await.unwrap();
            assert_eq!(
                last.as_deref(),
                Some("* server shutting down: goodbye"),
                "every other client gets its goodbye"
            );
            assert!(
                after < Duration::from_secs(2),
                "a client got its goodbye {after:?} after the shutdown began: the shutdown \
                 waited for the stalled client's write instead of seeing it stop reading"
            );
        }
        let report = server.await.unwrap();
        assert!(
            stopped.elapsed() < Duration::from_secs(6),
            "the deadline holds: {report:?}"
        );
        drop((flood, stalled_reader));
    });
}

#[test]
fn a_client_still_typing_at_shutdown_gets_every_line_and_the_goodbye() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (addr, stop, server) = start(Config {
            broadcast_capacity: 8192,
            ..quiet_config()
        })
        .await;
        // The typist's receive buffer is small, so most of what the server writes to it waits
        // in the server's send buffer until the typist reads it.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let (typist, mut tw) =
            register(socket.connect(addr).await.unwrap(), "typist").await;
        let (mut sender_reader, mut sender) = tcp_client(addr, "sender").await;
        let payload = "p".repeat(100);
        let lines: String =
            (0..3000).map(|i| format!("m{i} {payload}\n")).collect();
        sender.write_all(lines.as_bytes()).await.unwrap();
        // The reply to a command after them says the server has taken all 3,000.
        sender.write_all(b"/who\n").await.unwrap();
        sender_reader
            .until("* in lobby", "the reply to the sender's /who")
            .await;
        // The typist keeps typing until it has read everything, and reads slowly.
        let typing = tokio::spawn(async move {
            let mut i = 0u64;
            loop {
                if tw
                    .write_all(format!("typing {i}\n").as_bytes())
                    .await
                    .is_err()
                {
                    return;
                }
                i += 1;
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        stop.send(()).unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let mut lines = typist.lines;
        let mut got = 0u64;
        let mut last = None;
        loop {
            match tokio::time::timeout(LINE_WITHIN, lines.next_line()).await {
                Ok(Ok(Some(line))) => {
                    if line.starts_with("sender: m") {
                        got += 1;
                    } else if let Some((n, _)) = line
                        .strip_prefix("* ")
                        .and_then(|l| l.split_once(" messages dropped"))
                    {
                        got += n.parse::<u64>().unwrap();
                    }
                    last = Some(line);
                    if got.is_multiple_of(20) {
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                }
                Ok(Ok(None)) => break,
                Ok(Err(err)) => panic!(
                    "reading failed ({err}) after {got} of 3000 lines: the server closed a \
                     socket with unread input, and the reset discarded what the client had not \
                     read yet"
                ),
                Err(_) => panic!("no line within {LINE_WITHIN:?}"),
            }
        }
        typing.abort();
        let report = server.await.unwrap();
        assert_eq!(
            got, 3000,
            "every accepted line reached the typist, or it was told it missed it: {report:?}"
        );
        assert_eq!(last.as_deref(), Some("* server shutting down: goodbye"));
    });
}

// 6. The drain at shutdown goes in batches.

#[test]
fn the_shutdown_drains_a_long_backlog_in_batches() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            broadcast_capacity: 4096,
            write_timeout: Duration::from_secs(60),
            ..quiet_config()
        });
        let (mut lag, _wl) = duplex_nick(&server, 1024, "lag").await;
        // Silent members with roomy pipes, so that the room's ring has its full 4,096 slots.
        let mut crowd = Vec::new();
        for i in 0..16 {
            crowd.push(duplex_nick(&server, 1 << 20, &format!("c{i}")).await);
        }
        let (mut sender, mut ws) =
            duplex_nick(&server, 1 << 20, "sender").await;
        lag.until("sender joined", "the notice that sender joined")
            .await;
        // 4,000 lines of 100 bytes (400 KB) wait in the lagging client's receiver.
        let lines: String = (0..4000)
            .map(|i| format!("{i:04} {}\n", "z".repeat(95)))
            .collect();
        ws.write_all(lines.as_bytes()).await.unwrap();
        ws.write_all(b"/who\n").await.unwrap();
        sender.until("* in lobby", "the sender's /who").await;
        let shutdown = tokio::spawn(server.clone().shutdown());
        // Let the shutdown reach its second phase while the backlog is still whole.
        tokio::time::sleep(Duration::from_millis(100)).await;
        let mut got = 0;
        loop {
            let line = lag.next("the backlog, then the goodbye").await;
            if line.starts_with("sender: ") {
                got += 1;
            }
            if line == "* server shutting down: goodbye" {
                break;
            }
        }
        // The goodbye came in the last write, so the report has counted it.
        let report = server.report();
        shutdown.await.unwrap();
        assert_eq!(
            got + report.dropped,
            4000,
            "the backlog is delivered: {report:?}"
        );
        assert!(
            report.peak_output <= 16 * 1024,
            "one write carried {} bytes: the drain must write its backlog in batches, not \
             gather it whole",
            report.peak_output
        );
    });
}

// 7. Spoofing.

#[test]
fn names_that_look_alike_cannot_stand_side_by_side() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(quiet_config());
        let (_ann, _wa) = duplex_nick(&server, 4096, "ann").await;
        let (mut c, mut w) = duplex_client(&server, 4096);
        c.next("the welcome").await;
        for (name, why) in [
            ("ANN", "the same name in capitals"),
            ("ann\u{200b}", "a zero-width space after it"),
            ("\u{430}nn", "a Cyrillic a"),
            ("\u{202e}nna", "a right-to-left override"),
            ("ann\u{1b}[0m", "an escape sequence"),
        ] {
            let reply = ask(&mut c, &mut w, &format!("/nick {name}")).await;
            assert!(
                reply.starts_with("! "),
                "/nick with {why} must be refused while `ann` is in use, got {reply:?}"
            );
        }
        assert!(
            ask(&mut c, &mut w, "/nick Bob")
                .await
                .starts_with("* you are Bob")
        );
    });
}

#[test]
fn text_cannot_pass_for_a_notice_or_move_the_cursor() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(quiet_config());
        let (mut listener, _wl) =
            duplex_nick(&server, 1 << 16, "listener").await;
        let (_m, mut wm) = duplex_nick(&server, 1 << 16, "mallory").await;
        listener.until("mallory joined", "the join").await;
        for (text, why) in [
            ("hi\r* ann left lobby", "a carriage return"),
            ("hi\u{1b}[2K\u{1b}[1G* ann left lobby", "ANSI escapes"),
            ("hi\u{2028}* ann left lobby", "a line separator"),
            ("hi\u{85}* ann left lobby", "a C1 next-line"),
            ("hi\u{202e}ybbol tfel nna *", "a right-to-left override"),
        ] {
            wm.write_all(format!("{text}\n").as_bytes()).await.unwrap();
            let got = listener.until("mallory:", why).await;
            assert!(
                got.chars().all(|c| !c.is_control()
                    && !matches!(c, '\u{2028}' | '\u{202e}')),
                "a line with {why} reaches others with it replaced: {got:?}"
            );
            assert!(got.contains('\u{fffd}'), "replaced, not removed: {got:?}");
        }
    });
}

// 8. The small ones.

#[test]
fn the_line_limit_excludes_a_crlf_ending() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(quiet_config());
        let (mut listener, _wl) =
            duplex_nick(&server, 1 << 16, "listener").await;
        let (mut c, mut w) = duplex_nick(&server, 1 << 16, "crlf").await;
        listener.until("crlf joined", "the join").await;
        let max = "x".repeat(4096);
        w.write_all(format!("{max}\r\n").as_bytes()).await.unwrap();
        assert_eq!(
            listener.until("crlf:", "the 4,096-byte line").await,
            format!("crlf: {max}"),
            "4,096 bytes and a CRLF ending are within the 4,096-byte limit"
        );
        let reply = ask(&mut c, &mut w, &format!("{max}x")).await;
        assert!(
            reply.starts_with("! line too long"),
            "4,097 bytes are not: {reply}"
        );
    });
}

#[test]
fn your_own_nickname_is_not_taken() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(quiet_config());
        let (mut ann, mut wa) = duplex_nick(&server, 1 << 16, "ann").await;
        assert_eq!(
            ask(&mut ann, &mut wa, "/nick ann").await,
            "* you are already ann",
            "your own nickname is not `taken`"
        );
    });
}

#[test]
fn empty_lines_are_not_broadcast() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(quiet_config());
        let (_ann, mut wa) = duplex_nick(&server, 1 << 16, "ann").await;
        let (mut bob, _wb) = duplex_nick(&server, 1 << 16, "bob").await;
        wa.write_all(b"\n\r\n\nmine\n").await.unwrap();
        assert_eq!(
            bob.until("ann:", "ann's line").await,
            "ann: mine",
            "empty lines are not broadcast"
        );
    });
}

#[test]
fn rejoining_does_not_replay_your_own_lines() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            history: 20,
            ..quiet_config()
        });
        let (mut ann, mut wa) = duplex_nick(&server, 1 << 16, "ann").await;
        let (mut bob, mut wb) = duplex_nick(&server, 1 << 16, "bob").await;
        wa.write_all(b"mine\n").await.unwrap();
        bob.until("ann: mine", "ann's line").await;
        wb.write_all(b"theirs\n").await.unwrap();
        ann.until("bob: theirs", "bob's line").await;
        wa.write_all(b"/join elsewhere\n").await.unwrap();
        ann.until("you are in room elsewhere", "the join").await;
        wa.write_all(b"/join lobby\n").await.unwrap();
        let mut replay = Vec::new();
        loop {
            let line = ann.next("the replay on rejoining").await;
            if line.starts_with("* you are in room lobby") {
                break;
            }
            replay.push(line);
        }
        assert_eq!(
            replay,
            vec!["bob: theirs".to_string()],
            "the history replays others' lines, never your own"
        );
    });
}

#[test]
fn delivered_counts_what_was_written() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            write_timeout: Duration::from_secs(1),
            ..quiet_config()
        });
        let (mut listener, _wl) =
            duplex_nick(&server, 1 << 16, "listener").await;
        // `stalled` reads nothing after registering; its pipe holds 64 bytes.
        let (mut stalled, _ws) = duplex_nick(&server, 64, "stalled").await;
        let (_s, mut ws) = duplex_nick(&server, 1 << 16, "sender").await;
        let _ = &mut stalled;
        let long = "l".repeat(100);
        ws.write_all(
            format!("one {long}\ntwo {long}\nthree {long}\n").as_bytes(),
        )
        .await
        .unwrap();
        listener.until("sender: three", "the three lines").await;
        // The stalled client's write times out after 1 s and its connection ends.
        listener
            .until("stalled left lobby", "the stalled client's end")
            .await;
        let report = server.report();
        assert_eq!(
            report.delivered, 3,
            "only the listener's three lines were written; the stalled client's were queued \
             and never sent: {report:?}"
        );
    });
}

#[test]
fn a_client_that_reads_gets_every_reply_however_many() {
    // The bound on replies must not stop a client that reads: a pipe-full of replies, read as
    // they come, all arrive.
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(quiet_config());
        let (mut c, mut w) = duplex_nick(&server, 512, "reader").await;
        let helps = "/help\n".repeat(2000);
        let send = tokio::spawn(async move {
            w.write_all(helps.as_bytes()).await.unwrap();
            w
        });
        let mut n = 0;
        while n < 2000 {
            if c.next("the help replies")
                .await
                .starts_with("* any other line")
            {
                n += 1;
            }
        }
        let _w = send.await.unwrap();
        let mut lines = c.lines;
        assert!(
            tokio::time::timeout(Duration::from_millis(10), lines.next_line())
                .await
                .is_err(),
            "nothing more than the 2,000 replies"
        );
    });
}
