//! Command-line settings shared by `chat-load` and `chat-bench`.

use std::net::SocketAddr;
use std::time::Duration;

use clap::Args;

use crate::LoadConfig;

/// How clients talk to the server: the handshake and when a client counts as ready.
#[derive(Args, Clone, Debug)]
pub struct Handshake {
    /// A line each client sends after connecting; `{i}` is the client's index. Repeat for several
    /// lines.
    #[arg(long = "handshake", default_value = "/nick lg{i}")]
    pub lines: Vec<String>,
    /// A substring of a line the server sends once a client is ready (for example ` lobby`); each
    /// client waits for it before sending starts. Without it, the generator waits --settle-ms.
    #[arg(long)]
    pub ready: Option<String>,
    /// How long to wait after the handshakes when there is no --ready line, in milliseconds.
    #[arg(long, default_value_t = 500)]
    pub settle_ms: u64,
    /// Time limit for connecting every client and getting it ready, in seconds.
    #[arg(long, default_value_t = 30)]
    pub connect_timeout: u64,
    /// Bytes of each client's read buffer.
    #[arg(long, default_value_t = 64 * 1024)]
    pub read_buffer: usize,
    /// Worker threads of the generator's runtime.
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
}

impl Handshake {
    /// A config for `addr` with these handshake settings and the generator's other defaults.
    pub fn config(&self, addr: SocketAddr) -> LoadConfig {
        LoadConfig {
            handshake: self.lines.clone(),
            ready: self.ready.clone(),
            settle: Duration::from_millis(self.settle_ms),
            connect_timeout: Duration::from_secs(self.connect_timeout),
            read_buffer: self.read_buffer,
            threads: self.threads,
            ..LoadConfig::new(addr)
        }
    }
}

/// Parses seconds given as a decimal number (`0.5`, `10`).
pub fn seconds(text: &str) -> Result<Duration, String> {
    let secs: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(secs).map_err(|e| format!("{text:?}: {e}"))
}
