//! # Solution: an async service trait, and a router over services of different types
//!
//! Chapter 10, *Tokio's toolbox*. One blanket `impl` makes every [`Service`] a [`DynService`] by
//! boxing its future; the [`Router`] keeps `Box<dyn DynService>` values and awaits the boxed
//! future of the matching one. Everything is `Send + Sync` and every future `Send`, so a server
//! can `tokio::spawn` each call of `Router::handle`.

use std::future::Future;
use std::pin::Pin;

/// A request/response service. The `+ Send` on the returned future lets callers spawn a call on
/// a multi_thread runtime; an implementation may still be written as `async fn call`.
pub trait Service: Send + Sync {
    /// Answers one request.
    fn call(&self, request: String) -> impl Future<Output = String> + Send;
}

/// A boxed, `Send` future: the one type every [`DynService`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The dyn-compatible form of [`Service`]: its method returns one named type, so
/// `Box<dyn DynService>` exists and services of different types fit in one `Vec`.
pub trait DynService: Send + Sync {
    /// Answers one request, through a boxed future.
    fn call_boxed(&self, request: String) -> BoxFuture<'_, String>;
}

/// Sends each request to the first service whose prefix it starts with.
#[derive(Default)]
pub struct Router {
    /// `(prefix, service)` pairs, in the order they were added.
    routes: Vec<(String, Box<dyn DynService>)>,
}

impl<S: Service> DynService for S {
    fn call_boxed(&self, request: String) -> BoxFuture<'_, String> {
        Box::pin(self.call(request))
    }
}

impl Router {
    /// An empty router.
    pub fn new() -> Self {
        Router::default()
    }

    /// Adds `service` for the requests that start with `prefix`; earlier routes win.
    pub fn route(mut self, prefix: &str, service: impl Service + 'static) -> Self {
        self.routes.push((prefix.to_string(), Box::new(service)));
        self
    }

    /// Finds the first route whose prefix `request` starts with, and awaits that service's answer
    /// to the rest of the request (the request without the prefix). `None` if no route matches.
    pub async fn handle(&self, request: &str) -> Option<String> {
        for (prefix, service) in &self.routes {
            if let Some(rest) = request.strip_prefix(prefix.as_str()) {
                return Some(service.call_boxed(rest.to_string()).await);
            }
        }
        None
    }
}
