//! Tests for `missing_await`. They run against the stub you edit and, unchanged, against the solution.

use std::time::Duration;

use missing_await::{price_of, total};

#[test]
fn knows_the_prices() {
    testkit::run_both(Duration::from_secs(2), || async {
        assert_eq!(price_of("coffee").await, 250, "the price of a coffee");
        assert_eq!(price_of("teapot").await, 0, "an unknown item costs 0");
    });
}

#[test]
fn adds_up_the_prices() {
    testkit::run_both(Duration::from_secs(2), || async {
        assert_eq!(
            total(&["coffee", "bagel", "coffee"]).await,
            680,
            "the total is the sum of the awaited prices"
        );
        assert_eq!(total(&[]).await, 0, "an empty order costs 0");
    });
}
