//! # tokio67: async functions in traits
//!
//! Chapter 10, *Tokio's toolbox*. Since Rust 1.75 a trait can declare `async fn`. Each
//! implementation's future is a different, unnamed type, so the trait is not dyn-compatible:
//! `Box<dyn Service>` does not compile. Two things follow.
//!
//! - Generic code (`impl Service`, `T: Service`) works, and to spawn such a call the caller needs
//!   the future to be `Send`. Writing the method as `fn call(..) -> impl Future<Output = ..> + Send`
//!   in the trait promises that for every implementation; this is what the `trait-variant` crate's
//!   `#[trait_variant::make(Send)]` generates.
//! - For a list of different services behind `dyn`, box the future by hand:
//!   `fn call(..) -> Pin<Box<dyn Future<Output = ..> + Send + '_>>`, one allocation per call, which is
//!   what the `async-trait` crate's macro writes for you.
//!
//! ```text
//! cargo run --example tokio67
//! ```
//!
//! Prints, at once:
//!
//! ```text
//! generic: Upper answered "HELLO"
//! spawned: Upper answered "SPAWNED" on a worker thread
//! dyn: [Upper, Reverse] answered ["DYN", "nyd"]
//! ```

use std::future::Future;
use std::pin::Pin;

use anyhow::Result;

// ANCHOR: static_trait
/// A request/response service, with a `Send` future so that calls can be
/// spawned.
trait Service {
    fn call(&self, request: String) -> impl Future<Output = String> + Send;
}

struct Upper;

impl Service for Upper {
    // An implementation may still write `async fn`; the compiler checks that
    // its future is `Send`.
    async fn call(&self, request: String) -> String {
        tokio::task::yield_now().await;
        request.to_uppercase()
    }
}

/// Static dispatch: one copy of this function per service type.
async fn ask(service: &impl Service, request: &str) -> String {
    service.call(request.to_string()).await
}
// ANCHOR_END: static_trait

// ANCHOR: dyn_trait
/// The boxed form: dyn-compatible, at the price of a heap allocation per call.
trait DynService: Send + Sync {
    fn name(&self) -> &'static str;
    fn call(
        &self,
        request: String,
    ) -> Pin<Box<dyn Future<Output = String> + Send + '_>>;
}

struct Reverse;

impl DynService for Upper {
    fn name(&self) -> &'static str {
        "Upper"
    }
    fn call(
        &self,
        request: String,
    ) -> Pin<Box<dyn Future<Output = String> + Send + '_>> {
        Box::pin(Service::call(self, request))
    }
}

impl DynService for Reverse {
    fn name(&self) -> &'static str {
        "Reverse"
    }
    fn call(
        &self,
        request: String,
    ) -> Pin<Box<dyn Future<Output = String> + Send + '_>> {
        Box::pin(async move { request.chars().rev().collect() })
    }
}
// ANCHOR_END: dyn_trait

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<()> {
    // ANCHOR: use
    println!("generic: Upper answered {:?}", ask(&Upper, "hello").await);

    // `tokio::spawn` needs a `Send` future: the `+ Send` in the trait is what
    // allows this.
    let answer = tokio::spawn(async { ask(&Upper, "spawned").await }).await?;
    println!("spawned: Upper answered {answer:?} on a worker thread");

    let services: Vec<Box<dyn DynService>> =
        vec![Box::new(Upper), Box::new(Reverse)];
    let mut names = Vec::new();
    let mut answers = Vec::new();
    for service in &services {
        names.push(service.name());
        answers.push(service.call("dyn".to_string()).await);
    }
    println!("dyn: [{}] answered {answers:?}", names.join(", "));
    // ANCHOR_END: use
    Ok(())
}
