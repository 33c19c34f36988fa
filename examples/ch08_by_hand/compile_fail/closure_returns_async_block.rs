//! Does not compile, on purpose: `examples/tests/subject_examples.rs` checks that rustc refuses it
//! with the two errors named by the `//~` annotations, and that `async_closures.rs` (the same
//! calls written as async closures) compiles. Std only, so the check runs rustc alone.

// ANCHOR: bounds
/// Takes "a closure returning a future": one future type `Fut` for every call.
async fn three_times<F, Fut>(mut f: F)
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = ()>,
{
    for n in 1..=3 {
        f(n).await;
    }
}

async fn total_words<F, Fut>(lines: &[String], count: F) -> usize
where
    F: Fn(&str) -> Fut,
    Fut: Future<Output = usize>,
{
    let mut total = 0;
    for line in lines {
        total += count(line).await;
    }
    total
}
// ANCHOR_END: bounds

pub async fn calls(lines: &[String]) -> (Vec<String>, usize) {
    // ANCHOR: calls
    let mut log: Vec<String> = Vec::new();
    // The async block borrows `log` from the closure, which cannot lend it out
    // past the call, and `n`, which dies when the call returns. (`async move`
    // instead moves `log` out of the closure, which an `FnMut` may not do
    // either: E0507.)
    three_times(|n| async { log.push(format!("call {n}")) }).await; //~ E0373 //~ ERROR captured variable cannot escape `FnMut` closure body
    // The async block holds `line`, borrowed for one call only, but `Fut`
    // outlives every call.
    let total = total_words(lines, |line| async move { line.split_whitespace().count() }).await; //~ ERROR lifetime may not live long enough
    // ANCHOR_END: calls
    (log, total)
}
