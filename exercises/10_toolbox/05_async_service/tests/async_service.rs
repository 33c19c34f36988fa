//! Tests for the `async_service` exercise. Do not edit: `cargo lab check async_service` runs this
//! file as it is, against your `src/lib.rs`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_service::{DynService, Router, Service};

/// The time limit of every test; each needs a few milliseconds.
const LIMIT: Duration = Duration::from_secs(5);

/// Answers in capitals, after giving way once (a real service would await I/O).
struct Upper;

impl Service for Upper {
    async fn call(&self, request: String) -> String {
        tokio::task::yield_now().await;
        request.to_uppercase()
    }
}

/// Answers with how many requests it has served so far, counting this one.
#[derive(Default)]
struct Counter {
    served: AtomicUsize,
}

impl Service for Counter {
    fn call(&self, _request: String) -> impl Future<Output = String> + Send {
        let n = self.served.fetch_add(1, Ordering::SeqCst) + 1;
        async move { n.to_string() }
    }
}

/// Answers with the request it got, in brackets, so every space of it shows.
struct Echo;

impl Service for Echo {
    async fn call(&self, request: String) -> String {
        format!("[{request}]")
    }
}

fn router() -> Router {
    Router::new()
        .route("upper ", Upper)
        .route("count", Counter::default())
        .route("", Upper)
}

#[test]
fn every_service_is_a_dyn_service() {
    testkit::run_both(LIMIT, || async {
        let services: Vec<Box<dyn DynService>> =
            vec![Box::new(Upper), Box::new(Counter::default())];
        let mut answers = Vec::new();
        for service in &services {
            answers.push(service.call_boxed("abc".to_string()).await);
        }
        assert_eq!(
            answers,
            ["ABC", "1"],
            "call_boxed should answer exactly as Service::call does"
        );
    });
}

#[test]
fn the_first_matching_route_answers_the_rest_of_the_request() {
    testkit::run_both(LIMIT, || async {
        let router = router();
        assert_eq!(
            router.handle("upper hello").await.as_deref(),
            Some("HELLO"),
            "the prefix \"upper \" is removed before the service sees the request"
        );
        assert_eq!(
            router.handle("count").await.as_deref(),
            Some("1"),
            "the first request to the counter"
        );
        assert_eq!(
            router.handle("count").await.as_deref(),
            Some("2"),
            "the second request reaches the same counter"
        );
        assert_eq!(
            router.handle("other").await.as_deref(),
            Some("OTHER"),
            "the empty prefix matches everything the routes before it did not"
        );
    });
}

#[test]
fn an_earlier_route_wins_over_a_longer_prefix() {
    testkit::run_both(LIMIT, || async {
        // Both prefixes match "upper x"; the route added first must answer, even though the
        // other prefix is longer.
        let router = Router::new()
            .route("up", Counter::default())
            .route("upper ", Upper);
        assert_eq!(
            router.handle("upper x").await.as_deref(),
            Some("1"),
            "two routes match and the earlier one (\"up\", a counter) must answer: routes are \
             tried in the order they were added, and the first match wins, not the longest \
             prefix and not the last route"
        );
    });
}

#[test]
fn the_rest_of_the_request_is_passed_on_as_it_is() {
    testkit::run_both(LIMIT, || async {
        let router = Router::new().route("say", Echo);
        assert_eq!(
            router.handle("say  two spaces, then one ").await.as_deref(),
            Some("[  two spaces, then one ]"),
            "the service must get the rest of the request exactly as it came, spaces included: \
             remove the prefix and nothing else (no trim)"
        );
    });
}

#[test]
fn no_route_no_answer() {
    testkit::run_both(LIMIT, || async {
        let router = Router::new().route("upper ", Upper);
        assert_eq!(router.handle("lower x").await, None, "no route matches");
    });
}

#[test]
fn requests_can_be_spawned_as_tasks() {
    // `tokio::spawn` only takes a `Send` future: this test does not compile unless `handle`'s
    // future is `Send`. It runs the calls as separate tasks on both flavours.
    testkit::run_both(LIMIT, || async {
        let router = Arc::new(router());
        let mut tasks = Vec::new();
        for i in 0..20 {
            let router = Arc::clone(&router);
            tasks.push(tokio::spawn(async move {
                router.handle(&format!("upper r{i}")).await
            }));
        }
        for (i, task) in tasks.into_iter().enumerate() {
            assert_eq!(
                task.await.expect("a spawned request panicked"),
                Some(format!("R{i}")),
                "request {i} got the wrong answer: routes are tried in the order they were added \
                 and the first match wins, its prefix is removed before the service sees the request, and each \
                 task must get the answer to its own request"
            );
        }
    });
}

/// Answers once another task has done the work: its future can only finish after the task that
/// awaits it has given the thread back to the runtime.
struct OnAnotherTask;

impl Service for OnAnotherTask {
    async fn call(&self, request: String) -> String {
        tokio::spawn(async move { format!("<{request}>") })
            .await
            .expect("the answering task panicked")
    }
}

#[test]
fn a_service_that_waits_for_another_task_is_awaited() {
    // One runtime thread: the service's answer comes from a task that runs only when `handle`'s
    // task gives way. A handle that drives the service's future itself, polling it in a loop,
    // holds the thread, and the watchdog reports the block.
    let answer = testkit::run_watched(
        testkit::Flavor::CurrentThread,
        LIMIT,
        Duration::from_millis(200),
        || async {
            Router::new()
                .route("wait ", OnAnotherTask)
                .handle("wait x")
                .await
        },
    );
    assert_eq!(
        answer.as_deref(),
        Some("<x>"),
        "the service answers the rest of the request in angle brackets; the prefix \"wait \" \
         is removed before the service sees the request"
    );
}
