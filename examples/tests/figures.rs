//! The book's run-drawn figures: each test runs an example, draws its event log with the
//! `figures` crate and compares the drawing with the SVG checked in under `docs/src/img/`.
//!
//! A figure that no longer matches its run fails here, with the first line that differs. After a
//! change that is meant to alter a picture, redraw them all and look at the result in the book:
//!
//! ```text
//! cargo build -p examples --examples
//! UPDATE_FIGURES=1 cargo test -p examples --test figures
//! ```
//!
//! Every log is deterministic: an order of events that the example's own test already pins down
//! (`tokio19`, `tokio27`, `tokio28`), or times on Tokio's paused clock (`tokio52 --events`), or an
//! order fixed by a current_thread runtime and a `biased` `select!` (`tokio57 --events`).

mod harness;

use std::path::PathBuf;
use std::time::Duration;

use harness::{Example, Run};

/// Upper bound for each run; the slowest (`tokio28`) watches a task for 500 ms by design.
const ENDS_WITHIN: Duration = Duration::from_secs(30);

fn img(figure: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../docs/src/img")
        .join(format!("{figure}.svg"))
}

fn run(name: &str, args: &[&str]) -> Run {
    let run = Example::new(name)
        .args(args.iter().copied())
        .deadline(ENDS_WITHIN)
        .run();
    run.assert_exited_ok();
    run
}

/// Compares `drawn` with the checked-in figure, or writes it when `UPDATE_FIGURES` is set.
fn matches_checked_in(figure: &str, command: &str, drawn: Result<String, String>, run: &Run) {
    let drawn =
        drawn.unwrap_or_else(|err| panic!("{command}: its log cannot be drawn: {err}\n{run}"));
    let path = img(figure);
    if std::env::var_os("UPDATE_FIGURES").is_some() {
        std::fs::write(&path, &drawn)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; draw it with `UPDATE_FIGURES=1 cargo test -p examples --test figures`",
            path.display()
        )
    });
    if checked_in != drawn {
        let (n, (old, new)) = checked_in
            .lines()
            .chain(std::iter::repeat(""))
            .zip(drawn.lines().chain(std::iter::repeat("")))
            .enumerate()
            .find(|(_, (old, new))| old != new)
            .expect("two different texts differ in some line");
        panic!(
            "docs/src/img/{figure}.svg no longer shows what `{command}` does.\n\
             line {}: checked in\n  {old}\nbut the run draws\n  {new}\n\
             If the change is meant, redraw with `UPDATE_FIGURES=1 cargo test -p examples --test \
             figures`, look at the page, and commit the picture.\n{run}",
            n + 1
        );
    }
}

#[test]
fn ch03_blocked_thread_is_drawn_from_tokio19() {
    let run = run("tokio19", &[]);
    let drawn = figures::blocked_thread(&run.texts());
    matches_checked_in(
        "ch03-blocked-thread",
        "cargo run --example tokio19",
        drawn,
        &run,
    );
}

#[test]
fn ch05_poll_wake_is_drawn_from_tokio27() {
    let run = run("tokio27", &[]);
    let drawn = figures::poll_wake(&run.texts());
    matches_checked_in("ch05-poll-wake", "cargo run --example tokio27", drawn, &run);
}

#[test]
fn ch05_forgotten_wake_is_drawn_from_tokio28() {
    let run = run("tokio28", &[]);
    let drawn = figures::forgotten_wake(&run.texts());
    matches_checked_in(
        "ch05-forgotten-wake",
        "cargo run --example tokio28",
        drawn,
        &run,
    );
}

#[test]
fn ch09_buffered_is_drawn_from_tokio52_on_a_paused_clock() {
    let run = run("tokio52", &["--events"]);
    let drawn = figures::buffered_timeline(&run.texts());
    matches_checked_in(
        "ch09-buffered",
        "cargo run --example tokio52 -- --events",
        drawn,
        &run,
    );
}

#[test]
fn ch10_select_is_drawn_from_tokio57() {
    let run = run("tokio57", &["--events"]);
    let drawn = figures::select_loss(&run.texts());
    matches_checked_in(
        "ch10-select",
        "cargo run --example tokio57 -- --events",
        drawn,
        &run,
    );
}

/// Every SVG under `docs/src/img/`, drawn from a run or by hand: on a page inside a
/// `<figure class="lab-figure">` with a caption, with a text alternative, with no blank line
/// (which would end the page's HTML block half-way through the picture), and coloured by the
/// shared class rules, which follow the book's theme, rather than by colours of its own.
#[test]
fn every_figure_is_on_a_page_with_a_caption_and_follows_the_theme() {
    let src = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/src");
    let pages: Vec<(String, String)> = std::fs::read_dir(&src)
        .expect("docs/src is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (
                name,
                std::fs::read_to_string(&path).expect("a page is readable"),
            )
        })
        .collect();
    let mut figures: Vec<PathBuf> = std::fs::read_dir(src.join("img"))
        .expect("docs/src/img is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "svg"))
        .collect();
    figures.sort();
    assert!(
        figures.len() >= 12,
        "expected at least twelve figures, found {figures:?}"
    );
    for path in &figures {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let svg = std::fs::read_to_string(path).expect("a figure is readable");
        let include = format!("{{{{#include img/{name}.svg}}}}");
        let on: Vec<&(String, String)> = pages
            .iter()
            .filter(|(_, text)| text.contains(&include))
            .collect();
        assert_eq!(
            on.len(),
            1,
            "{name}.svg must be included by exactly one page, found {}",
            on.len()
        );
        let (page, text) = on[0];
        let block =
            format!("<figure class=\"lab-figure\" id=\"fig-{name}\">\n{include}\n<figcaption>");
        assert!(
            text.contains(&block),
            "{page}: {name}.svg must sit in `<figure class=\"lab-figure\" id=\"fig-{name}\">`, \
             followed by its <figcaption>"
        );
        let caption = text
            .split(&block)
            .nth(1)
            .and_then(|rest| rest.split("</figcaption>").next());
        assert!(
            caption.is_some_and(|c| c.split_whitespace().count() >= 8),
            "{page}: the caption of {name} must say what to notice"
        );
        assert!(!svg.contains("\n\n"), "{name}.svg has a blank line");
        for needle in [
            "role=\"img\"",
            "aria-label=\"",
            &format!("<title id=\"{name}-title\">"),
            &format!("<desc id=\"{name}-desc\">"),
            figures::STYLE,
        ] {
            assert!(svg.contains(needle), "{name}.svg lacks {needle}");
        }
        for colour in ["fill=\"#", "stroke=\"#", "fill=\"white\"", "background"] {
            assert!(
                !svg.contains(colour),
                "{name}.svg sets a colour of its own ({colour}…): use the f-* classes, which follow the theme"
            );
        }
    }
}
