//! # Your first check
//!
//! Chapter 0 is about the tool, not about async. Run `cargo lab check`: it builds this crate,
//! runs its tests and reports the first failure, here a `todo!()` that panics with
//! "not yet implemented". Then make the tests pass and check again.
//!
//! The tests live in `tests/first_check.rs`. Do not edit them: `cargo lab check` runs them as
//! they are, and CI runs the very same file against the solution.

/// Returns the greeting for `name`: `Hello, <name>!`.
pub fn greeting(name: &str) -> String {
    // TODO: return `Hello, <name>!`. The `format!` macro builds a `String`:
    // https://doc.rust-lang.org/std/macro.format.html
    todo!("greet {name}")
}
