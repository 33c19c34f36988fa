//! # tokio112: a mock behind a trait: testing a cache without its backend
//!
//! Chapter 14, *Testing async code*. A [`Cache`] sits in front of a slow backend (a database, an
//! HTTP API) and asks it at most once per key, retrying once when it fails. To test that, the cache
//! takes its backend as a type parameter bounded by a trait, [`Backend`], with an `async fn`
//! (stable in traits since Rust 1.75). Production code passes the real client; the test passes
//! [`Mock`], which answers from a script, takes 100 ms per call on Tokio's paused clock, and
//! records every call so the test can count them. That is the same shape as the chapter 12
//! exercises' simulated `Service`, which records the start time of every request for the tests.
//!
//! ```text
//! cargo run --example tokio112
//! ```
//!
//! Prints at once (the clock is paused, so the mock's 100 ms per call cost no real time):
//!
//! ```text
//! get("a") = Ok(1) after 100 ms; backend calls: ["a"]
//! get("a") = Ok(1) after 0 ms; backend calls: ["a"]
//! get("b") = Ok(2) after 200 ms; backend calls: ["a", "b", "b"]
//! get("c") = Err("backend down") after 200 ms; backend calls: ["a", "b", "b", "c", "c"]
//! ```
//!
//! The second `get("a")` comes from the cache: no new call. `b` fails once and the retry succeeds;
//! `c` fails twice and the error reaches the caller. A test asserts these call lists; the real
//! backend could not be made to fail on cue.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use tokio::runtime::Builder;
use tokio::time::{Instant, sleep};

// ANCHOR: trait
/// What the cache needs from a backend. `Send` futures, so a cache can live in
/// spawned tasks.
pub trait Backend {
    /// Looks `key` up; an error is a message for the caller.
    fn fetch(
        &self,
        key: &str,
    ) -> impl Future<Output = Result<u32, String>> + Send;
}

/// Asks the backend once per key, retries a failed call once, and remembers
/// every answer.
pub struct Cache<B> {
    backend: B,
    answers: Mutex<HashMap<String, u32>>,
}

impl<B: Backend> Cache<B> {
    pub fn new(backend: B) -> Self {
        Cache {
            backend,
            answers: Mutex::new(HashMap::new()),
        }
    }

    pub async fn get(&self, key: &str) -> Result<u32, String> {
        if let Some(&value) = self.answers.lock().unwrap().get(key) {
            return Ok(value);
        }
        let value = match self.backend.fetch(key).await {
            Ok(value) => value,
            Err(_) => self.backend.fetch(key).await?,
        };
        self.answers.lock().unwrap().insert(key.to_string(), value);
        Ok(value)
    }
}
// ANCHOR_END: trait

// ANCHOR: mock
/// A scripted backend: each key has a queue of answers, one per call; every
/// call is recorded.
#[derive(Default)]
pub struct Mock {
    script: Mutex<HashMap<String, VecDeque<Result<u32, String>>>>,
    calls: Mutex<Vec<String>>,
}

impl Mock {
    /// The answers the next calls for `key` get, in order.
    pub fn answers(
        self,
        key: &str,
        answers: impl IntoIterator<Item = Result<u32, String>>,
    ) -> Self {
        self.script
            .lock()
            .unwrap()
            .insert(key.to_string(), answers.into_iter().collect());
        self
    }

    /// Every key asked for, in order.
    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }
}

impl Backend for Mock {
    async fn fetch(&self, key: &str) -> Result<u32, String> {
        self.calls.lock().unwrap().push(key.to_string());
        // A slow backend, on Tokio's clock: free when the clock is paused.
        sleep(Duration::from_millis(100)).await;
        let next = self
            .script
            .lock()
            .unwrap()
            .get_mut(key)
            .and_then(VecDeque::pop_front);
        next.unwrap_or_else(|| {
            Err(format!("the mock has no answer left for {key:?}"))
        })
    }
}
// ANCHOR_END: mock

fn main() {
    let rt = Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    rt.block_on(async {
        let down = || Err("backend down".to_string());
        let mock = Mock::default()
            .answers("a", [Ok(1)])
            .answers("b", [down(), Ok(2)])
            .answers("c", [down(), down()]);
        let cache = Cache::new(mock);
        for key in ["a", "a", "b", "c"] {
            let start = Instant::now();
            let got = cache.get(key).await;
            println!(
                "get({key:?}) = {got:?} after {} ms; backend calls: {:?}",
                start.elapsed().as_millis(),
                cache.backend.calls()
            );
        }
    });
}
