//! # Exercise: an accept loop with a graceful shutdown
//!
//! Chapter 13, *A chat server*. [`serve`] is the outer loop of the chat server: it accepts
//! connections and runs a handler for each on a task of its own, until a shutdown signal; then it
//! stops accepting, tells every handler, and returns only once every handler has finished, so a
//! server that exits after `serve` returns drops no message a handler was still delivering.
//!
//! The tests live in `tests/chat_shutdown.rs`. Do not edit them: `cargo lab check chat_shutdown`
//! runs them as they are, and so does CI against the solution.

use std::future::Future;

use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;

/// Accepts connections on `listener` and runs `handler(stream, token)` for each on a new task,
/// until `shutdown` completes. Then:
///
/// 1. stops accepting (the listener is closed: new connections are refused),
/// 2. cancels every handler's token, so each can say goodbye and finish what it was doing,
/// 3. returns once every handler has returned, with the number of connections accepted.
pub async fn serve<F, Fut>(listener: TcpListener, shutdown: impl Future, handler: F) -> usize
where
    F: Fn(TcpStream, CancellationToken) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    // TODO: accept connections until `shutdown` completes, each handler on a task of its own,
    // then carry out the three steps above. APIs that help: `tokio::select!` and `tokio::pin!`,
    // `tokio_util::sync::CancellationToken` (`child_token`, `cancel`) and
    // `tokio_util::task::TaskTracker` (`spawn`, `close`, `wait`).
    let _ = (listener, shutdown, handler);
    let _: Option<CancellationToken> = None;
    todo!("accept until shutdown, then drain")
}
