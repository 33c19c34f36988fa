//! Tests for `spawn_increment`: a hundred tasks on each runtime flavour return 1 to 100, each
//! number once, and the counter ends at 100.
//!
//! On a current_thread runtime the tasks take turns at each yield, so a version that reads the
//! counter again *after* its yield sees the other tasks' increments and returns duplicates.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use shared_counter::spawn_increment;

/// Generous: a hundred tiny tasks take milliseconds.
const LIMIT: Duration = Duration::from_secs(10);

#[test]
fn a_hundred_tasks_return_one_to_a_hundred_on_both_flavours() {
    testkit::run_both(LIMIT, || async {
        let counter = Arc::new(Mutex::new(0u64));
        let handles: Vec<_> = (0..100)
            .map(|_| spawn_increment(Arc::clone(&counter)))
            .collect();
        let mut got = Vec::new();
        for handle in handles {
            got.push(handle.await.expect("an increment task panicked"));
        }
        got.sort_unstable();
        assert_eq!(
            got,
            (1..=100).collect::<Vec<u64>>(),
            "each task must return the value its own increment produced: 1 to 100, each once \
             (read it under the same guard that increments, not again after the .await nor \
             under a second guard, and write it under the guard it was read under, or an \
             update is lost)"
        );
        assert_eq!(
            *counter.lock().unwrap(),
            100,
            "a hundred increments leave the counter at 100"
        );
    });
}

#[test]
fn the_task_still_yields_between_its_increment_and_its_return() {
    // On a current_thread runtime spawned tasks run in the order they were spawned. The observer,
    // spawned right after the increment task, therefore runs just after that task's first poll:
    // a task that yields (as `spawn_increment` must) has not finished by then; a task whose
    // `.await` was deleted to make it compile has.
    let (finished_at_first_poll, value) =
        testkit::run(testkit::Flavor::CurrentThread, LIMIT, || async {
            let counter = Arc::new(Mutex::new(0u64));
            let task = spawn_increment(counter);
            let observer = tokio::spawn(async move {
                let finished = task.is_finished();
                (finished, task.await.expect("the increment task panicked"))
            });
            observer.await.expect("the observer task panicked")
        });
    assert!(
        !finished_at_first_poll,
        "the increment task finished on its first poll: it must still yield once (keep the \
         `yield_now().await`) and make the future Send by ending the guard's life before it, \
         not by removing the .await"
    );
    assert_eq!(value, 1, "a single increment of a counter at 0 returns 1");
}

/// Tasks on two worker threads, and a plain thread that increments the same counter all the
/// while, as correctly as it can: every increment, theirs or its own, must produce a value of its
/// own. A task that increments under one guard and reads (or writes) under a second one leaves a
/// window in which another thread increments; this test makes that window likely to be hit, not
/// certain, since nothing can stop a thread between two guards of a std `Mutex`.
#[test]
fn tasks_on_two_threads_never_share_a_value() {
    const TASKS: u64 = 4_000;
    testkit::run(testkit::Flavor::MultiThread, LIMIT, || async {
        let counter = Arc::new(Mutex::new(0u64));
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let other = {
            let (counter, stop) = (Arc::clone(&counter), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut produced = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let mut guard = counter.lock().unwrap();
                    *guard += 1;
                    produced.push(*guard);
                    drop(guard);
                    std::hint::spin_loop();
                }
                produced
            })
        };
        let handles: Vec<_> = (0..TASKS)
            .map(|_| spawn_increment(Arc::clone(&counter)))
            .collect();
        let mut got = Vec::new();
        for handle in handles {
            got.push(handle.await.expect("an increment task panicked"));
        }
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let theirs = other
            .join()
            .expect("the other incrementing thread panicked");
        let total = TASKS + theirs.len() as u64;
        let fin = *counter.lock().unwrap();
        let mut all: Vec<u64> = got.iter().chain(&theirs).copied().collect();
        all.sort_unstable();
        let shared = all.windows(2).filter(|w| w[0] == w[1]).count();
        assert!(
            fin == total && shared == 0,
            "{total} increments ({TASKS} tasks and {} by another thread) left the counter at \
             {fin}, and {shared} values were returned twice: each increment must produce a \
             value of its own. Increment and read the value back under one guard (lock once, \
             `*guard += 1`, copy `*guard`, then drop the guard): with a second guard, another \
             thread can increment in between, so two tasks return the same value, and a read \
             under one guard with the write under another loses an update",
            theirs.len()
        );
    });
}
