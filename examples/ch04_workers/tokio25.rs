//! # tokio25: several workers sharing one queue
//!
//! Chapter 4, *Offloading blocking work to workers over mpsc*. One worker does one job at a time.
//! To do more at once, start several worker threads that take jobs from the *same* queue, so an
//! idle worker always picks up the next job. A Tokio `mpsc::Receiver` cannot be cloned (the
//! "sc" means single consumer), so the workers share it behind an
//! [`Arc`](https://doc.rust-lang.org/std/sync/struct.Arc.html)`<`[`Mutex`](https://doc.rust-lang.org/std/sync/struct.Mutex.html)`<Receiver>>`:
//! whichever worker holds the lock waits for the next job, takes it, lets go of the lock, and only
//! then works.
//!
//! ```text
//! cargo run --example tokio25
//! ```
//!
//! Prints six results and a summary. Which worker gets which job, and the order of the lines,
//! differ from run to run; the time does not change much:
//!
//! ```text
//! worker 1: Task 1 -> 66347af93cba05a5a594e14076d30035a5120727eb5d1e71966abb838ad6ed91
//! worker 2: Task 2 -> e48b0b2e002e548e19726702926579326fc749fa8b12ef3e9d26cfb53a6fd902
//! worker 3: Task 3 -> 4480e5cfa8c479910cd4aaac45263c7a500e59fd03a2242fa05fe26d0333ec2e
//! worker 1: Task 4 -> d132f14a7cb8de7b2c780fed2b4a5c4dc913cf7413b9345c334b54f44f3d31cf
//! worker 2: Task 5 -> 438263e26b1c9f28cc4b183001d36832c8dc97f4c74ad82b82b3f3ef906f25ab
//! worker 3: Task 6 -> 952c5458af7ec14e85d899fb4c837eb05edb67a0dabf35367eeb5bd790f729e1
//! 6 jobs on 3 workers in 1.6 s
//! ```
//!
//! One worker would need 6 × 800 ms = 4.8 s; three share the queue and finish in about 1.6 s.
//!
//! Why a `Mutex` around the receiver rather than something else: the standard library's
//! `std::sync::mpsc::Receiver` cannot be shared either; a multi-consumer channel crate would work
//! but adds a dependency for one line of locking; and one channel per worker, fed in turn, loses
//! the "idle worker takes the next job" property, since a slow job holds up everything queued
//! behind it on that one worker. The lock costs little here: it is held only while a worker waits
//! for a job, never while it works.

// ANCHOR: main
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::Result;
use tokio::sync::mpsc;

/// How many worker threads share the queue.
const WORKERS: usize = 3;
/// How many jobs the producer sends.
const JOBS: usize = 6;

#[tokio::main]
async fn main() -> Result<()> {
    let start = Instant::now();
    let (tx, rx) = mpsc::channel(32);
    let queue = Arc::new(Mutex::new(rx));
    let workers: Vec<_> = (1..=WORKERS)
        .map(|id| worker(id, Arc::clone(&queue)))
        .collect();

    for i in 1..=JOBS {
        tx.send(format!("Task {i}")).await?;
    }
    // Closing the channel lets each worker's loop end once the queue is empty.
    drop(tx);

    let done = tokio::task::spawn_blocking(move || {
        workers
            .into_iter()
            .map(|w| w.join().expect("a worker thread panicked"))
            .sum::<usize>()
    })
    .await?;
    println!(
        "{done} jobs on {WORKERS} workers in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
// ANCHOR_END: main

// ANCHOR: worker
/// Starts worker `id`, which takes jobs from the shared queue until it is
/// closed and empty, and returns how many it did.
fn worker(
    id: usize,
    queue: Arc<Mutex<mpsc::Receiver<String>>>,
) -> thread::JoinHandle<usize> {
    thread::spawn(move || {
        let mut done = 0;
        loop {
            // The lock guard is a temporary of this statement, so the lock is
            // released here, before the job runs. (In `while let Some(s) =
            // queue.lock()...blocking_recv()` the guard would live until the
            // end of the loop body and the workers would take turns.)
            let next = queue
                .lock()
                .expect("a worker panicked holding the lock")
                .blocking_recv();
            let Some(s) = next else { break };
            let ret = expensive_blocking_task(&s);
            println!("worker {id}: {s} -> {ret}");
            done += 1;
        }
        done
    })
}
// ANCHOR_END: worker

/// Stands in for any slow synchronous work: it holds its thread for 800 ms, then hashes its input.
fn expensive_blocking_task(s: &str) -> String {
    thread::sleep(Duration::from_millis(800));
    blake3::hash(s.as_bytes()).to_string()
}
