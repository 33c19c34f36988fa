//! # tokio84: `CancellationToken`, `TaskTracker` and a deadline for stragglers
//!
//! Chapter 12, *Production patterns*. A server runs three connection tasks. Each gets a
//! [child token](https://docs.rs/tokio-util/latest/tokio_util/sync/struct.CancellationToken.html#method.child_token)
//! of the server's [`CancellationToken`](https://docs.rs/tokio-util/latest/tokio_util/sync/struct.CancellationToken.html):
//! cancelling the parent cancels every child, cancelling a child touches nothing else. The tasks
//! run on a [`TaskTracker`](https://docs.rs/tokio-util/latest/tokio_util/task/struct.TaskTracker.html),
//! which counts them without keeping their outputs, and whose `wait()` resolves once it is closed
//! and every task has ended.
//!
//! Connections 1 and 2 wrap their request in
//! [`run_until_cancelled`](https://docs.rs/tokio-util/latest/tokio_util/sync/struct.CancellationToken.html#method.run_until_cancelled),
//! so a cancellation ends the request at its next `.await` and they clean up. Connection 3 ignores
//! its token: a straggler. Shutdown cancels, closes the tracker, and gives the tasks 200 ms; after
//! that deadline it aborts whatever is left.
//!
//! ```text
//! cargo run --example tokio84
//! ```
//!
//! Prints after about 0.3 s:
//!
//! ```text
//! connection 1: cancelled mid-request, cleaned up
//! after cancelling connection 1's token: 2 connections still running
//! connection 2: cancelled mid-request, cleaned up
//! connection 3: still running at the 200 ms deadline, aborted
//! shutdown: 3 connections; 1 ended on its own token, 1 on the server's within the deadline, 1 aborted
//! ```

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// How long shutdown waits for the connections before it aborts them.
const DEADLINE: Duration = Duration::from_millis(200);

// ANCHOR: connection
/// A connection that stops its request when its token is cancelled.
async fn connection(id: u32, token: CancellationToken) {
    // A request that would take a minute; `run_until_cancelled` returns `None`
    // on cancellation.
    let request = tokio::time::sleep(Duration::from_secs(60));
    if token.run_until_cancelled(request).await.is_none() {
        println!("connection {id}: cancelled mid-request, cleaned up");
    }
}

/// A connection that never looks at its token.
async fn straggler(_token: CancellationToken) {
    tokio::time::sleep(Duration::from_secs(60)).await;
}
// ANCHOR_END: connection

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let server = CancellationToken::new();
    let tracker = TaskTracker::new();
    let tokens: Vec<CancellationToken> =
        (0..3).map(|_| server.child_token()).collect();
    let handles: Vec<JoinHandle<()>> = vec![
        tracker.spawn(connection(1, tokens[0].clone())),
        tracker.spawn(connection(2, tokens[1].clone())),
        tracker.spawn(straggler(tokens[2].clone())),
    ];

    // A child token cancels one connection and nothing else.
    tokens[0].cancel();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let running = tracker.len();
    println!(
        "after cancelling connection 1's token: {running} connections still \
        running"
    );
    let on_own_token = handles.len() - running;

    // Shutdown: cancel everything, stop tracking new tasks, wait up to the
    // deadline.
    server.cancel();
    tracker.close();
    let mut aborted = 0;
    if tokio::time::timeout(DEADLINE, tracker.wait())
        .await
        .is_err()
    {
        for (i, handle) in handles.iter().enumerate() {
            if !handle.is_finished() {
                handle.abort();
                aborted += 1;
                println!(
                    "connection {}: still running at the 200 ms deadline, \
                    aborted",
                    i + 1
                );
            }
        }
    }
    // Aborted tasks end at their next `.await`; then the tracker is empty.
    tracker.wait().await;
    let on_server = handles.len() - on_own_token - aborted;
    println!(
        "shutdown: {} connections; {on_own_token} ended on its own token, \
        {on_server} on the \
         server's within the deadline, {aborted} aborted",
        handles.len()
    );
}
// ANCHOR_END: main
