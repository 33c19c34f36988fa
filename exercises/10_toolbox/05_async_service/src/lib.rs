//! # Exercise: an async service trait, and a router over services of different types
//!
//! Chapter 10, *Tokio's toolbox*. [`Service`] has an async method. Such a trait is not
//! dyn-compatible (each implementation's future is a different type), so a [`Router`] cannot
//! keep a `Vec<Box<dyn Service>>`. [`DynService`] is the dyn-compatible twin, whose method returns
//! a boxed future. Your tasks: make every `Service` a `DynService` (one blanket `impl`), then
//! write [`Router::route`] and [`Router::handle`]. The router's `handle` future must be `Send`,
//! so that a server can `tokio::spawn` each request.
//!
//! The tests live in `tests/async_service.rs`. Do not edit them: `cargo lab check async_service`
//! runs them as they are, and so does CI against the solution.

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

// TODO: answer through `Service::call`, returned as the one type `DynService` promises. Compare
// what `Service::call` returns with the definition of `BoxFuture` above.
impl<S: Service> DynService for S {
    fn call_boxed(&self, request: String) -> BoxFuture<'_, String> {
        let _ = request;
        todo!("box the future of Service::call")
    }
}

impl Router {
    /// An empty router.
    pub fn new() -> Self {
        Router::default()
    }

    /// Adds `service` for the requests that start with `prefix`; earlier routes win.
    // TODO: keep `service` in `routes` next to its prefix, and return the router. Look at the
    // type of `routes`, and at the blanket impl above.
    pub fn route(self, prefix: &str, service: impl Service + 'static) -> Self {
        let _ = (prefix, service, &self.routes);
        todo!("add the route")
    }

    /// Finds the first route whose prefix `request` starts with, and awaits that service's answer
    /// to the rest of the request (the request without the prefix). `None` if no route matches.
    // TODO: look through the routes in order for a prefix of `request`, and let that route's
    // service answer the rest. `str::strip_prefix` helps.
    pub async fn handle(&self, request: &str) -> Option<String> {
        let _ = request;
        todo!("route the request")
    }
}
