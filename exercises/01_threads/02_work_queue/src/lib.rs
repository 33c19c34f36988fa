//! # A work queue that closes cleanly
//!
//! A fixed set of worker threads takes jobs from one `std::sync::mpsc` channel. `submit` queues a
//! job; `shutdown` lets the workers finish every job already queued, waits for every worker thread
//! to end, and says how many it waited for. Done right, every job runs exactly once and no thread
//! is left behind.
//!
//! APIs that help: [`std::sync::mpsc::channel`](https://doc.rust-lang.org/std/sync/mpsc/fn.channel.html),
//! [`Mutex`](https://doc.rust-lang.org/std/sync/struct.Mutex.html),
//! [`Arc`](https://doc.rust-lang.org/std/sync/struct.Arc.html) and
//! [`JoinHandle::join`](https://doc.rust-lang.org/std/thread/struct.JoinHandle.html#method.join).
//!
//! The tests live in `tests/work_queue.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check work_queue`.

/// A job: any closure that can be sent to another thread and run once.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// A pool of worker threads fed by one channel.
pub struct WorkQueue {
    // TODO: keep the sending half of a `std::sync::mpsc::channel::<Job>()` (in an `Option`, so
    // `shutdown` can drop it) and the workers' `std::thread::JoinHandle<()>`s.
}

impl WorkQueue {
    /// Starts `workers` threads (at least one) that wait for jobs.
    pub fn new(workers: usize) -> WorkQueue {
        // TODO: create the channel and start the workers. There is one `Receiver` and it cannot
        // be cloned, so the workers must share it (`std::sync::Arc`, `std::sync::Mutex`). `recv`
        // returns `Err` once the channel is closed and empty. Mind how long a lock guard lives:
        // a worker that holds the lock while it runs a job keeps the others waiting.
        // The next line only keeps the compiler quiet about an unused argument; replace it.
        let _ = workers;
        todo!()
    }

    /// Queues `job` to run on one of the workers.
    pub fn submit<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        // TODO: box the job and `send` it through the channel.
        // The next line only keeps the compiler quiet about an unused argument; replace it.
        let _ = job;
        todo!()
    }

    /// Runs every job queued so far, waits until every worker thread has ended, and returns how
    /// many worker threads it joined.
    pub fn shutdown(self) -> usize {
        // TODO: close the queue, then `join` every worker and count them. The workers' `recv`
        // only fails once every `Sender` is gone; joining while one is still alive waits forever
        // (chapter 4's `tokio8` shows that hang with a Tokio channel).
        todo!()
    }
}
