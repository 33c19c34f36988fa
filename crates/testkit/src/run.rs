//! Running a test body on a fresh runtime, on a thread of its own, with a time limit.
//!
//! Every function here follows one pattern: the body runs on a spawned thread and sends its result back
//! over a [`std::sync::mpsc`](https://doc.rust-lang.org/std/sync/mpsc/index.html) channel, while the
//! test's own thread waits with
//! [`recv_timeout`](https://doc.rust-lang.org/std/sync/mpsc/struct.Receiver.html#method.recv_timeout).
//! A body that never finishes cannot be stopped from outside (Rust has no way to kill a thread), so on
//! a time-out the test thread panics and the stuck thread is abandoned until the test process exits.
//! A body stuck waiting is parked and costs nothing; one stuck in a busy loop keeps a core busy until
//! the process ends, which is one reason the `lab` tool puts a process-level limit on top.

use std::any::Any;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};
use std::sync::Arc;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

use crate::Flavor;
use crate::messages;
use crate::watchdog::{Beat, CHECK_EVERY, SilenceMeter};

/// How often [`run_watched`] beats its heartbeat.
const HEARTBEAT_TICK: Duration = Duration::from_millis(1);

/// What the body thread sends back to the thread that waits for it.
enum Msg<T> {
    /// The heartbeat of [`run_watched`] is running; the waiting thread may start watching it.
    Started(Arc<Beat>),
    /// The body returned, or panicked with this payload.
    Finished(thread::Result<T>),
}

/// Why a body did not produce a value.
enum Failure {
    /// The body panicked; the payload is re-raised unchanged so that
    /// `#[should_panic(expected = ...)]` sees the original message.
    Panicked(Box<dyn Any + Send>),
    /// The body was stopped from outside (a time-out or a blocked runtime); this is the message.
    Stopped(String),
}

/// Turns a failure into a panic on the calling thread.
#[track_caller]
fn raise(failure: Failure) -> ! {
    match failure {
        // `resume_unwind` does not run the panic hook again: the body thread already printed the
        // message and its location once, which is the line a reader needs.
        Failure::Panicked(payload) => panic::resume_unwind(payload),
        Failure::Stopped(message) => panic!("{message}"),
    }
}

/// Starts `body` on a new thread that carries the caller's name, so that a panic inside the body is
/// printed as `thread '<test name>' panicked at ...`, the same line an ordinary test failure prints.
fn spawn_named(body: impl FnOnce() + Send + 'static) {
    let name = thread::current()
        .name()
        .unwrap_or("testkit-body")
        .to_owned();
    // The handle is dropped on purpose: the result comes back over a channel, and a body that never
    // finishes must not be joined.
    let _detached = thread::Builder::new().name(name).spawn(body).expect(
        "could not start a thread for the test body: the system may be out of threads or memory",
    );
}

/// Runs the future made by `make` on a fresh runtime of `flavor`, on a thread of its own, and
/// returns its output.
///
/// If the body has not finished after `limit`, panics with a message that starts with
/// [`messages::TIMED_OUT`], for example
/// ``did not complete in 2 s on a current_thread runtime: a future that returns `Pending` must arrange to be woken``.
/// The stuck thread is abandoned, not joined. A panic inside the body (or inside `make`) is
/// re-raised on the calling thread with its original payload, so `#[should_panic(expected = ...)]`
/// works as usual.
///
/// The runtime is built on the body's thread, so the future does not need to be `Send`; only `make`
/// crosses threads. The runtime is dropped after the result has been handed back, so a task left
/// running in the background cannot delay the test.
///
/// ```
/// use std::time::Duration;
/// use testkit::Flavor;
///
/// let n = testkit::run(Flavor::CurrentThread, Duration::from_secs(2), || async {
///     tokio::task::yield_now().await;
///     40 + 2
/// });
/// assert_eq!(n, 42);
/// ```
#[track_caller]
pub fn run<F, Fut>(flavor: Flavor, limit: Duration, make: F) -> Fut::Output
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future + 'static,
    Fut::Output: Send + 'static,
{
    // A `match` rather than `unwrap_or_else`: a closure would hide the caller's location, which
    // `#[track_caller]` puts in the panic message.
    match drive(flavor, limit, None, make) {
        Ok(output) => output,
        Err(failure) => raise(failure),
    }
}

/// Runs the body made by `make` with [`run()`] on a current_thread runtime, then on a multi_thread one.
///
/// Use it where the lesson must hold on both flavours. A time-out names the flavour in its message;
/// when the body panics, a line naming the flavour is printed to standard error and the original
/// panic is re-raised unchanged.
///
/// ```
/// use std::time::Duration;
///
/// testkit::run_both(Duration::from_secs(2), || async {
///     let handle = tokio::spawn(async { 7 });
///     assert_eq!(handle.await.unwrap(), 7);
/// });
/// ```
#[track_caller]
pub fn run_both<F, Fut>(limit: Duration, make: F)
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let make = Arc::new(make);
    for flavor in Flavor::BOTH {
        let make = Arc::clone(&make);
        if let Err(failure) = drive(flavor, limit, None, move || make()) {
            if let Failure::Panicked(_) = failure {
                eprintln!("run_both: the body failed on a {flavor} runtime");
            }
            raise(failure);
        }
    }
}

/// Runs `check` once per runtime flavour, both at the same time, each on a thread of its own named
/// after the calling test and the flavour, so a panic inside is printed under that name.
///
/// Where [`run_both`] runs the flavours one after the other, this suits checks that mostly wait
/// (for real time to pass, for threads to exit): together they take the time of one. `check` is
/// given the flavour and usually calls [`run()`] or [`run_watched`] with it. A failure on either
/// flavour is re-raised unchanged, after a line on stderr naming the flavour.
///
/// ```
/// use std::time::Duration;
///
/// testkit::both_flavours_at_once(|flavor| {
///     testkit::run(flavor, Duration::from_secs(2), || async {
///         tokio::time::sleep(Duration::from_millis(10)).await;
///     });
/// });
/// ```
pub fn both_flavours_at_once(check: impl Fn(Flavor) + Sync) {
    let test = thread::current().name().unwrap_or("test").to_owned();
    let check = &check;
    thread::scope(|s| {
        let runs = Flavor::BOTH.map(|flavor| {
            let run = thread::Builder::new()
                .name(format!("{test} ({flavor})"))
                .spawn_scoped(s, move || check(flavor))
                .expect("could not start a thread: the system may be out of threads");
            (flavor, run)
        });
        for (flavor, run) in runs {
            if let Err(panic) = run.join() {
                eprintln!("the check failed on a {flavor} runtime");
                panic::resume_unwind(panic);
            }
        }
    });
}

/// Like [`run()`], and also watches the runtime thread for blocking calls.
///
/// A heartbeat task is spawned on the runtime before the body starts; it records the time every
/// millisecond. The calling thread checks that record every few milliseconds, and as soon as the
/// heartbeat has been silent for longer than `max_block` it panics with a message that starts with
/// [`messages::RUNTIME_BLOCKED`], for example
/// `the runtime thread was blocked for 812 ms: is a blocking call running inside async code?`,
/// without waiting for the body (whose thread is abandoned). A blocked body that would never finish
/// is therefore reported as blocked, not as a time-out, as long as `max_block` is shorter than
/// `limit`.
///
/// Two pauses are not counted as blocks: the time a panic hook spends printing on the runtime thread
/// (with `RUST_BACKTRACE=1` that can exceed 100 ms, and the panic is the failure to report), and time
/// during which the watching thread was itself kept off the CPU by a busy machine (during a real
/// blocking call the watcher runs normally, so the block is still counted).
///
/// Meant for [`Flavor::CurrentThread`]: there the body and the heartbeat share the one runtime
/// thread, so any blocking call in the body silences the heartbeat. On a multi_thread runtime the
/// body given to `block_on` runs on the calling thread, outside the worker threads
/// (tokio/src/runtime/scheduler/multi_thread/mod.rs), and the heartbeat may be picked up by
/// whichever worker is free, so a block is seen only when it stalls the worker that holds the
/// heartbeat.
///
/// Pick `max_block` with a generous margin (100 ms or more): the gap is measured with the wall
/// clock, and even a healthy thread can wait a few milliseconds to be scheduled. With
/// paused time ([`tokio::time::pause`](https://docs.rs/tokio/latest/tokio/time/fn.pause.html)) the
/// heartbeat's 1 ms timer is one of the timers the clock advances through, so a paused sleep of an
/// hour takes millions of beats; prefer [`run()`] with [`timeout`] for paused-time tests.
///
/// ```
/// use std::time::Duration;
/// use testkit::Flavor;
///
/// // Sleeping with Tokio's timer yields to the runtime, so the heartbeat keeps beating.
/// testkit::run_watched(Flavor::CurrentThread, Duration::from_secs(2), Duration::from_millis(100), || async {
///     tokio::time::sleep(Duration::from_millis(20)).await;
/// });
/// ```
///
/// ```should_panic
/// use std::time::Duration;
/// use testkit::Flavor;
///
/// // `std::thread::sleep` holds the only runtime thread: reported as blocked.
/// testkit::run_watched(Flavor::CurrentThread, Duration::from_secs(2), Duration::from_millis(100), || async {
///     std::thread::sleep(Duration::from_millis(300));
/// });
/// ```
#[track_caller]
pub fn run_watched<F, Fut>(
    flavor: Flavor,
    limit: Duration,
    max_block: Duration,
    make: F,
) -> Fut::Output
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future + 'static,
    Fut::Output: Send + 'static,
{
    match drive(flavor, limit, Some(max_block), make) {
        Ok(output) => output,
        Err(failure) => raise(failure),
    }
}

/// The shared engine of [`run()`], [`run_both`] and [`run_watched`].
fn drive<F, Fut>(
    flavor: Flavor,
    limit: Duration,
    max_block: Option<Duration>,
    make: F,
) -> Result<Fut::Output, Failure>
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future + 'static,
    Fut::Output: Send + 'static,
{
    // A limit too large to add to the clock (such as `Duration::MAX`) means "no limit"; a year
    // stands in for it.
    let deadline = Instant::now()
        .checked_add(limit)
        .unwrap_or_else(|| Instant::now() + Duration::from_secs(365 * 24 * 3600));
    let (tx, rx) = mpsc::channel::<Msg<Fut::Output>>();
    let watched = max_block.is_some();

    spawn_named(move || {
        let runtime = match panic::catch_unwind(|| flavor.runtime()) {
            Ok(runtime) => runtime,
            Err(payload) => {
                let _ = tx.send(Msg::Finished(Err(payload)));
                return;
            }
        };
        let started = tx.clone();
        let result = panic::catch_unwind(AssertUnwindSafe(|| {
            runtime.block_on(async move {
                if watched {
                    let beat = crate::watchdog::spawn_heartbeat(HEARTBEAT_TICK);
                    // The waiting thread may already have given up; then nobody needs the beat.
                    let _ = started.send(Msg::Started(beat));
                }
                make().await
            })
        }));
        // Hand the result back before dropping the runtime: dropping it waits for its worker and
        // blocking threads (`BlockingPool`'s `Drop` calls `shutdown(None)`, with no time limit, in
        // tokio/src/runtime/blocking/pool.rs), and a task the body left stuck must not turn a pass
        // into a time-out.
        let _ = tx.send(Msg::Finished(result));
        drop(runtime);
    });

    let mut beat: Option<(Arc<Beat>, SilenceMeter)> = None;
    let outcome = loop {
        let now = Instant::now();
        if now >= deadline {
            break Err(Failure::Stopped(messages::timed_out_on(limit, flavor)));
        }
        let wait = match (&beat, max_block) {
            (Some(_), Some(_)) => CHECK_EVERY.min(deadline - now),
            _ => deadline - now,
        };
        match rx.recv_timeout(wait) {
            Ok(Msg::Started(b)) => {
                let meter = SilenceMeter::new(&b);
                beat = Some((b, meter));
            }
            Ok(Msg::Finished(Ok(output))) => break Ok(output),
            Ok(Msg::Finished(Err(payload))) => break Err(Failure::Panicked(payload)),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                break Err(Failure::Stopped(messages::body_lost()));
            }
        }
        if let (Some((b, meter)), Some(max)) = (&mut beat, max_block) {
            let silence = meter.check(b);
            if silence > max {
                break Err(Failure::Stopped(messages::runtime_blocked(silence)));
            }
        }
    };
    if let Some((b, _)) = &beat {
        b.stop();
    }
    outcome
}

/// For thread code: runs `f` on a thread of its own and returns what it returns.
///
/// If `f` has not returned after `limit`, panics with a message that starts with
/// [`messages::THREAD_TIMED_OUT`], for example
/// ``did not finish in 2 s: is a thread waiting for something that never happens, such as a `join` on a worker whose channel never closes, or a lock that is never released?``.
/// The stuck thread is abandoned. A panic inside `f` is re-raised with its original payload.
///
/// ```
/// use std::time::Duration;
///
/// let total = testkit::within(Duration::from_secs(2), || {
///     let worker = std::thread::spawn(|| (1..=10).sum::<u32>());
///     worker.join().unwrap()
/// });
/// assert_eq!(total, 55);
/// ```
#[track_caller]
pub fn within<T, F>(limit: Duration, f: F) -> T
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let (tx, rx) = mpsc::channel();
    spawn_named(move || {
        let _ = tx.send(panic::catch_unwind(AssertUnwindSafe(f)));
    });
    match rx.recv_timeout(limit) {
        Ok(Ok(value)) => value,
        Ok(Err(payload)) => panic::resume_unwind(payload),
        Err(RecvTimeoutError::Timeout) => panic!("{}", messages::thread_timed_out(limit)),
        Err(RecvTimeoutError::Disconnected) => panic!("{}", messages::body_lost()),
    }
}

/// An in-async time-out for a test body that already runs on a runtime.
///
/// Awaits `fut` for at most `limit` using
/// [`tokio::time::timeout`](https://docs.rs/tokio/latest/tokio/time/fn.timeout.html), so it follows
/// the runtime's clock: with paused time the limit is virtual and passes as soon as the runtime has
/// nothing else to do. Past the limit it panics with a message that starts with
/// [`messages::TIMED_OUT`]:
/// ``did not complete in 2 s: a future that returns `Pending` must arrange to be woken``.
///
/// ```
/// use std::time::Duration;
///
/// #[tokio::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     // With paused time this "waits" an hour of virtual time in an instant.
///     let value = testkit::timeout(Duration::from_secs(7200), async {
///         tokio::time::sleep(Duration::from_secs(3600)).await;
///         "done"
///     })
///     .await;
///     assert_eq!(value, "done");
/// }
/// ```
///
/// The panic is raised inside testkit, so its message ends with the place in the test that called
/// `timeout` (an `async fn` cannot be `#[track_caller]`; this is a plain function that returns the
/// future, and it is).
#[track_caller]
pub fn timeout<F: Future>(limit: Duration, fut: F) -> impl Future<Output = F::Output> {
    let at = std::panic::Location::caller();
    async move {
        match tokio::time::timeout(limit, fut).await {
            Ok(output) => output,
            Err(_elapsed) => panic!("{}", messages::timed_out_at(limit, at)),
        }
    }
}
