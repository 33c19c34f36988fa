//! # Statistics over a stream, without collecting it
//!
//! [`compute_stats`] reads a stream of `f64` and returns its count, minimum, maximum and mean, or
//! `None` for an empty stream (an empty stream has no minimum: do not answer with infinities).
//!
//! Do not collect the stream into a `Vec`: keep only what the answer needs, one item at a time,
//! so that memory stays the same whatever the stream's length. The tests count the bytes your
//! code allocates. Any stream must be accepted, including the `!Unpin` ones `async` code makes.
//!
//! The tests live in `tests/stats.rs`. Do not edit them: make them pass by changing this file. Run
//! them with `cargo lab check stats`.

use futures::Stream;

/// Summary statistics of a non-empty stream of numbers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Stats {
    /// How many items the stream yielded.
    pub count: usize,
    /// The smallest item.
    pub min: f64,
    /// The largest item.
    pub max: f64,
    /// The arithmetic mean of the items.
    pub mean: f64,
}

/// Reads `stream` to its end and returns its statistics, or `None` if it yielded nothing.
pub async fn compute_stats<S>(stream: S) -> Option<Stats>
where
    S: Stream<Item = f64>,
{
    // TODO: Read the stream item by item and update the statistics as you go.
    //       - `futures::StreamExt::next` needs a stream that is `Unpin`, or pinned:
    //         `std::pin::pin!` pins a value on the stack.
    //       - Think about what to return before the first item, and how to compute a mean
    //         without adding up every item (a sum of large numbers can overflow to infinity).
    let _ = stream;
    todo!()
}
