//! Shared by the crate's integration tests: catching a panic and reading its message.

// Each test file compiles this module on its own and uses only some of it.
#![allow(dead_code, reason = "each test file uses only some of these functions")]

use std::panic::{self, AssertUnwindSafe};

/// Runs `f`, which must panic, and returns the panic's message.
pub fn panic_message<R>(f: impl FnOnce() -> R) -> String {
    let payload = match panic::catch_unwind(AssertUnwindSafe(f)) {
        Ok(_) => panic!("expected a panic, but the code returned normally"),
        Err(payload) => payload,
    };
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&'static str>() {
        (*s).to_owned()
    } else {
        panic!("the panic payload is neither a String nor a &str")
    }
}

/// The number of milliseconds a "blocked for N ms" message names.
pub fn blocked_ms(message: &str) -> u64 {
    let rest = message
        .strip_prefix(testkit::messages::RUNTIME_BLOCKED)
        .unwrap_or_else(|| panic!("not a blocked-runtime message: {message}"));
    rest.trim_start()
        .split(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no millisecond count in: {message}"))
}
