//! # tokio134: a task that never yields, seen in `tokio-console`
//!
//! Chapter 15, *seeing a running program*. Three named tasks run for a minute: `ticker` sleeps
//! 100 ms at a time, `hog` spins for 30 s in its first poll without an `.await`, and `idle` waits
//! on a channel nobody sends to. `console_subscriber::init()`
//! serves what the runtime records on 127.0.0.1:6669, where `tokio-console` reads it.
//!
//! Not built by `cargo build` or `cargo test`: it needs the `console` feature and Tokio's
//! unstable instrumentation, and builds in a target folder of its own so that the main build is
//! not rebuilt with another `--cfg`:
//!
//! ```text
//! cargo install --locked tokio-console
//! RUSTFLAGS="--cfg tokio_unstable" CARGO_TARGET_DIR=target/console cargo run --example tokio134 --features console
//! tokio-console
//! ```
//!
//! Prints one line, then runs for 60 s (or until Ctrl-C):
//!
//! ```text
//! console: serving on 127.0.0.1:6669; run `tokio-console` in another terminal
//! ```
//!
//! In the console's task list, `hog` is running with Polls at 1 while its Busy time climbs; once it
//! has been busy 1 s in that first poll, the console's warnings line reads "1 tasks have never
//! yielded (threshold 1000ms)" (the `NeverYielded` lint of tokio-console's `warnings.rs`).
//! `ticker` shows many short polls; `idle` one poll and an Idle time that grows.

#[cfg(not(tokio_unstable))]
compile_error!(
    "tokio134 needs RUSTFLAGS=\"--cfg tokio_unstable\" and the `console` feature: \
     see the command in its header"
);

use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    console_subscriber::init();
    println!(
        "console: serving on 127.0.0.1:6669; run `tokio-console` in another terminal"
    );

    // ANCHOR: tasks
    tokio::task::Builder::new().name("ticker").spawn(async {
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })?;
    tokio::task::Builder::new().name("hog").spawn(async {
        let start = Instant::now();
        // One poll of 30 s: nothing in the loop awaits. The other worker
        // thread keeps the ticker going meanwhile.
        while start.elapsed() < Duration::from_secs(30) {
            std::hint::spin_loop();
        }
    })?;
    let (_keep, mut never) = tokio::sync::mpsc::channel::<()>(1);
    tokio::task::Builder::new().name("idle").spawn(async move {
        never.recv().await;
    })?;
    // ANCHOR_END: tasks

    tokio::select! {
        _ = tokio::time::sleep(Duration::from_secs(60)) => {}
        _ = tokio::signal::ctrl_c() => {}
    }
    Ok(())
}
