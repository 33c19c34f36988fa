//! # tokio86: time-outs, retries with exponential backoff and jitter, deadlines that propagate
//!
//! Chapter 12, *Production patterns*. Three parts:
//!
//! 1. A flaky service fails three times, then answers. The caller retries with **exponential
//!    backoff and full jitter**: before attempt n+1 it waits a random time between 0 and
//!    `min(cap, base × 2ⁿ)`. The doubling backs off from a struggling service; the randomness keeps
//!    many clients that failed together from retrying together. (The random numbers come from a
//!    small generator with a fixed seed, so the run repeats; use a real random source in production.)
//! 2. A service that always fails, and an overall **deadline** of 100 ms for the whole operation,
//!    retries included: every attempt is bounded by
//!    [`timeout_at`](https://docs.rs/tokio/latest/tokio/time/fn.timeout_at.html) with the same
//!    deadline, and the caller gives up rather than sleep past it.
//! 3. The deadline **propagates**: a caller that gives up at 100 ms should not leave a backend
//!    working for 300 ms on an answer nobody waits for. The backend here runs in a task of its own
//!    (as a remote service would), in 10 ms steps. Told the deadline, it stops when it passes.
//!
//! ```text
//! cargo run --example tokio86
//! ```
//!
//! Prints after about 0.8 s. The waits are the same on every run (the seed is fixed); the fifth
//! and seventh lines depend on timing. The caller stops either because the next wait would pass
//! the deadline or because the deadline cut an attempt short, and a busy machine fits fewer
//! attempts; the backend told the deadline stops after fewer than 30 steps, how many depends on
//! when its steps are scheduled. One run printed:
//!
//! ```text
//! attempt 1 failed, backing off 11 ms
//! attempt 2 failed, backing off 8 ms
//! attempt 3 failed, backing off 55 ms
//! attempt 4 answered: ok
//! always failing, 100 ms deadline: stopped after 4 attempts, the last one cut off at the deadline
//! backend without the deadline: 30 of 30 steps done, for a caller that left at 100 ms
//! backend told the deadline: 10 of 30 steps done, stopped when it passed
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use tokio::time::Instant;

// ANCHOR: backoff
/// Exponential backoff with full jitter.
struct Backoff {
    base: Duration,
    cap: Duration,
    /// State of a xorshift64 generator: small, seeded, repeatable.
    rng: u64,
}

impl Backoff {
    fn new(base: Duration, cap: Duration) -> Backoff {
        Backoff {
            base,
            cap,
            rng: 0x2545_f491_4f6c_dd1d,
        }
    }

    /// The wait before the attempt after attempt number `attempt` (1, 2, ...).
    fn delay(&mut self, attempt: u32) -> Duration {
        let ceiling =
            self.base.saturating_mul(1 << attempt.min(16)).min(self.cap);
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        let millis = ceiling.as_millis() as u64;
        Duration::from_millis(self.rng % millis.max(1))
    }
}
// ANCHOR_END: backoff

/// A service that fails `failures` times, then answers; each call takes 5 ms.
struct Flaky {
    failures: AtomicU32,
}

impl Flaky {
    async fn call(&self) -> Result<&'static str, &'static str> {
        tokio::time::sleep(Duration::from_millis(5)).await;
        let left = self.failures.load(Ordering::SeqCst);
        if left == 0 {
            return Ok("ok");
        }
        self.failures.store(left - 1, Ordering::SeqCst);
        Err("unavailable")
    }
}

// ANCHOR: retry
/// Why a retried call ended without an answer.
#[derive(Debug)]
enum GaveUp {
    /// The next wait would have ended past the deadline.
    BeforeDeadline { attempts: u32 },
    /// An attempt was still running when the deadline came.
    AtDeadline { attempts: u32 },
}

/// Calls `service` until it answers, backing off between attempts, all within
/// `deadline`.
async fn call_with_retries(
    service: &Flaky,
    deadline: Instant,
    verbose: bool,
) -> Result<&'static str, GaveUp> {
    let mut backoff =
        Backoff::new(Duration::from_millis(10), Duration::from_millis(500));
    let mut attempt = 0;
    loop {
        attempt += 1;
        match tokio::time::timeout_at(deadline, service.call()).await {
            Ok(Ok(answer)) => {
                if verbose {
                    println!("attempt {attempt} answered: {answer}");
                }
                return Ok(answer);
            }
            Ok(Err(_error)) => {
                let wait = backoff.delay(attempt);
                if Instant::now() + wait >= deadline {
                    return Err(GaveUp::BeforeDeadline { attempts: attempt });
                }
                if verbose {
                    println!(
                        "attempt {attempt} failed, backing off {} ms",
                        wait.as_millis()
                    );
                }
                tokio::time::sleep(wait).await;
            }
            Err(_elapsed) => {
                return Err(GaveUp::AtDeadline { attempts: attempt });
            }
        }
    }
}
// ANCHOR_END: retry

// ANCHOR: propagate
/// A backend working in 30 steps of 10 ms; told a deadline, it stops once the
/// deadline passes.
async fn backend(deadline: Option<Instant>, steps_done: Arc<AtomicU32>) {
    for _ in 0..30 {
        if deadline.is_some_and(|d| Instant::now() >= d) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        steps_done.fetch_add(1, Ordering::SeqCst);
    }
}

/// Calls the backend with a 100 ms deadline, telling it the deadline or not;
/// returns the steps the backend did in all, counted once it has certainly
/// stopped.
async fn call_backend(propagate: bool) -> u32 {
    let deadline = Instant::now() + Duration::from_millis(100);
    let steps_done = Arc::new(AtomicU32::new(0));
    let told = propagate.then_some(deadline);
    let work = tokio::spawn(backend(told, steps_done.clone()));
    // The caller stops waiting at the deadline. Dropping the `JoinHandle` would
    // not stop the backend task: only the backend can stop itself, if it knows
    // when to.
    tokio::time::sleep_until(deadline).await;
    work.await.expect("the backend does not panic");
    steps_done.load(Ordering::SeqCst)
}
// ANCHOR_END: propagate

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let flaky = Flaky {
        failures: AtomicU32::new(3),
    };
    let deadline = Instant::now() + Duration::from_secs(5);
    call_with_retries(&flaky, deadline, true)
        .await
        .expect("answers on the fourth attempt");

    let broken = Flaky {
        failures: AtomicU32::new(u32::MAX),
    };
    let deadline = Instant::now() + Duration::from_millis(100);
    match call_with_retries(&broken, deadline, false).await {
        Ok(_) => println!("always failing, 100 ms deadline: answered?"),
        Err(GaveUp::BeforeDeadline { attempts }) => println!(
            "always failing, 100 ms deadline: stopped after {attempts} attempts, the next wait would pass the deadline"
        ),
        Err(GaveUp::AtDeadline { attempts }) => println!(
            "always failing, 100 ms deadline: stopped after {attempts} attempts, the last one cut off at the deadline"
        ),
    }

    let steps = call_backend(false).await;
    println!(
        "backend without the deadline: {steps} of 30 steps done, for a caller that left at 100 ms"
    );
    let steps = call_backend(true).await;
    println!(
        "backend told the deadline: {steps} of 30 steps done, stopped when it passed"
    );
}
// ANCHOR_END: main
