//! Runs the chapter 10 examples (`tokio57` to `tokio68`) and checks that each prints exactly the
//! output its `//!` header promises.
//!
//! Every one of these examples is deterministic by design: the cancel-safety demo drives its peer
//! with an explicit event instead of a timer, the task examples count turns instead of sleeping,
//! and the scheduler experiments in `tokio68` wait on barriers and channels (bounded at 10 s each)
//! rather than on timing. So each test compares the whole output, in order.

mod harness;

use std::time::Duration;

use harness::{assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run. The slowest example needs about half a second; the margin is for a
/// busy machine compiling other crates while the tests run.
const ENDS_WITHIN: Duration = Duration::from_secs(30);

/// Runs `name` to its end and compares its output with the header's promise, line by line.
fn prints_what_its_header_promises(name: &str) {
    let run = run_to_end(name, ENDS_WITHIN);
    let promised = header_text_block(name, 1);
    assert_eq!(
        run.texts(),
        promised,
        "{name} printed something other than its header promises\n{run}"
    );
}

#[test]
fn tokio57_read_line_in_select_loses_the_start_of_a_line_next_line_does_not() {
    prints_what_its_header_promises("tokio57");
}

#[test]
fn tokio58_biased_else_a_pinned_deadline_and_abort() {
    prints_what_its_header_promises("tokio58");
}

#[test]
fn tokio59_mpsc_capacity_permits_close_and_unbounded() {
    prints_what_its_header_promises("tokio59");
}

#[test]
fn tokio60_oneshot_and_broadcast_lagged_receiver_stays_open() {
    prints_what_its_header_promises("tokio60");
}

#[test]
fn tokio61_watch_keeps_only_the_latest_value() {
    prints_what_its_header_promises("tokio61");
}

#[test]
fn tokio62_mutexes_rwlock_and_a_semaphore_limit() {
    prints_what_its_header_promises("tokio62");
}

#[test]
fn tokio63_notify_waiters_stores_nothing_barrier_once_cell() {
    prints_what_its_header_promises("tokio63");
}

#[test]
fn tokio64_joinset_and_futures_unordered_order_and_drop() {
    prints_what_its_header_promises("tokio64");
}

#[test]
fn tokio65_local_set_with_rc_and_task_local() {
    prints_what_its_header_promises("tokio65");
}

#[test]
fn tokio66_the_coop_budget_is_128_and_yield_now_gives_way() {
    prints_what_its_header_promises("tokio66");
}

#[test]
fn tokio67_async_fn_in_traits_generic_spawned_and_boxed() {
    prints_what_its_header_promises("tokio67");
}

#[test]
fn tokio68_global_queue_stealing_lifo_slot_and_timer() {
    prints_what_its_header_promises("tokio68");
}

#[test]
fn the_book_shows_only_checked_outputs() {
    // Every output block on the chapter's pages is one of these examples' header outputs, which
    // the tests above compare with a real run.
    assert_page_shows_checked_outputs("ch10-toolbox.md", &["tokio57", "tokio58"], &[]);
    assert_page_shows_checked_outputs("ch10-channels.md", &["tokio59", "tokio60", "tokio61"], &[]);
    assert_page_shows_checked_outputs("ch10-sync.md", &["tokio62", "tokio63"], &[]);
    assert_page_shows_checked_outputs(
        "ch10-tasks.md",
        &["tokio64", "tokio65", "tokio66", "tokio67"],
        &[],
    );
    assert_page_shows_checked_outputs("ch10-runtime.md", &["tokio68"], &[]);
}
