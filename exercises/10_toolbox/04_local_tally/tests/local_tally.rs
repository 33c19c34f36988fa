//! Tests for the `local_tally` exercise. Do not edit: `cargo lab check local_tally` runs this
//! file as it is, against your `src/lib.rs`.

use std::time::Duration;

use local_tally::{Tally, tally_words};

/// The time limit of every test; each needs a few milliseconds.
const LIMIT: Duration = Duration::from_secs(5);

fn texts(texts: &[&str]) -> Vec<String> {
    texts.iter().map(|t| t.to_string()).collect()
}

/// Runs `tally_words`, and fails at once, naming the likely cause, when it waits for something
/// that never comes. Both run in this task, so each time the counter below gives way, this task
/// is woken and `tally_words` is polled again: a working one, whose tasks take a few turns per
/// word, is done long before 10 000 turns.
async fn tally(texts: Vec<String>) -> Tally {
    let turns = async {
        for _ in 0..10_000 {
            tokio::task::yield_now().await;
        }
    };
    tokio::select! {
        biased;
        tally = tally_words(texts) => tally,
        () = turns => panic!(
            "tally_words never returned: it was waiting for something that nothing drives. A \
             spawn_local task runs only while its LocalSet is driven (inside run_until, or by \
             awaiting the LocalSet itself): a JoinHandle awaited after run_until has returned \
             waits for ever. Await every task inside run_until"
        ),
    }
}

#[test]
fn counts_every_word_of_every_text() {
    // Both flavours: a LocalSet runs its tasks on the thread that drives it, whichever runtime
    // that thread belongs to.
    testkit::run_both(LIMIT, || async {
        let tally = tally(texts(&["the cat sat", "the dog", "a cat and the hat"])).await;
        assert!(
            tally.order.len() >= 10,
            "only {} of the 10 words were counted: tally_words returned before the tasks \
             finished. run_until returns as soon as the future given to it does, and the \
             spawn_local tasks it has not run to their end stop there: await every task (its \
             JoinHandle) inside run_until",
            tally.order.len()
        );
        let counts: Vec<(&str, usize)> = tally
            .counts
            .iter()
            .map(|(word, n)| (word.as_str(), *n))
            .collect();
        assert_eq!(
            counts,
            [
                ("a", 1),
                ("and", 1),
                ("cat", 2),
                ("dog", 1),
                ("hat", 1),
                ("sat", 1),
                ("the", 3)
            ],
            "wrong word counts"
        );
        assert_eq!(
            tally.order.len(),
            10,
            "one entry in `order` per word counted"
        );
    });
}

#[test]
fn the_tasks_take_turns() {
    testkit::run_both(LIMIT, || async {
        let tally = tally(texts(&["a b c d", "e f g h", "i j k l"])).await;
        let first = |text: usize| tally.order.iter().position(|&t| t == text);
        let last = |text: usize| tally.order.iter().rposition(|&t| t == text);
        for text in 0..3 {
            assert_eq!(
                tally.order.iter().filter(|&&t| t == text).count(),
                4,
                "text {text} has four words: order = {:?}",
                tally.order
            );
        }
        let latest_start = (0..3).filter_map(first).max().expect("three texts");
        let earliest_end = (0..3).filter_map(last).min().expect("three texts");
        assert!(
            latest_start < earliest_end,
            "the texts were counted one after another ({:?}), not by tasks taking turns: run one \
             spawn_local task per text, and give way with yield_now after every word",
            tally.order
        );
    });
}

#[test]
fn no_texts_no_words() {
    testkit::run_both(LIMIT, || async {
        let tally = tally(Vec::new()).await;
        assert!(
            tally.counts.is_empty() && tally.order.is_empty(),
            "no texts, nothing counted"
        );
    });
}

#[test]
fn one_text_alone_is_counted() {
    // One task: nothing else can borrow the tally while it counts.
    testkit::run_both(LIMIT, || async {
        let tally = tally(texts(&["one two one"])).await;
        let counts: Vec<(&str, usize)> = tally
            .counts
            .iter()
            .map(|(word, n)| (word.as_str(), *n))
            .collect();
        assert_eq!(counts, [("one", 2), ("two", 1)], "wrong word counts");
        assert_eq!(tally.order, [0, 0, 0], "three words of text 0");
    });
}
