//! # tokio30: spurious polls are normal
//!
//! Chapter 5, *the `Future` trait, `poll` and wakers*. A future can be polled when nothing it
//! waits for has happened. `tokio::join!` runs its futures in one task with one waker, so a wake
//! meant for one of them polls all of them. Here a 200 ms `sleep` is joined with a loop that
//! yields three times: each yield wakes the task, and the `sleep` is polled each time although its
//! timer has not fired. Each such poll returns `Pending` again (and keeps the latest waker), which
//! is why a future must never assume "I was polled, so my event happened".
//!
//! ```text
//! cargo run --example tokio30
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! yielder: polled 4 times, woken 3 times
//! sleep: polled 5 times, woken 1 time; 4 of its polls found the timer not yet fired
//! ```

use std::time::Duration;

use testkit::Counted;

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let sleep = Counted::new(tokio::time::sleep(Duration::from_millis(200)));
    let sleep_stats = sleep.stats();
    let yielder = Counted::new(async {
        for _ in 0..3 {
            tokio::task::yield_now().await;
        }
    });
    let yielder_stats = yielder.stats();

    tokio::join!(sleep, yielder);

    println!(
        "yielder: polled {} times, woken {} times",
        yielder_stats.polls(),
        yielder_stats.wakes()
    );
    let (polls, wakes) = (sleep_stats.polls(), sleep_stats.wakes());
    println!(
        "sleep: polled {polls} times, woken {wakes} time; {} of its polls \
        found the timer not yet fired",
        polls - 1
    );
}
// ANCHOR_END: main
