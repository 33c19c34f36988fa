//! # tokio68: the multi_thread scheduler and the timer, measured
//!
//! Chapter 10, *Tokio's toolbox*. Four experiments (the first three on a runtime with two
//! workers, the last on current_thread runtimes), each printing what it saw, plus the runtime's
//! stable
//! [`RuntimeMetrics`](https://docs.rs/tokio/latest/tokio/runtime/struct.RuntimeMetrics.html)
//! (`num_workers`, `global_queue_depth`, `num_alive_tasks`; tokio's `runtime/metrics/runtime.rs`
//! marks most of the others unstable).
//!
//! 1. **The global queue.** A task spawned from outside the runtime goes to the one shared inject
//!    queue (`push_remote_task` in `runtime/scheduler/multi_thread/worker.rs`). While both workers
//!    are held by blocked tasks, nobody takes from it, and `global_queue_depth` counts what waits.
//! 2. **Stealing and the LIFO slot.** A task spawned from a worker goes into that worker's LIFO
//!    slot, and the task that was there moves to the worker's local run queue (`schedule_local` in
//!    `worker.rs`). The spawner here then blocks its worker; the idle worker steals from the run
//!    queue (half of it at a time, `steal_into2` in `multi_thread/queue.rs`) but never from the
//!    LIFO slot, so the last child spawned waits for the spawner's worker.
//! 3. **The timer never fires early.** Deadlines are rounded *up* to the next millisecond tick
//!    (`deadline_to_tick` adds 999,999 ns in `runtime/time/source.rs`), so a `sleep(1 ms)` lasts at
//!    least 1 ms, and usually a little more.
//! 4. **The I/O driver is polled between batches of tasks.** A runtime that always has a task ready
//!    never parks, so it polls its I/O driver only after every `event_interval` task polls (61 by
//!    default, `runtime/builder.rs`; the loop is in `runtime/scheduler/current_thread/mod.rs`). A
//!    socket that is already readable is noticed at the end of the first batch.
//!
//! ```text
//! cargo run --example tokio68
//! ```
//!
//! Prints, after about half a second:
//!
//! ```text
//! metrics: 2 workers
//! global queue: 5 tasks spawned from outside waited while both workers were busy
//! stealing: children 1 to 7 ran on the other worker while their spawner blocked its own
//! LIFO slot: child 8 waited, then ran on the spawner's worker
//! timer: 200 of 200 sleeps of 1 ms lasted at least 1 ms
//! I/O driver: a readable socket was noticed after 61 polls of a busy task (event_interval 61, the default)
//! I/O driver: with event_interval(7), after 7 polls
//! metrics: 0 tasks alive at the end
//! ```

use std::future;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, mpsc};
use std::task::Poll;
use std::thread::{self, ThreadId};
use std::time::{Duration, Instant};

use anyhow::{Result, ensure};
use tokio::runtime::Builder;

/// How long a blocked worker waits for the others at most. The experiments need milliseconds; the
/// margin is for a machine busy with other work.
const PATIENCE: Duration = Duration::from_secs(10);

fn main() -> Result<()> {
    let runtime = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let metrics = runtime.metrics();
    println!("metrics: {} workers", metrics.num_workers());

    // ANCHOR: global_queue
    // Hold both workers: each runs a task that blocks until this thread lets it
    // go.
    let both_busy = Arc::new(Barrier::new(3));
    let (release, released) = mpsc::channel::<()>();
    let released = Arc::new(std::sync::Mutex::new(released));
    let mut holders = Vec::new();
    for _ in 0..2 {
        let (both_busy, released) =
            (Arc::clone(&both_busy), Arc::clone(&released));
        holders.push(runtime.spawn(async move {
            both_busy.wait();
            // Blocking a worker on purpose: this is the experiment, not a
            // pattern to copy.
            let _ = released
                .lock()
                .expect("not poisoned")
                .recv_timeout(PATIENCE);
        }));
    }
    both_busy.wait();
    let waiting: Vec<_> = (0..5).map(|_| runtime.spawn(async {})).collect();
    println!(
        "global queue: {} tasks spawned from outside waited while both \
        workers were busy",
        metrics.global_queue_depth()
    );
    drop(release);
    runtime.block_on(async {
        for task in holders.into_iter().chain(waiting) {
            task.await.expect("no task panics");
        }
    });
    // ANCHOR_END: global_queue

    // ANCHOR: stealing
    let (spawner_thread, ran_on) = runtime.block_on(async {
        let (spawner, children, reports, mut ran_on) = tokio::spawn(async {
            let spawner = thread::current().id();
            let (report, reports) = mpsc::channel::<(usize, ThreadId)>();
            let mut children = Vec::new();
            for child in 1..=8 {
                let report = report.clone();
                children.push(tokio::spawn(async move {
                    let _ = report.send((child, thread::current().id()));
                }));
            }
            // Block this worker until seven children have reported, so that any
            // child that runs meanwhile must have been stolen by the other
            // worker. `true`: ran during the block.
            let deadline = Instant::now() + PATIENCE;
            let mut ran_on = vec![None; 8];
            for _ in 0..7 {
                let left = deadline.saturating_duration_since(Instant::now());
                let Ok((child, thread)) = reports.recv_timeout(left) else {
                    break;
                };
                ran_on[child - 1] = Some((thread, true));
            }
            (spawner, children, reports, ran_on)
        })
        .await
        .expect("the spawner does not panic");
        for child in children {
            child.await.expect("no child panics");
        }
        // Children that report now ran after the spawner let go of its worker.
        while let Ok((child, thread)) = reports.try_recv() {
            ran_on[child - 1] = Some((thread, false));
        }
        (spawner, ran_on)
    });
    let stolen = ran_on[..7]
        .iter()
        .all(|r| matches!(r, Some((t, true)) if *t != spawner_thread));
    ensure!(
        stolen,
        "not every child ran elsewhere while the spawner blocked: {ran_on:?}"
    );
    println!(
        "stealing: children 1 to 7 ran on the other worker while their \
        spawner blocked its own"
    );
    ensure!(
        matches!(ran_on[7], Some((t, false)) if t == spawner_thread),
        "child 8 did not wait for its spawner's worker: {ran_on:?}"
    );
    println!("LIFO slot: child 8 waited, then ran on the spawner's worker");
    // ANCHOR_END: stealing

    // ANCHOR: timer
    let on_time = runtime.block_on(async {
        let mut on_time = 0;
        for _ in 0..200 {
            let start = tokio::time::Instant::now();
            tokio::time::sleep(Duration::from_millis(1)).await;
            if start.elapsed() >= Duration::from_millis(1) {
                on_time += 1;
            }
        }
        on_time
    });
    println!("timer: {on_time} of 200 sleeps of 1 ms lasted at least 1 ms");
    // ANCHOR_END: timer

    println!(
        "I/O driver: a readable socket was noticed after {} polls of a busy \
        task \
         (event_interval 61, the default)",
        busy_polls_before_io(None)?
    );
    println!(
        "I/O driver: with event_interval(7), after {} polls",
        busy_polls_before_io(Some(7))?
    );

    println!(
        "metrics: {} tasks alive at the end",
        metrics.num_alive_tasks()
    );
    Ok(())
}

// ANCHOR: io_driver
/// On a current_thread runtime with `event_interval` (Tokio's default if
/// `None`), counts how many times an always-ready task is polled before the I/O
/// driver reports a socket as readable.
fn busy_polls_before_io(event_interval: Option<u32>) -> Result<usize> {
    let mut builder = Builder::new_current_thread();
    if let Some(interval) = event_interval {
        builder.event_interval(interval);
    }
    let runtime = builder.enable_io().build()?;
    runtime.block_on(async {
        // A datagram sent over loopback is in the receiver's buffer when
        // `send_to` returns: the socket is readable before anyone asks, and
        // only the driver can tell the runtime so.
        let receiver = tokio::net::UdpSocket::bind("127.0.0.1:0").await?;
        let sender = std::net::UdpSocket::bind("127.0.0.1:0")?;
        sender.send_to(b"ping", receiver.local_addr()?)?;

        // A task that is always ready: each poll counts, wakes itself and
        // returns `Pending`, so the run queue is never empty and the runtime
        // never parks.
        let polls = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let busy = tokio::spawn({
            let (polls, stop) = (Arc::clone(&polls), Arc::clone(&stop));
            future::poll_fn(move |cx| {
                if stop.load(Ordering::SeqCst) {
                    return Poll::Ready(());
                }
                polls.fetch_add(1, Ordering::SeqCst);
                cx.waker().wake_by_ref();
                Poll::Pending
            })
        });

        let mut buf = [0; 8];
        receiver.recv(&mut buf).await?;
        let seen = polls.load(Ordering::SeqCst);
        stop.store(true, Ordering::SeqCst);
        busy.await?;
        Ok(seen)
    })
}
// ANCHOR_END: io_driver
