//! The beginnings of the panic messages this crate raises, and the text that follows them.
//!
//! The `lab` tool reads a failed test's output and looks for these prefixes to tell a learner *why*
//! a test failed (a future that was never woken, a thread that never finished, a runtime thread
//! stuck in a blocking call). Treat them as a contract: change one only together with `lab`.

use std::time::Duration;

/// Starts the message raised when an async body does not complete within its limit
/// ([`run`](crate::run()), [`run_both`](crate::run_both), [`run_watched`](crate::run_watched) and
/// [`timeout`](crate::timeout)).
pub const TIMED_OUT: &str = "did not complete in";

/// Starts the message raised when a plain closure given to [`within`](crate::within) does not return
/// within its limit.
pub const THREAD_TIMED_OUT: &str = "did not finish in";

/// Starts the message raised when the heartbeat of [`run_watched`](crate::run_watched) or a
/// [`Watchdog`](crate::Watchdog) stalls for longer than allowed.
pub const RUNTIME_BLOCKED: &str = "the runtime thread was blocked for";

/// What a time-out of an async body usually means, in words that hold from the first chapter on
/// (a `std::future::pending()`, a channel nobody closes) to the chapters that write `poll` by hand.
const NOT_WOKEN: &str = "it was still waiting for something that never happened (a future that returns \
     `Pending` must arrange to be woken)";

/// Ends the message of a [`timeout`](crate::timeout) with the place in the test that set it; lab
/// shows that place instead of the line inside testkit where the panic is raised.
pub const CALLED_AT: &str = "[testkit::timeout called at ";

/// What a thread time-out usually means.
const THREAD_STUCK: &str = "is a thread waiting for something that never happens, such as a `join` on a \
     worker whose channel never closes, or a lock that is never released?";

/// What a stalled heartbeat usually means.
const BLOCKING_CALL: &str = "is a blocking call running inside async code?";

/// Formats a duration the way people say it: `2 s`, `1.5 s`, `500 ms`, `250 µs`.
pub(crate) fn human(d: Duration) -> String {
    let micros = d.as_micros();
    if micros >= 1_000_000 {
        let millis = d.as_millis();
        if millis.is_multiple_of(1000) {
            format!("{} s", millis / 1000)
        } else if millis.is_multiple_of(100) {
            format!("{}.{} s", millis / 1000, (millis % 1000) / 100)
        } else {
            format!("{millis} ms")
        }
    } else if micros >= 1000 {
        format!("{} ms", d.as_millis())
    } else {
        format!("{micros} µs")
    }
}

/// The message of a time-out on a runtime of a known flavour.
pub(crate) fn timed_out_on(limit: Duration, flavor: crate::Flavor) -> String {
    format!(
        "{TIMED_OUT} {} on a {flavor} runtime: {NOT_WOKEN}",
        human(limit)
    )
}

/// The message of a time-out inside a body that is already running on a runtime.
pub(crate) fn timed_out(limit: Duration) -> String {
    format!("{TIMED_OUT} {}: {NOT_WOKEN}", human(limit))
}

/// [`timed_out`], naming the place in the test that set the limit.
pub(crate) fn timed_out_at(limit: Duration, at: &std::panic::Location<'_>) -> String {
    format!("{} {CALLED_AT}{at}]", timed_out(limit))
}

/// The message of a closure that did not return in time.
pub(crate) fn thread_timed_out(limit: Duration) -> String {
    format!("{THREAD_TIMED_OUT} {}: {THREAD_STUCK}", human(limit))
}

/// The message of a stalled heartbeat; the gap is given in whole milliseconds, rounded up, so that
/// a gap just over a 100 ms limit reads "101 ms" rather than a puzzling "100 ms".
pub(crate) fn runtime_blocked(gap: Duration) -> String {
    format!(
        "{RUNTIME_BLOCKED} {} ms: {BLOCKING_CALL}",
        gap.as_micros().div_ceil(1000)
    )
}

/// The message for a body thread that ended without sending a result, which only happens when a
/// panic aborts instead of unwinding.
pub(crate) fn body_lost() -> String {
    "the thread running the test body ended without a result: was the test built with \
     `panic = \"abort\"`?"
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Flavor;

    #[test]
    fn durations_read_as_people_say_them() {
        assert_eq!(human(Duration::from_secs(2)), "2 s");
        assert_eq!(human(Duration::from_millis(1500)), "1.5 s");
        assert_eq!(human(Duration::from_millis(1234)), "1234 ms");
        assert_eq!(human(Duration::from_millis(500)), "500 ms");
        assert_eq!(human(Duration::from_micros(250)), "250 µs");
    }

    #[test]
    fn messages_start_with_their_prefix_and_match_the_documented_text() {
        assert_eq!(
            timed_out_on(Duration::from_secs(2), Flavor::CurrentThread),
            "did not complete in 2 s on a current_thread runtime: \
             it was still waiting for something that never happened (a future that returns \
             `Pending` must arrange to be woken)"
        );
        assert_eq!(
            timed_out(Duration::from_secs(2)),
            "did not complete in 2 s: it was still waiting for something that never happened \
             (a future that returns `Pending` must arrange to be woken)"
        );
        assert_eq!(
            thread_timed_out(Duration::from_secs(2)),
            "did not finish in 2 s: is a thread waiting for something that never happens, such as \
             a `join` on a worker whose channel never closes, or a lock that is never released?"
        );
        assert_eq!(
            runtime_blocked(Duration::from_millis(812)),
            "the runtime thread was blocked for 812 ms: is a blocking call running inside async code?"
        );
        assert!(
            runtime_blocked(Duration::from_micros(100_200))
                .starts_with("the runtime thread was blocked for 101 ms:")
        );
    }
}
