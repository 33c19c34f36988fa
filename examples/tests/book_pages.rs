//! Checks of the book's pages that need no example to run.
//!
//! The pages' output blocks are checked against the examples in each chapter's own test file
//! (`the_book_shows_only_checked_outputs`); this file holds the checks that are about the pages
//! alone.

use std::path::PathBuf;

/// Reads a file given relative to the repository root.
fn read(relative: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn the_contributing_page_splits_its_include_on_the_directive_line() {
    // `docs/src/contributing.md` includes CONTRIBUTING.md in two ranges around one line, which it
    // writes itself with the include directive escaped, because mdBook would otherwise try to
    // follow the example directive and fail. If CONTRIBUTING.md gains or loses a line above it,
    // the ranges must move with it, or the page would silently drop or repeat a line.
    let page = read("docs/src/contributing.md");
    let source = read("CONTRIBUTING.md");

    let first = page
        .lines()
        .find_map(|l| {
            l.strip_prefix("{{#include ../../CONTRIBUTING.md::")?
                .strip_suffix("}}")?
                .parse::<usize>()
                .ok()
        })
        .expect("contributing.md includes the first part of CONTRIBUTING.md with `::N`");
    let rest = page
        .lines()
        .find_map(|l| {
            l.strip_prefix("{{#include ../../CONTRIBUTING.md:")?
                .strip_suffix(":}}")?
                .parse::<usize>()
                .ok()
        })
        .expect("contributing.md includes the rest of CONTRIBUTING.md with `:N:`");
    assert_eq!(
        rest,
        first + 2,
        "the two ranges must leave out exactly one line"
    );

    // mdBook drops the backslash of an escaped directive, so the page's own line, unescaped,
    // must be the line it stands in for.
    let written = page
        .lines()
        .find(|l| l.contains("\\{{#include"))
        .expect("contributing.md writes the directive line itself, escaped");
    let skipped = source
        .lines()
        .nth(first)
        .expect("CONTRIBUTING.md is longer than the first range");
    assert_eq!(
        written.replace("\\{{", "{{"),
        skipped,
        "CONTRIBUTING.md line {} changed or moved: update the ranges in docs/src/contributing.md",
        first + 1
    );
    // And no other line of CONTRIBUTING.md may hold a directive mdBook would try to follow.
    for (i, line) in source.lines().enumerate() {
        if i != first {
            assert!(
                !line.contains("{{#"),
                "CONTRIBUTING.md line {} holds an mdBook directive: escape it in \
                 docs/src/contributing.md as line {} is",
                i + 1,
                first + 1
            );
        }
    }
}
