//! # tokio111: a paused clock: auto-advance, `advance`, and what "exact" means
//!
//! Chapter 14, *Testing async code*. `Builder::start_paused(true)` (what
//! `#[tokio::test(start_paused = true)]` sets) or `tokio::time::pause()` freezes Tokio's clock
//! (Tokio's `src/time/clock.rs`). From then on `tokio::time::Instant::now()` moves only when the
//! runtime moves it:
//!
//! - **auto-advance**: when every task waits and a timer is pending, the time driver, instead of
//!   parking the thread until the timer is due, jumps the clock to it
//!   (`src/runtime/time/mod.rs`, `park_thread_timeout`: `clock.advance(duration)` when
//!   `can_auto_advance()`); an hour's sleep takes no real time, and a `timeout` around something
//!   that never happens fails at once;
//! - **`advance(d)`** moves the clock by hand, then yields once so the timers now due can fire
//!   (`src/time/clock.rs`, `pub async fn advance`).
//!
//! Auto-advance stops while a `spawn_blocking` task runs (`inhibit_auto_advance`), so a blocking
//! call does not let time jump under it. The timer driver counts whole milliseconds and rounds a
//! deadline up to the next one (`src/runtime/time/source.rs`, `deadline_to_tick`).
//!
//! ```text
//! cargo run --example tokio111
//! ```
//!
//! Prints at once:
//!
//! ```text
//! auto-advance: sleep(1 h) took 3600 s of Tokio time and under a second of real time
//! auto-advance: a timeout of 5 s around a future that never ends fired at 5 s of Tokio time
//! advance by hand: after 9 ms the 10 ms sleep is pending; after 1 ms more it is ready
//! ```

use std::time::Duration;

use tokio::runtime::Builder;
use tokio::time::{Instant, advance, sleep, timeout};
use tokio_test::{assert_pending, assert_ready, task};

// ANCHOR: auto
async fn auto_advance() {
    let start = Instant::now();
    let real = std::time::Instant::now();
    sleep(Duration::from_secs(3600)).await;
    let tokio_secs = start.elapsed().as_secs();
    let under_a_second = real.elapsed() < Duration::from_secs(1);
    println!(
        "auto-advance: sleep(1 h) took {tokio_secs} s of Tokio time and {} of \
        real time",
        if under_a_second {
            "under a second"
        } else {
            "more than a second"
        }
    );

    let start = Instant::now();
    let never = std::future::pending::<()>();
    let result = timeout(Duration::from_secs(5), never).await;
    assert!(result.is_err(), "a pending future never completes");
    println!(
        "auto-advance: a timeout of 5 s around a future that never ends fired \
         at {} s of Tokio time",
        start.elapsed().as_secs()
    );
}
// ANCHOR_END: auto

// ANCHOR: by_hand
async fn by_hand() {
    // `tokio_test::task::spawn` wraps the future so this code can poll it
    // itself (no runtime task): nothing polls it behind our back, so each state
    // is the one we observe.
    let mut sleeping = task::spawn(sleep(Duration::from_millis(10)));
    assert_pending!(sleeping.poll());
    advance(Duration::from_millis(9)).await;
    assert_pending!(sleeping.poll());
    advance(Duration::from_millis(1)).await;
    assert!(
        sleeping.is_woken(),
        "the timer woke the sleep's task when it fired"
    );
    assert_ready!(sleeping.poll());
    println!(
        "advance by hand: after 9 ms the 10 ms sleep is pending; after 1 ms \
        more it is ready"
    );
}
// ANCHOR_END: by_hand

fn main() {
    // ANCHOR: runtime
    let rt = Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    // ANCHOR_END: runtime
    rt.block_on(auto_advance());
    rt.block_on(by_hand());
}
