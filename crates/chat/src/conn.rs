//! One task per client: read lines, run commands, relay the room.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{broadcast, mpsc};
use tokio::time::{Instant, sleep_until, timeout};
use tokio_util::bytes::BytesMut;
use tokio_util::codec::{Decoder, LinesCodec, LinesCodecError};

use crate::rooms::{ClientId, Msg, Room, Shared};

/// The room every client lands in after `/nick`.
pub(crate) const LOBBY: &str = "lobby";

/// Stop draining the room's receiver once this much output is waiting, and write it: the batch
/// stays bounded, and a busy room cannot starve this client's own reading. Each client keeps its
/// output buffer between writes, so this also bounds the server's memory per client (1,000
/// clients keep at most about 16 MiB of buffers, whatever the traffic).
const BATCH_BYTES: usize = 8 * 1024;

/// An output buffer that grew past this (a long history replay, a line near the length limit)
/// is given back after the write.
const KEEP_CAPACITY: usize = 16 * 1024;

const HELP: &str = "* commands: /nick <name>, /join <room>, /rooms, /who, /stats, /help, /quit\n\
                    * any other line is a message to your room\n";

/// A token bucket: `rate` messages per second, with a burst of `rate`.
struct Bucket {
    rate: f64,
    tokens: f64,
    last: Instant,
}

impl Bucket {
    fn new(rate: u32) -> Bucket {
        Bucket {
            rate: f64::from(rate),
            tokens: f64::from(rate),
            last: Instant::now(),
        }
    }

    /// Takes one token if there is one. A rate of 0 means no limit.
    fn take(&mut self) -> bool {
        if self.rate == 0.0 {
            return true;
        }
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.rate);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The state of one connection.
struct Client<'a> {
    shared: &'a Shared,
    id: ClientId,
    nick: Option<String>,
    room: Option<Arc<Room>>,
    rx: Option<broadcast::Receiver<Msg>>,
    /// Everything owed to the client, written in one `write_all` per turn of the loop.
    out: Vec<u8>,
    bucket: Bucket,
    /// Chat messages this client sent, added to the shared counter once per read.
    sent: u64,
    quit: bool,
}

/// Serves one client until it quits, goes idle, stops reading, or the server shuts down.
///
/// `_reading` is dropped when this connection stops reading, which is how the shutdown learns
/// that no new message can arrive any more.
pub(crate) async fn serve<R, W>(
    shared: &Shared,
    mut reader: R,
    mut writer: W,
    reading: mpsc::Sender<()>,
) where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let config = &shared.config;
    let mut client = Client {
        shared,
        id: shared.new_id(),
        nick: None,
        room: None,
        rx: None,
        out: Vec::with_capacity(4096),
        bucket: Bucket::new(config.rate_limit),
        sent: 0,
        quit: false,
    };
    shared.clients.fetch_add(1, Ordering::Relaxed);
    client.out.extend_from_slice(
        b"* welcome: send /nick <name> to start; then /help lists the commands\n",
    );

    let mut reading = Some(reading);
    let mut input = BytesMut::with_capacity(4096);
    // ANCHOR: codec
    // `new_with_max_length`: `LinesCodec::new()` would buffer a line without end until memory
    // runs out. Past the limit the codec returns an error once and then discards the rest of
    // that line as it arrives, so the buffer stays near `max_line`.
    let mut codec = LinesCodec::new_with_max_length(config.max_line);
    // ANCHOR_END: codec
    let mut idle_deadline = Instant::now() + config.idle_timeout;
    let mut goodbye = false;

    loop {
        if !client.out.is_empty() {
            match timeout(config.write_timeout, writer.write_all(&client.out)).await {
                Ok(Ok(())) => {}
                Ok(Err(err)) => {
                    tracing::debug!(id = client.id, %err, "write failed");
                    break;
                }
                Err(_) => {
                    tracing::info!(
                        id = client.id,
                        "write timed out: the client stopped reading"
                    );
                    break;
                }
            }
            client.out.clear();
            if client.out.capacity() > KEEP_CAPACITY {
                client.out = Vec::with_capacity(4096);
            }
        }
        if client.quit {
            goodbye = true;
            break;
        }
        // Every branch is cancel safe: `read_buf` puts what it read into `input`, which outlives
        // the `select!`; `broadcast::Receiver::recv` and the token's `cancelled` lose nothing when
        // another branch wins.
        tokio::select! {
            // ANCHOR: read
            read = reader.read_buf(&mut input), if reading.is_some() => {
                match read {
                    Ok(0) => {
                        // End of file: the client will send nothing more. Handle a last line
                        // without a line ending, send what is owed, and close.
                        loop {
                            match codec.decode_eof(&mut input) {
                                Ok(Some(line)) => client.line(&line),
                                Ok(None) => break,
                                Err(err) => client.bad_line(&err),
                            }
                        }
                        client.quit = true;
                    }
                    Ok(_) => {
                        idle_deadline = Instant::now() + config.idle_timeout;
                        while !client.quit {
                            match codec.decode(&mut input) {
                                Ok(Some(line)) => client.line(&line),
                                Ok(None) => break,
                                Err(err) => client.bad_line(&err),
                            }
                        }
                        if input.capacity() < 1024 {
                            input.reserve(4096);
                        }
                    }
                    Err(err) => {
                        tracing::debug!(id = client.id, %err, "read failed");
                        break;
                    }
                }
                client.flush_count();
            }
            // ANCHOR_END: read
            msg = recv(&mut client.rx) => client.relay(msg),
            () = sleep_until(idle_deadline), if reading.is_some() => {
                client.out.extend_from_slice(
                    format!("* idle for {} s: disconnecting\n", config.idle_timeout.as_secs()).as_bytes(),
                );
                client.quit = true;
            }
            // ANCHOR: shutdown_branches
            () = shared.stop_reading.cancelled(), if reading.is_some() => {
                // Phase one of the shutdown: read nothing more. Keep relaying until every other
                // connection has stopped reading too.
                reading = None;
            }
            () = shared.drain.cancelled() => {
                // Phase two: nobody can send any more, so what the receiver holds is all there
                // is. Write it out, then say goodbye.
                client.drain_all();
                client.out.extend_from_slice(b"* server shutting down: goodbye\n");
                client.quit = true;
            }
            // ANCHOR_END: shutdown_branches
        }
    }
    drop(reading);
    client.leave();
    if let Some(nick) = &client.nick {
        shared.release_nick(nick);
    }
    shared.clients.fetch_sub(1, Ordering::Relaxed);
    if goodbye {
        // A clean close: the client reads every line and then end of file.
        let _ = timeout(config.write_timeout, writer.shutdown()).await;
    }
}

/// The next message of the room, or never when not in a room.
async fn recv(
    rx: &mut Option<broadcast::Receiver<Msg>>,
) -> Result<Msg, broadcast::error::RecvError> {
    match rx {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

impl Client<'_> {
    fn notice(&mut self, text: &str) {
        self.out.extend_from_slice(text.as_bytes());
        self.out.push(b'\n');
    }

    // ANCHOR: relay
    /// One message from the room, then everything else it has ready, into the output buffer.
    fn relay(&mut self, first: Result<Msg, broadcast::error::RecvError>) {
        let mut delivered = 0;
        let mut next = Some(first);
        while let Some(result) = next.take() {
            match result {
                Ok(msg) => {
                    if msg.from != Some(self.id) {
                        self.out.extend_from_slice(msg.line.as_bytes());
                        delivered += u64::from(msg.chat);
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    // The receiver is still open; it skipped to the oldest message it still has.
                    // Tell the client and carry on: falling behind is not a disconnect.
                    self.shared.dropped.fetch_add(n, Ordering::Relaxed);
                    self.notice(&format!(
                        "* {n} messages dropped: you are reading too slowly"
                    ));
                }
                Err(broadcast::error::RecvError::Closed) => {
                    self.rx = None;
                    break;
                }
            }
            if self.out.len() >= BATCH_BYTES {
                break;
            }
            next = match self.rx.as_mut().map(broadcast::Receiver::try_recv) {
                Some(Ok(msg)) => Some(Ok(msg)),
                Some(Err(broadcast::error::TryRecvError::Lagged(n))) => {
                    Some(Err(broadcast::error::RecvError::Lagged(n)))
                }
                _ => None,
            };
        }
        if delivered > 0 {
            self.shared
                .delivered
                .fetch_add(delivered, Ordering::Relaxed);
        }
    }
    // ANCHOR_END: relay

    /// Everything the receiver still holds, however much it is (used once, at shutdown).
    fn drain_all(&mut self) {
        while let Some(rx) = self.rx.as_mut() {
            match rx.try_recv() {
                Ok(msg) => self.relay(Ok(msg)),
                Err(broadcast::error::TryRecvError::Lagged(n)) => {
                    self.relay(Err(broadcast::error::RecvError::Lagged(n)));
                }
                Err(_) => break,
            }
        }
    }

    fn flush_count(&mut self) {
        if self.sent > 0 {
            self.shared.messages.fetch_add(self.sent, Ordering::Relaxed);
            self.sent = 0;
        }
    }

    fn bad_line(&mut self, err: &LinesCodecError) {
        match err {
            LinesCodecError::MaxLineLengthExceeded => self.notice(&format!(
                "! line too long: the limit is {} bytes; the line was discarded",
                self.shared.config.max_line
            )),
            LinesCodecError::Io(_) => {
                self.notice("! that line was not valid UTF-8; it was discarded");
            }
        }
    }

    fn line(&mut self, line: &str) {
        if self.quit {
            return;
        }
        if let Some(command) = line.strip_prefix('/') {
            let (name, arg) = match command.split_once(char::is_whitespace) {
                Some((name, arg)) => (name, arg.trim()),
                None => (command, ""),
            };
            self.command(name, arg);
            return;
        }
        let (Some(nick), Some(room)) = (&self.nick, &self.room) else {
            self.notice("! choose a nickname first: /nick <name>");
            return;
        };
        if !self.bucket.take() {
            let limit = self.shared.config.rate_limit;
            self.notice(&format!(
                "! rate limit: at most {limit} messages per second; that one was dropped"
            ));
            return;
        }
        let msg = Msg {
            from: Some(self.id),
            chat: true,
            line: format!("{nick}: {line}\n").into(),
        };
        room.send(msg);
        self.sent += 1;
    }

    fn command(&mut self, name: &str, arg: &str) {
        match (name, self.nick.is_some()) {
            ("nick", _) => self.set_nick(arg),
            // Until the client has a nickname, every other line gets the same error.
            (_, false) => self.notice("! choose a nickname first: /nick <name>"),
            ("help", true) => self.out.extend_from_slice(HELP.as_bytes()),
            ("quit", true) => {
                self.notice("* bye");
                self.quit = true;
            }
            ("join", true) => self.join(arg),
            ("rooms", true) => {
                let rooms: Vec<String> = self
                    .shared
                    .room_list()
                    .into_iter()
                    .map(|(name, n)| format!("{name} ({n})"))
                    .collect();
                self.notice(&format!("* rooms: {}", rooms.join(", ")));
            }
            ("who", true) => {
                let room = self.room.as_ref().map_or(LOBBY, |room| room.name.as_str());
                let who = self.shared.who(room).join(", ");
                self.notice(&format!("* in {room}: {who}"));
            }
            ("stats", true) => {
                let shared = self.shared;
                self.notice(&format!(
                    "* stats: {} clients, {} rooms, {} messages, {} messages/s",
                    shared.clients.load(Ordering::Relaxed),
                    shared.room_count(),
                    shared.messages.load(Ordering::Relaxed) + self.sent,
                    shared.rate.load(Ordering::Relaxed),
                ));
            }
            (other, true) => self.notice(&format!("! unknown command /{other}: try /help")),
        }
    }

    fn set_nick(&mut self, nick: &str) {
        if let Err(err) = self.shared.claim_nick(self.nick.as_deref(), nick) {
            self.notice(&format!("! {err}"));
            return;
        }
        match self.nick.replace(nick.to_string()) {
            None => {
                self.notice(&format!("* you are {nick}"));
                self.join(LOBBY);
            }
            Some(old) => {
                self.notice(&format!("* you are now {nick}"));
                if let Some(room) = &self.room {
                    self.shared.rename(&room.name, self.id, nick);
                    room.send(self.announcement(format!("* {old} is now {nick}\n")));
                }
            }
        }
    }

    fn announcement(&self, line: String) -> Msg {
        Msg {
            from: Some(self.id),
            chat: false,
            line: line.into(),
        }
    }

    fn join(&mut self, name: &str) {
        if let Err(err) = crate::rooms::check_name(name, self.shared.config.max_name) {
            self.notice(&format!("! {err}"));
            return;
        }
        if self.room.as_ref().is_some_and(|room| room.name == name) {
            self.notice(&format!("* you are already in {name}"));
            return;
        }
        self.leave();
        let nick = self.nick.clone().unwrap_or_default();
        let (room, rx, history) = self.shared.join(name, self.id, &nick);
        for line in history {
            self.out.extend_from_slice(line.as_bytes());
        }
        let members = self.shared.who(name).len();
        self.notice(&format!("* you are in room {name} ({members} here)"));
        room.send(self.announcement(format!("* {nick} joined {name}\n")));
        self.room = Some(room);
        self.rx = Some(rx);
    }

    fn leave(&mut self) {
        self.rx = None;
        if let Some(room) = self.room.take() {
            let nick = self.nick.as_deref().unwrap_or_default();
            room.send(self.announcement(format!("* {nick} left {}\n", room.name)));
            self.shared.leave(&room.name, self.id);
        }
    }
}
