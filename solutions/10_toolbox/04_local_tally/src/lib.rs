//! # Solution: local tasks that share an `Rc<RefCell<..>>`
//!
//! Chapter 10, *Tokio's toolbox*. [`tally_words`] runs one `spawn_local` task per text on a
//! [`LocalSet`](https://docs.rs/tokio/latest/tokio/task/struct.LocalSet.html). All of them run on
//! the thread that drives the set, so they can share an `Rc<RefCell<Tally>>` without a lock; each
//! borrow ends before the task's next `.await`, so no two borrows ever overlap.

use std::cell::RefCell;
use std::rc::Rc;

use tokio::task::{self, LocalSet};

use std::collections::BTreeMap;

/// The result of [`tally_words`].
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    /// How many times each word (split on whitespace, compared exactly) occurs in all the texts.
    pub counts: BTreeMap<String, usize>,
    /// The index of the text each counted word came from, in the order the words were counted:
    /// it shows how the tasks took turns.
    pub order: Vec<usize>,
}

/// Counts the words of `texts`, one local task per text, the tasks taking turns word by word.
pub async fn tally_words(texts: Vec<String>) -> Tally {
    let tally = Rc::new(RefCell::new(Tally::default()));
    let local = LocalSet::new();
    local
        .run_until(async {
            let tasks: Vec<_> = texts
                .into_iter()
                .enumerate()
                .map(|(index, text)| {
                    let tally = Rc::clone(&tally);
                    task::spawn_local(async move {
                        for word in text.split_whitespace() {
                            {
                                let mut tally = tally.borrow_mut();
                                *tally.counts.entry(word.to_string()).or_default() += 1;
                                tally.order.push(index);
                            }
                            task::yield_now().await;
                        }
                    })
                })
                .collect();
            for task in tasks {
                task.await.expect("a counting task panicked");
            }
        })
        .await;
    Rc::try_unwrap(tally)
        .expect("every task has finished and dropped its Rc")
        .into_inner()
}
