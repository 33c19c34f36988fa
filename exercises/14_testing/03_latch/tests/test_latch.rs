//! Your tests for the `test_latch` exercise. This is the file you edit.
//!
//! `cargo lab check test_latch` runs every test here against the correct latch (each must pass),
//! then against hidden variants of it, each with one bug (at least one test must fail against
//! each). The contract you are testing is in `src/lib.rs`.
//!
//! The tool is `tokio_test::task::spawn`: it wraps a future in a mock task with a waker of its
//! own. `poll()` polls it once, `is_woken()` says whether anything woke it since, and
//! `into_inner()` takes the future back out (to put it in another mock task, for instance).
//! `assert_pending!` and `assert_ready!` check one poll each. A runtime only shows "finished" or
//! "hung"; polling by hand shows every wake. One test is written, as an example. It passes against
//! every variant, so it catches nothing on its own.
//!
//! If you also test on a runtime, bound every wait: `testkit::run` and `testkit::timeout`, as the
//! other exercises' tests do.

use test_latch::Latch;
use tokio_test::{assert_pending, assert_ready, task};

#[test]
fn a_wait_finishes_after_the_last_count_down() {
    let latch = Latch::new(1);
    let mut waiting = task::spawn(latch.wait());
    assert_pending!(waiting.poll());
    latch.count_down();
    assert_ready!(waiting.poll());
}

#[test]
fn wakes() {
    // TODO: the contract says exactly when a waiting task is woken, and which tasks. Check it with
    // `is_woken()` after each count-down, with one waiting task and with several.
    todo!("test who is woken, and when")
}

#[test]
fn a_wait_that_moves() {
    // TODO: poll a Wait in one mock task, move it into another (`into_inner`, then
    // `task::spawn` again), poll it there, and check the contract's promise about which task is
    // woken.
    todo!("test a Wait polled from two tasks")
}

#[test]
fn already_open() {
    // TODO: the contract says what a Wait does when the count is already zero.
    todo!("test a Wait at zero")
}
