//! # Request and response with a worker thread
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. A [`Worker`] owns one OS thread
//! that does slow synchronous work. Async code talks to it through a bounded
//! [`tokio::sync::mpsc`](https://docs.rs/tokio/latest/tokio/sync/mpsc/index.html) channel, and
//! each request carries a
//! [`oneshot::Sender`](https://docs.rs/tokio/latest/tokio/sync/oneshot/index.html) for its answer,
//! so [`Worker::submit`] is an ordinary `async fn` that returns the job's own result and never
//! blocks the runtime while it waits.
//!
//! # Layout
//!
//! - [`Worker`]: the handle; [`Worker::start`] spawns the thread, [`Worker::submit`] asks it.
//! - [`WorkFn`]: the work the thread does for each job.
//! - [`WorkerError`]: why a job got no answer.

use std::thread;

use tokio::sync::{mpsc, oneshot};

/// The work a [`Worker`] does for each job: a plain, possibly slow, synchronous function.
pub type WorkFn = fn(&[u8]) -> blake3::Hash;

/// How many requests may wait in the worker's queue before `submit` has to wait for room.
const QUEUE: usize = 16;

/// One request on its way to the worker thread: the job and where to send its answer.
struct Request {
    payload: Vec<u8>,
    reply: oneshot::Sender<blake3::Hash>,
}

/// Why a job got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkerError {
    /// The worker thread is gone: it stopped (for example because a job panicked) before or while
    /// handling this job.
    #[error(
        "the worker thread has stopped, so the job was not done; \
         start a new Worker and submit the job again"
    )]
    Stopped,
}

/// A handle to one worker thread.
pub struct Worker {
    /// The sending half of the job queue; the worker thread holds the receiving half.
    requests: mpsc::Sender<Request>,
}

impl Worker {
    /// Spawns the worker thread, which runs `work` on each job's payload and sends the result back
    /// through the job's reply channel. The thread ends when the `Worker` is dropped (its loop
    /// sees the channel close), or if `work` panics.
    pub fn start(work: WorkFn) -> Worker {
        let (requests, mut queue) = mpsc::channel::<Request>(QUEUE);
        thread::spawn(move || {
            while let Some(request) = queue.blocking_recv() {
                let digest = work(&request.payload);
                // Fails only if the asker stopped waiting (dropped its receiver); nothing to do.
                let _ = request.reply.send(digest);
            }
        });
        Worker { requests }
    }

    /// Sends `payload` to the worker thread and waits, without blocking, for its answer.
    pub async fn submit(&self, payload: Vec<u8>) -> Result<blake3::Hash, WorkerError> {
        let (reply, answer) = oneshot::channel();
        // `send` fails only when the receiving half is gone, that is when the thread has ended.
        self.requests
            .send(Request { payload, reply })
            .await
            .map_err(|_| WorkerError::Stopped)?;
        // Awaiting the `oneshot::Receiver` parks this task until the worker replies. If the worker
        // drops the `Sender` without replying (its thread unwinds from a panic), this fails
        // instead of waiting forever.
        answer.await.map_err(|_| WorkerError::Stopped)
    }
}
