//! # tokio32: a tiny executor, from scratch
//!
//! Chapter 5, *the `Future` trait, `poll` and wakers*. Everything a runtime does for a future,
//! in about 200 lines of safe code (`examples/ch05_future/tiny_executor.rs`): a run queue, tasks
//! that are `Arc`s made into wakers with `std::task::Wake`, `spawn` returning a join handle, and a
//! timer thread standing in for the reactor. Three tasks sleep 300, 100 and 200 ms on the timer
//! thread; a fourth awaits the other three's handles and adds up their outputs. `run` returns when
//! every task has finished, and in between it sleeps on a condition variable rather than spinning,
//! so the number of polls is small and fixed.
//!
//! ```text
//! cargo run --example tokio32
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! task b woke after 100 ms
//! task c woke after 200 ms
//! task a woke after 300 ms
//! sum of the three outputs: 6
//! every task finished; polls in total: 8
//! ```
//!
//! The timer thread wakes the tasks in deadline order, so the order of the lines does not depend
//! on how busy the machine is (the sleeps are long enough that no task's first poll comes after its
//! deadline, which would make it ready without waiting). Eight polls: each sleeper is polled once to start its timer and
//! once after its wake (6), and the summing task twice: once at the start, when it begins to wait
//! for `a`, and once when `a`, the last to finish, wakes it. By then `b` and `c` are done, so their
//! handles are ready on the same poll, and their tasks found nobody to wake when they finished.

#[path = "tiny_executor.rs"]
mod tiny_executor;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use testkit::Counted;
use tiny_executor::{Executor, TimerThread};

// ANCHOR: main
fn main() {
    let executor = Executor::new();
    let timers = TimerThread::start();
    let polls = Arc::new(AtomicUsize::new(0));

    let mut handles = Vec::new();
    for (name, ms, output) in [("a", 300, 1), ("b", 100, 2), ("c", 200, 3)] {
        let sleep = timers.sleep(Duration::from_millis(ms));
        let task = Counted::new(async move {
            sleep.await;
            println!("task {name} woke after {ms} ms");
            output
        });
        let stats = task.stats();
        handles.push((executor.spawn(task), stats));
    }
    let stats: Vec<_> = handles.iter().map(|(_, s)| Arc::clone(s)).collect();
    let sum = Counted::new(async move {
        let mut sum = 0;
        for (handle, _) in handles {
            sum += handle.await;
        }
        println!("sum of the three outputs: {sum}");
    });
    let sum_stats = sum.stats();
    executor.spawn(sum);

    executor.run();

    for s in stats.iter().chain([&sum_stats]) {
        polls.fetch_add(s.polls(), Ordering::SeqCst);
    }
    println!(
        "every task finished; polls in total: {}",
        polls.load(Ordering::SeqCst)
    );
}
// ANCHOR_END: main
