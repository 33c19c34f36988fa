//! A multi-room TCP chat server: the capstone of chapter 13.
//!
//! The protocol is text lines, so `nc 127.0.0.1 7878` is a client. Server notices start with `* `,
//! error replies with `! `, and chat messages arrive as `<nick>: <text>`. A client first sends
//! `/nick <name>`, then lands in room `lobby`; `/help` lists the other commands.
//!
//! # Layout
//!
//! - [`Config`] and [`Report`] (this file): the limits the server enforces, and what a run did.
//! - [`Server`] (`src/server.rs`): the accept loop, the metrics ticker and the two-phase graceful
//!   shutdown (stop reading everywhere, then drain every queue, bounded by a deadline).
//! - `src/rooms.rs`: the shared state: rooms with their `broadcast` channel and history, the
//!   nickname registry and the counters. One `std::sync::Mutex` guards the room map; no `.await`
//!   ever happens under it.
//! - `src/conn.rs`: one task per client. It reads bytes into a buffer and cuts lines with
//!   `LinesCodec::new_with_max_length`, runs them only while its output is under a bound, and
//!   drains what the room's receiver has ready into one buffer that it writes at once (no flush
//!   per message, no queue per client).
//! - [`tls`] (`src/tls.rs`): the TLS listener: rustls decrypts, a time-out
//!   bounds the handshake, and the same `conn.rs` serves what comes out.
//! - `src/http.rs`: the optional HTTP listener: a bounded request-head reader, the static page
//!   (`static/`, built in with `include_str!`) and the WebSocket upgrade.
//! - `src/ws.rs`: a WebSocket connection bridged into the same connection code: each text frame
//!   is one line in, each line out is one text frame.
//! - `src/metrics.rs`: every counter, as Prometheus metrics labelled by transport (`tcp`, `tls`,
//!   `ws`), and the admin listener that answers `GET /metrics`.
//! - `src/bin/chat-server.rs`: the command line, with Ctrl+C and SIGTERM wired to the shutdown.
//!
//! Every limit a hostile client could probe is in [`Config`]: line length, nickname length, idle
//! time, time to choose a nickname, write time, message rate, history, the room channel's
//! capacity, and how many connections and rooms may exist at once.

use std::time::Duration;

mod conn;
mod http;
mod metrics;
mod rooms;
mod server;
pub mod tls;
mod ws;

pub use http::{HEAD_TIMEOUT, MAX_HEAD};
pub use metrics::Transport;
pub use server::{Admission, Server, run};

/// The limits and sizes a server runs with. [`Config::default`] gives the
/// values the binary uses when no flag changes them.
#[derive(Debug, Clone)]
pub struct Config {
    /// The longest line a client may send, in bytes, without its line ending. A
    /// longer line gets a `! ` reply and is discarded as it arrives, so it
    /// never grows the server's memory.
    pub max_line: usize,
    /// The longest nickname or room name, in characters.
    pub max_name: usize,
    /// How many of a room's last messages a newcomer receives when it joins (0
    /// = none).
    pub history: usize,
    /// How many lines (messages and commands alike) a client may send per
    /// second, with a burst of the same size (0 = no limit). Commands that
    /// announce something to a room (`/nick`, `/join`) also draw on a second
    /// bucket of a tenth of that rate (at least 1 per second). A new connection
    /// from an address that has just closed one starts with what that one had
    /// left.
    pub rate_limit: u32,
    /// A client that sends nothing for this long is told so and disconnected.
    pub idle_timeout: Duration,
    /// A write to a client that takes longer than this ends its connection: a
    /// client that stops reading cannot hold the server up.
    pub write_timeout: Duration,
    /// The capacity of each room's `broadcast` channel (Tokio rounds it up to a
    /// power of two). A reader that falls this far behind loses the oldest
    /// messages and is told how many.
    pub broadcast_capacity: usize,
    /// How long a graceful shutdown may take before the server gives up on
    /// stragglers.
    pub shutdown_deadline: Duration,
    /// How many connections may be open at once. One more is sent a `! server
    /// full` line and closed. Keep it below the process's open-file limit
    /// (`ulimit -n`).
    pub max_connections: usize,
    /// How many rooms may exist at once; a `/join` that would create one more
    /// is refused.
    pub max_rooms: usize,
    /// A client that has not chosen a nickname this long after connecting is
    /// told so and disconnected.
    pub nick_timeout: Duration,
    /// A TLS client must finish its handshake this long after connecting, or
    /// it is disconnected. Until then it holds one of `max_connections`.
    pub handshake_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            max_line: 4096,
            max_name: 32,
            history: 20,
            rate_limit: 50,
            idle_timeout: Duration::from_secs(300),
            write_timeout: Duration::from_secs(10),
            broadcast_capacity: 4096,
            shutdown_deadline: Duration::from_secs(5),
            max_connections: 10_000,
            max_rooms: 10_000,
            nick_timeout: Duration::from_secs(60),
            handshake_timeout: Duration::from_secs(10),
        }
    }
}

/// What one run of the server did, returned when it has shut down.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Report {
    /// Connections served, over every transport (`chat_connections_total`).
    pub connections: u64,
    /// Chat messages accepted from clients and broadcast to their room.
    pub messages: u64,
    /// Chat messages written to clients (one message delivered to 9 others
    /// counts 9). A message counts once the write that carried it has
    /// completed, not when it was queued for one.
    pub delivered: u64,
    /// Chat messages some reader lost because it fell behind its room's
    /// channel.
    pub dropped: u64,
    /// Connections refused because the server was full (`--max-connections`, or
    /// no file descriptor left), over every transport.
    pub refused: u64,
    /// The largest output one connection sent in one write, in bytes: what a
    /// client's requests can make the server hold for it at once.
    pub peak_output: u64,
    /// Whether the shutdown deadline ran out before every connection had
    /// finished.
    pub deadline_hit: bool,
}
