//! # tokio83: what a shutdown does to queued work
//!
//! Chapter 12, *Production patterns*. Ten jobs are queued for one worker; the shutdown signal comes
//! once three are done. Two ways to react to it:
//!
//! - **Stop at once**, the pattern of many tutorials: the worker's loop `select!`s between the
//!   next job and a [`watch`](https://docs.rs/tokio/latest/tokio/sync/watch/index.html) channel
//!   that carries the signal, and breaks out when the signal wins. The job in progress finishes (it
//!   is not in the `select!`), and every job still queued is dropped with the channel.
//! - **Close and drain**: on the signal the worker calls
//!   [`Receiver::close`](https://docs.rs/tokio/latest/tokio/sync/mpsc/struct.Receiver.html#method.close),
//!   which refuses new jobs but keeps the queued ones, and goes on receiving until `recv` returns
//!   `None`. Nothing accepted is lost.
//!
//! Which one is right depends on the work; what matters is to choose, and to count.
//!
//! ```text
//! cargo run --example tokio83
//! ```
//!
//! Prints after about 0.3 s:
//!
//! ```text
//! stop at once: 10 accepted, 4 finished, 6 dropped with the queue
//! close and drain: 10 accepted, 10 finished, 0 dropped with the queue
//! ```
//!
//! Four, not three, finish in the first line: when the signal comes the worker has already taken
//! job 4, and a job in progress is finished, not abandoned.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, mpsc, watch};

/// Jobs queued before the worker starts.
const JOBS: usize = 10;

/// One 20 ms job, counted when it ends.
async fn work(finished: &AtomicUsize, progress: &Notify) {
    tokio::time::sleep(Duration::from_millis(20)).await;
    finished.fetch_add(1, Ordering::SeqCst);
    progress.notify_one();
}

// ANCHOR: stop
/// Stops as soon as the signal is seen: queued jobs are dropped.
async fn stop_at_once(
    mut jobs: mpsc::Receiver<usize>,
    mut stop: watch::Receiver<bool>,
    finished: Arc<AtomicUsize>,
    progress: Arc<Notify>,
) {
    loop {
        tokio::select! {
            // `biased;`: when both are ready, the signal wins, on purpose.
            biased;
            _ = stop.changed() => break,
            job = jobs.recv() => match job {
                Some(_job) => work(&finished, &progress).await,
                None => break,
            },
        }
    }
}
// ANCHOR_END: stop

// ANCHOR: drain
/// On the signal, refuses new jobs but finishes every queued one.
async fn close_and_drain(
    mut jobs: mpsc::Receiver<usize>,
    mut stop: watch::Receiver<bool>,
    finished: Arc<AtomicUsize>,
    progress: Arc<Notify>,
) {
    let mut closing = false;
    loop {
        tokio::select! {
            biased;
            // Once closed, stop watching: `changed()` would not fire again.
            _ = stop.changed(), if !closing => {
                closing = true;
                jobs.close();
            }
            job = jobs.recv() => match job {
                Some(_job) => work(&finished, &progress).await,
                // Closed and empty: everything accepted has been done.
                None => break,
            },
        }
    }
}
// ANCHOR_END: drain

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    for drain in [false, true] {
        let (tx, rx) = mpsc::channel(JOBS);
        for job in 0..JOBS {
            tx.send(job).await.expect("the worker has not started yet");
        }
        let (stop_tx, stop_rx) = watch::channel(false);
        let finished = Arc::new(AtomicUsize::new(0));
        let progress = Arc::new(Notify::new());
        let worker = match drain {
            false => tokio::spawn(stop_at_once(
                rx,
                stop_rx,
                finished.clone(),
                progress.clone(),
            )),
            true => tokio::spawn(close_and_drain(
                rx,
                stop_rx,
                finished.clone(),
                progress.clone(),
            )),
        };
        // The signal comes once three jobs are done.
        while finished.load(Ordering::SeqCst) < 3 {
            progress.notified().await;
        }
        stop_tx.send(true).expect("the worker is listening");
        worker.await.expect("the worker does not panic");
        let done = finished.load(Ordering::SeqCst);
        let version = if drain {
            "close and drain"
        } else {
            "stop at once"
        };
        println!(
            "{version}: {JOBS} accepted, {done} finished, {} dropped with the queue",
            JOBS - done
        );
    }
}
// ANCHOR_END: main
