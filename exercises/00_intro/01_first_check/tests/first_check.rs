//! Tests for `first_check`. They run against the stub you edit and, unchanged, against the solution.

use first_check::greeting;

#[test]
fn greets_by_name() {
    assert_eq!(
        greeting("Ferris"),
        "Hello, Ferris!",
        "greeting(\"Ferris\") must be exactly \"Hello, Ferris!\", punctuation included"
    );
}

#[test]
fn greets_anyone() {
    assert_eq!(
        greeting("async world"),
        "Hello, async world!",
        "the name goes between \"Hello, \" and \"!\", whatever it is"
    );
}
