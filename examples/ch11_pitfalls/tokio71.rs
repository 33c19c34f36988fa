//! # tokio71: a `std::sync::MutexGuard` held across `.await`
//!
//! Chapter 11, *Common pitfalls*. Two futures append to a shared log behind a
//! [`std::sync::Mutex`](https://doc.rust-lang.org/std/sync/struct.Mutex.html); between their two
//! entries each awaits a short sleep. Written with the guard alive across the `.await`, the first
//! future suspends while holding the lock, the second then calls `lock()` on the same thread and
//! blocks that thread, and the first can never resume to let go: a deadlock. The program runs each
//! version on a thread of its own and waits at most 1 s for it; a version that has not answered by
//! then is reported as deadlocked (its thread is left behind and ends with the process). The fix
//! keeps each guard in a block that ends before the `.await`.
//!
//! ```text
//! cargo run --example tokio71
//! ```
//!
//! Prints after about 1 s:
//!
//! ```text
//! guard held across .await: deadlocked (no answer after 1 s)
//! guard dropped before .await: log = ["a1", "a2", "b1", "b2"]
//! ```
//!
//! Such a future is also not `Send` (a `std::sync::MutexGuard` cannot move to another thread), so
//! `tokio::spawn` rejects it at compile time; `join!` on one task, as here, compiles and hangs.

use std::sync::Mutex;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

// ANCHOR: bug
/// The pitfall: `entry` keeps the lock across the sleep. Clippy's
/// `await_holding_lock` lint flags it, which is why the lint is expected here
/// rather than fixed.
#[expect(
    clippy::await_holding_lock,
    reason = "the deadlock this lint warns about is what the example shows"
)]
async fn log_twice_holding(log: &Mutex<Vec<String>>, name: &str) {
    let mut entry = log.lock().unwrap();
    entry.push(format!("{name}1"));
    tokio::time::sleep(Duration::from_millis(10)).await;
    entry.push(format!("{name}2"));
}
// ANCHOR_END: bug

// ANCHOR: fix
/// The fix: each guard lives in a block that ends before the `.await`.
async fn log_twice_scoped(log: &Mutex<Vec<String>>, name: &str) {
    {
        log.lock().unwrap().push(format!("{name}1"));
    }
    tokio::time::sleep(Duration::from_millis(10)).await;
    {
        log.lock().unwrap().push(format!("{name}2"));
    }
}
// ANCHOR_END: fix

// ANCHOR: main
/// Runs `version` for two writers, `a` and `b`, on a current_thread runtime of its own thread,
/// and returns the log, or `None` if no answer came within 1 s.
fn run<F>(version: F) -> Option<Vec<String>>
where
    F: AsyncFn(&Mutex<Vec<String>>, &str) + Send + 'static,
{
    let (done, answer) = mpsc::channel();
    thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let log = Mutex::new(Vec::new());
        runtime.block_on(async {
            tokio::join!(version(&log, "a"), version(&log, "b"))
        });
        // The two sleeps end at the same instant and either may wake first: sort for a stable line.
        let mut log = log.into_inner().unwrap();
        log.sort();
        let _ = done.send(log);
    });
    answer.recv_timeout(Duration::from_secs(1)).ok()
}

fn main() {
    match run(log_twice_holding) {
        Some(log) => println!("guard held across .await: log = {log:?}"),
        None => println!(
            "guard held across .await: deadlocked (no answer after 1 s)"
        ),
    }
    match run(log_twice_scoped) {
        Some(log) => println!("guard dropped before .await: log = {log:?}"),
        None => println!(
            "guard dropped before .await: deadlocked (no answer after 1 s)"
        ),
    }
}
// ANCHOR_END: main
