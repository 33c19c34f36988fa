//! # Exercise: a Tower layer that sheds load
//!
//! Chapter 12, *Production patterns*. A service that queues every request while it is busy makes
//! callers wait longer and longer under load. *Load shedding* answers at once instead: if the
//! service cannot take a request now, refuse it with an error the caller can act on (retry later,
//! try another replica). Write the [`Service`] impl of [`Shed`], which [`ShedLayer`] wraps around
//! any service:
//!
//! - `poll_ready` is always ready, unless the inner service's `poll_ready` fails (then it fails
//!   with [`ShedError::Inner`]);
//! - `call` passes the request to the inner service if the inner service's last `poll_ready`
//!   said `Ready(Ok)`, and maps its error to [`ShedError::Inner`];
//! - otherwise `call` does not touch the inner service and returns [`ShedError::Overloaded`] at
//!   once.
//!
//! Calling a Tower service without a successful `poll_ready` first breaks its contract: tower's
//! `ConcurrencyLimit`, which the tests wrap, panics when it happens.
//!
//! The tests live in `tests/shed_layer.rs`. Do not edit them: `cargo lab check shed_layer` runs
//! them as they are, and so does CI against the solution.

use std::pin::Pin;
use std::task::{Context, Poll};

use tower::{Layer, Service};

/// What a [`Shed`] service returns instead of a response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShedError<E> {
    /// The inner service was not ready, so the request was refused at once: try again later.
    Overloaded,
    /// The inner service failed, in `poll_ready` or in the response.
    Inner(E),
}

impl<E: std::fmt::Display> std::fmt::Display for ShedError<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ShedError::Overloaded => {
                f.write_str("overloaded: the service is busy, try again later")
            }
            ShedError::Inner(e) => write!(f, "{e}"),
        }
    }
}

impl<E: std::fmt::Debug + std::fmt::Display> std::error::Error for ShedError<E> {}

/// Wraps a service in [`Shed`].
#[derive(Debug, Clone, Copy, Default)]
pub struct ShedLayer;

impl<S> Layer<S> for ShedLayer {
    type Service = Shed<S>;

    fn layer(&self, inner: S) -> Shed<S> {
        Shed {
            inner,
            inner_ready: false,
        }
    }
}

/// A service that is always ready, and refuses a request at once when its inner service is not.
#[derive(Debug)]
#[allow(
    dead_code,
    reason = "the fields are read by the poll_ready and call you write"
)]
pub struct Shed<S> {
    /// The wrapped service.
    inner: S,
    /// Whether the inner service's last `poll_ready` returned `Ready(Ok)`, reserving one call.
    inner_ready: bool,
}

/// A clone starts without a reservation: the reservation `inner_ready` stands for belongs to the
/// inner service that made it (a clone of tower's `ConcurrencyLimit` holds no permit), so a copied
/// `true` would let the clone call its inner service without a `poll_ready`. tower's own services
/// clone the same way.
impl<S: Clone> Clone for Shed<S> {
    fn clone(&self) -> Self {
        Shed {
            inner: self.inner.clone(),
            inner_ready: false,
        }
    }
}

/// The response future of [`Shed`]: boxed, so that both outcomes have one type.
pub type ShedFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, ShedError<E>>> + Send>>;

impl<S, Request> Service<Request> for Shed<S>
where
    S: Service<Request>,
    S::Future: Send + 'static,
    S::Response: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = S::Response;
    type Error = ShedError<S::Error>;
    type Future = ShedFuture<S::Response, S::Error>;

    // TODO: ask the inner service whether it is ready, remember the answer in `inner_ready`, and
    // decide what to tell the caller. Remember what `Pending` obliges a service to do, and who
    // will be woken if you return `Ready` instead.
    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        let _ = cx;
        todo!("always ready, unless the inner poll_ready fails")
    }

    // TODO: one readiness of the inner service pays for one call. `Box::pin` an `async move` block,
    // or `std::future::ready(..)`, for the two kinds of answer.
    fn call(&mut self, request: Request) -> Self::Future {
        let _ = request;
        todo!("call the inner service, or refuse with Overloaded")
    }
}
