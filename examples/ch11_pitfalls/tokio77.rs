//! # tokio77: a hung service, found by its open spans
//!
//! Chapter 11, *Common pitfalls*. A small service: a dispatcher hands jobs to two worker tasks over
//! an [`mpsc`](https://docs.rs/tokio/latest/tokio/sync/mpsc/index.html) channel, and shutdown
//! drops the sender and waits for the workers, whose `while let Some(job) = rx.recv().await` loops
//! end when the channel closes. The buggy version also keeps a clone of the sender in a field (for
//! "retries"), so the channel never closes, the workers wait forever and so does shutdown. No
//! error, no CPU: the service just stops answering.
//!
//! The detection has two parts. A deadline on shutdown turns "hangs forever" into a report. Then
//! every async fn that matters carries
//! [`#[tracing::instrument]`](https://docs.rs/tracing/latest/tracing/attr.instrument.html), whose
//! span opens when the future is first polled and closes when the future is dropped or finished, even
//! when the future runs in another task. A small [`Layer`](https://docs.rs/tracing-subscriber/latest/tracing_subscriber/layer/trait.Layer.html)
//! keeps the set of spans still open, so the report names the futures that never finished. The fix
//! keeps no extra sender: the same deadline passes and no span is left open.
//!
//! ```text
//! cargo run --example tokio77
//! ```
//!
//! Prints after about 0.5 s:
//!
//! ```text
//! kept a spare sender: shutdown did not finish within 500 ms; open spans: shutdown, worker{id=0}, worker{id=1}
//! no spare sender: shutdown finished; open spans: none
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id};
use tracing::{Subscriber, instrument};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt};
use tracing_subscriber::registry::LookupSpan;

// ANCHOR: service
/// The service: a sender for jobs and the worker tasks that take them.
struct Service {
    jobs: mpsc::Sender<u32>,
    /// The pitfall, in the buggy version: a second sender nobody ever drops.
    spare: Option<mpsc::Sender<u32>>,
    workers: Vec<JoinHandle<()>>,
}

impl Service {
    fn start(keep_spare: bool) -> Service {
        let (jobs, rx) = mpsc::channel(8);
        let rx = Arc::new(tokio::sync::Mutex::new(rx));
        let workers = (0..2)
            .map(|id| tokio::spawn(worker(id, rx.clone())))
            .collect();
        let spare = keep_spare.then(|| jobs.clone());
        Service {
            jobs,
            spare,
            workers,
        }
    }

    /// Closes the queue (by dropping `jobs`) and waits for every worker to
    /// finish.
    #[instrument(skip_all)]
    async fn shutdown(self) {
        let Service {
            jobs,
            spare,
            workers,
        } = self;
        drop(jobs);
        // `spare` is still alive until the end of this function: the channel
        // stays open.
        for worker in workers {
            worker.await.expect("a worker does not panic");
        }
        drop(spare);
    }
}

/// Takes jobs until the channel is closed.
#[instrument(skip(rx))]
async fn worker(id: usize, rx: Arc<tokio::sync::Mutex<mpsc::Receiver<u32>>>) {
    loop {
        let next = rx.lock().await.recv().await;
        let Some(_job) = next else { break };
    }
}
// ANCHOR_END: service

// ANCHOR: layer
/// Keeps the name and fields of every span that is open: created and not yet
/// closed.
#[derive(Clone, Default)]
struct OpenSpans(Arc<Mutex<BTreeMap<u64, String>>>);

impl OpenSpans {
    /// The spans open right now, by id.
    fn ids(&self) -> BTreeSet<u64> {
        self.0.lock().unwrap().keys().copied().collect()
    }

    /// The spans open right now, except those in `earlier`, by name.
    fn list_except(&self, earlier: &BTreeSet<u64>) -> String {
        let open = self.0.lock().unwrap();
        let mut names: Vec<&str> = open
            .iter()
            .filter(|(id, _)| !earlier.contains(id))
            .map(|(_, name)| name.as_str())
            .collect();
        if names.is_empty() {
            return "none".to_string();
        }
        names.sort();
        names.join(", ")
    }
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for OpenSpans {
    fn on_new_span(
        &self,
        attrs: &Attributes<'_>,
        id: &Id,
        _ctx: Context<'_, S>,
    ) {
        let mut fields = Fields(String::new());
        attrs.record(&mut fields);
        let name = match fields.0.is_empty() {
            true => attrs.metadata().name().to_string(),
            false => format!("{}{{{}}}", attrs.metadata().name(), fields.0),
        };
        self.0.lock().unwrap().insert(id.into_u64(), name);
    }

    fn on_close(&self, id: Id, _ctx: Context<'_, S>) {
        self.0.lock().unwrap().remove(&id.into_u64());
    }
}

/// Writes a span's fields as `name=value`, comma-separated.
struct Fields(String);

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if !self.0.is_empty() {
            self.0.push_str(", ");
        }
        let _ = write!(self.0, "{}={value:?}", field.name());
    }
}
// ANCHOR_END: layer

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let open = OpenSpans::default();
    let subscriber = tracing_subscriber::registry().with(open.clone());
    tracing::subscriber::set_global_default(subscriber)
        .expect("the only subscriber");

    for (version, keep_spare) in
        [("kept a spare sender", true), ("no spare sender", false)]
    {
        // The first version's tasks never end: its spans stay open and are not this run's.
        let earlier = open.ids();
        let service = Service::start(keep_spare);
        for job in 0..4 {
            service
                .jobs
                .send(job)
                .await
                .expect("the workers are running");
        }
        let shutdown = tokio::spawn(service.shutdown());
        let finished =
            tokio::time::timeout(Duration::from_millis(500), shutdown)
                .await
                .is_ok();
        let ending = match finished {
            true => "shutdown finished",
            false => "shutdown did not finish within 500 ms",
        };
        println!(
            "{version}: {ending}; open spans: {}",
            open.list_except(&earlier)
        );
    }
}
// ANCHOR_END: main
