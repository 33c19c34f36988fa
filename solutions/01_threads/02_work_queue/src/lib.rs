//! # A work queue that closes cleanly
//!
//! A fixed set of worker threads takes jobs from one `std::sync::mpsc` channel. `submit` queues a
//! job; `shutdown` lets the workers finish every job already queued, waits for every worker thread
//! to end, and says how many it waited for. Done right, every job runs exactly once and no thread
//! is left behind.
//!
//! APIs used: [`std::sync::mpsc::channel`](https://doc.rust-lang.org/std/sync/mpsc/fn.channel.html),
//! [`Mutex`](https://doc.rust-lang.org/std/sync/struct.Mutex.html),
//! [`Arc`](https://doc.rust-lang.org/std/sync/struct.Arc.html) and
//! [`JoinHandle::join`](https://doc.rust-lang.org/std/thread/struct.JoinHandle.html#method.join).

use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};

/// A job: any closure that can be sent to another thread and run once.
pub type Job = Box<dyn FnOnce() + Send + 'static>;

/// A pool of worker threads fed by one channel.
pub struct WorkQueue {
    /// The only `Sender`. It is an `Option` so `shutdown` can drop it, which closes the channel.
    sender: Option<Sender<Job>>,
    /// One handle per worker, joined by `shutdown`.
    workers: Vec<JoinHandle<()>>,
}

impl WorkQueue {
    /// Starts `workers` threads (at least one) that wait for jobs.
    pub fn new(workers: usize) -> WorkQueue {
        let (sender, receiver) = mpsc::channel::<Job>();
        // A `Receiver` cannot be cloned, and `std::sync::mpsc` allows one consumer: the workers
        // share it behind a mutex and take turns *receiving*, not running.
        let receiver = Arc::new(Mutex::new(receiver));
        let workers = (0..workers.max(1))
            .map(|_| {
                let receiver = Arc::clone(&receiver);
                thread::spawn(move || worker_loop(&receiver))
            })
            .collect();
        WorkQueue {
            sender: Some(sender),
            workers,
        }
    }

    /// Queues `job` to run on one of the workers.
    pub fn submit<F>(&self, job: F)
    where
        F: FnOnce() + Send + 'static,
    {
        self.sender
            .as_ref()
            .expect("the sender is only taken by `shutdown`, which consumes the queue")
            .send(Box::new(job))
            .expect("a worker thread panicked and the channel lost its receiver");
    }

    /// Runs every job queued so far, waits until every worker thread has ended, and returns how
    /// many worker threads it joined.
    pub fn shutdown(mut self) -> usize {
        // Closing the channel first is what lets the workers' loops end: `recv` returns `Err` only
        // once every `Sender` is gone and the queue is empty, so queued jobs still run.
        drop(self.sender.take());
        let mut joined = 0;
        for worker in self.workers.drain(..) {
            worker.join().expect("a worker thread panicked");
            joined += 1;
        }
        joined
    }
}

/// Takes jobs until the channel is closed and empty.
fn worker_loop(receiver: &Mutex<Receiver<Job>>) {
    loop {
        // The guard is a temporary of this statement, so the lock is released before the job runs
        // and the other workers can take the next jobs meanwhile.
        let next = receiver
            .lock()
            .expect("another worker panicked while holding the lock")
            .recv();
        match next {
            Ok(job) => job(),
            Err(_) => break,
        }
    }
}
