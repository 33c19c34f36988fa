//! Tests for the `worker_pool` exercise. Do not edit: `cargo lab check worker_pool` runs this
//! file as it is, against your `src/lib.rs`.
//!
//! The back-pressure and shutdown checks hold jobs on a gate (a lock and a condition variable the
//! test opens when it is ready), so what they observe is decided by the order of events, not by
//! the clock. Every async body runs under a testkit time-out.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Condvar, Mutex};
use std::thread;
use std::time::Duration;

use testkit::Flavor;
use tokio::sync::mpsc;
use worker_pool::{Pool, PoolError};

/// The time-out for every test body; each needs well under a second.
const LIMIT: Duration = Duration::from_secs(5);

/// How long a test waits for something that takes microseconds when the pool is right (a
/// `shutdown` with nothing left to run, a job starting on an idle worker). Far longer than that, to
/// leave room for a loaded machine, and shorter than [`LIMIT`], so the failure names what never
/// happened instead of a bare time-out.
const PROMPTLY: Duration = Duration::from_secs(2);

/// The message when `shutdown` never returns although every job is done.
const SHUTDOWN_NEVER_RETURNED: &str = "`shutdown` never returned although every job had finished: \
    the workers' `blocking_recv` returns `None` only once every `Sender` of the queue is dropped, \
    so a sender that is still alive keeps them (and the join) waiting for ever";

/// Awaits `fut` for at most `limit`, by the runtime's clock; past it, fails with `why`.
async fn promptly<F: std::future::Future>(limit: Duration, fut: F, why: &str) -> F::Output {
    tokio::time::timeout(limit, fut)
        .await
        .unwrap_or_else(|_| panic!("{why}"))
}

/// A gate that jobs wait at until the test opens it.
#[derive(Clone, Default)]
struct Gate(Arc<(Mutex<bool>, Condvar)>);

impl Gate {
    fn wait(&self) {
        let (open, changed) = &*self.0;
        let mut open = open.lock().unwrap();
        while !*open {
            open = changed.wait(open).unwrap();
        }
    }

    fn open(&self) {
        let (open, changed) = &*self.0;
        *open.lock().unwrap() = true;
        changed.notify_all();
    }
}

#[test]
fn new_rejects_zero_workers_and_a_zero_sized_queue() {
    testkit::within(LIMIT, || {
        assert_eq!(
            Pool::new(0, 4).err(),
            Some(PoolError::InvalidSize {
                workers: 0,
                capacity: 4
            }),
            "a pool without workers would never run a job: `new` must refuse it"
        );
        assert_eq!(
            Pool::new(2, 0).err(),
            Some(PoolError::InvalidSize {
                workers: 2,
                capacity: 0
            }),
            "a queue of 0 jobs is refused (`mpsc::channel(0)` would panic)"
        );
    });
}

#[test]
fn jobs_run_and_return_their_results() {
    testkit::run_both(LIMIT, || async {
        let pool = Pool::new(2, 4).expect("valid sizes");
        assert_eq!(
            pool.workers(),
            2,
            "`Pool::new(2, 4)` starts two worker threads"
        );
        // Sixteen jobs through a queue of four: `submit` waits for room now and then.
        let mut tickets = Vec::new();
        for i in 0..16u32 {
            tickets.push(
                pool.submit(move || blake3::hash(&i.to_le_bytes()))
                    .await
                    .unwrap(),
            );
        }
        for (i, ticket) in (0..16u32).zip(tickets) {
            assert_eq!(
                ticket.result().await,
                Ok(blake3::hash(&i.to_le_bytes())),
                "ticket {i} must return the value of job {i}"
            );
        }
        assert_eq!(
            pool.run(|| "direct").await,
            Ok("direct"),
            "`run` returns the job's value"
        );
        promptly(PROMPTLY, pool.shutdown(), SHUTDOWN_NEVER_RETURNED)
            .await
            .expect("a clean shutdown");
    });
}

#[test]
fn a_full_queue_makes_submit_wait() {
    testkit::run_both(LIMIT, || async {
        const WORKERS: u32 = 2;
        const CAPACITY: u32 = 3;
        let pool = Pool::new(WORKERS as usize, CAPACITY as usize).expect("valid sizes");
        let gate = Gate::default();
        let (started_tx, mut started) = mpsc::unbounded_channel();
        let gated = |n: u32| {
            let (gate, started_tx) = (gate.clone(), started_tx.clone());
            move || {
                started_tx.send(n).unwrap();
                gate.wait();
                n
            }
        };

        // Occupy every worker, and wait until each has really started its job.
        let mut tickets = Vec::new();
        for n in 0..WORKERS {
            tickets.push(pool.submit(gated(n)).await.unwrap());
        }
        for _ in 0..WORKERS {
            promptly(
                PROMPTLY,
                started.recv(),
                "with every job but one waiting at a gate, the next job never started on the \
                 free worker: the workers run one job at a time, so a worker probably keeps the \
                 queue's lock while it runs its job (a guard that lives until the end of the \
                 loop body, as in `while let Some(task) = queue.lock().unwrap().blocking_recv()`)",
            )
            .await
            .unwrap();
        }

        // The queue has room for exactly CAPACITY more: each of these is accepted at once.
        for n in WORKERS..WORKERS + CAPACITY {
            tickets.push(
                testkit::timeout(LIMIT, pool.submit(gated(n)))
                    .await
                    .unwrap(),
            );
        }

        // One more finds the queue full, so its `submit` must wait. (The block ends the pinned
        // future's borrow of `pool` before `shutdown` takes the pool.)
        let last = {
            let mut one_too_many = pin!(pool.submit(gated(WORKERS + CAPACITY)));
            assert!(
                futures::poll!(one_too_many.as_mut()).is_pending(),
                "with {WORKERS} busy workers and {CAPACITY} queued jobs, one more `submit` was \
                 accepted: the queue holds more than its capacity"
            );
            assert!(
                started.try_recv().is_err(),
                "a queued job started while every worker was still busy"
            );

            // Let everything run: the waiting `submit` gets its slot, and every job finishes.
            gate.open();
            testkit::timeout(LIMIT, one_too_many).await.unwrap()
        };
        tickets.push(last);
        for (n, ticket) in (0..).zip(tickets) {
            assert_eq!(
                ticket.result().await,
                Ok(n),
                "ticket {n} must return the value of job {n}"
            );
        }
        promptly(PROMPTLY, pool.shutdown(), SHUTDOWN_NEVER_RETURNED)
            .await
            .expect("a clean shutdown");
    });
}

#[test]
fn a_panicking_job_is_an_error_and_the_pool_keeps_serving() {
    testkit::run_both(LIMIT, || async {
        // One worker, so the jobs after the panic can only run if that worker survived it.
        let pool = Pool::new(1, 2).expect("valid sizes");
        let failed = pool.run(|| -> u32 { panic!("bad input 42") }).await;
        match failed {
            Err(PoolError::JobPanicked(message)) => assert!(
                message.contains("bad input 42"),
                "the error should carry the panic's message, got {message:?}"
            ),
            other => panic!("expected PoolError::JobPanicked, got {other:?}"),
        }
        for i in 0..5u32 {
            assert_eq!(
                pool.run(move || i * 10).await,
                Ok(i * 10),
                "after a job panicked, the same worker must go on running the next jobs"
            );
        }
        promptly(PROMPTLY, pool.shutdown(), SHUTDOWN_NEVER_RETURNED)
            .await
            .expect("a clean shutdown");
    });
}

thread_local! {
    /// Set by a job on the worker thread that runs it; dropped when that thread exits.
    static ON_EXIT: RefCell<Option<CountOnExit>> = const { RefCell::new(None) };
}

/// Counts a thread's exit. It takes its time, so a `shutdown` that returns without joining the
/// threads would almost certainly look before any count has been made.
struct CountOnExit(Arc<AtomicUsize>);

impl Drop for CountOnExit {
    fn drop(&mut self) {
        thread::sleep(Duration::from_millis(50));
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn shutdown_finishes_queued_jobs_and_joins_every_thread() {
    // Both flavours at the same time: each run mostly waits for its threads' deliberately slow
    // exits, so together they take the time of one.
    testkit::both_flavours_at_once(|flavor| {
        testkit::run(
            flavor,
            LIMIT,
            shutdown_finishes_queued_jobs_and_joins_every_thread_on,
        )
    });
}

/// The body of `shutdown_finishes_queued_jobs_and_joins_every_thread`, run once per flavour.
async fn shutdown_finishes_queued_jobs_and_joins_every_thread_on() {
    const WORKERS: usize = 3;
    let pool = Pool::new(WORKERS, 8).expect("valid sizes");
    let exited = Arc::new(AtomicUsize::new(0));
    let finished = Arc::new(AtomicUsize::new(0));

    // One job per worker: the barrier lets none finish until all three run at once, so they
    // are on three different threads, and each marks its thread to be counted on exit.
    let barrier = Arc::new(Barrier::new(WORKERS));
    let mut on_threads = Vec::new();
    for _ in 0..WORKERS {
        let (barrier, exited) = (Arc::clone(&barrier), Arc::clone(&exited));
        on_threads.push(
            pool.submit(move || {
                ON_EXIT.with(|slot| *slot.borrow_mut() = Some(CountOnExit(exited)));
                barrier.wait();
                thread::current().id()
            })
            .await
            .unwrap(),
        );
    }
    // Five more jobs, queued behind those.
    let mut queued = Vec::new();
    for _ in 0..5 {
        let finished = Arc::clone(&finished);
        queued.push(
            pool.submit(move || {
                thread::sleep(Duration::from_millis(10));
                finished.fetch_add(1, Ordering::SeqCst);
            })
            .await
            .unwrap(),
        );
    }

    pool.shutdown().await.expect("a clean shutdown");
    assert_eq!(
        finished.load(Ordering::SeqCst),
        5,
        "`shutdown` returned before the queued jobs were done"
    );
    assert_eq!(
        exited.load(Ordering::SeqCst),
        WORKERS,
        "`shutdown` returned before every worker thread had ended: join them all"
    );

    let mut ids = BTreeSet::new();
    for ticket in on_threads {
        ids.insert(format!("{:?}", ticket.result().await.unwrap()));
    }
    assert_eq!(
        ids.len(),
        WORKERS,
        "the first jobs did not run on {WORKERS} threads"
    );
    for ticket in queued {
        assert_eq!(
            ticket.result().await,
            Ok(()),
            "every job queued before `shutdown` runs to its end"
        );
    }
}

#[test]
fn waiting_for_a_slow_job_leaves_the_runtime_free() {
    // The pool's work happens on its own threads: the runtime thread only waits. Here the job
    // waits at a gate that a task on the same current_thread runtime opens 50 ms later by the
    // runtime's clock, so a `run` that waits for the job by holding the runtime thread waits for
    // a job that cannot finish: the heartbeat stops, and the watchdog reports the block after
    // 200 ms, however busy the machine.
    //
    // The clock is paused
    // ([`tokio::time::pause`](https://docs.rs/tokio/latest/tokio/time/fn.pause.html)):
    // while every task waits, it jumps to the next timer instead of waiting in real time
    // (tokio/src/runtime/time/mod.rs), so a passing run takes a few milliseconds.
    testkit::run_watched(
        Flavor::CurrentThread,
        LIMIT,
        Duration::from_millis(200),
        || async {
            tokio::time::pause();
            let pool = Pool::new(1, 1).expect("valid sizes");
            let gate = Gate::default();
            let opener = gate.clone();
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(50)).await;
                opener.open();
            });
            let slow = pool.run(move || gate.wait()).await;
            assert_eq!(
                slow,
                Ok(()),
                "the slow job returns `()` once its gate opens"
            );
            pool.shutdown().await.expect("a clean shutdown");
        },
    );
}

#[test]
fn shutdown_waits_for_a_running_job_without_blocking_the_runtime() {
    // Joining a thread blocks the thread that joins. Here the last job waits at a gate that a task
    // on the same current_thread runtime opens, and that task can run only while `shutdown`
    // leaves the runtime thread free: a `shutdown` that joins the workers on the runtime thread
    // (instead of inside `spawn_blocking`) waits for a job that cannot finish, the heartbeat stops,
    // and the watchdog reports the block after 200 ms. Event order decides, not the clock.
    testkit::run_watched(
        Flavor::CurrentThread,
        LIMIT,
        Duration::from_millis(200),
        || async {
            let pool = Pool::new(1, 1).expect("valid sizes");
            let gate = Gate::default();
            let (started_tx, mut started) = mpsc::unbounded_channel();
            let waiting = gate.clone();
            let ticket = pool
                .submit(move || {
                    started_tx.send(()).unwrap();
                    waiting.wait();
                    "finished"
                })
                .await
                .unwrap();
            promptly(
                PROMPTLY,
                started.recv(),
                "the job never started on the pool's idle worker",
            )
            .await
            .unwrap();
            // Spawned, not run: on a current_thread runtime it runs at the first `.await` that
            // gives the runtime thread back, which a right `shutdown` does while it waits.
            let opener = gate.clone();
            tokio::spawn(async move { opener.open() });
            promptly(LIMIT, pool.shutdown(), SHUTDOWN_NEVER_RETURNED)
                .await
                .expect("a clean shutdown");
            assert_eq!(
                ticket.result().await,
                Ok("finished"),
                "the job that was running when `shutdown` was called runs to its end"
            );
        },
    );
}

/// Which worker a [`HoldExit`] keeps from ending.
#[derive(Clone, Copy)]
enum Held {
    /// The worker thread started first (the first one `new` spawns).
    First,
    /// The worker thread started last.
    Last,
}

thread_local! {
    /// Set by a job on the worker thread that runs it; dropped when that thread exits.
    static HOLD_EXIT: RefCell<Option<HoldExit>> = const { RefCell::new(None) };
}

impl std::fmt::Display for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Held::First => "the first worker thread started",
            Held::Last => "the last worker thread started",
        })
    }
}

/// Reports a worker thread's exit, after waiting at `gate` if the test chose to hold this thread.
struct HoldExit {
    /// The thread this value lives on (recorded by the job: `thread::current` is not usable while
    /// a thread's locals are destroyed).
    me: thread::ThreadId,
    /// The thread the test holds, once it has chosen one.
    held: Arc<Mutex<Option<thread::ThreadId>>>,
    gate: Gate,
    exits: mpsc::UnboundedSender<thread::ThreadId>,
}

impl Drop for HoldExit {
    fn drop(&mut self) {
        if *self.held.lock().unwrap() == Some(self.me) {
            self.gate.wait();
        }
        let _ = self.exits.send(self.me);
    }
}

/// The number in a `ThreadId`'s debug form (`ThreadId(7)`). The standard library hands out ids
/// from a counter as threads are spawned, so the order of these numbers is the order in which
/// `Pool::new` started its threads.
fn spawn_rank(id: thread::ThreadId) -> u64 {
    let text = format!("{id:?}");
    text.trim_start_matches("ThreadId(")
        .trim_end_matches(')')
        .parse()
        .unwrap_or(u64::MAX)
}

/// Holds one worker (the first or the last started) at its exit, lets the others end, and
/// checks that `shutdown` still waits for the held one.
async fn shutdown_waits_for_the_held_worker(which: Held) {
    const WORKERS: usize = 3;
    let pool = Pool::new(WORKERS, 4).expect("valid sizes");
    let held = Arc::new(Mutex::new(None));
    let gate = Gate::default();
    let (exits_tx, mut exits) = mpsc::unbounded_channel();

    // One job per worker, kept apart by a barrier so that each runs on its own thread and leaves
    // a `HoldExit` there.
    let barrier = Arc::new(Barrier::new(WORKERS));
    let mut tickets = Vec::new();
    for _ in 0..WORKERS {
        let (barrier, held, gate, exits) = (
            Arc::clone(&barrier),
            Arc::clone(&held),
            gate.clone(),
            exits_tx.clone(),
        );
        tickets.push(
            pool.submit(move || {
                let me = thread::current().id();
                HOLD_EXIT.with(|slot| {
                    *slot.borrow_mut() = Some(HoldExit {
                        me,
                        held,
                        gate,
                        exits,
                    })
                });
                barrier.wait();
                me
            })
            .await
            .unwrap(),
        );
    }
    let mut ids = Vec::new();
    for ticket in tickets {
        ids.push(
            promptly(LIMIT, ticket.result(), "a job never finished")
                .await
                .unwrap(),
        );
    }
    ids.sort_by_key(|&id| spawn_rank(id));
    ids.dedup();
    assert_eq!(
        ids.len(),
        WORKERS,
        "the {WORKERS} jobs did not run on {WORKERS} threads"
    );
    let target = match which {
        Held::First => ids[0],
        Held::Last => ids[WORKERS - 1],
    };
    *held.lock().unwrap() = Some(target);

    let mut shutdown = pin!(pool.shutdown());
    // The first poll closes the queue; the two threads that are not held then end.
    assert!(
        futures::poll!(shutdown.as_mut()).is_pending(),
        "`shutdown` returned while {which} was still running: join every worker thread"
    );
    for _ in 0..WORKERS - 1 {
        promptly(
            PROMPTLY,
            exits.recv(),
            "after `shutdown` closed the queue, the idle worker threads never ended",
        )
        .await
        .unwrap();
    }
    // A `shutdown` that skips the held thread now has nothing left to wait for and returns at
    // once; 100 ms is thousands of times what it needs, even on a loaded machine. A right one
    // cannot return: the thread it joins is parked at the gate.
    let early = tokio::time::timeout(Duration::from_millis(100), shutdown.as_mut()).await;
    assert!(
        early.is_err(),
        "`shutdown` returned while {which} had not ended: it must join every worker thread, \
         not all but one"
    );
    gate.open();
    promptly(LIMIT, shutdown, SHUTDOWN_NEVER_RETURNED)
        .await
        .expect("a clean shutdown");
    let last = promptly(PROMPTLY, exits.recv(), "the held worker thread never ended")
        .await
        .unwrap();
    assert_eq!(
        last, target,
        "the last thread to end is the one that was held"
    );
}

#[test]
fn shutdown_joins_the_first_and_the_last_worker() {
    // Two pools side by side on one runtime, one holding its first thread and one its last, so a
    // `shutdown` that leaves out either end of its list of threads is caught. Run under the
    // watchdog: holding a thread must not tempt a `shutdown` into joining on the runtime thread.
    testkit::run_watched(
        Flavor::CurrentThread,
        LIMIT,
        Duration::from_millis(200),
        || async {
            tokio::join!(
                shutdown_waits_for_the_held_worker(Held::First),
                shutdown_waits_for_the_held_worker(Held::Last),
            );
        },
    );
}
