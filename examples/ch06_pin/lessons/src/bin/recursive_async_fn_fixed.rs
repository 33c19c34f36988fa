//! The fix: box the recursive call, so the state machine holds a pointer to the next one.
// ANCHOR: fix
async fn fib(n: u64) -> u64 {
    if n < 2 {
        n
    } else {
        Box::pin(fib(n - 1)).await + Box::pin(fib(n - 2)).await
    }
}
// ANCHOR_END: fix

#[tokio::main]
async fn main() {
    println!("{}", fib(10).await);
}
