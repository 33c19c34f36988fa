//! # tokio33: the tiny executor against Tokio's current_thread runtime
//!
//! Chapter 5, *the `Future` trait, `poll` and wakers*. The same workload on both executors:
//! `TASKS` tasks that each yield `YIELDS` times (every yield wakes the task and sends it to the
//! back of the run queue), all spawned from one thread and run to completion on it. The program
//! times each executor `ROUNDS` times and prints the median of each and their ratio. Run it in
//! release mode for figures worth reading:
//!
//! ```text
//! cargo run --release --example tokio33
//! ```
//!
//! Prints five lines of this form; these are from one run on a 2-core Linux machine with other
//! builds running, and the figures vary from run to run and machine to machine:
//!
//! ```text
//! workload: 1000 tasks x 100 yields, median of 7 rounds
//! tiny executor: 23.2 ms
//! tokio current_thread: 5.9 ms
//! ratio: the tiny executor takes 3.9x as long as tokio
//! check: both ran 100000 yields
//! ```
//!
//! `cargo run --example tokio33 -- TASKS YIELDS ROUNDS` picks other sizes (the tests run a small
//! one). The tiny executor pays for a `Mutex` and a `Condvar` on every wake and a heap-allocated,
//! lock-guarded future per task; Tokio's current_thread scheduler keeps its queue in a thread-local
//! core and needs no lock to push a task woken on its own thread.

#[path = "tiny_executor.rs"]
mod tiny_executor;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tiny_executor::Executor;

// ANCHOR: workload
/// One task of the workload: yields `yields` times, counting each.
async fn yielder(yields: usize, count: Arc<AtomicUsize>, tokio: bool) {
    for _ in 0..yields {
        if tokio {
            tokio::task::yield_now().await;
        } else {
            tiny_executor::yield_now().await;
        }
        count.fetch_add(1, Ordering::Relaxed);
    }
}

fn on_tiny(tasks: usize, yields: usize, count: &Arc<AtomicUsize>) -> Duration {
    let start = Instant::now();
    let executor = Executor::new();
    for _ in 0..tasks {
        executor.spawn(yielder(yields, Arc::clone(count), false));
    }
    executor.run();
    start.elapsed()
}

fn on_tokio(tasks: usize, yields: usize, count: &Arc<AtomicUsize>) -> Duration {
    let start = Instant::now();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("cannot build a runtime");
    runtime.block_on(async {
        let handles: Vec<_> = (0..tasks)
            .map(|_| tokio::spawn(yielder(yields, Arc::clone(count), true)))
            .collect();
        for handle in handles {
            handle.await.expect("a yielder panicked");
        }
    });
    start.elapsed()
}
// ANCHOR_END: workload

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| {
            a.parse()
                .expect("arguments: TASKS YIELDS ROUNDS, all numbers")
        })
        .collect();
    let (tasks, yields, rounds) = match args[..] {
        [t, y, r] => (t, y, r.max(1)),
        [] => (1000, 100, 7),
        _ => panic!("arguments: TASKS YIELDS ROUNDS, or none"),
    };
    let (tiny_count, tokio_count) =
        (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let mut tiny = Vec::new();
    let mut tokio = Vec::new();
    for _ in 0..rounds {
        tiny.push(on_tiny(tasks, yields, &tiny_count));
        tokio.push(on_tokio(tasks, yields, &tokio_count));
    }
    let (tiny, tokio) = (median(tiny), median(tokio));
    println!(
        "workload: {tasks} tasks x {yields} yields, median of {rounds} rounds"
    );
    println!("tiny executor: {:.1} ms", tiny.as_secs_f64() * 1e3);
    println!("tokio current_thread: {:.1} ms", tokio.as_secs_f64() * 1e3);
    println!(
        "ratio: the tiny executor takes {:.1}x as long as tokio",
        tiny.as_secs_f64() / tokio.as_secs_f64()
    );
    let per_round =
        |count: &AtomicUsize| count.load(Ordering::Relaxed) / rounds;
    let (a, b) = (per_round(&tiny_count), per_round(&tokio_count));
    if a == b {
        println!("check: both ran {a} yields");
    } else {
        println!("check: MISMATCH, tiny ran {a} yields, tokio {b}");
    }
}
