//! Tests for `yield_now`: one `Pending` with one self-wake, then `Ready`; on a current_thread
//! runtime two tasks that yield take turns; and a yield never hangs a task.

use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use testkit::{Flavor, Manual};
use yield_now::yield_now;

/// Generous: every test here finishes in microseconds.
const LIMIT: Duration = Duration::from_secs(2);

#[test]
fn pending_once_with_a_wake_then_ready() {
    let mut fut = Manual::new(yield_now());
    assert_eq!(
        fut.poll(),
        Poll::Pending,
        "the first poll of yield_now() must return Pending: that is what gives others a turn"
    );
    assert_eq!(
        fut.wakes(),
        1,
        "yield_now() must wake its task exactly once before returning Pending, or the task is \
         never polled again"
    );
    assert_eq!(
        fut.poll(),
        Poll::Ready(()),
        "the second poll of yield_now() must return Ready(())"
    );
    assert_eq!(
        fut.wakes(),
        1,
        "the second poll returned Ready(()) and woke the task again: a future that is done must \
         not wake, or the executor polls its task once more for nothing"
    );
}

#[test]
fn two_yielding_tasks_take_turns_on_one_thread() {
    let order = testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let order = Arc::new(Mutex::new(Vec::new()));
        let tasks: Vec<_> = ["a", "b"]
            .into_iter()
            .map(|name| {
                let order = Arc::clone(&order);
                tokio::spawn(async move {
                    for i in 0..3 {
                        order.lock().unwrap().push(format!("{name}{i}"));
                        yield_now().await;
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("a yielding task panicked");
        }
        order.lock().unwrap().clone()
    });
    assert_eq!(
        order,
        ["a0", "b0", "a1", "b1", "a2", "b2"],
        "on a current_thread runtime, each yield_now() must let the other task run before this \
         one goes on (a yield_now that returns Ready at once lets a task run to its end)"
    );
}

#[test]
fn many_yields_finish_on_both_flavours() {
    testkit::run_both(LIMIT, || async {
        for _ in 0..1000 {
            yield_now().await;
        }
    });
}
