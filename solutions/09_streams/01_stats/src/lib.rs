//! # Statistics over a stream, without collecting it
//!
//! [`compute_stats`] reads a stream of `f64` one item at a time and keeps only what the answer
//! needs: a count, the smallest and largest value so far, and a running mean. Memory stays the
//! same whether the stream has ten items or ten billion, and the items are used as they arrive,
//! not once the stream has ended.
//!
//! It takes the stream by value and pins it on its own stack with [`std::pin::pin!`], so any
//! stream works, including the `!Unpin` ones that `async` code produces. An empty stream has no
//! minimum, maximum or mean: the answer is `None`, not a `Stats` full of infinities.

use std::pin::pin;

use futures::{Stream, StreamExt};

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
    let mut stream = pin!(stream);
    let first = stream.next().await?;
    let mut stats = Stats {
        count: 1,
        min: first,
        max: first,
        mean: first,
    };
    while let Some(x) = stream.next().await {
        stats.count += 1;
        stats.min = stats.min.min(x);
        stats.max = stats.max.max(x);
        // A running mean instead of sum / count: a sum of large values can overflow to
        // infinity even when their mean is an ordinary number.
        stats.mean += (x - stats.mean) / stats.count as f64;
    }
    Some(stats)
}
