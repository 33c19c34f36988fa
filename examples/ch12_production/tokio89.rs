//! # tokio89: `tracing` with `#[instrument]`, an `EnvFilter`, and spans across tasks
//!
//! Chapter 12, *Production patterns*. Logs from concurrent requests interleave; a log line is
//! useful only if it says which request it belongs to. [`tracing`](https://docs.rs/tracing)
//! attaches lines to *spans*: [`#[instrument]`](https://docs.rs/tracing/latest/tracing/attr.instrument.html)
//! gives an async fn a span named after it, with its arguments as fields, entered whenever its
//! future is polled. A future handed to `tokio::spawn` runs in another task and would lose the
//! span; [`.in_current_span()`](https://docs.rs/tracing/latest/tracing/trait.Instrument.html#method.in_current_span)
//! carries it along. What is printed is chosen by an
//! [`EnvFilter`](https://docs.rs/tracing-subscriber/latest/tracing_subscriber/filter/struct.EnvFilter.html),
//! from `--filter` if given, else from `RUST_LOG`, else `info`.
//!
//! ```text
//! cargo run --example tokio89 -- --filter info
//! ```
//!
//! Prints at once. The two requests are handled concurrently, so their lines interleave, in an
//! order that can change from run to run; each line says which request it belongs to. One run
//! printed:
//!
//! ```text
//!  INFO handle{user=1}: looking up the user
//!  INFO handle{user=2}: looking up the user
//!  INFO handle{user=2}:orders{user=2}: found orders count=4
//!  INFO handle{user=1}:orders{user=1}: found orders count=2
//!  INFO handle{user=2}: answered
//!  INFO handle{user=1}: answered
//! ```
//!
//! With `--filter debug` (or `RUST_LOG=debug`) each request also shows its `debug!` line, the
//! database query, inside the `orders` span that runs in a task of its own.

use std::time::Duration;

use tracing::{Instrument, debug, info, instrument};
use tracing_subscriber::EnvFilter;

// ANCHOR: handlers
/// Handles one request; its span covers every line below, including the spawned
/// task's.
#[instrument]
async fn handle(user: u32) {
    info!("looking up the user");
    tokio::time::sleep(Duration::from_millis(10)).await;
    let count = tokio::spawn(orders(user).in_current_span())
        .await
        .expect("orders does not panic");
    tokio::time::sleep(Duration::from_millis(10)).await;
    debug!(count, "answering");
    info!("answered");
}

/// Runs in a task of its own; its span is a child of the request's.
#[instrument]
async fn orders(user: u32) -> u32 {
    debug!(
        query = "SELECT * FROM orders WHERE user = ?",
        "querying the database"
    );
    let count = user * 2;
    info!(count, "found orders");
    count
}
// ANCHOR_END: handlers

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let filter = match (args.next().as_deref(), args.next()) {
        (Some("--filter"), Some(directives)) => EnvFilter::new(directives),
        _ => EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| EnvFilter::new("info")),
    };
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .without_time()
        .with_target(false)
        .with_ansi(false)
        .with_writer(std::io::stdout)
        .init();

    tokio::join!(handle(1), handle(2));
}
// ANCHOR_END: main
