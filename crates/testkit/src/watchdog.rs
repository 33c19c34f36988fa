//! The heartbeat behind [`run_watched`](crate::run_watched) and the [`Watchdog`] a test can start
//! from inside a runtime.
//!
//! A runtime thread that is stuck in a blocking call cannot poll anything, including a tiny task
//! that does nothing but note the time every tick. Watching that task from another thread therefore
//! shows how long the runtime thread has been unavailable, without any help from the code under test.
//!
//! One pause is not the code's fault: when something panics on the runtime thread, the panic hook
//! prints the message, and with `RUST_BACKTRACE=1` it also resolves a backtrace, which can take well
//! over 100 ms. Reporting that as a blocked runtime would hide the real failure, so the crate wraps
//! the panic hook once (keeping the previous hook, which still does all the printing): while the hook
//! runs on a watched thread the silence does not count, and the heartbeat's clock restarts when it
//! returns.
//!
//! Another is not the code's fault either: on a machine with more runnable threads than cores, every
//! thread can wait a while for a core. The watching thread measures how late it wakes itself, and
//! counts only the silence it saw while it was itself running on time (see [`SilenceMeter`]). A
//! runtime thread stuck in a blocking call is silent while the watcher runs normally, so a real block
//! is always counted; a machine too busy to run anything is not mistaken for one.
//!
//! A third pause is Tokio's own: with the clock paused, a current_thread runtime does not move the
//! clock forward while a `spawn_blocking` task runs (`inhibit_auto_advance` in
//! tokio/src/runtime/blocking/schedule.rs), so a heartbeat driven only by a timer would stop for as
//! long as the blocking task runs, and a test that awaits a slow `spawn_blocking` (the right thing
//! to do) would be reported as blocked. The watching thread therefore also pings the heartbeat on
//! every check through a [`Notify`]: a wake-up from another thread needs no timer, so the heartbeat
//! beats whenever the runtime thread is free to poll it, whatever the clock does.

use std::cell::RefCell;
use std::fmt;
use std::panic;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Once, Weak};
use std::thread;
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use crate::messages;

/// The record the heartbeat task writes and the watching thread reads.
///
/// Times are microseconds since `origin`, kept in atomics so both threads can use them without a
/// lock; a lock would itself be a way for the watcher to stall the runtime.
pub(crate) struct Beat {
    /// The instant all the offsets below count from.
    origin: Instant,
    /// When the heartbeat last beat.
    last_us: AtomicU64,
    /// The longest gap between two beats, measured by the heartbeat when it beats.
    longest_between_us: AtomicU64,
    /// The longest silence a [`SilenceMeter`] counted, written by the watchdog's monitor thread.
    longest_counted_us: AtomicU64,
    /// How many times the heartbeat has beaten.
    beats: AtomicU64,
    /// How many panic hooks are running on the heartbeat's thread right now (see the module docs).
    in_panic_hook: AtomicU32,
    /// Set when nobody watches any more: the heartbeat task and the monitor thread end.
    stopped: AtomicBool,
    /// Woken by the watching thread on every check, so the heartbeat beats even while a paused
    /// clock stands still (see the module docs).
    ping: Notify,
}

impl Beat {
    fn new() -> Self {
        Beat {
            origin: Instant::now(),
            last_us: AtomicU64::new(0),
            longest_between_us: AtomicU64::new(0),
            longest_counted_us: AtomicU64::new(0),
            beats: AtomicU64::new(0),
            in_panic_hook: AtomicU32::new(0),
            stopped: AtomicBool::new(false),
            ping: Notify::new(),
        }
    }

    fn now_us(&self) -> u64 {
        // A test runs for far less than the 584 000 years that overflow a u64 of microseconds.
        self.origin.elapsed().as_micros() as u64
    }

    /// Called by the heartbeat task on every tick.
    fn record(&self) {
        let now = self.now_us();
        let previous = self.last_us.swap(now, Ordering::AcqRel);
        let gap = now.saturating_sub(previous);
        self.longest_between_us.fetch_max(gap, Ordering::AcqRel);
        self.beats.fetch_add(1, Ordering::AcqRel);
    }

    /// How long the heartbeat has been silent right now; zero while a panic hook runs on its thread.
    fn current_gap(&self) -> Duration {
        // Read the flag before the beat: the hook moves the beat forward before it clears the flag,
        // so a clear flag guarantees that the beat read next is the moved one.
        if self.in_panic_hook.load(Ordering::Acquire) > 0 {
            return Duration::ZERO;
        }
        // Read the clock after the beat: the other order could see a beat newer than "now".
        let last = self.last_us.load(Ordering::Acquire);
        Duration::from_micros(self.now_us().saturating_sub(last))
    }

    /// The longest silence by the wall clock, counting the one still going on.
    fn longest(&self) -> Duration {
        let between = Duration::from_micros(self.longest_between_us.load(Ordering::Acquire));
        between.max(self.current_gap())
    }

    /// The longest silence a [`SilenceMeter`] has counted and stored with [`Beat::store_counted`].
    fn longest_counted(&self) -> Duration {
        Duration::from_micros(self.longest_counted_us.load(Ordering::Acquire))
    }

    fn store_counted(&self, silence: Duration) {
        self.longest_counted_us
            .fetch_max(silence.as_micros() as u64, Ordering::AcqRel);
    }

    /// A marker that changes whenever the heartbeat beats (or its clock restarts).
    fn last_beat(&self) -> u64 {
        self.last_us.load(Ordering::Acquire)
    }

    fn beats(&self) -> u64 {
        self.beats.load(Ordering::Acquire)
    }

    /// Ends the heartbeat task at its next tick and the monitor thread at its next check. Used when a
    /// test gives up on a body whose runtime is still running, so that the abandoned runtime does not
    /// keep waking up every millisecond for the rest of the test process.
    pub(crate) fn stop(&self) {
        self.stopped.store(true, Ordering::Release);
        // Wakes a heartbeat task that waits for a ping, so that it sees the flag and ends.
        self.ping.notify_one();
    }

    fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Acquire)
    }

    /// Called by the panic hook when it is done: the time it took is not the runtime's fault.
    fn restart_clock(&self) {
        self.last_us.store(self.now_us(), Ordering::Release);
    }
}

/// How often a watching thread looks at the heartbeat. A few milliseconds keeps a report prompt
/// without keeping a core busy on a machine that runs many tests at once.
pub(crate) const CHECK_EVERY: Duration = Duration::from_millis(2);

/// The most one check may add to the counted silence. A watcher that asked to sleep
/// [`CHECK_EVERY`] and wakes later than this was itself kept off the CPU, and so, most likely, was
/// the runtime thread: the excess is not counted. Large enough that on a merely busy machine a real
/// block is still counted at close to its full length.
const MAX_STEP: Duration = Duration::from_millis(25);

/// Counts how long a heartbeat has been silent, from a thread that checks it every
/// [`CHECK_EVERY`], leaving out the time the checking thread itself was kept waiting.
pub(crate) struct SilenceMeter {
    /// When the previous check ran.
    last_check: Instant,
    /// The heartbeat's marker at the previous check.
    last_beat: u64,
    /// The silence counted so far.
    silence: Duration,
}

impl SilenceMeter {
    pub(crate) fn new(beat: &Beat) -> Self {
        SilenceMeter {
            last_check: Instant::now(),
            last_beat: beat.last_beat(),
            silence: Duration::ZERO,
        }
    }

    /// Checks the heartbeat once and returns the silence counted so far.
    pub(crate) fn check(&mut self, beat: &Beat) -> Duration {
        let now = Instant::now();
        let step = now.saturating_duration_since(self.last_check).min(MAX_STEP);
        self.last_check = now;
        let gap = beat.current_gap();
        let last = beat.last_beat();
        if gap.is_zero() {
            // A panic hook is running on the heartbeat's thread (or it beat this very instant).
            self.silence = Duration::ZERO;
        } else if last != self.last_beat {
            // It beat since the previous check: the silence started at that beat.
            self.silence = gap.min(step);
        } else {
            self.silence += step;
        }
        self.last_beat = last;
        // Asks for the next beat without a timer: with the clock paused and a `spawn_blocking`
        // task running, the heartbeat's interval never fires (see the module docs). `notify_one`
        // stores one permit when the task is busy, so pings never pile up.
        beat.ping.notify_one();
        self.silence
    }
}

thread_local! {
    /// The heartbeats that share this thread, so the panic hook knows which to tell.
    static BEATS_HERE: RefCell<Vec<Weak<Beat>>> = const { RefCell::new(Vec::new()) };
}

/// Wraps the panic hook, once per process.
static WRAP_HOOK: Once = Once::new();

/// Registers `beat` as running on the current thread, so that time spent in the panic hook on this
/// thread is not counted as a block.
fn forgive_panic_hooks_here(beat: &Arc<Beat>) {
    WRAP_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            // `try_with` and `try_borrow`: a panic during thread teardown, or one raised while this
            // thread was registering a beat, must still be printed.
            let beats: Vec<Arc<Beat>> = BEATS_HERE
                .try_with(|here| {
                    here.try_borrow()
                        .map(|here| here.iter().filter_map(Weak::upgrade).collect())
                        .unwrap_or_default()
                })
                .unwrap_or_default();
            for beat in &beats {
                beat.in_panic_hook.fetch_add(1, Ordering::AcqRel);
            }
            previous(info);
            for beat in &beats {
                beat.restart_clock();
                beat.in_panic_hook.fetch_sub(1, Ordering::AcqRel);
            }
        }));
    });
    BEATS_HERE.with(|here| {
        let mut here = here.borrow_mut();
        here.retain(|weak| weak.strong_count() > 0);
        here.push(Arc::downgrade(beat));
    });
}

/// Spawns the heartbeat task on the current runtime and returns its record.
pub(crate) fn spawn_heartbeat(tick: Duration) -> Arc<Beat> {
    spawn_heartbeat_task(tick).0
}

fn spawn_heartbeat_task(tick: Duration) -> (Arc<Beat>, JoinHandle<()>) {
    let beat = Arc::new(Beat::new());
    // This is the runtime thread on a current_thread runtime, where the watchdog is meant to run.
    forgive_panic_hooks_here(&beat);
    let record = Arc::clone(&beat);
    // An `Interval` rather than a loop of `sleep`s keeps the beats on a fixed schedule. With
    // `MissedTickBehavior::Delay`, after a stall the next tick fires at once and the following ones
    // one period after it, instead of firing a burst to catch up (the default, `Burst`), which would
    // record a flurry of meaningless near-zero gaps (tokio/src/time/interval.rs).
    // https://docs.rs/tokio/latest/tokio/time/enum.MissedTickBehavior.html
    let task = tokio::spawn(async move {
        let mut interval = tokio::time::interval(tick);
        interval.set_missed_tick_behavior(MissedTickBehavior::Delay);
        while !record.is_stopped() {
            // Whichever comes first: the next tick of the clock, or a ping from the watching
            // thread, which still arrives while a paused clock stands still.
            tokio::select! {
                _ = interval.tick() => {}
                () = record.ping.notified() => {}
            }
            record.record();
        }
    });
    (beat, task)
}

/// A watchdog started from inside a runtime: a heartbeat task plus a monitor thread.
///
/// [`Watchdog::start`] spawns a task that beats every `tick` and a monitor thread that checks the
/// heartbeat every 2 ms while the watchdog lives. Ask it whether the runtime was ever blocked:
///
/// ```
/// use std::time::Duration;
/// use testkit::{Flavor, Watchdog};
///
/// testkit::run(Flavor::CurrentThread, Duration::from_secs(2), || async {
///     let dog = Watchdog::start(Duration::from_millis(1));
///     tokio::time::sleep(Duration::from_millis(30)).await;
///     dog.assert_not_blocked(Duration::from_millis(100));
///     assert!(dog.beats() > 0);
/// });
/// ```
///
/// Meant for current_thread runtimes, where the heartbeat shares the one thread with the code under
/// test. On a multi_thread runtime the heartbeat may move to another worker, and a block on one
/// worker then goes unseen. Dropping the watchdog stops the heartbeat and the monitor thread.
///
/// Two measures are kept. [`Watchdog::longest_gap`] is the plain wall-clock figure.
/// [`Watchdog::assert_not_blocked`] uses the silence the monitor thread counted while it was itself
/// running on time, so a machine too busy to schedule any thread for a while does not fail the test,
/// while a blocking call (during which the monitor runs normally) always does. Neither counts the
/// time a panic hook spends printing on the runtime thread.
pub struct Watchdog {
    /// The record shared with the heartbeat task and the monitor thread.
    beat: Arc<Beat>,
    /// The heartbeat task, aborted on drop.
    task: JoinHandle<()>,
}

impl Watchdog {
    /// Starts the heartbeat (a task beating every `tick`) and its monitor thread.
    ///
    /// # Panics
    ///
    /// When called outside a Tokio runtime, or with a zero `tick`.
    #[track_caller]
    pub fn start(tick: Duration) -> Watchdog {
        assert!(
            !tick.is_zero(),
            "Watchdog::start needs a tick longer than zero, for example Duration::from_millis(1)"
        );
        if tokio::runtime::Handle::try_current().is_err() {
            panic!(
                "Watchdog::start must be called from inside a Tokio runtime, for example in the body \
                 given to testkit::run"
            );
        }
        let (beat, task) = spawn_heartbeat_task(tick);
        let watched = Arc::clone(&beat);
        let _detached = thread::Builder::new()
            .name("testkit-watchdog".to_owned())
            .spawn(move || {
                let mut meter = SilenceMeter::new(&watched);
                while !watched.is_stopped() {
                    let silence = meter.check(&watched);
                    watched.store_counted(silence);
                    thread::sleep(CHECK_EVERY);
                }
            })
            .expect(
                "could not start the watchdog thread: the system may be out of threads or memory",
            );
        Watchdog { beat, task }
    }

    /// The longest time the heartbeat has gone without beating so far, by the wall clock, including
    /// the silence still going on at the moment of the call (so a check made right after a blocking
    /// call, before the runtime had a chance to poll the heartbeat, still sees the block).
    pub fn longest_gap(&self) -> Duration {
        self.beat.longest()
    }

    /// How many times the heartbeat has beaten.
    pub fn beats(&self) -> u64 {
        self.beat.beats()
    }

    /// Panics with a message that starts with [`messages::RUNTIME_BLOCKED`] when the monitor thread
    /// has counted a silence longer than `max` (see the type's docs for what is counted). The
    /// monitor checks every 2 ms, so a check made right after a blocking call, before the runtime had
    /// a chance to poll the heartbeat, already sees the block.
    #[track_caller]
    pub fn assert_not_blocked(&self, max: Duration) {
        let gap = self.beat.longest_counted();
        if gap > max {
            panic!("{}", messages::runtime_blocked(gap));
        }
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        self.beat.stop();
        self.task.abort();
    }
}

impl fmt::Debug for Watchdog {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Watchdog")
            .field("beats", &self.beats())
            .field("longest_gap", &self.longest_gap())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_meter_counts_silence_while_it_checks_on_time() {
        let beat = Beat::new();
        let mut meter = SilenceMeter::new(&beat);
        let mut previous = Instant::now();
        let mut expected = Duration::ZERO;
        let mut silence = Duration::ZERO;
        for _ in 0..25 {
            thread::sleep(CHECK_EVERY);
            silence = meter.check(&beat);
            let now = Instant::now();
            // Every step the meter took counts in full unless it was longer than `MAX_STEP`; this
            // test's own clock readings bracket the meter's, so they agree to well within 1 ms.
            expected += (now - previous).min(MAX_STEP);
            previous = now;
        }
        // 25 sleeps of at least 2 ms each, less the microseconds between the two clocks.
        assert!(silence >= Duration::from_millis(49), "{silence:?}");
        let difference = silence.abs_diff(expected);
        assert!(
            difference < Duration::from_millis(1),
            "counted {silence:?}, expected {expected:?}"
        );
    }

    #[test]
    fn the_meter_leaves_out_the_time_it_was_kept_waiting_itself() {
        let beat = Beat::new();
        let mut meter = SilenceMeter::new(&beat);
        // One check 200 ms late, as on a machine too busy to run the watcher.
        thread::sleep(Duration::from_millis(200));
        let silence = meter.check(&beat);
        assert_eq!(silence, MAX_STEP);
    }

    #[test]
    fn a_beat_restarts_the_count() {
        let beat = Beat::new();
        let mut meter = SilenceMeter::new(&beat);
        thread::sleep(Duration::from_millis(20));
        assert!(meter.check(&beat) >= Duration::from_millis(20));
        beat.record();
        let silence = meter.check(&beat);
        assert!(silence < Duration::from_millis(20), "{silence:?}");
        assert_eq!(beat.beats(), 1);
        assert!(beat.longest() >= Duration::from_millis(20));
    }

    #[test]
    fn a_stopped_heartbeat_stops_beating() {
        let runtime = crate::Flavor::CurrentThread.runtime();
        runtime.block_on(async {
            let beat = spawn_heartbeat(Duration::from_millis(1));
            crate::timeout(Duration::from_secs(5), async {
                while beat.beats() < 3 {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            })
            .await;
            beat.stop();
            // Let the task see the flag (one more beat may land on the tick it was waiting for).
            tokio::time::sleep(Duration::from_millis(10)).await;
            let after_stop = beat.beats();
            tokio::time::sleep(Duration::from_millis(30)).await;
            assert_eq!(beat.beats(), after_stop);
        });
    }
}
