//! Runs the chapter 7 examples (`tokio39` to `tokio42`) and checks what each header promises.
//!
//! `tokio39`, `tokio40` and `tokio42` print the same lines on every run: the test compares them
//! with the header. `tokio41` prints sizes of futures, which depend on the compiler (layout is not
//! specified): its test checks each size against a bound, never an exact figure.

mod harness;

use std::time::Duration;

use harness::{assert_page_shows_checked_outputs, header_text_block, run_to_end};

/// Upper bound for each run; each takes milliseconds. The margin is for a busy machine.
const ENDS_WITHIN: Duration = Duration::from_secs(30);

fn assert_prints_its_header(name: &str) {
    let run = run_to_end(name, ENDS_WITHIN);
    assert_eq!(
        run.texts(),
        header_text_block(name, 1),
        "{name} did not print what its header promises\n{run}"
    );
}

#[test]
fn tokio39_async_fn_and_hand_written_state_machine_poll_alike() {
    assert_prints_its_header("tokio39");
}

#[test]
fn tokio40_calling_an_async_fn_runs_nothing_until_polled() {
    assert_prints_its_header("tokio40");
}

#[test]
fn tokio42_each_drop_guard_names_the_state_it_was_dropped_in() {
    assert_prints_its_header("tokio42");
}

/// What each line of `tokio41` is about, and the bound its size must respect.
const SIZE_BOUNDS: [(&str, Bound); 6] = [
    ("nothing held across an .await", Bound::Under256),
    ("a 16 KiB array held across an .await", Bound::Over16K),
    ("the same array dropped before the .await", Bound::Under256),
    ("the same data in a Vec", Bound::Under256),
    ("awaiting the large future inline", Bound::Over16K),
    ("awaiting it through Box::pin", Bound::Under256),
];

#[derive(Clone, Copy, Debug)]
enum Bound {
    Under256,
    Over16K,
}

impl Bound {
    fn holds(self, bytes: usize) -> bool {
        match self {
            Bound::Under256 => bytes < 256,
            Bound::Over16K => bytes > 16 * 1024,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Bound::Under256 => "under 256 bytes",
            Bound::Over16K => "over 16 KiB",
        }
    }
}

/// Splits `"<label>: <n> bytes (<bound>)"`.
fn parse_size_line(line: &str) -> Option<(&str, usize, &str)> {
    let (label, rest) = line.split_once(": ")?;
    let (bytes, rest) = rest.split_once(" bytes (")?;
    Some((label, bytes.parse().ok()?, rest.strip_suffix(')')?))
}

#[test]
fn tokio41_sizes_respect_their_bounds() {
    let run = run_to_end("tokio41", ENDS_WITHIN);
    let texts = run.texts();
    assert_eq!(texts.len(), SIZE_BOUNDS.len(), "one line per future\n{run}");
    for (line, (label, bound)) in texts.iter().zip(SIZE_BOUNDS) {
        let (got_label, bytes, words) = parse_size_line(line)
            .unwrap_or_else(|| panic!("{line:?} is not `<label>: <n> bytes (<bound>)`\n{run}"));
        assert_eq!(
            got_label, label,
            "lines come in the documented order\n{run}"
        );
        assert!(
            bound.holds(bytes),
            "{label}: {bytes} bytes breaks the bound {bound:?}; the state machine explanation on \
             the chapter 7 page no longer holds\n{run}"
        );
        assert_eq!(
            words,
            bound.words(),
            "the line names the bound it respects\n{run}"
        );
    }
    // The header shows a recorded run: same labels and bounds, figures from that run.
    let header = header_text_block("tokio41", 1);
    assert_eq!(
        header.len(),
        SIZE_BOUNDS.len(),
        "the header shows every line"
    );
    for (line, (label, bound)) in header.iter().zip(SIZE_BOUNDS) {
        let (got_label, bytes, words) =
            parse_size_line(line).unwrap_or_else(|| panic!("header line {line:?} is malformed"));
        assert!(
            got_label == label && bound.holds(bytes) && words == bound.words(),
            "the header line {line:?} does not match {label:?} / {bound:?}"
        );
    }
}

#[test]
fn the_book_shows_only_checked_outputs() {
    assert_page_shows_checked_outputs(
        "ch07-state-machine.md",
        &["tokio39", "tokio40", "tokio42"],
        &["nothing held across an .await: 3 bytes (under 256 bytes)"],
    );
}
