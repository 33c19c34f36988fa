//! # The missing `.await` (solution)
//!
//! The tests live in the stub's `tests/missing_await.rs`; this crate compiles the same file.

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
        let price: u32 = price_of(item).await;
        sum += price;
    }
    sum
}
