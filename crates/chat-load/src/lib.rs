//! Load testing for line-based chat servers.
//!
//! The crate ships three commands: `chat-load` (the load generator), `chat-naive` (a baseline
//! server in the common naive design) and `chat-bench` (starts a server and the baseline as child
//! processes and runs the same load against both, memory included).
//!
//! # Layout
//!
//! - [`load`]: the generator. [`LoadConfig`] says what to run, [`load::run`] runs it and returns a
//!   [`Report`].
//! - [`report`]: the [`Report`], as a table or JSON.
//! - [`hist`]: the latency histogram every receiving client records into, merged at the end.
//! - [`scan`]: finding lines and `LG ` payloads in received bytes without allocating.
//! - [`naive`]: the baseline server.
//! - [`cli`]: command-line settings shared by the commands.
//! - [`transport`]: plain TCP, TLS, or a WebSocket whose text frames are the lines.
//! - [`tls`]: the certificate a TLS client trusts, and a self-signed one made at run time.
//! - [`process`]: starting a server binary, reading its addresses and its peak memory from `/proc`.
//!
//! # The payload
//!
//! Every message a sender writes is `LG <sender> <seq> <send_time_ns> <padding>`. Receivers look
//! for `LG ` anywhere in a line, so whatever prefix a server adds is fine. Send times come from one
//! monotonic clock in the generator's process, which is why all clients live in that one process.

pub mod cli;
pub mod hist;
pub mod load;
pub mod naive;
pub mod process;
pub mod report;
pub mod scan;
pub mod tls;
pub mod transport;

pub use load::{LoadConfig, LoadError};
pub use report::Report;
pub use transport::Transport;
