//! # A Tower layer that sheds load
//!
//! Chapter 12, *Production patterns*. [`Shed`], the service [`ShedLayer`] wraps around any
//! service, is always ready: when its inner service is not, it refuses the request at once with
//! [`ShedError::Overloaded`] instead of making the caller wait.
//!
//! The one subtle point is `poll_ready`. When the inner service's `poll_ready` returns `Pending`,
//! the inner service has arranged to wake the current task when it has room; `Shed` returns
//! `Ready` anyway, and the wake-up only causes a spare poll. `inner_ready` remembers whether the
//! inner service reserved room for one call; `call` spends that reservation (or refuses), so the
//! inner service is never called without a successful `poll_ready`.

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

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        match self.inner.poll_ready(cx) {
            Poll::Ready(Ok(())) => {
                self.inner_ready = true;
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(error)) => Poll::Ready(Err(ShedError::Inner(error))),
            Poll::Pending => {
                self.inner_ready = false;
                Poll::Ready(Ok(()))
            }
        }
    }

    fn call(&mut self, request: Request) -> Self::Future {
        // One reservation pays for one call.
        if std::mem::take(&mut self.inner_ready) {
            let response = self.inner.call(request);
            Box::pin(async move { response.await.map_err(ShedError::Inner) })
        } else {
            Box::pin(std::future::ready(Err(ShedError::Overloaded)))
        }
    }
}
