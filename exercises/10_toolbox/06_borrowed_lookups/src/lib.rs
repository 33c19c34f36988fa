//! # Concurrent lookups over borrowed data
//!
//! [`lookup_all`] looks up every key in a [`Store`], at most `limit` lookups at a time, and
//! returns the values in the order of the keys. The store and the keys are *borrowed*: the caller
//! owns them, and nothing here may keep them past the call. That rules out `tokio::spawn`, whose
//! future must be `'static` (a task may outlive the function that spawned it). A
//! `FuturesUnordered` runs many futures inside the one task that polls it, so they may borrow
//! whatever that task borrows.
//!
//! The limit is a sliding window, not batches: a new lookup starts as soon as one ends, so one
//! slow key does not hold the other slots idle.
//!
//! The tests live in `tests/borrowed_lookups.rs`. Do not edit them: make them pass by changing
//! this file. Run them with `cargo lab check borrowed_lookups`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How long a lookup of a key the store does not hold takes.
pub const MISS_DELAY: Duration = Duration::from_millis(10);

/// A key-value store whose lookups take time, and which counts how many run at once.
#[derive(Debug, Default)]
pub struct Store {
    /// Each key's value and how long its lookup takes.
    entries: HashMap<String, (u64, Duration)>,
    /// Lookups running now.
    in_flight: AtomicUsize,
    /// The most lookups that ran at once.
    most: AtomicUsize,
    /// Lookups started.
    calls: AtomicUsize,
}

/// Counts a lookup out of `in_flight` when it ends, also when it is dropped before it ends.
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Store {
    /// A store holding `(key, value, how long its lookup takes)` for each entry.
    pub fn new<'a>(entries: impl IntoIterator<Item = (&'a str, u64, Duration)>) -> Store {
        Store {
            entries: entries
                .into_iter()
                .map(|(key, value, delay)| (key.to_string(), (value, delay)))
                .collect(),
            ..Store::default()
        }
    }

    /// The value of `key`, after the key's delay ([`MISS_DELAY`] for a key the store lacks).
    pub async fn get(&self, key: &str) -> Option<u64> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        let _in_flight = InFlight(&self.in_flight);
        let entry = self.entries.get(key).copied();
        tokio::time::sleep(entry.map_or(MISS_DELAY, |(_, delay)| delay)).await;
        entry.map(|(value, _)| value)
    }

    /// The most lookups that were running at the same time.
    pub fn most_in_flight(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }

    /// How many lookups were started.
    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

/// Looks up every key of `keys` in `store`, at most `limit` at a time, starting a new lookup as
/// soon as one ends, and returns the values in the order of `keys`.
///
/// # Panics
///
/// If `limit` is 0: no lookup could ever start.
pub async fn lookup_all(store: &Store, keys: &[&str], limit: usize) -> Vec<Option<u64>> {
    // TODO: Run the lookups `store.get(key)` concurrently, at most `limit` at a time, and put
    //       each value at its key's position. `tokio::spawn` will not take a future that borrows
    //       `store` (it needs `'static`); run them in this task instead:
    //       - `futures::stream::FuturesUnordered`: `push` a future, and `next().await` (from
    //         `futures::StreamExt`) gives the output of whichever finishes first;
    //       - tag each future with its key's index so the output can go back in place;
    //       - start `limit` lookups, then one more each time one ends (not in batches).
    //       Refuse a `limit` of 0 with a panic whose message names `limit`.
    let _ = (store, keys, limit);
    todo!()
}
