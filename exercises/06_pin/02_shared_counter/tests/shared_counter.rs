//! Tests for `spawn_increment`: a hundred tasks on each runtime flavour return 1 to 100, each
//! number once, and the counter ends at 100.
//!
//! On a current_thread runtime the tasks take turns at each yield, so a version that reads the
//! counter again *after* its yield sees the other tasks' increments and returns duplicates.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use shared_counter::spawn_increment;

/// Generous: a hundred tiny tasks take milliseconds.
const LIMIT: Duration = Duration::from_secs(10);

#[test]
fn a_hundred_tasks_return_one_to_a_hundred_on_both_flavours() {
    testkit::run_both(LIMIT, || async {
        let counter = Arc::new(Mutex::new(0u64));
        let handles: Vec<_> = (0..100)
            .map(|_| spawn_increment(Arc::clone(&counter)))
            .collect();
        let mut got = Vec::new();
        for handle in handles {
            got.push(handle.await.expect("an increment task panicked"));
        }
        got.sort_unstable();
        assert_eq!(
            got,
            (1..=100).collect::<Vec<u64>>(),
            "each task must return the value its own increment produced: 1 to 100, each once \
             (read it while you hold the lock, not again after the .await)"
        );
        assert_eq!(
            *counter.lock().unwrap(),
            100,
            "a hundred increments leave the counter at 100"
        );
    });
}
