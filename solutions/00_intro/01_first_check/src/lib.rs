//! # Your first check (solution)
//!
//! The tests live in the stub's `tests/first_check.rs`; this crate compiles the same file.

/// Returns the greeting for `name`: `Hello, <name>!`.
pub fn greeting(name: &str) -> String {
    format!("Hello, {name}!")
}
