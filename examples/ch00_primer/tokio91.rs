//! # tokio91: `async fn`, `.await` and `#[tokio::main]`
//!
//! The primer before chapter 1, *Async Rust in 15 minutes*. Calling an `async fn` runs none of its
//! body: it returns a *future*, a value that describes the work. The body runs when the future is
//! awaited with `.await`, and `.await` is only allowed inside async code. `main` cannot be `async`
//! by itself, because the operating system calls a plain function; the
//! [`#[tokio::main]`](https://docs.rs/tokio/latest/tokio/attr.main.html) attribute starts Tokio's
//! runtime and runs the async `main` on it.
//!
//! ```text
//! cargo run --example tokio91
//! ```
//!
//! Prints exactly these lines, in this order:
//!
//! ```text
//! called greet: nothing ran yet, we hold a future
//! greet runs, for ferris
//! awaited: hello, ferris
//! a future dropped without .await never runs its body
//! ```
//!
//! The second line comes after the first although `greet` was called before it: the call only
//! built the future, and the `.await` ran it. The last future is never awaited, so "greet runs,
//! for nobody" is never printed; rustc warns about such a future ("futures do nothing unless you
//! `.await` or poll them"), which is why the example drops it on purpose.

// ANCHOR: main
async fn greet(name: &str) -> String {
    println!("greet runs, for {name}");
    format!("hello, {name}")
}

#[tokio::main]
async fn main() {
    let future = greet("ferris");
    println!("called greet: nothing ran yet, we hold a future");

    let greeting = future.await;
    println!("awaited: {greeting}");

    drop(greet("nobody"));
    println!("a future dropped without .await never runs its body");
}
// ANCHOR_END: main
