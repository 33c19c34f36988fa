//! One task per client: read lines, run commands, relay the room.

use std::borrow::Cow;
use std::net::IpAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::Poll;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::{broadcast, mpsc};
use tokio::time::{Instant, sleep_until, timeout_at};
use tokio_util::bytes::BytesMut;
use tokio_util::codec::{Decoder, LinesCodec, LinesCodecError};

use crate::rooms::{ClientId, Msg, Room, SavedBucket, Shared, fold, lock};

/// The room every client lands in after `/nick`.
pub(crate) const LOBBY: &str = "lobby";

/// Stop draining the room's receiver once this much output is waiting, and
/// write it: the batch stays bounded, and a busy room cannot starve this
/// client's own reading. Each client keeps its output buffer between writes, so
/// this also bounds the server's memory per client (1,000 clients keep at most
/// about 16 MiB of buffers, whatever the traffic).
const BATCH_BYTES: usize = 8 * 1024;

/// Stop running this client's lines once this much output is waiting for it,
/// and write it before reading on. A client that asks for more than it reads
/// then waits for its own replies: the socket's buffers fill and its sends
/// block, instead of the server's memory growing.
const OUT_CAP: usize = 16 * 1024;

/// An output buffer that grew past this (a long history replay, a line near the
/// length limit) is given back after the write.
const KEEP_CAPACITY: usize = 16 * 1024;

/// How much one read may take once a client sends more than `SMALL_READ` at a
/// time.
const INPUT_CAPACITY: usize = 4096;

/// How much one read takes from a client that sends little: most clients are
/// silent most of the time, and a buffer waiting for them costs memory for
/// every one of them.
const SMALL_READ: usize = 256;

/// `/who` and `/rooms` name at most this many entries, and say how many more
/// there are.
const LIST_MAX: usize = 50;

/// How often a write that waits checks whether the shutdown has begun.
const SHUTDOWN_POLL: Duration = Duration::from_millis(50);

/// After the last write, how long the server waits for the client to go quiet
/// (see `linger`).
const LINGER_QUIET: Duration = Duration::from_millis(250);

/// And how long it waits in all, at most.
const LINGER_MAX: Duration = Duration::from_secs(2);

const HELP: &str = "* commands: /nick <name>, /join <room>, /rooms, /who, /stats, /help, /quit\n\
                    * any other line is a message to your room\n";

/// A token bucket: `rate` tokens per second, with a burst of `rate`.
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

    fn refill(&mut self) {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.rate);
        self.last = now;
    }

    /// Takes one token if there is one. A rate of 0 means no limit.
    fn take(&mut self) -> bool {
        if self.rate == 0.0 {
            return true;
        }
        self.refill();
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
    /// Everything owed to the client, written at the top of each turn of the
    /// loop.
    out: Vec<u8>,
    /// Every line costs a token from this bucket, commands included.
    bucket: Bucket,
    /// Commands that announce something to a room (`/nick`, `/join`) also cost
    /// one from this.
    announce: Bucket,
    /// Chat messages this client sent, added to the shared counter once per
    /// read.
    sent: u64,
    /// Chat messages in `out`, counted as delivered once `out` is written.
    queued: u64,
    /// When the oldest chat message in `out` was accepted.
    oldest: Option<Instant>,
    /// When the client last sent a whole line.
    last_line: Instant,
    /// The largest output this connection has written at once.
    peak_output: usize,
    quit: bool,
}

/// Serves one client until it quits, goes idle, stops reading, or the server
/// shuts down.
///
/// `reading` is dropped when this connection stops reading, which is how the
/// shutdown learns that no new message can arrive any more. `peer` is the
/// client's address, if it has one: its rate-limit bucket outlives the
/// connection, for the next connection from there.
pub(crate) async fn serve<R, W>(
    shared: &Shared,
    mut reader: R,
    mut writer: W,
    reading: mpsc::Sender<()>,
    peer: Option<IpAddr>,
) where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let config = &shared.config;
    let mut bucket = Bucket::new(config.rate_limit);
    if let Some(saved) = peer.and_then(|peer| shared.saved_bucket(peer)) {
        bucket.tokens = saved.tokens;
        bucket.last = saved.at;
    }
    let mut client = Client {
        shared,
        id: shared.new_id(),
        nick: None,
        room: None,
        rx: None,
        out: Vec::new(),
        bucket,
        announce: Bucket::new(config.rate_limit.div_ceil(10)),
        sent: 0,
        queued: 0,
        oldest: None,
        last_line: Instant::now(),
        peak_output: 0,
        quit: false,
    };
    shared.clients.fetch_add(1, Ordering::Relaxed);
    client.out.extend_from_slice(
        b"* welcome: send /nick <name> to start; then /help lists the commands\n",
    );

    let mut reading = Some(reading);
    let mut input = BytesMut::new();
    let mut read_size = SMALL_READ;
    // ANCHOR: codec
    // `new_with_max_length`: `LinesCodec::new()` would buffer a line without
    // end until memory runs out. Past the limit the codec returns an error once
    // and then discards the rest of that line as it arrives, so the buffer
    // stays near `max_line`. The codec counts a `\r` before the `\n` as part of
    // the line, so it is given one byte more, and `line` checks the limit on
    // the line without its ending.
    let mut codec =
        LinesCodec::new_with_max_length(config.max_line.saturating_add(1));
    // ANCHOR_END: codec
    let nick_deadline = Instant::now() + config.nick_timeout;
    let mut timer = std::pin::pin!(sleep_until(nick_deadline));
    // Lines already read but not yet run, because the output was over
    // `OUT_CAP`.
    let mut pending = false;
    let mut eof = false;
    let mut draining = false;
    let mut goodbye = false;

    loop {
        if !client.out.is_empty()
            && !client.write_out(&mut writer, &mut reading).await
        {
            break;
        }
        if client.quit {
            goodbye = true;
            break;
        }
        if pending && reading.is_some() {
            // ANCHOR: backpressure
            // The replies to the last lines were written: run the next ones.
            // Until `pending` is false the read branch is off, so a client that
            // does not read its replies finds its own sends blocked, and the
            // server holds at most `OUT_CAP` (plus one reply) for it.
            pending = client.run_lines(&mut codec, &mut input, eof);
            // ANCHOR_END: backpressure
            client.flush_count();
            continue;
        }
        if draining {
            // Phase two of the shutdown, in batches of `BATCH_BYTES`: write
            // each before taking the next, so a long backlog never sits in
            // memory whole.
            if !client.relay_ready() {
                client.notice("* server shutting down: goodbye");
                client.quit = true;
            }
            continue;
        }
        // One timer for both deadlines, kept from turn to turn and moved only
        // when its deadline changes: a new `Sleep` at every turn would cost a
        // timer registration each time.
        let mut deadline = client.last_line + config.idle_timeout;
        if client.nick.is_none() {
            deadline = deadline.min(nick_deadline);
        }
        if deadline != timer.deadline() {
            timer.as_mut().reset(deadline);
        }
        // `read_buf` reads at most the spare capacity (an empty `BytesMut`
        // offers 64 bytes), so this sets the size of the next read.
        let spare = input.capacity() - input.len();
        if reading.is_some() && spare < read_size / 4 {
            input.reserve(read_size);
        }
        let spare = input.capacity() - input.len();
        // Every branch is cancel safe: `read_buf` puts what it read into
        // `input`, which outlives the `select!`; `broadcast::Receiver::recv`
        // and the token's `cancelled` lose nothing when another branch wins.
        tokio::select! {
            // ANCHOR: read
            read = reader.read_buf(&mut input), if reading.is_some() => {
                match read {
                    Ok(0) => {
                        // End of file: the client will send nothing more.
                        // Handle a last line without a line ending, send what
                        // is owed, and close.
                        eof = true;
                        pending = client.run_lines(&mut codec, &mut input, eof);
                    }
                    Ok(n) => {
                        // A read that filled the buffer: the client sends a
                        // lot, read more at a time. One that did not, with
                        // nothing left over: go back to small reads and give
                        // the buffer back.
                        pending = client.run_lines(&mut codec, &mut input, eof);
                        if n >= spare {
                            read_size = INPUT_CAPACITY;
                        } else if input.is_empty() && !pending {
                            read_size = SMALL_READ;
                            input = BytesMut::new();
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
            () = &mut timer, if reading.is_some() => {
                if client.nick.is_none() && Instant::now() >= nick_deadline {
                    client.notice(&format!(
                        "* no nickname after {} s: disconnecting",
                        config.nick_timeout.as_secs()
                    ));
                } else {
                    client.notice(&format!(
                        "* idle for {} s: disconnecting",
                        config.idle_timeout.as_secs()
                    ));
                }
                client.quit = true;
            }
            // ANCHOR: shutdown_branches
            () = shared.stop_reading.cancelled(), if reading.is_some() => {
                // Phase one of the shutdown: read nothing more. Keep relaying
                // until every other connection has stopped reading too.
                reading = None;
            }
            () = shared.drain.cancelled() => {
                // Phase two: nobody can send any more, so what the receiver
                // holds is all there is. Write it out in batches, then say
                // goodbye.
                reading = None;
                draining = true;
            }
            // ANCHOR_END: shutdown_branches
        }
    }
    drop(reading);
    client.leave();
    if let Some(nick) = &client.nick {
        shared.release_nick(nick);
    }
    if let Some(peer) = peer {
        client.save_bucket(peer);
    }
    shared.clients.fetch_sub(1, Ordering::Relaxed);
    if goodbye {
        linger(shared, &mut reader, &mut writer, eof).await;
    }
}

// ANCHOR: linger
/// A clean close after the last write. Closing a socket that still holds unread
/// bytes from the client makes the kernel send a reset instead of the end of
/// the stream, and a reset makes the client's kernel throw away what it had
/// received and not yet read: the last lines, the goodbye. So: send the end of
/// the stream first (`shutdown`, a TCP half-close), then read and discard what
/// the client still sends until it closes too, goes quiet for `LINGER_QUIET`,
/// or `LINGER_MAX` (or the shutdown's deadline) has passed.
async fn linger<R, W>(
    shared: &Shared,
    reader: &mut R,
    writer: &mut W,
    eof: bool,
) where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let until = capped(shared, Instant::now() + LINGER_MAX);
    if timeout_at(until, writer.shutdown()).await.is_err() || eof {
        return;
    }
    // On the heap: an array here would make every connection's future 4 KiB
    // larger for its whole life, not only while it lingers.
    let mut scratch = vec![0u8; 4096];
    loop {
        let quiet = (Instant::now() + LINGER_QUIET).min(until);
        match timeout_at(quiet, reader.read(&mut scratch)).await {
            Ok(Ok(n)) if n > 0 => {}
            _ => return,
        }
    }
}
// ANCHOR_END: linger

/// `at`, or the shutdown's deadline if the shutdown has begun and that comes
/// first.
fn capped(shared: &Shared, at: Instant) -> Instant {
    shared
        .deadline
        .get()
        .map_or(at, |deadline| at.min(*deadline))
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

/// `text` with everything that could change how a terminal shows the line
/// replaced by `�`: control characters (C0, DEL and C1, so no `\r`, no ANSI
/// escape sequence), the Unicode line and paragraph separators, and the
/// bidirectional controls that reorder what follows them.
fn sanitize(text: &str) -> Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        c.is_control()
            || matches!(
                c,
                '\u{2028}' | '\u{2029}' | '\u{200e}' | '\u{200f}' | '\u{061c}'
            )
            || ('\u{202a}'..='\u{202e}').contains(&c)
            || ('\u{2066}'..='\u{2069}').contains(&c)
    }
    if text.bytes().all(|b| (0x20..0x7f).contains(&b))
        || !text.chars().any(unsafe_char)
    {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if unsafe_char(c) { '\u{fffd}' } else { c })
            .collect(),
    )
}

impl Client<'_> {
    fn notice(&mut self, text: &str) {
        self.out.extend_from_slice(text.as_bytes());
        self.out.push(b'\n');
    }

    /// Writes `out` whole. A write ends the connection when it fails or takes
    /// longer than `--write-timeout` (or runs past the shutdown's deadline).
    /// Writing watches the shutdown: a client that does not read must not keep
    /// this connection from stopping to read when the shutdown asks, or the
    /// whole shutdown would wait for its write time-out.
    async fn write_out<W: AsyncWrite + Unpin>(
        &mut self,
        writer: &mut W,
        reading: &mut Option<mpsc::Sender<()>>,
    ) -> bool {
        // When a write first had to wait: the write time-out runs from there.
        let mut waiting_since = None;
        let mut written = 0;
        while written < self.out.len() {
            // First the write alone: when it completes at once (the usual
            // case), no clock is read and no timer is made or registered.
            let attempt = std::future::poll_fn(|cx| {
                match Pin::new(&mut *writer)
                    .poll_write(cx, &self.out[written..])
                {
                    Poll::Ready(result) => Poll::Ready(Some(result)),
                    Poll::Pending => Poll::Ready(None),
                }
            })
            .await;
            let result = match attempt {
                Some(result) => result,
                None => {
                    let now = Instant::now();
                    let since = *waiting_since.get_or_insert(now);
                    let until = capped(
                        self.shared,
                        since + self.shared.config.write_timeout,
                    );
                    if now >= until {
                        tracing::info!(
                            id = self.id,
                            "write timed out: the client stopped reading"
                        );
                        self.shared.metrics.write_timeouts.inc();
                        return false;
                    }
                    // A write that waits looks at the shutdown every
                    // `SHUTDOWN_POLL`, rather than queueing a waiter on the
                    // token every connection shares each time.
                    let wake = until.min(now + SHUTDOWN_POLL);
                    // `write` is cancel safe: when the timer wins, it has
                    // written nothing.
                    tokio::select! {
                        biased;
                        result = writer.write(&self.out[written..]) => result,
                        () = sleep_until(wake) => {
                            if reading.is_some()
                                && self.shared.stop_reading.is_cancelled()
                            {
                                *reading = None;
                            }
                            continue;
                        }
                    }
                }
            };
            match result {
                Ok(0) => return false,
                Ok(n) => written += n,
                Err(err) => {
                    tracing::debug!(id = self.id, %err, "write failed");
                    return false;
                }
            }
        }
        // A TLS writer can take bytes into its own buffer without putting them
        // on the socket: tokio-rustls's `poll_write` returns `Ok` once rustls
        // has them, even when the socket would block (`src/common/mod.rs`).
        // Nothing would send them until the next write; the flush does, under
        // the same time-out. For a TCP half it does nothing.
        if !self.flush_out(writer, waiting_since).await {
            return false;
        }
        if self.out.len() > self.peak_output {
            // Only when this connection's own peak grows: one shared counter
            // updated on every write of every connection would bounce its cache
            // line between the cores.
            self.peak_output = self.out.len();
            self.shared
                .peak_output
                .fetch_max(self.out.len() as u64, Ordering::Relaxed);
        }
        if self.queued > 0 {
            let metrics = &self.shared.metrics;
            metrics.delivered.inc_by(self.queued);
            self.queued = 0;
            // One clock read and one histogram lock per write that carried
            // chat, never per line.
            if let Some(at) = self.oldest.take() {
                metrics.latency.observe(at.elapsed().as_secs_f64());
            }
        }
        self.out.clear();
        if self.out.capacity() > KEEP_CAPACITY {
            self.out = Vec::new();
        }
        true
    }

    /// Flushes `writer`, bounded by the write time-out counted from
    /// `waiting_since` (or now).
    async fn flush_out<W: AsyncWrite + Unpin>(
        &self,
        writer: &mut W,
        waiting_since: Option<Instant>,
    ) -> bool {
        let at_once = std::future::poll_fn(|cx| {
            match Pin::new(&mut *writer).poll_flush(cx) {
                Poll::Ready(result) => Poll::Ready(Some(result)),
                Poll::Pending => Poll::Ready(None),
            }
        })
        .await;
        let result = match at_once {
            Some(result) => result,
            None => {
                let since = waiting_since.unwrap_or_else(Instant::now);
                let until = capped(
                    self.shared,
                    since + self.shared.config.write_timeout,
                );
                match timeout_at(until, writer.flush()).await {
                    Ok(result) => result,
                    Err(_) => {
                        tracing::info!(
                            id = self.id,
                            "write timed out: the client stopped reading"
                        );
                        self.shared.metrics.write_timeouts.inc();
                        return false;
                    }
                }
            }
        };
        if let Err(err) = result {
            tracing::debug!(id = self.id, %err, "flush failed");
            return false;
        }
        true
    }

    /// Runs the lines in `input` until it holds no whole line, or `OUT_CAP` of
    /// output is waiting. Returns whether lines may be left for later.
    fn run_lines(
        &mut self,
        codec: &mut LinesCodec,
        input: &mut BytesMut,
        eof: bool,
    ) -> bool {
        while !self.quit {
            if self.out.len() >= OUT_CAP {
                return true;
            }
            let next = if eof {
                codec.decode_eof(input)
            } else {
                codec.decode(input)
            };
            match next {
                Ok(Some(line)) => {
                    self.last_line = Instant::now();
                    self.line(&line);
                }
                Ok(None) => {
                    if eof {
                        self.quit = true;
                    }
                    return false;
                }
                Err(err) => self.bad_line(&err),
            }
        }
        false
    }

    // ANCHOR: relay
    /// One message from the room, then everything else it has ready, into the
    /// output buffer.
    fn relay(&mut self, first: Result<Msg, broadcast::error::RecvError>) {
        let mut next = Some(first);
        while let Some(result) = next.take() {
            match result {
                Ok(msg) => {
                    if let Some(handoff) = &msg.moved {
                        // The room moved to a bigger channel; this receiver has
                        // no more.
                        self.rx = lock(handoff).pop();
                    } else if msg.from != Some(self.id) {
                        self.out.extend_from_slice(msg.line.as_bytes());
                        self.queued += u64::from(msg.chat);
                        if msg.chat && self.oldest.is_none() {
                            self.oldest = Some(msg.at);
                        }
                    }
                }
                Err(broadcast::error::RecvError::Lagged(n)) => {
                    // The receiver is still open; it skipped to the oldest
                    // message it still has. Tell the client and carry on:
                    // falling behind is not a disconnect.
                    self.shared.metrics.dropped.inc_by(n);
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
    }
    // ANCHOR_END: relay

    /// At most one batch of what the receiver holds. Returns false once it
    /// holds nothing more.
    fn relay_ready(&mut self) -> bool {
        let first = match self.rx.as_mut().map(broadcast::Receiver::try_recv) {
            Some(Ok(msg)) => Ok(msg),
            Some(Err(broadcast::error::TryRecvError::Lagged(n))) => {
                Err(broadcast::error::RecvError::Lagged(n))
            }
            _ => return false,
        };
        self.relay(first);
        true
    }

    fn flush_count(&mut self) {
        if self.sent > 0 {
            self.shared.metrics.messages.inc_by(self.sent);
            self.sent = 0;
        }
    }

    /// Leaves this connection's bucket for the next connection from `peer`,
    /// unless it is full.
    fn save_bucket(&mut self, peer: IpAddr) {
        let bucket = &mut self.bucket;
        if bucket.rate == 0.0 {
            return;
        }
        bucket.refill();
        let missing = bucket.rate - bucket.tokens;
        let full_at =
            bucket.last + Duration::from_secs_f64(missing / bucket.rate);
        self.shared.save_bucket(
            peer,
            SavedBucket {
                tokens: bucket.tokens,
                at: bucket.last,
            },
            full_at,
        );
    }

    fn bad_line(&mut self, err: &LinesCodecError) {
        match err {
            LinesCodecError::MaxLineLengthExceeded => self.too_long(),
            LinesCodecError::Io(_) => {
                self.notice(
                    "! that line was not valid UTF-8; it was discarded",
                );
            }
        }
    }

    fn too_long(&mut self) {
        self.notice(&format!(
            "! line too long: the limit is {} bytes; the line was discarded",
            self.shared.config.max_line
        ));
    }

    fn line(&mut self, line: &str) {
        if self.quit || line.is_empty() {
            return;
        }
        if line.len() > self.shared.config.max_line {
            // One byte over: the codec allows for a `\r` it keeps in the line
            // (see `codec`).
            self.too_long();
            return;
        }
        if !self.bucket.take() {
            let limit = self.shared.config.rate_limit;
            self.notice(&format!(
                "! rate limit: at most {limit} lines per second; that one was dropped"
            ));
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
        let msg = Msg {
            from: Some(self.id),
            chat: true,
            line: format!("{nick}: {}\n", sanitize(line)).into(),
            moved: None,
            at: Instant::now(),
        };
        room.send(msg);
        self.sent += 1;
    }

    fn command(&mut self, name: &str, arg: &str) {
        match (name, self.nick.is_some()) {
            ("nick", _) => self.set_nick(arg),
            // Until the client has a nickname, every other line gets the same
            // error.
            (_, false) => {
                self.notice("! choose a nickname first: /nick <name>")
            }
            ("help", true) => self.out.extend_from_slice(HELP.as_bytes()),
            ("quit", true) => {
                self.notice("* bye");
                self.quit = true;
            }
            ("join", true) => self.join(arg),
            ("rooms", true) => {
                let (rooms, total) = self.shared.room_list(LIST_MAX);
                let mut list: Vec<String> = rooms
                    .into_iter()
                    .map(|(name, n)| format!("{name} ({n})"))
                    .collect();
                if total > list.len() {
                    list.push(format!("and {} more", total - list.len()));
                }
                self.notice(&format!("* rooms: {}", list.join(", ")));
            }
            ("who", true) => {
                let room =
                    self.room.as_ref().map_or(LOBBY, |room| room.name.as_str());
                let (mut who, total) = self.shared.who(room, LIST_MAX);
                if total > who.len() {
                    who.push(format!("and {} more", total - who.len()));
                }
                self.notice(&format!("* in {room}: {}", who.join(", ")));
            }
            ("stats", true) => {
                let shared = self.shared;
                self.notice(&format!(
                    "* stats: {} clients, {} rooms, {} messages, {} messages/s",
                    shared.clients.load(Ordering::Relaxed),
                    shared.room_count(),
                    shared.metrics.messages.get() + self.sent,
                    shared.rate.load(Ordering::Relaxed),
                ));
            }
            (other, true) => {
                let other = sanitize(other).into_owned();
                self.notice(&format!("! unknown command /{other}: try /help"));
            }
        }
    }

    /// Takes a token from the bucket of commands that announce something to a
    /// room.
    fn may_announce(&mut self) -> bool {
        if self.announce.take() {
            return true;
        }
        let limit = self.announce.rate;
        self.notice(&format!(
            "! slow down: at most {limit} nickname or room changes per second; that one was dropped"
        ));
        false
    }

    fn set_nick(&mut self, nick: &str) {
        if self.nick.as_deref() == Some(nick) {
            self.notice(&format!("* you are already {nick}"));
            return;
        }
        if let Err(err) =
            crate::rooms::check_name(nick, self.shared.config.max_name)
        {
            self.notice(&format!("! {err}"));
            return;
        }
        if !self.may_announce() {
            return;
        }
        if let Err(err) = self.shared.claim_nick(self.nick.as_deref(), nick) {
            self.notice(&format!("! {err}"));
            return;
        }
        match self.nick.replace(nick.to_string()) {
            None => {
                self.notice(&format!("* you are {nick}"));
                self.enter(LOBBY);
            }
            Some(old) => {
                self.notice(&format!("* you are now {nick}"));
                if let Some(room) = &self.room {
                    self.shared.rename(&room.name, self.id, nick);
                    room.send(
                        self.announcement(format!("* {old} is now {nick}\n")),
                    );
                }
            }
        }
    }

    fn announcement(&self, line: String) -> Msg {
        Msg {
            from: Some(self.id),
            chat: false,
            line: line.into(),
            moved: None,
            at: Instant::now(),
        }
    }

    fn join(&mut self, name: &str) {
        if let Err(err) =
            crate::rooms::check_name(name, self.shared.config.max_name)
        {
            self.notice(&format!("! {err}"));
            return;
        }
        let name = fold(name);
        if self.room.as_ref().is_some_and(|room| room.name == name) {
            self.notice(&format!("* you are already in {name}"));
            return;
        }
        if !self.may_announce() {
            return;
        }
        self.enter(&name);
    }

    /// Leaves the current room, if any, for room `name` (a checked, folded
    /// name).
    fn enter(&mut self, name: &str) {
        let nick = self.nick.clone().unwrap_or_default();
        // Join before leaving: a full server refuses the new room, and the
        // client stays put.
        let (room, rx, history) = match self.shared.join(name, self.id, &nick) {
            Ok(joined) => joined,
            Err(err) => {
                self.notice(&format!("! {err}"));
                return;
            }
        };
        self.leave();
        for line in history {
            self.out.extend_from_slice(line.as_bytes());
        }
        let members = self.shared.member_count(name);
        self.notice(&format!("* you are in room {name} ({members} here)"));
        room.send(self.announcement(format!("* {nick} joined {name}\n")));
        self.room = Some(room);
        self.rx = Some(rx);
    }

    fn leave(&mut self) {
        self.rx = None;
        if let Some(room) = self.room.take() {
            let nick = self.nick.as_deref().unwrap_or_default();
            room.send(
                self.announcement(format!("* {nick} left {}\n", room.name)),
            );
            self.shared.leave(&room.name, self.id);
        }
    }
}
