//! # tokio88: a hand-written Tower `Layer` and `Service`, and what `poll_ready` is for
//!
//! Chapter 12, *Production patterns*. `InFlightLayer` wraps any service in `InFlight`, which keeps
//! a gauge of the requests in flight: up when `call` starts one, down when its response future is
//! finished *or dropped* (a drop guard, so a time-out or a cancelled caller cannot leave the gauge
//! too high). Its `poll_ready` does nothing of its own: it asks the inner service. That is the
//! contract of [`Service::poll_ready`](https://docs.rs/tower/latest/tower/trait.Service.html#tymethod.poll_ready):
//! `Ready(Ok)` means the service has reserved what one `call` needs, `Pending` means the caller
//! must wait (and will be woken). A wrapper that answered `Ready` without asking would promise
//! capacity it does not have; tower's `ConcurrencyLimit`, for one, panics in `call` when no permit
//! was reserved (`limit/concurrency/service.rs`: "poll_ready must be called first").
//!
//! The demonstration wraps a `ConcurrencyLimit` of 1 around a backend that answers when a gate
//! opens, and polls `poll_ready` once at each step by hand.
//!
//! ```text
//! cargo run --example tokio88
//! ```
//!
//! Prints at once:
//!
//! ```text
//! poll_ready: Ready
//! request 1 called: 1 in flight
//! poll_ready: Pending (the only permit is held by request 1)
//! request 1 answered: 0 in flight
//! poll_ready: Ready
//! request 2 called: 1 in flight
//! request 2's response dropped unawaited: 0 in flight
//! ```

use std::future::poll_fn;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};

use tokio::sync::oneshot;
use tower::{Layer, Service, ServiceBuilder, service_fn};

// ANCHOR: layer
/// Wraps a service in [`InFlight`], sharing one gauge.
#[derive(Clone, Default)]
struct InFlightLayer {
    gauge: Arc<AtomicUsize>,
}

impl<S> Layer<S> for InFlightLayer {
    type Service = InFlight<S>;

    fn layer(&self, inner: S) -> InFlight<S> {
        InFlight {
            inner,
            gauge: self.gauge.clone(),
        }
    }
}

/// A service that counts the requests in flight through it.
#[derive(Clone)]
struct InFlight<S> {
    inner: S,
    gauge: Arc<AtomicUsize>,
}

impl<S, Request> Service<Request> for InFlight<S>
where
    S: Service<Request>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future =
        Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), S::Error>> {
        // Readiness is the inner service's: it holds the capacity.
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        self.gauge.fetch_add(1, Ordering::SeqCst);
        let leaving = Leaving(self.gauge.clone());
        let response = self.inner.call(request);
        Box::pin(async move {
            // Moved into the future: dropped when it finishes or when it is
            // dropped unfinished.
            let _leaving = leaving;
            response.await
        })
    }
}

/// Takes one off the gauge when dropped.
struct Leaving(Arc<AtomicUsize>);

impl Drop for Leaving {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: layer

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let layer = InFlightLayer::default();
    let gauge = layer.gauge.clone();
    let mut service = ServiceBuilder::new()
        .layer(layer)
        .concurrency_limit(1)
        .service(service_fn(
            |gate: oneshot::Receiver<&'static str>| async move {
                gate.await.map_err(|_| "the gate was dropped")
            },
        ));
    let in_flight = || gauge.load(Ordering::SeqCst);

    type Gate = oneshot::Receiver<&'static str>;

    println!(
        "poll_ready: {}",
        poll_ready_once::<_, Gate>(&mut service).await
    );
    let (open, gate) = oneshot::channel();
    let first = tokio::spawn(service.call(gate));
    println!("request 1 called: {} in flight", in_flight());

    let state = poll_ready_once::<_, Gate>(&mut service).await;
    println!("poll_ready: {state} (the only permit is held by request 1)");
    open.send("one").expect("request 1 is waiting");
    first.await.expect("no panic").expect("request 1 answers");
    println!("request 1 answered: {} in flight", in_flight());

    println!(
        "poll_ready: {}",
        poll_ready_once::<_, Gate>(&mut service).await
    );
    let (_open, gate) = oneshot::channel();
    let second = service.call(gate);
    println!("request 2 called: {} in flight", in_flight());
    drop(second);
    println!(
        "request 2's response dropped unawaited: {} in flight",
        in_flight()
    );
}

/// Polls `service.poll_ready` exactly once and says what it returned.
async fn poll_ready_once<S: Service<R>, R>(service: &mut S) -> &'static str {
    poll_fn(|cx| match service.poll_ready(cx) {
        Poll::Ready(Ok(())) => Poll::Ready("Ready"),
        Poll::Ready(Err(_)) => Poll::Ready("Ready(Err)"),
        Poll::Pending => Poll::Ready("Pending"),
    })
    .await
}
// ANCHOR_END: main
