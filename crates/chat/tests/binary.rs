//! The `chat-server` binary: its first line, a client, and a graceful exit on SIGTERM.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// The limit for the whole test; starting the binary takes milliseconds.
const LIMIT: Duration = Duration::from_secs(30);

#[cfg(unix)]
#[test]
fn prints_its_address_serves_a_client_and_exits_cleanly_on_sigterm() {
    testkit::within(LIMIT, || {
        let mut server = Command::new(env!("CARGO_BIN_EXE_chat-server"))
            .args(["--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the chat-server binary starts");
        let mut stdout = BufReader::new(server.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        let addr = first
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| {
                panic!("the first stdout line must be `listening on <addr>`, got {first:?}")
            })
            .to_string();

        let stream = TcpStream::connect(&addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut writer = stream.try_clone().unwrap();
        let mut lines = BufReader::new(stream).lines();
        let welcome = lines.next().unwrap().unwrap();
        assert!(
            welcome.starts_with("* welcome"),
            "the first line a client gets is the welcome: {welcome:?}"
        );
        writer.write_all(b"/nick term\n").unwrap();
        assert_eq!(
            lines.next().unwrap().unwrap(),
            "* you are term",
            "the reply to /nick"
        );

        let killed = Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .expect("the kill command runs");
        assert!(killed.success(), "kill -TERM succeeded");
        let rest: Vec<String> = lines.map(|l| l.unwrap()).collect();
        assert_eq!(
            rest.last().map(String::as_str),
            Some("* server shutting down: goodbye"),
            "on SIGTERM the server says goodbye to every client and closes: {rest:?}"
        );
        let (done, exited) = mpsc::channel();
        thread::spawn(move || done.send(server.wait()));
        let status = exited
            .recv_timeout(Duration::from_secs(10))
            .expect("the server exits within 10 s of SIGTERM")
            .unwrap();
        assert!(
            status.success(),
            "the server exits with status 0 after a graceful shutdown: {status}"
        );
    });
}

/// Waits up to `limit` for `child` to exit; kills it and returns `None` if it does not.
fn wait_within(
    child: &mut std::process::Child,
    limit: Duration,
) -> Option<std::process::ExitStatus> {
    let start = std::time::Instant::now();
    while start.elapsed() < limit {
        if let Some(status) = child.try_wait().unwrap() {
            return Some(status);
        }
        thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn a_flag_out_of_range_is_refused_with_its_range() {
    testkit::within(LIMIT, || {
        for (flag, value, range) in [
            ("--idle-timeout", "18446744073709551615", "1..=86400"),
            ("--shutdown-deadline", "18446744073709551615", "1..=3600"),
            ("--broadcast-capacity", "9223372036854775808", "1..=1048576"),
            ("--broadcast-capacity", "0", "1..=1048576"),
        ] {
            let mut server = Command::new(env!("CARGO_BIN_EXE_chat-server"))
                .args(["--addr", "127.0.0.1:0", flag, value])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the chat-server binary starts");
            let status = wait_within(&mut server, Duration::from_secs(5)).unwrap_or_else(|| {
                panic!("chat-server {flag} {value} kept running: a value out of range must be refused at start")
            });
            let mut stderr = String::new();
            std::io::Read::read_to_string(
                &mut server.stderr.take().unwrap(),
                &mut stderr,
            )
            .unwrap();
            assert_eq!(
                status.code(),
                Some(2),
                "chat-server {flag} {value} exits with clap's usage status: {stderr}"
            );
            assert!(
                stderr.contains(range),
                "the refusal of {flag} {value} states the range {range}: {stderr}"
            );
        }
    });
}

#[cfg(unix)]
#[test]
fn logs_have_no_colour_codes_when_stderr_is_not_a_terminal() {
    testkit::within(LIMIT, || {
        let mut server = Command::new(env!("CARGO_BIN_EXE_chat-server"))
            .args(["--addr", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the chat-server binary starts");
        let mut first = String::new();
        BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .expect("the kill command runs");
        wait_within(&mut server, Duration::from_secs(10))
            .expect("the server exits on SIGTERM");
        let mut stderr = String::new();
        std::io::Read::read_to_string(
            &mut server.stderr.take().unwrap(),
            &mut stderr,
        )
        .unwrap();
        assert!(
            stderr.contains("shutdown requested"),
            "the shutdown is logged: {stderr:?}"
        );
        assert!(
            !stderr.contains('\u{1b}'),
            "a log written to a pipe has no ANSI escape codes: {stderr:?}"
        );
    });
}

#[cfg(target_os = "linux")]
#[test]
fn at_the_file_descriptor_limit_clients_are_refused_and_the_log_stays_quiet() {
    testkit::within(LIMIT, || {
        // 64 descriptors: the runtime, the listener and the spare take a few; about 50 clients
        // fit, and the other 30 meet the limit.
        let mut server = Command::new("sh")
            .args([
                "-c",
                "ulimit -n 64 && exec \"$0\" --addr 127.0.0.1:0",
                env!("CARGO_BIN_EXE_chat-server"),
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("sh and the chat-server binary start");
        let mut first = String::new();
        BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut first)
            .unwrap();
        let addr = first
            .trim_end()
            .strip_prefix("listening on ")
            .unwrap()
            .to_string();
        let mut clients = Vec::new();
        let (mut welcomed, mut refused, mut silent) = (0, 0, 0);
        for _ in 0..80 {
            let stream = TcpStream::connect(&addr).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_millis(500)))
                .unwrap();
            let mut line = String::new();
            match BufReader::new(stream.try_clone().unwrap())
                .read_line(&mut line)
            {
                Ok(_) if line.starts_with("* welcome") => welcomed += 1,
                Ok(_) if line.starts_with("! server full") => refused += 1,
                _ => silent += 1,
            }
            clients.push(stream);
        }
        thread::sleep(Duration::from_secs(1));
        let _ = server.kill();
        let _ = server.wait();
        let mut stderr = String::new();
        std::io::Read::read_to_string(
            &mut server.stderr.take().unwrap(),
            &mut stderr,
        )
        .unwrap();
        let warnings = stderr.matches("accept failed").count();
        assert_eq!(
            silent, 0,
            "{silent} of 80 clients got no line at all ({welcomed} welcomed, {refused} refused, \
             {warnings} `accept failed` lines logged): at the limit a client must be told the \
             server is full, not left hanging"
        );
        assert!(
            refused > 0,
            "some clients met the limit: {welcomed} welcomed"
        );
        assert!(
            warnings <= 2,
            "{warnings} `accept failed` lines in about 2 s: the log at the limit must be \
             rate-limited"
        );
    });
}

/// Reads `<label> on <addr>` from the server's next stdout line.
fn address_line(stdout: &mut impl BufRead, label: &str) -> String {
    let mut line = String::new();
    stdout.read_line(&mut line).unwrap();
    line.trim_end()
        .strip_prefix(&format!("{label} on "))
        .unwrap_or_else(|| panic!("expected `{label} on <addr>`, got {line:?}"))
        .to_string()
}

#[cfg(unix)]
#[test]
fn with_tls_http_and_metrics_it_prints_each_address_refuses_nc_and_answers_a_scrape()
 {
    testkit::within(LIMIT, || {
        let dir = tempfile::tempdir().unwrap();
        let made = rcgen::generate_simple_self_signed(vec!["localhost".into()])
            .unwrap();
        let (cert, key) =
            (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        std::fs::write(&cert, made.cert.pem()).unwrap();
        std::fs::write(&key, made.signing_key.serialize_pem()).unwrap();
        let mut server = Command::new(env!("CARGO_BIN_EXE_chat-server"))
            .args(["--addr", "127.0.0.1:0", "--tls", "127.0.0.1:0"])
            .arg("--tls-cert")
            .arg(&cert)
            .arg("--tls-key")
            .arg(&key)
            .args(["--http", "127.0.0.1:0", "--metrics", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the chat-server binary starts");
        let mut stdout = BufReader::new(server.stdout.take().unwrap());
        address_line(&mut stdout, "listening");
        let tls = address_line(&mut stdout, "tls");
        address_line(&mut stdout, "http");
        let metrics = address_line(&mut stdout, "metrics");

        // What `nc` sees on the TLS port when a person types a line: one plain line, then the
        // end of the stream.
        let mut nc = TcpStream::connect(&tls).unwrap();
        nc.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        nc.write_all(b"/nick ann\n").unwrap();
        let mut seen = String::new();
        std::io::Read::read_to_string(&mut nc, &mut seen).unwrap();
        assert_eq!(seen, chat::tls::PLAINTEXT_REFUSAL);

        let mut scrape = TcpStream::connect(&metrics).unwrap();
        scrape
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        scrape.write_all(b"GET /metrics HTTP/1.1\r\n\r\n").unwrap();
        let mut page = String::new();
        std::io::Read::read_to_string(&mut scrape, &mut page).unwrap();
        assert!(page.starts_with("HTTP/1.1 200 OK\r\n"), "{page}");
        assert!(
            page.contains(
                "\nchat_tls_handshake_failures_total{reason=\"plaintext\"} 1\n"
            ),
            "the plain-text client is counted: {page}"
        );

        Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .expect("the kill command runs");
        wait_within(&mut server, Duration::from_secs(10))
            .expect("the server exits on SIGTERM");
        let mut stderr = String::new();
        std::io::Read::read_to_string(
            &mut server.stderr.take().unwrap(),
            &mut stderr,
        )
        .unwrap();
        assert_eq!(
            stderr.matches("plain text to the TLS port").count(),
            1,
            "the refusal is logged once: {stderr}"
        );
    });
}

#[cfg(unix)]
#[test]
fn with_http_it_prints_the_second_address_and_serves_the_page() {
    testkit::within(LIMIT, || {
        let mut server = Command::new(env!("CARGO_BIN_EXE_chat-server"))
            .args(["--addr", "127.0.0.1:0", "--http", "127.0.0.1:0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the chat-server binary starts");
        let mut stdout = BufReader::new(server.stdout.take().unwrap());
        let mut lines = [String::new(), String::new()];
        for line in &mut lines {
            stdout.read_line(line).unwrap();
        }
        assert!(lines[0].starts_with("listening on "), "{lines:?}");
        let http = lines[1]
            .trim_end()
            .strip_prefix("http on ")
            .unwrap_or_else(|| {
                panic!(
                    "with --http the second line is `http on <addr>`: {lines:?}"
                )
            })
            .to_string();
        let mut page = TcpStream::connect(&http).unwrap();
        page.set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        page.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut response = String::new();
        std::io::Read::read_to_string(&mut page, &mut response)
            .expect("the page, then the end of the stream");
        assert!(
            response.starts_with("HTTP/1.1 200 OK\r\n")
                && response.contains("<title>chat</title>"),
            "GET / serves the chat page: {response:?}"
        );
        server.kill().unwrap();
        server.wait().unwrap();
    });
}
