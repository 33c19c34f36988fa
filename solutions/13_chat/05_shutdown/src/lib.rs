//! # Solution: an accept loop with a graceful shutdown
//!
//! Chapter 13, *A chat server*. [`serve`] is the outer loop of the chat server: it accepts
//! connections and runs a handler for each on a task of its own, until a shutdown signal; then it
//! stops accepting, tells every handler, and returns only once every handler has finished.

use std::future::Future;
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

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
    let token = CancellationToken::new();
    let tracker = TaskTracker::new();
    let mut accepted = 0;
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            result = listener.accept() => match result {
                Ok((stream, _peer)) => {
                    accepted += 1;
                    // A child token: cancelling the parent cancels it, and a handler could cancel
                    // its own without touching the others.
                    tracker.spawn(handler(stream, token.child_token()));
                }
                // Usually "too many open files": give other connections time to close.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    token.cancel();
    // `wait` resolves only once the tracker is closed *and* empty: close it first.
    tracker.close();
    tracker.wait().await;
    accepted
}
