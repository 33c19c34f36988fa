//! # The missing `.await`
//!
//! This stub does not compile, on purpose: `cargo lab check` shows the compiler's first error in
//! full. Calling an `async fn` does not run it; it returns a future, and only `.await` (or a
//! runtime) turns that future into its value. Forgetting `.await` is the most common async
//! mistake, and the compiler's message for it is worth learning to read.
//!
//! The tests live in `tests/missing_await.rs`. Do not edit them.

/// The price of `item` in cents, or 0 for an unknown item. It is async because a real shop would
/// ask a database; here [`tokio::task::yield_now`] stands in for that round trip.
pub async fn price_of(item: &str) -> u32 {
    tokio::task::yield_now().await;
    match item {
        "coffee" => 250,
        "bagel" => 180,
        _ => 0,
    }
}

/// The total price of `items`, in cents.
pub async fn total(items: &[&str]) -> u32 {
    let mut sum = 0;
    for item in items {
        // TODO: this line does not compile: `price_of(item)` is a future, not a number.
        // Read the compiler's error and its help line, then add what is missing.
        let price: u32 = price_of(item);
        sum += price;
    }
    sum
}
