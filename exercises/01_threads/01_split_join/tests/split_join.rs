//! Tests for `map_in_threads`: results in input order, the work really spread over several
//! threads that run at the same time, a worker's panic passed on, and the edge cases.
//!
//! Every test runs under `testkit::within`, so a thread that never finishes fails the test with a
//! message instead of hanging it.

use std::collections::HashSet;
use std::sync::{Arc, Barrier, Mutex};
use std::thread::{self, ThreadId};
use std::time::Duration;

use split_join::map_in_threads;

/// Generous: each test does a few milliseconds of work.
const LIMIT: Duration = Duration::from_secs(5);

#[test]
fn results_come_back_in_input_order() {
    let out = testkit::within(LIMIT, || {
        map_in_threads((0..1000_u64).collect(), 4, |x| x * x)
    });
    let expected: Vec<u64> = (0..1000_u64).map(|x| x * x).collect();
    assert_eq!(out.len(), expected.len(), "one result per input");
    if let Some(i) = (0..out.len()).find(|&i| out[i] != expected[i]) {
        panic!(
            "results must stay in input order: result {i} is {}, but f({i}) is {}",
            out[i], expected[i]
        );
    }
}

#[test]
fn order_holds_when_early_inputs_are_the_slowest() {
    // The first inputs take longest, so the threads finish in reverse order; the results must not.
    let out = testkit::within(LIMIT, || {
        map_in_threads((0..8_u64).collect(), 8, |x| {
            thread::sleep(Duration::from_millis(5 * (8 - x)));
            x + 100
        })
    });
    assert_eq!(
        out,
        (100..108).collect::<Vec<u64>>(),
        "results must stay in input order, whichever thread finishes first"
    );
}

#[test]
fn uneven_splits_keep_every_input() {
    for (len, threads) in [(10, 4), (3, 8), (7, 7), (1, 3), (9, 2), (11, 3)] {
        let (out, used) = testkit::within(LIMIT, move || {
            let seen: Arc<Mutex<HashSet<ThreadId>>> = Arc::default();
            let record = Arc::clone(&seen);
            let out = map_in_threads((0..len).collect::<Vec<usize>>(), threads, move |x| {
                // Thread ids are never reused, so every thread that ran `f` counts once.
                record.lock().unwrap().insert(thread::current().id());
                x.to_string()
            });
            let used = seen.lock().unwrap().len();
            (out, used)
        });
        let expected: Vec<String> = (0..len).map(|x| x.to_string()).collect();
        assert_eq!(out, expected, "{len} inputs on {threads} threads");
        assert!(
            used <= threads,
            "{len} inputs on {threads} threads ran on {used} threads: cut the inputs into at most \
             {threads} chunks, whether or not {len} divides evenly"
        );
    }
}

#[test]
fn work_runs_on_spawned_threads_and_no_more_than_asked() {
    let (seen, caller) = testkit::within(LIMIT, || {
        let seen: Arc<Mutex<HashSet<ThreadId>>> = Arc::default();
        let record = Arc::clone(&seen);
        map_in_threads((0..400_u32).collect(), 4, move |x| {
            record.lock().unwrap().insert(thread::current().id());
            x
        });
        let seen = seen.lock().unwrap().clone();
        (seen, thread::current().id())
    });
    assert!(
        !seen.contains(&caller),
        "`f` ran on the calling thread: spawn threads for the work"
    );
    assert!(
        (2..=4).contains(&seen.len()),
        "`f` ran on {} different threads; with 400 inputs and 4 threads it should be 2 to 4",
        seen.len()
    );
}

#[test]
fn the_threads_run_at_the_same_time() {
    // Each call waits at a barrier until all four calls have arrived. That only happens if four
    // threads run at once; done one after another, the first call would wait forever (and
    // `within` would report it).
    let out = testkit::within(LIMIT, || {
        let barrier = Arc::new(Barrier::new(4));
        map_in_threads(vec![1, 2, 3, 4], 4, move |x: i32| {
            barrier.wait();
            -x
        })
    });
    assert_eq!(out, [-1, -2, -3, -4], "results must stay in input order");
}

#[test]
fn empty_input_and_zero_threads() {
    let empty = testkit::within(LIMIT, || map_in_threads(Vec::<u8>::new(), 4, |x| x));
    assert!(empty.is_empty(), "no input, no result");
    let one_thread = testkit::within(LIMIT, || map_in_threads(vec![1, 2, 3], 0, |x: i32| x * 10));
    assert_eq!(one_thread, [10, 20, 30], "0 threads means one thread");
}

#[test]
#[should_panic(expected = "bad input 7")]
fn a_panic_in_a_worker_reaches_the_caller_with_its_message() {
    testkit::within(LIMIT, || {
        map_in_threads((0..20_u32).collect(), 4, |x| {
            assert_ne!(x, 7, "bad input {x}");
            x
        })
    });
}

#[test]
fn a_panic_is_passed_on_only_after_every_thread_has_been_joined() {
    // Input 0 panics at once; every other call waits until that panic has started, then takes
    // 200 ms more before it counts itself done. A function that passes the panic on as soon as it
    // joins the first thread returns long before the others are done; one that joins every thread
    // first sees all of them done. 200 ms is far more than passing a panic on takes.
    let panicking = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let (flag, count) = (Arc::clone(&panicking), Arc::clone(&done));
    let outcome = testkit::within(LIMIT, move || {
        std::panic::catch_unwind(move || {
            map_in_threads((0..4_u32).collect(), 4, move |x| {
                if x == 0 {
                    flag.store(true, std::sync::atomic::Ordering::SeqCst);
                    panic!("input 0 is bad");
                }
                while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                    thread::sleep(Duration::from_millis(1));
                }
                thread::sleep(Duration::from_millis(200));
                count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                x
            })
        })
    });
    assert!(outcome.is_err(), "the panic of input 0 reaches the caller");
    assert_eq!(
        done.load(std::sync::atomic::Ordering::SeqCst),
        3,
        "the panic was passed on while other threads were still running: join every thread \
         first, then pass the first panic on"
    );
}
