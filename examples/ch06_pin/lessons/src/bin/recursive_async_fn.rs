//! A recursive `async fn` would contain its own state machine: infinitely large.
// ANCHOR: error
async fn fib(n: u64) -> u64 { //~ E0733 recursion in an async fn requires boxing
    if n < 2 {
        n
    } else {
        fib(n - 1).await + fib(n - 2).await
    }
}
// ANCHOR_END: error

#[tokio::main]
async fn main() {
    println!("{}", fib(10).await);
}
