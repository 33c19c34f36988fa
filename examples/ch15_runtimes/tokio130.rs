//! # tokio130: one small program under Tokio, smol and the chapter 5 tiny executor
//!
//! Chapter 15, *other runtimes and how to choose*. The same four jobs run on three
//! single-threaded executors, one after the other, in one process, and a table compares them:
//!
//! - **start-up**: build the executor and run an empty future to the end;
//! - **spawn**: spawn `TASKS` tasks that return at once and await them all (per task);
//! - **timer**: sleep 10 ms and measure how late the wake-up comes;
//! - **echo**: a TCP echo server on 127.0.0.1 and a client in the same executor, `ROUND_TRIPS`
//!   round trips of 64 bytes (per round trip);
//! - **CPU job**: hash 64 MiB (8 MiB, 8 times) with blake3 off the executor (Tokio's `spawn_blocking`, smol's
//!   `unblock`, a plain thread for the tiny executor) while a 1 ms ticker counts how many times the
//!   executor got to run it: a ticker that counts nothing would mean the job blocked the executor.
//!
//! The tiny executor has no reactor of its own. Its echo uses smol's `Async<TcpStream>`, whose
//! reactor runs on a thread of its own (`async-io`) when no smol `block_on` drives it: I/O written
//! against the `futures` traits works on any executor. Tokio's `TcpStream` does not: the program
//! tries one under the tiny executor and prints the panic it gets.
//!
//! ```text
//! cargo run --release --example tokio130
//! ```
//!
//! Each executor runs the jobs `ROUNDS` times, the three taking turns, and the table gives the
//! median of each figure. Prints the table and three check lines of this form
//! (`cargo run --example tokio130 -- TASKS ROUND_TRIPS ROUNDS` picks other sizes; the tests run
//! small ones). The figures vary from run to run and machine to machine; the book shows one
//! recorded run with its machine:
//!
//! ```text
//! median of 5 rounds, the executors taking turns
//! job                         tokio   smol   tiny
//! start-up (us)                 ...    ...    ...
//! spawn, per task (ns)          ...    ...    ...
//! timer 10 ms, late by (us)     ...    ...    ...
//! echo round trip (us)          ...    ...    ...
//! CPU job off executor (ms)     ...    ...    ...
//! ticks during CPU job          ...    ...    ...
//! check: all ran 10000 tasks, echoed 2000 x 64 bytes, got the same hash
//! check: every ticker ticked while the CPU job ran
//! check: Tokio's TcpStream on the tiny executor: "there is no reactor running, ..."
//! ```

#[path = "../ch05_future/tiny_executor.rs"]
mod tiny_executor;

use std::net::{Ipv4Addr, TcpListener as StdListener, TcpStream as StdStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::{AsyncReadExt as _, AsyncWriteExt as _};
use smol::Async;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// One message of the echo job.
const MESSAGE: [u8; 64] = [b'x'; 64];
/// The CPU job hashes a buffer of this many bytes, `CPU_ROUNDS` times.
const CPU_BYTES: usize = 8 << 20;
const CPU_ROUNDS: usize = 8;
/// The timer job's sleep.
const TIMER: Duration = Duration::from_millis(10);

/// What one executor measured.
struct Row {
    start_up: Duration,
    spawn_per_task: Duration,
    timer_late: Duration,
    round_trip: Duration,
    cpu_job: Duration,
    ticks: usize,
    tasks_ran: usize,
    echoed: usize,
    hash: blake3::Hash,
}

/// The CPU-bound job: the same on every executor, run on a thread that is not the executor's.
fn cpu_job() -> blake3::Hash {
    let data = vec![7u8; CPU_BYTES];
    let mut hasher = blake3::Hasher::new();
    for _ in 0..CPU_ROUNDS {
        hasher.update(&data);
    }
    hasher.finalize()
}

// ANCHOR: tokio
fn on_tokio(tasks: usize, trips: usize) -> Row {
    let start = Instant::now();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("cannot build a runtime");
    rt.block_on(async {});
    let start_up = start.elapsed();
    rt.block_on(async {
        let ran = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let ran = Arc::clone(&ran);
                tokio::spawn(async move { ran.fetch_add(1, Ordering::Relaxed) })
            })
            .collect();
        for handle in handles {
            handle.await.expect("a task panicked");
        }
        let spawn_per_task = start.elapsed() / tasks as u32;

        let start = Instant::now();
        tokio::time::sleep(TIMER).await;
        let timer_late = start.elapsed().saturating_sub(TIMER);

        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("cannot bind");
        let addr = listener.local_addr().expect("no address");
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.expect("accept");
            let mut buf = [0u8; 64];
            while socket.read_exact(&mut buf).await.is_ok() {
                socket.write_all(&buf).await.expect("echo");
            }
        });
        let mut client =
            tokio::net::TcpStream::connect(addr).await.expect("connect");
        client.set_nodelay(true).expect("nodelay");
        let (mut echoed, mut buf) = (0, [0u8; 64]);
        let start = Instant::now();
        for _ in 0..trips {
            client.write_all(&MESSAGE).await.expect("send");
            client.read_exact(&mut buf).await.expect("receive");
            echoed += usize::from(buf == MESSAGE);
        }
        let round_trip = start.elapsed() / trips as u32;

        let ticks = Arc::new(AtomicUsize::new(0));
        let ticker =
            tokio::spawn(tick(Arc::clone(&ticks), |d| tokio::time::sleep(d)));
        let start = Instant::now();
        let hash = tokio::task::spawn_blocking(cpu_job).await.expect("cpu job");
        let cpu_job = start.elapsed();
        ticker.abort();
        Row {
            start_up,
            spawn_per_task,
            timer_late,
            round_trip,
            cpu_job,
            ticks: ticks.load(Ordering::Relaxed),
            tasks_ran: ran.load(Ordering::Relaxed),
            echoed,
            hash,
        }
    })
}
// ANCHOR_END: tokio

/// Counts a tick every millisecond, on whatever timer `sleep` gives, until it is dropped.
async fn tick<S: Future<Output = ()>>(
    ticks: Arc<AtomicUsize>,
    sleep: impl Fn(Duration) -> S,
) {
    loop {
        sleep(Duration::from_millis(1)).await;
        ticks.fetch_add(1, Ordering::Relaxed);
    }
}

/// The echo job on `futures` traits, with smol's `Async` sockets: the same code runs on smol's
/// executor and on the tiny one. Spawning goes through `spawn`, the one thing that differs.
async fn echo_futures_io(
    trips: usize,
    spawn: impl FnOnce(std::pin::Pin<Box<dyn Future<Output = ()> + Send>>),
) -> (usize, Duration) {
    let listener = Async::<StdListener>::bind((Ipv4Addr::LOCALHOST, 0))
        .expect("cannot bind");
    let addr = listener.get_ref().local_addr().expect("no address");
    spawn(Box::pin(async move {
        let (mut socket, _) = listener.accept().await.expect("accept");
        let mut buf = [0u8; 64];
        while socket.read_exact(&mut buf).await.is_ok() {
            socket.write_all(&buf).await.expect("echo");
        }
    }));
    let mut client = Async::<StdStream>::connect(addr).await.expect("connect");
    client.get_ref().set_nodelay(true).expect("nodelay");
    let (mut echoed, mut buf) = (0, [0u8; 64]);
    let start = Instant::now();
    for _ in 0..trips {
        client.write_all(&MESSAGE).await.expect("send");
        client.read_exact(&mut buf).await.expect("receive");
        echoed += usize::from(buf == MESSAGE);
    }
    (echoed, start.elapsed() / trips as u32)
}

// ANCHOR: smol
fn on_smol(tasks: usize, trips: usize) -> Row {
    let start = Instant::now();
    let ex = smol::LocalExecutor::new();
    smol::block_on(ex.run(async {}));
    let start_up = start.elapsed();
    smol::block_on(ex.run(async {
        let ran = Arc::new(AtomicUsize::new(0));
        let start = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|_| {
                let ran = Arc::clone(&ran);
                ex.spawn(async move { ran.fetch_add(1, Ordering::Relaxed) })
            })
            .collect();
        for handle in handles {
            handle.await;
        }
        let spawn_per_task = start.elapsed() / tasks as u32;

        let start = Instant::now();
        smol::Timer::after(TIMER).await;
        let timer_late = start.elapsed().saturating_sub(TIMER);

        let (echoed, round_trip) =
            echo_futures_io(trips, |fut| ex.spawn(fut).detach()).await;

        let ticks = Arc::new(AtomicUsize::new(0));
        let ticker = ex.spawn(tick(Arc::clone(&ticks), |d| async move {
            smol::Timer::after(d).await;
        }));
        let start = Instant::now();
        let hash = smol::unblock(cpu_job).await;
        let cpu_job = start.elapsed();
        drop(ticker); // dropping a smol Task cancels it
        Row {
            start_up,
            spawn_per_task,
            timer_late,
            round_trip,
            cpu_job,
            ticks: ticks.load(Ordering::Relaxed),
            tasks_ran: ran.load(Ordering::Relaxed),
            echoed,
            hash,
        }
    }))
}
// ANCHOR_END: smol

// ANCHOR: tiny
fn on_tiny(tasks: usize, trips: usize) -> Row {
    let start = Instant::now();
    let ex = tiny_executor::Executor::new();
    let timers = tiny_executor::TimerThread::start();
    ex.spawn(async {});
    ex.run();
    let start_up = start.elapsed();

    let ran = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|_| {
            let ran = Arc::clone(&ran);
            ex.spawn(async move { ran.fetch_add(1, Ordering::Relaxed) })
        })
        .collect();
    let all = ex.spawn(futures::future::join_all(handles));
    ex.run();
    assert_eq!(all.try_take().map(|v| v.len()), Some(tasks));
    let spawn_per_task = start.elapsed() / tasks as u32;

    let late = ex.spawn({
        let timers = timers.clone();
        async move {
            let start = Instant::now();
            timers.sleep(TIMER).await;
            start.elapsed().saturating_sub(TIMER)
        }
    });
    ex.run();
    let timer_late = late.try_take().expect("the timer task finished");

    let spawner = ex.clone();
    let echo = ex.spawn(echo_futures_io(trips, move |fut| {
        spawner.spawn(fut);
    }));
    let (echoed, round_trip) = wait_for(&ex, echo);

    let ticks = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let ticker = {
        let (ticks, stop, timers) =
            (Arc::clone(&ticks), Arc::clone(&stop), timers);
        ex.spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                timers.sleep(Duration::from_millis(1)).await;
                ticks.fetch_add(1, Ordering::Relaxed);
            }
        })
    };
    let job = ex.spawn({
        let stop = Arc::clone(&stop);
        async move {
            let (tx, rx) = futures::channel::oneshot::channel();
            let start = Instant::now();
            std::thread::spawn(move || tx.send(cpu_job()));
            let hash = rx.await.expect("the CPU thread ended");
            stop.store(true, Ordering::Relaxed);
            (hash, start.elapsed())
        }
    });
    let (hash, cpu_job) = wait_for(&ex, job);
    drop(ticker);
    Row {
        start_up,
        spawn_per_task,
        timer_late,
        round_trip,
        cpu_job,
        ticks: ticks.load(Ordering::Relaxed),
        tasks_ran: ran.load(Ordering::Relaxed),
        echoed,
        hash,
    }
}
// ANCHOR_END: tiny

/// Runs the executor on a thread of its own until every task has ended, and
/// waits here for the output of `handle`'s task. (A job's task may leave
/// others running, such as the echo server until its client hangs up, so
/// this thread does not run the executor itself.)
fn wait_for<T: Send + 'static>(
    ex: &tiny_executor::Executor,
    handle: tiny_executor::JoinHandle<T>,
) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    ex.spawn(async move {
        let _ = tx.send(handle.await);
    });
    let runner = ex.clone();
    std::thread::spawn(move || runner.run());
    rx.recv().expect("the tiny executor's thread ended")
}

/// What happens to a Tokio socket under an executor that is not Tokio.
fn tokio_socket_on_tiny() -> String {
    let ex = tiny_executor::Executor::new();
    let connect = ex.spawn(async {
        let addr = (Ipv4Addr::LOCALHOST, 9);
        let _ = tokio::net::TcpStream::connect(addr).await;
    });
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| ex.run()));
    std::panic::set_hook(hook);
    drop(connect);
    match outcome {
        Ok(()) => "did not panic".to_string(),
        Err(payload) => {
            let text = payload
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| {
                    payload.downcast_ref::<&str>().map(|s| s.to_string())
                })
                .unwrap_or_default();
            let first = text.split(',').next().unwrap_or_default();
            format!("\"{first}, ...\"")
        }
    }
}

/// The median of one figure over the rounds of one executor.
fn median<T: Copy + Ord>(rounds: &[Row], f: impl Fn(&Row) -> T) -> T {
    let mut values: Vec<T> = rounds.iter().map(f).collect();
    values.sort();
    values[values.len() / 2]
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("arguments: TASKS ROUND_TRIPS ROUNDS"))
        .collect();
    let (tasks, trips, rounds) = match args[..] {
        [t, r, n] => (t.max(1), r.max(1), n.max(1)),
        [] => (10_000, 2_000, 5),
        _ => panic!("arguments: TASKS ROUND_TRIPS ROUNDS, or none"),
    };
    // The executors take turns, round after round, so that a burst of load
    // from elsewhere on the machine falls on all three alike.
    let mut all: [Vec<Row>; 3] = Default::default();
    for _ in 0..rounds {
        all[0].push(on_tokio(tasks, trips));
        all[1].push(on_smol(tasks, trips));
        all[2].push(on_tiny(tasks, trips));
    }

    println!("median of {rounds} rounds, the executors taking turns");
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("{:<26}{:>7}{:>7}{:>7}", "job", "tokio", "smol", "tiny");
    let line = |name: &str, f: &dyn Fn(&[Row]) -> String| {
        print!("{name:<26}");
        for rows in &all {
            print!("{:>7}", f(rows));
        }
        println!();
    };
    line("start-up (us)", &|r| {
        format!("{:.0}", us(median(r, |r| r.start_up)))
    });
    line("spawn, per task (ns)", &|r| {
        let d = median(r, |r| r.spawn_per_task);
        format!("{:.0}", d.as_secs_f64() * 1e9)
    });
    line("timer 10 ms, late by (us)", &|r| {
        format!("{:.0}", us(median(r, |r| r.timer_late)))
    });
    line("echo round trip (us)", &|r| {
        format!("{:.1}", us(median(r, |r| r.round_trip)))
    });
    line("CPU job off executor (ms)", &|r| {
        let d = median(r, |r| r.cpu_job);
        format!("{:.1}", d.as_secs_f64() * 1e3)
    });
    line("ticks during CPU job", &|r| {
        median(r, |r| r.ticks).to_string()
    });

    let rows: Vec<&Row> = all.iter().flatten().collect();
    let same = rows.iter().all(|r| {
        r.tasks_ran == tasks && r.echoed == trips && r.hash == rows[0].hash
    });
    if same {
        println!(
            "check: all ran {tasks} tasks, echoed {trips} x 64 bytes, got \
             the same hash"
        );
    } else {
        println!("check: MISMATCH between the executors");
    }
    if all.iter().all(|rows| median(rows, |r| r.ticks) > 0) {
        println!("check: every ticker ticked while the CPU job ran");
    } else {
        println!(
            "check: a ticker never ticked: the CPU job blocked its executor"
        );
    }
    println!(
        "check: Tokio's TcpStream on the tiny executor: {}",
        tokio_socket_on_tiny()
    );
}
