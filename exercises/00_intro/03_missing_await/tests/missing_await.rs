//! Tests for `missing_await`. They run against the stub you edit and, unchanged, against the solution.

use std::time::Duration;

use missing_await::{price_of, total};

#[test]
fn knows_the_prices() {
    testkit::run_both(Duration::from_secs(2), || async {
        assert_eq!(price_of("coffee").await, 250);
        assert_eq!(price_of("teapot").await, 0);
    });
}

#[test]
fn adds_up_the_prices() {
    testkit::run_both(Duration::from_secs(2), || async {
        assert_eq!(total(&["coffee", "bagel", "coffee"]).await, 680);
        assert_eq!(total(&[]).await, 0);
    });
}
