//! Tests for the `shed_layer` exercise. Do not edit: `cargo lab check shed_layer` runs this file as
//! it is, against your `src/lib.rs`.
//!
//! The busy inner service is tower's `ConcurrencyLimit` of 1 around a backend that answers when the
//! test opens a gate, so "busy" is decided by the order of events, not by the clock. Every wait is
//! bounded, and its failure message says what was being waited for.

use std::task::{Context, Poll};
use std::time::Duration;

use shed_layer::{ShedError, ShedFuture, ShedLayer};
use testkit::Flavor;
use tokio::sync::oneshot;
use tower::{Service, ServiceBuilder, ServiceExt, service_fn};

/// The real-time limit for every test body.
const LIMIT: Duration = Duration::from_secs(10);

/// How long a call that should answer at once may take: a generous margin for a busy machine.
const AT_ONCE: Duration = Duration::from_millis(500);

type Gate = oneshot::Receiver<u32>;

/// A backend that answers what its gate receives, behind a concurrency limit of 1, behind `Shed`.
fn busy_stack() -> impl Service<
    Gate,
    Response = u32,
    Error = ShedError<&'static str>,
    Future = ShedFuture<u32, &'static str>,
> {
    ServiceBuilder::new()
        .layer(ShedLayer)
        .concurrency_limit(1)
        .service(service_fn(|gate: Gate| async move {
            gate.await.map_err(|_| "the gate was dropped")
        }))
}

#[test]
fn a_ready_service_answers() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut service = busy_stack();
        let (open, gate) = oneshot::channel();
        open.send(7).expect("the gate is waiting");
        let answer = tokio::time::timeout(
            AT_ONCE,
            service.ready().await.unwrap_or_else(not_ready).call(gate),
        )
        .await
        .expect("the answer comes at once");
        assert_eq!(
            answer,
            Ok(7),
            "with room in the inner service the request goes through"
        );
    });
}

#[test]
fn a_busy_service_sheds_at_once_and_recovers() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut service = busy_stack();
        let (open, gate) = oneshot::channel();
        let first = service.ready().await.unwrap_or_else(not_ready).call(gate);
        let first = tokio::spawn(first);

        // The inner service's only slot is taken: Shed must still be ready, and refuse.
        let ready = tokio::time::timeout(AT_ONCE, service.ready()).await;
        let service_ref = ready.unwrap_or_else(|_| {
            panic!(
                "load shedding: poll_ready waited while the inner service was busy. Shed must be \
                 ready at once and refuse the request in call, not pass the inner Pending on"
            )
        });
        let (_open2, gate2) = oneshot::channel();
        let refused =
            tokio::time::timeout(AT_ONCE, service_ref.unwrap_or_else(not_ready).call(gate2))
                .await
                .expect("a refusal must come at once, without waiting for the inner service");
        assert_eq!(
            refused,
            Err(ShedError::Overloaded),
            "load shedding: with the inner service busy the request must be refused with Overloaded"
        );

        open.send(1).expect("the first request is waiting");
        let first = first.await.expect("no panic");
        assert_eq!(
            first,
            Ok(1),
            "the request admitted first must still get its answer"
        );

        let (open3, gate3) = oneshot::channel();
        open3.send(3).expect("the gate is waiting");
        let again = tokio::time::timeout(
            AT_ONCE,
            service.ready().await.unwrap_or_else(not_ready).call(gate3),
        )
        .await
        .expect("the answer comes at once");
        assert_eq!(
            again,
            Ok(3),
            "once the inner service has room again, requests go through"
        );
    });
}

#[test]
fn one_readiness_pays_for_one_call() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut service = busy_stack();
        let (_open, gate) = oneshot::channel();
        let _first = tokio::spawn(service.ready().await.unwrap_or_else(not_ready).call(gate));
        // A second call right after, with no poll_ready in between: Shed must not spend the first
        // readiness twice (the inner ConcurrencyLimit would panic: "poll_ready must be called first").
        let (_open2, gate2) = oneshot::channel();
        let second = tokio::time::timeout(AT_ONCE, service.call(gate2))
            .await
            .expect("a refusal must come at once");
        assert_eq!(
            second,
            Err(ShedError::Overloaded),
            "a call without a new poll_ready must be refused: the inner service's readiness was \
             used by the call before"
        );
    });
}

#[test]
fn inner_errors_are_wrapped() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut failing =
            ServiceBuilder::new()
                .layer(ShedLayer)
                .service(service_fn(|_: ()| async {
                    Err::<(), &str>("backend down")
                }));
        let got = failing
            .ready()
            .await
            .unwrap_or_else(not_ready)
            .call(())
            .await;
        assert_eq!(
            got,
            Err(ShedError::Inner("backend down")),
            "an error of the inner response must come back as ShedError::Inner"
        );

        let mut broken = ShedLayer.layer_of(Broken);
        let ready = std::future::poll_fn(|cx| broken.poll_ready(cx)).await;
        assert_eq!(
            ready,
            Err(ShedError::Inner("broken for good")),
            "an error of the inner poll_ready must come back from Shed's poll_ready as Inner: \
             a broken service is not the same as a busy one"
        );
    });
}

#[test]
fn sheds_over_a_rate_limit_on_the_paused_clock() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        // Tokio's clock is paused: tower's RateLimit waits with Tokio timers, so a second passes
        // in no real time and the test decides exactly when.
        tokio::time::pause();
        let mut service = ServiceBuilder::new()
            .layer(ShedLayer)
            .rate_limit(1, Duration::from_secs(1))
            .service(service_fn(|n: u32| async move { Ok::<u32, &str>(n) }));
        let first = service
            .ready()
            .await
            .unwrap_or_else(not_ready)
            .call(1)
            .await;
        assert_eq!(first, Ok(1), "the first request of the second goes through");
        let second = service
            .ready()
            .await
            .unwrap_or_else(not_ready)
            .call(2)
            .await;
        assert_eq!(
            second,
            Err(ShedError::Overloaded),
            "a second request within the same second exceeds the rate: it must be refused at once \
             (an Ok means Shed's poll_ready waited for the rate limiter instead: when the inner poll_ready is \
             Pending, Shed's poll_ready returns Ready(Ok(())) and call answers Overloaded)"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
        let third = service
            .ready()
            .await
            .unwrap_or_else(not_ready)
            .call(3)
            .await;
        assert_eq!(
            third,
            Ok(3),
            "a second later the rate allows one more request"
        );
    });
}

#[test]
fn a_clone_starts_without_a_reservation() {
    testkit::run(Flavor::CurrentThread, LIMIT, || async {
        let mut service = ShedLayer.layer_of(tower::limit::ConcurrencyLimit::new(
            service_fn(|gate: Gate| async move { gate.await.map_err(|_| "the gate was dropped") }),
            1,
        ));
        // The original reserves the inner service's only slot...
        std::future::poll_fn(|cx| service.poll_ready(cx))
            .await
            .unwrap_or_else(not_ready);
        // ...and a clone made now has an inner clone without that reservation.
        let mut clone = service.clone();
        let (_open, gate) = oneshot::channel();
        let call = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| clone.call(gate)));
        let refused = call.unwrap_or_else(|_| {
            panic!(
                "a clone of a Shed that was just polled ready called its inner service without a \
                 poll_ready of its own (tower's ConcurrencyLimit panicked: poll_ready must be \
                 called first). The reservation belongs to the original's inner service: a clone \
                 of it holds none. Clone for Shed must start with inner_ready = false, not copy \
                 the flag (#[derive(Clone)] copies it)"
            )
        });
        let refused = tokio::time::timeout(AT_ONCE, refused)
            .await
            .expect("a refusal must come at once");
        assert_eq!(
            refused,
            Err(ShedError::Overloaded),
            "a clone that was never polled ready must refuse with Overloaded"
        );
        let (open, gate) = oneshot::channel();
        open.send(5).expect("the gate is waiting");
        let answer = tokio::time::timeout(AT_ONCE, service.call(gate))
            .await
            .expect("the answer comes at once");
        assert_eq!(
            answer,
            Ok(5),
            "the original keeps its reservation and spends it on its own call"
        );
    });
}

/// What a test does when `poll_ready` fails where the inner service was only busy, or ready.
fn not_ready<T>(error: ShedError<&'static str>) -> T {
    panic!(
        "poll_ready returned Err({error:?}) where the inner service was ready or only busy. \
         An error from poll_ready tells tower the service has failed for good; Shed's \
         poll_ready must return Ready(Ok(())) when the inner one is Pending, and call answers \
         Overloaded"
    )
}

/// A service whose `poll_ready` always fails.
struct Broken;

impl Service<()> for Broken {
    type Response = ();
    type Error = &'static str;
    type Future = std::future::Ready<Result<(), &'static str>>;

    fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Err("broken for good"))
    }

    fn call(&mut self, _request: ()) -> Self::Future {
        panic!("Broken::call: poll_ready never succeeded, so call must not be reached")
    }
}

/// `ShedLayer.layer_of(s)`: `Layer::layer` without naming the trait at the call site.
trait LayerOf {
    fn layer_of<S>(&self, inner: S) -> shed_layer::Shed<S>;
}

impl LayerOf for ShedLayer {
    fn layer_of<S>(&self, inner: S) -> shed_layer::Shed<S> {
        tower::Layer::layer(self, inner)
    }
}
