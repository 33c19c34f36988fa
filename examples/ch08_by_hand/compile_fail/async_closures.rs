//! Compiles: the calls of `closure_returns_async_block.rs` with async closures and `AsyncFnMut` /
//! `AsyncFn` bounds. `examples/tests/subject_examples.rs` checks it with rustc alone.

async fn three_times(mut f: impl AsyncFnMut(u32)) {
    for n in 1..=3 {
        f(n).await;
    }
}

async fn total_words(lines: &[String], count: impl AsyncFn(&str) -> usize) -> usize {
    let mut total = 0;
    for line in lines {
        total += count(line).await;
    }
    total
}

pub async fn calls(lines: &[String]) -> (Vec<String>, usize) {
    let mut log: Vec<String> = Vec::new();
    three_times(async |n| log.push(format!("call {n}"))).await;
    let total = total_words(lines, async |line| line.split_whitespace().count()).await;
    (log, total)
}
