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
