//! # tokio14: `futures::executor::block_on`, an executor without a reactor
//!
//! Chapter 2, *`block_on`*. Any executor can run any future that only needs to be woken.
//! [`futures::executor::block_on`](https://docs.rs/futures/latest/futures/executor/fn.block_on.html)
//! is about the smallest one: it polls the future on the calling thread, and between polls it parks
//! that thread until the future's waker unparks it. It has no I/O driver and no timer, so a Tokio
//! future that needs Tokio's drivers cannot work under it alone.
//!
//! ```text
//! cargo run --example tokio14
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! block_on polled the future on thread "main"
//! received 42 from a plain thread, after 1 wake-up
//! tokio::time::sleep outside a runtime panicked: there is no reactor running, must be called from the context of a Tokio 1.x runtime
//! ```
//!
//! First, a [`futures::channel::oneshot`](https://docs.rs/futures/latest/futures/channel/oneshot/index.html)
//! fed by a plain thread works: the sending thread calls the
//! waker, which unparks `main`. Then `tokio::time::sleep` panics as soon as it is created, because
//! it looks for the current Tokio runtime's timer and this thread is in no runtime (the message
//! is `CONTEXT_MISSING_ERROR` in Tokio's `src/util/error.rs`). The panic is caught on a thread of its
//! own and its message printed, so standard error stays empty.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Wake, Waker};
use std::thread;
use std::time::Duration;

use futures::channel::oneshot;
use futures::executor::block_on;

/// A waker that counts how often it is used and passes each wake-up on to the real one, so the
/// example can show that `block_on` polled again only because it was woken. Implementing
/// [`Wake`](https://doc.rust-lang.org/std/task/trait.Wake.html) on an `Arc` is the safe way to
/// make a `Waker` of one's own.
struct CountingWaker {
    inner: Waker,
    wakes: AtomicUsize,
}

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::SeqCst);
        self.inner.wake_by_ref();
    }
}

// ANCHOR: oneshot
fn oneshot_from_a_thread() {
    let (tx, mut rx) = oneshot::channel::<u32>();
    let sender = thread::spawn(move || {
        // Long enough that `block_on` has certainly parked before the value
        // arrives.
        thread::sleep(Duration::from_millis(50));
        tx.send(42).expect("the receiver is waiting in main");
    });

    let mut counter: Option<Arc<CountingWaker>> = None;
    let value = block_on(futures::future::poll_fn(|cx: &mut Context<'_>| {
        if counter.is_none() {
            println!(
                "block_on polled the future on thread {:?}",
                thread::current().name().unwrap_or("unnamed")
            );
        }
        let counting = counter.get_or_insert_with(|| {
            Arc::new(CountingWaker {
                inner: cx.waker().clone(),
                wakes: AtomicUsize::new(0),
            })
        });
        let waker = Waker::from(Arc::clone(counting));
        // Poll the receiver with the counting waker, so the sender's wake-up
        // goes through it.
        std::pin::Pin::new(&mut rx).poll(&mut Context::from_waker(&waker))
    }))
    .expect("the sender sends before it is dropped");
    sender.join().expect("the sending thread panicked");

    let wakes = counter.map_or(0, |c| c.wakes.load(Ordering::SeqCst));
    let plural = if wakes == 1 { "" } else { "s" };
    println!(
        "received {value} from a plain thread, after {wakes} wake-up{plural}"
    );
}
// ANCHOR_END: oneshot

// ANCHOR: no_reactor
fn tokio_sleep_without_a_runtime() {
    // Silence Rust's default panic report for this one expected panic; the
    // message is printed below instead. The default hook is put back straight
    // after.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let outcome = thread::spawn(|| {
        block_on(tokio::time::sleep(Duration::from_millis(10)));
    })
    .join();
    std::panic::set_hook(default_hook);

    let payload =
        outcome.expect_err("sleep cannot work without a Tokio runtime");
    let message = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("<a panic without a message>");
    println!("tokio::time::sleep outside a runtime panicked: {message}");
}
// ANCHOR_END: no_reactor

fn main() {
    oneshot_from_a_thread();
    tokio_sleep_without_a_runtime();
}
