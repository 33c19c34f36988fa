//! Reliability tests of the chat server: hostile and unlucky clients, over real TCP on
//! `127.0.0.1:0`, or over an in-memory `tokio::io::duplex` with paused time where a socket adds
//! nothing and a timer is the point. Every test runs under a testkit time limit.

mod common;

use std::time::Duration;

use chat::{Config, Server};
use common::{
    Client, LIMIT, duplex_client, quiet_config, register, start, tcp_client,
};
use testkit::Flavor;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

#[test]
fn the_protocol_nicknames_rooms_and_commands() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (addr, stop, server) = start(quiet_config()).await;
        let stream = TcpStream::connect(addr).await.unwrap();
        let (reader, mut w) = stream.into_split();
        let mut a = Client::new(reader);
        a.next("the welcome").await;
        w.write_all(b"hello before a nick\n").await.unwrap();
        let reply = a
            .next("the reply to a message sent without a nickname")
            .await;
        assert!(
            reply.starts_with("! "),
            "a line before /nick must get a `! ` error, got {reply:?}"
        );
        w.write_all(b"/who\n").await.unwrap();
        let reply = a
            .next("the reply to a command sent without a nickname")
            .await;
        assert!(
            reply.starts_with("! "),
            "until /nick, every other line gets a `! ` error, got {reply:?}"
        );
        for (bad, why) in [
            ("", "an empty nickname"),
            (
                "a_name_that_is_much_longer_than_thirty_two_characters",
                "a nickname that is too long",
            ),
            ("bad\u{7}bell", "a nickname with a control character"),
            ("*star", "a nickname that looks like a notice"),
        ] {
            w.write_all(format!("/nick {bad}\n").as_bytes())
                .await
                .unwrap();
            let reply = a.next(why).await;
            assert!(
                reply.starts_with("! "),
                "{why} must be refused with a `! ` error, got {reply:?}"
            );
        }
        w.write_all(b"/nick alice\n").await.unwrap();
        a.until("you are in room lobby", "alice's lobby notice")
            .await;

        let (mut b, mut wb) = {
            let stream = TcpStream::connect(addr).await.unwrap();
            let (reader, writer) = stream.into_split();
            (Client::new(reader), writer)
        };
        b.next("bob's welcome").await;
        wb.write_all(b"/nick alice\n").await.unwrap();
        let reply = b.next("the reply to a nickname in use").await;
        assert!(
            reply.contains("taken"),
            "a nickname in use must be refused as taken, got {reply:?}"
        );
        wb.write_all(b"/nick bob\n").await.unwrap();
        b.until("you are in room lobby", "bob's lobby notice").await;
        a.until("* bob joined lobby", "the notice that bob joined")
            .await;

        wb.write_all(b"hi alice\n").await.unwrap();
        assert_eq!(
            a.until("hi", "bob's message").await,
            "bob: hi alice",
            "a chat line reads `<nick>: <text>`"
        );
        wb.write_all(b"/who\n").await.unwrap();
        assert_eq!(
            b.next("the /who reply").await,
            "* in lobby: alice, bob",
            "/who lists the room's nicknames, sorted"
        );

        wb.write_all(b"/join kitchen\n").await.unwrap();
        b.until("you are in room kitchen", "bob's notice for /join")
            .await;
        a.until("* bob left lobby", "the notice that bob left")
            .await;
        wb.write_all(b"/rooms\n").await.unwrap();
        assert_eq!(
            b.next("the /rooms reply").await,
            "* rooms: kitchen (1), lobby (1)",
            "/rooms lists rooms with member counts"
        );
        // alice's message stays in the lobby; bob's own message never comes back to bob.
        w.write_all(b"only the lobby hears this\n").await.unwrap();
        wb.write_all(b"/who\n").await.unwrap();
        let next = b.next("bob's /who reply").await;
        assert_eq!(
            next, "* in kitchen: bob",
            "bob must not see lobby messages once in the kitchen, nor his own"
        );

        wb.write_all(b"/quit\n").await.unwrap();
        assert_eq!(
            b.read_to_close("the end after /quit").await,
            vec!["* bye".to_string()],
            "/quit says bye and closes"
        );
        // The room emptied by bob's quit is gone, without disturbing the lobby.
        w.write_all(b"/rooms\n").await.unwrap();
        assert_eq!(
            a.until("* rooms", "alice's /rooms").await,
            "* rooms: lobby (1)",
            "an empty room is removed"
        );

        stop.send(()).unwrap();
        let report = server.await.expect("the server task panicked");
        assert!(
            !report.deadline_hit,
            "the shutdown must finish before its deadline"
        );
    });
}

#[test]
fn two_hundred_clients_chat_and_drop_abruptly() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (addr, stop, server) = start(Config {
            broadcast_capacity: 4096,
            ..quiet_config()
        })
        .await;
        let mut clients = Vec::new();
        for i in 0..200 {
            clients.push(tcp_client(addr, &format!("c{i}")).await);
        }
        for (i, (_, w)) in clients.iter_mut().enumerate() {
            w.write_all(format!("message {i}\n").as_bytes())
                .await
                .unwrap();
        }
        // The first client hears every other client's message: the room works with 200 members.
        let mut heard = std::collections::HashSet::new();
        while heard.len() < 199 {
            let line =
                clients[0].0.next("the other 199 clients' messages").await;
            if let Some((nick, _)) = line.split_once(": message ") {
                heard.insert(nick.to_string());
            }
        }
        // Every client vanishes at once, without /quit and with unread data in its socket.
        drop(clients);
        // The nicknames come free and the server still serves: reuse one of them.
        let (mut again, mut w) = loop {
            let stream = TcpStream::connect(addr).await.unwrap();
            let (reader, mut writer) = stream.into_split();
            let mut client = Client::new(reader);
            client.next("the welcome").await;
            writer.write_all(b"/nick c7\n").await.unwrap();
            let reply = client.next("the reply to /nick c7").await;
            if reply == "* you are c7" {
                break (client, writer);
            }
            assert!(
                reply.contains("taken"),
                "unexpected reply to /nick: {reply:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        again
            .until("you are in room lobby", "the lobby notice")
            .await;
        let stats = loop {
            w.write_all(b"/stats\n").await.unwrap();
            let stats = again.until("* stats", "the /stats reply").await;
            if stats.starts_with("* stats: 1 clients") {
                break stats;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        assert!(stats.contains("1 rooms"), "only the lobby is left: {stats}");
        stop.send(()).unwrap();
        let report = server.await.expect("the server task panicked");
        assert!(
            report.connections >= 201,
            "the 200 clients and the one after them were counted: {report:?}"
        );
        // c0's own message may still be unread by the server when every client vanishes: a socket
        // closed with unread data sends a reset, and the kernel then discards what it holds.
        assert!(
            report.messages >= 199,
            "the 199 messages c0 heard were counted: {report:?}"
        );
    });
}

#[test]
fn a_stalled_reader_cannot_hold_up_the_room() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let config = Config {
            write_timeout: Duration::from_millis(300),
            ..quiet_config()
        };
        let (addr, stop, server) = start(config).await;
        // `stalled` registers and then never reads again, but keeps its socket open. Its receive
        // buffer is set small: left alone, Linux lets it grow to `tcp_rmem`'s maximum (32 MB on
        // some machines), which would swallow everything this test sends.
        let socket = tokio::net::TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let (_stalled, _stalled_writer) =
            register(socket.connect(addr).await.unwrap(), "stalled").await;
        let (mut reader, mut rw) = tcp_client(addr, "reader").await;
        let (_sr, mut sender) = tcp_client(addr, "sender").await;
        let payload = "x".repeat(1000);
        const BATCH: usize = 2000;
        // Send batches of 2 MB until the server has cut the stalled client off. How many it takes
        // depends on the kernel's buffers (the server's send buffer grows to a few MB); the test
        // time limit bounds the loop. After each batch the reader must have every message.
        for batch in 0.. {
            let lines: String = (0..BATCH)
                .map(|i| format!("{batch}.{i} {payload}\n"))
                .collect();
            sender.write_all(lines.as_bytes()).await.unwrap();
            let last = format!("sender: {batch}.{} ", BATCH - 1);
            let (mut seen, mut dropped) = (0, 0);
            loop {
                let line = reader.next("the sender's messages").await;
                if line.starts_with("sender: ") {
                    seen += 1;
                } else if let Some((n, _)) = line
                    .strip_prefix("* ")
                    .and_then(|l| l.split_once(" messages dropped"))
                {
                    dropped += n
                        .parse::<usize>()
                        .expect("the dropped notice names a number");
                }
                if line.starts_with(&last) {
                    break;
                }
            }
            // This test's reader may itself fall behind (a debug build on a busy machine, and a
            // room of three has a ring of 512); then it is told how many it lost. Either way every
            // message is accounted for. The count of skipped messages may include the notice that
            // the stalled client left, sent while this batch was on its way.
            assert!(
                (BATCH..=BATCH + 1).contains(&(seen + dropped)),
                "the live reader got {seen} messages and was told of {dropped} dropped, of {BATCH} sent"
            );
            rw.write_all(b"/stats\n").await.unwrap();
            let stats = reader.until("* stats:", "the reply to /stats").await;
            if stats.starts_with("* stats: 2 clients") {
                break;
            }
        }
        stop.send(()).unwrap();
        let report = server.await.expect("the server task panicked");
        assert!(
            !report.deadline_hit,
            "the shutdown must not wait for the stalled client: {report:?}"
        );
    });
}
#[test]
fn a_one_mebibyte_line_gets_an_error_and_the_connection_goes_on() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (addr, stop, server) = start(quiet_config()).await;
        let (mut a, mut wa) = tcp_client(addr, "big").await;
        let (mut b, _wb) = tcp_client(addr, "other").await;
        let mut line = vec![b'x'; 1 << 20];
        line.push(b'\n');
        wa.write_all(&line).await.unwrap();
        wa.write_all(b"after the big one\n").await.unwrap();
        let reply = a.until("! ", "the error reply to a 1 MiB line").await;
        assert!(
            reply.contains("too long"),
            "a line over the limit gets a `! line too long` reply, got {reply:?}"
        );
        let next = b.until("big:", "the line sent after the long one").await;
        assert_eq!(
            next, "big: after the big one",
            "the long line is discarded whole and the next line goes through"
        );
        stop.send(()).unwrap();
        server.await.expect("the server task panicked");
    });
}

#[test]
fn invalid_utf8_gets_an_error_not_a_disconnect() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (addr, stop, server) = start(quiet_config()).await;
        let (mut a, mut wa) = tcp_client(addr, "bytes").await;
        let (mut b, _wb) = tcp_client(addr, "other").await;
        wa.write_all(b"caf\xc3 \xff\xfe\n").await.unwrap();
        wa.write_all(b"caf\xc3\xa9\n").await.unwrap();
        let reply = a.until("! ", "the error reply to invalid UTF-8").await;
        assert!(
            reply.contains("UTF-8"),
            "invalid UTF-8 gets a `! ` reply naming UTF-8, got {reply:?}"
        );
        assert_eq!(
            b.until("bytes:", "the valid line").await,
            "bytes: café",
            "the next, valid line goes through"
        );
        stop.send(()).unwrap();
        server.await.expect("the server task panicked");
    });
}

#[test]
fn a_client_that_half_closes_gets_its_replies_and_a_clean_close() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        let (addr, stop, server) = start(quiet_config()).await;
        let (mut other, _wo) = tcp_client(addr, "other").await;
        let stream = TcpStream::connect(addr).await.unwrap();
        let (reader, mut writer) = stream.into_split();
        // A script piped into `nc -N`: lines, the last without a line ending, then end of file.
        writer
            .write_all(b"/nick half\nfirst\nlast, no newline")
            .await
            .unwrap();
        writer.shutdown().await.unwrap();
        let mut half = Client::new(reader);
        let lines = half
            .read_to_close(
                "the half-closed client's replies and the server's close",
            )
            .await;
        assert!(
            lines.iter().any(|l| l == "* you are half"),
            "a half-closed client still gets the replies owed to it: {lines:?}"
        );
        assert_eq!(
            other.until("half: first", "the first line").await,
            "half: first",
            "lines before the half-close are delivered"
        );
        assert_eq!(
            other.until("half: last", "the last line").await,
            "half: last, no newline",
            "a last line without a line ending is delivered too"
        );
        other
            .until(
                "* half left lobby",
                "the notice that the half-closed client left",
            )
            .await;
        stop.send(()).unwrap();
        server.await.expect("the server task panicked");
    });
}

#[test]
fn a_slow_reader_is_told_what_it_missed_and_stays_connected() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            broadcast_capacity: 8,
            ..quiet_config()
        });
        let (mut slow, mut ws) = duplex_client(&server, 256);
        slow.next("the welcome").await;
        ws.write_all(b"/nick slow\n").await.unwrap();
        slow.until("you are in room lobby", "the lobby notice")
            .await;
        // A pipe of 256 bytes fills after a few lines; the fast client has a big one.
        let (mut fast, mut wf) = duplex_client(&server, 1 << 20);
        fast.next("the welcome").await;
        wf.write_all(b"/nick fast\n").await.unwrap();
        fast.until("you are in room lobby", "the lobby notice")
            .await;
        slow.until("fast joined", "the notice that fast joined")
            .await;
        // `slow` stops reading while fast sends 1,000 lines of 100 bytes: the pipe to slow fills,
        // the server's write to it waits, and slow's receiver falls more than 8 messages behind.
        let text = "y".repeat(100);
        for i in 0..1000 {
            wf.write_all(format!("{i} {text}\n").as_bytes())
                .await
                .unwrap();
        }
        wf.write_all(b"the end\n").await.unwrap();
        let mut dropped = None;
        loop {
            let line = slow
                .next("fast's messages, and the notice of what was dropped")
                .await;
            if let Some(n) = line.strip_prefix("* ").and_then(|rest| {
                rest.strip_suffix(
                    " messages dropped: you are reading too slowly",
                )
            }) {
                dropped =
                    Some(n.parse::<u64>().expect("the notice names a number"));
            }
            if line == "fast: the end" {
                break;
            }
        }
        let dropped = dropped.expect(
            "a reader that fell behind must be told `* N messages dropped`",
        );
        assert!(dropped > 0, "the notice names how many messages were lost");
        ws.write_all(b"still here\n").await.unwrap();
        assert_eq!(
            fast.until("slow:", "slow's message").await,
            "slow: still here",
            "the slow reader stays connected"
        );
    });
}

#[test]
fn an_idle_client_is_disconnected_and_a_talking_one_is_not() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        // Paused time: the 300 s pass in no time, and exactly when the runtime has nothing to do.
        tokio::time::pause();
        let server = Server::new(Config {
            idle_timeout: Duration::from_secs(300),
            ..quiet_config()
        });
        let (mut idle, mut wi) = duplex_client(&server, 4096);
        let (mut talker, mut wt) = duplex_client(&server, 4096);
        idle.next("the welcome").await;
        talker.next("the welcome").await;
        wi.write_all(b"/nick idle\n").await.unwrap();
        wt.write_all(b"/nick talker\n").await.unwrap();
        idle.until("you are in room lobby", "the lobby notice")
            .await;
        let start = tokio::time::Instant::now();
        for _ in 0..3 {
            tokio::time::sleep(Duration::from_secs(200)).await;
            wt.write_all(b"/who\n").await.unwrap();
            talker.until("* in lobby", "the reply to /who").await;
        }
        let rest = idle
            .read_to_close("the idle client to be disconnected")
            .await;
        assert!(
            rest.iter().any(|l| l == "* idle for 300 s: disconnecting"),
            "an idle client is told why it is disconnected: {rest:?}"
        );
        let waited = start.elapsed();
        assert!(
            waited >= Duration::from_secs(300),
            "the idle client was disconnected after {waited:?}, before its 300 s"
        );
        wt.write_all(b"/who\n").await.unwrap();
        assert_eq!(
            talker.until("* in lobby", "the reply to /who").await,
            "* in lobby: talker",
            "a client that sends a line every 200 s is still connected after 600 s, and the idle one is gone"
        );
    });
}

#[test]
fn the_rate_limit_drops_the_excess_and_refills_with_time() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        tokio::time::pause();
        let server = Server::new(Config {
            rate_limit: 5,
            ..quiet_config()
        });
        let (mut spammer, mut ws) = duplex_client(&server, 64 * 1024);
        let (mut listener, mut wl) = duplex_client(&server, 64 * 1024);
        spammer.next("the welcome").await;
        listener.next("the welcome").await;
        wl.write_all(b"/nick listener\n").await.unwrap();
        listener
            .until("you are in room lobby", "the lobby notice")
            .await;
        ws.write_all(b"/nick spammer\n").await.unwrap();
        spammer
            .until("you are in room lobby", "the lobby notice")
            .await;
        // Every line costs a token, `/nick` included: a second later the bucket is full again.
        tokio::time::sleep(Duration::from_secs(1)).await;
        // Ten lines at once, in one write, against a limit of 5 per second with a burst of 5.
        let burst: String = (0..10).map(|i| format!("burst {i}\n")).collect();
        ws.write_all(burst.as_bytes()).await.unwrap();
        let mut refused = 0;
        while refused < 5 {
            let line = spammer.next("the replies to the burst").await;
            assert!(
                line.starts_with("! rate limit"),
                "only refusals answer the burst, got {line:?}"
            );
            refused += 1;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        ws.write_all(b"/who\n").await.unwrap();
        assert_eq!(
            spammer.next("the reply to /who a second later").await,
            "* in lobby: listener, spammer",
            "a burst of 10 against a limit of 5/s: 5 pass, 5 are refused with `! rate limit`, no more"
        );
        for i in 0..5 {
            assert_eq!(
                listener.until("spammer:", "the burst").await,
                format!("spammer: burst {i}"),
                "the first 5 lines pass"
            );
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        ws.write_all(b"after a second\n").await.unwrap();
        assert_eq!(
            listener
                .until("spammer:", "the line sent a second later")
                .await,
            "spammer: after a second",
            "the bucket refills with time: a line a second later passes"
        );
    });
}

#[test]
fn shutdown_delivers_every_accepted_message() {
    testkit::run(Flavor::MultiThread, LIMIT, || async {
        const CLIENTS: usize = 10;
        const EACH: usize = 200;
        let (addr, stop, server) = start(Config {
            broadcast_capacity: 8192,
            ..quiet_config()
        })
        .await;
        let mut clients = Vec::new();
        for i in 0..CLIENTS {
            clients.push(tcp_client(addr, &format!("s{i}")).await);
        }
        // Everyone is in the lobby before anyone speaks, so every message has CLIENTS - 1
        // receivers. Then all of them write, and the shutdown comes while lines are in flight.
        for (_, w) in &mut clients {
            let lines: String = (0..EACH).map(|i| format!("m{i}\n")).collect();
            w.write_all(lines.as_bytes()).await.unwrap();
        }
        stop.send(()).unwrap();
        let mut readers = Vec::new();
        let mut writers = Vec::new();
        for (mut client, writer) in clients {
            writers.push(writer);
            readers.push(tokio::spawn(async move {
                client.read_to_close("every message, then the close").await
            }));
        }
        let mut received = 0u64;
        for reader in readers {
            let lines = reader.await.unwrap();
            received +=
                lines.iter().filter(|l| l.contains(": m")).count() as u64;
            assert_eq!(
                lines.last().map(String::as_str),
                Some("* server shutting down: goodbye"),
                "every client is told the server is shutting down, after its last message"
            );
        }
        let report = server.await.expect("the server task panicked");
        assert!(
            !report.deadline_hit,
            "the shutdown finished within its deadline: {report:?}"
        );
        assert_eq!(
            report.dropped, 0,
            "no reader fell behind in this test: {report:?}"
        );
        assert_eq!(
            received,
            report.messages * (CLIENTS as u64 - 1),
            "every message the server accepted ({}) reached the other {} clients before the close",
            report.messages,
            CLIENTS - 1
        );
        assert_eq!(
            received, report.delivered,
            "the server's count of deliveries matches what clients read"
        );
        drop(writers);
    });
}
