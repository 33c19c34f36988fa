//! # Exercise: a hash service that keeps its runtime responsive
//!
//! Chapter 3, *The blocking-task pitfall*. A small service receives jobs and answers each with a
//! [`Receipt`] holding the job's digest. The digest comes from [`slow_hash`], a synchronous call
//! that holds its thread for [`HASH_TIME`], like a password hash or a compression step would.
//!
//! As shipped, [`handle`] calls [`slow_hash`] right inside the async function, so while a job
//! runs the runtime's thread can do nothing else: on a current_thread runtime every other task,
//! timer and socket waits. Your task: change [`handle`] so the runtime keeps its rhythm while jobs
//! run, and so a panic inside the hash becomes a [`ServiceError::HashPanicked`] for that job.
//! Change only [`handle`]; [`slow_hash`] stands for work you cannot make asynchronous.
//!
//! The tests live in `tests/hash_service.rs`. Do not edit them: `cargo lab check hash_service`
//! runs them as they are, and so does CI against the solution.
//!
//! # Layout
//!
//! - [`Job`] and [`Receipt`]: what goes in and what comes out.
//! - [`slow_hash`]: the blocking work, given as is.
//! - [`handle`]: one job; the part to change.
//! - [`serve`]: a batch of jobs, one task each, answers in job order.

use std::thread;
use std::time::Duration;

/// How long one [`slow_hash`] call holds the thread that makes it.
pub const HASH_TIME: Duration = Duration::from_millis(200);

/// The longest payload [`slow_hash`] accepts. Longer ones make it panic, the way some password
/// hashers refuse inputs over a fixed size.
pub const MAX_PAYLOAD: usize = 64;

/// One request to the service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Chosen by the caller; copied into the [`Receipt`] so answers can be matched to requests.
    pub id: u64,
    /// The bytes to hash, at most [`MAX_PAYLOAD`] of them.
    pub payload: Vec<u8>,
}

/// The answer to one [`Job`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The id of the job this answers.
    pub id: u64,
    /// blake3 of the job's payload.
    pub digest: blake3::Hash,
}

/// Why a job got no receipt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServiceError {
    /// The hash panicked, typically because the payload was too long.
    #[error(
        "hashing job {id} panicked (is its payload longer than {MAX_PAYLOAD} bytes?); \
         the service is still running: fix the job and send it again"
    )]
    HashPanicked {
        /// The id of the job that failed.
        id: u64,
    },
}

/// The blocking work: holds the calling thread for [`HASH_TIME`], then returns blake3 of
/// `payload`. Panics if `payload` is longer than [`MAX_PAYLOAD`].
pub fn slow_hash(payload: &[u8]) -> blake3::Hash {
    assert!(
        payload.len() <= MAX_PAYLOAD,
        "payload of {} bytes is longer than the {MAX_PAYLOAD} allowed",
        payload.len()
    );
    thread::sleep(HASH_TIME);
    blake3::hash(payload)
}

/// Handles one job. As shipped it holds the runtime thread for the whole hash.
pub async fn handle(job: Job) -> Result<Receipt, ServiceError> {
    // TODO: `slow_hash` blocks the thread that calls it, and here that is the runtime's thread:
    // nothing else on the runtime runs until it returns. Keep calling `slow_hash`, but off the
    // runtime's thread, and wait for it without blocking (chapter 3, `tokio18`). A hash that
    // panics must come back as `ServiceError::HashPanicked { id }`.
    let digest = slow_hash(&job.payload);
    Ok(Receipt { id: job.id, digest })
}

/// Handles a batch of jobs at the same time, one task per job, and returns the receipts in the
/// order of `jobs`. Stops at the first job that failed and returns its error.
pub async fn serve(jobs: Vec<Job>) -> Result<Vec<Receipt>, ServiceError> {
    let tasks: Vec<_> = jobs
        .into_iter()
        .map(|job| tokio::spawn(handle(job)))
        .collect();
    let mut receipts = Vec::with_capacity(tasks.len());
    for task in tasks {
        receipts.push(
            task.await
                .expect("`handle` returns errors instead of panicking")?,
        );
    }
    Ok(receipts)
}
