//! Runs the `#[tokio::test]` attributes that `tokio110` shows in its `tests` module.
//!
//! An example built as a test (`test = true`) is built only as a test harness, so `cargo test`
//! would not build the `tokio110` program whose output `ch14_examples.rs` checks. Instead the
//! example's file is compiled here as a module: its `tests` module, under `cfg(test)` like every
//! integration test, runs with the others, and the program stays an ordinary example.

// `rustfmt::skip`: the file is formatted as the example it is, by its folder's 80-column
// `rustfmt.toml`, not a second time with this folder's defaults.
#[rustfmt::skip]
#[allow(
    dead_code,
    reason = "the example's `main` and its printing helpers run only as a program"
)]
#[path = "../ch14_testing/tokio110.rs"]
mod tokio110;
