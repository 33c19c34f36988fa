//! # A worker that abandons work nobody waits for
//!
//! [`serve`] takes requests from a channel, one at a time. A request asks for `steps` steps of
//! work, each [`STEP`] long, and carries a `oneshot::Sender` for the answer (the number of steps
//! done). A requester may give up at any time by dropping its `oneshot::Receiver`: then the
//! worker must stop that request's work at once, not at its end, and go on to the next request.
//! `oneshot::Sender::closed()` is a future that completes when the receiver is gone; race it
//! against the work with `tokio::select!`.

use std::time::Duration;

use tokio::sync::{mpsc, oneshot};

/// How long one step of work takes.
pub const STEP: Duration = Duration::from_millis(10);

/// One request: `steps` steps of work, and where to send the answer.
#[derive(Debug)]
pub struct Request {
    /// How many steps of [`STEP`] the work takes.
    pub steps: u32,
    /// Where the answer goes; its receiver is dropped if the requester gives up.
    pub reply: oneshot::Sender<u32>,
}

/// What the worker did, counted when the request channel closed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Report {
    /// Requests whose work ran to its end and whose answer was sent.
    pub answered: u32,
    /// Requests whose requester gave up (before or during the work).
    pub abandoned: u32,
    /// Steps of work done in all, including the steps of abandoned requests.
    pub steps_done: u32,
}

/// Serves `requests` one at a time until the channel closes, and returns what it did.
pub async fn serve(mut requests: mpsc::Receiver<Request>) -> Report {
    let mut report = Report::default();
    while let Some(Request { steps, mut reply }) = requests.recv().await {
        let steps_done = &mut report.steps_done;
        let work = async {
            for _ in 0..steps {
                tokio::time::sleep(STEP).await;
                *steps_done += 1;
            }
            steps
        };
        tokio::select! {
            () = reply.closed() => report.abandoned += 1,
            done = work => {
                // The receiver may go between the last step and this send: then it is abandoned too.
                match reply.send(done) {
                    Ok(()) => report.answered += 1,
                    Err(_) => report.abandoned += 1,
                }
            }
        }
    }
    report
}
