//! # Exercise: local tasks that share an `Rc<RefCell<..>>`
//!
//! Chapter 10, *Tokio's toolbox*. Write [`tally_words`]: count the words of several texts, one
//! task per text, all adding to one shared [`Tally`]. The tally is shared through an
//! `Rc<RefCell<Tally>>`, which is not `Send`, so `tokio::spawn` cannot take these tasks; they must
//! run on a [`LocalSet`](https://docs.rs/tokio/latest/tokio/task/struct.LocalSet.html), spawned with
//! `tokio::task::spawn_local`. Each task gives way (`tokio::task::yield_now`) after every word, so
//! the tasks take turns.
//!
//! The tests live in `tests/local_tally.rs`. Do not edit them: `cargo lab check local_tally` runs
//! them as they are, and so does CI against the solution.

use std::cell::RefCell;
use std::rc::Rc;

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
// TODO: run one local task per text, all sharing one `Rc<RefCell<Tally>>`. A task counts its
// text one word at a time (the word in `counts`, its text's index in `order`) and gives way after
// each word. When every task has finished, return the `Tally`. APIs that help:
// `tokio::task::LocalSet`, `tokio::task::spawn_local`, `tokio::task::yield_now`, `Rc::try_unwrap`
// and `RefCell::into_inner`. Mind what a task still holds when it gives way.
pub async fn tally_words(texts: Vec<String>) -> Tally {
    let _shared: Rc<RefCell<Tally>> = Rc::default();
    let _ = texts;
    todo!("count the words in local tasks")
}
