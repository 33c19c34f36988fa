//! # Exercise: request and response with a worker thread
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. A [`Worker`] owns one OS thread
//! that does slow synchronous work. [`Worker::start`] is written: the thread takes each
//! `Request` from a bounded `tokio::sync::mpsc` channel, runs the work, and sends the result back
//! through the request's own `oneshot::Sender`. Your task: write [`Worker::submit`], the async
//! side of that conversation, so any task can ask the worker for a result and await it without
//! blocking the runtime.
//!
//! The tests live in `tests/request_response.rs`. Do not edit them: `cargo lab check
//! request_response` runs them as they are, and so does CI against the solution.
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
        // TODO: send the worker a `Request` for `payload` and wait, without blocking, for its
        // answer. The worker replies on the channel in the request's `reply` field
        // (`tokio::sync::oneshot`; `tokio24` shows one). A failure can only mean the worker
        // thread is gone: `WorkerError::Stopped`.
        let _ = (&self.requests, payload);
        todo!("send a Request to the worker and await its reply")
    }
}
