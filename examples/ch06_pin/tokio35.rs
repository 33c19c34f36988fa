//! # tokio35: `Unpin`, `PhantomPinned`, and the three ways to pin
//!
//! Chapter 6, *`Pin` and `Unpin`*. `Unpin` is an auto trait: a type is `Unpin` when all its fields
//! are, and then pinning means nothing for it (`Pin::new` accepts it, and it may be moved freely).
//! Almost every type is `Unpin`; an `async` block is not (it may borrow from itself, `tokio34`),
//! nor is Tokio's `Sleep` (its timer entry is linked into the timer wheel by address), nor any
//! struct with a `PhantomPinned` field. `Box<T>` is always `Unpin`: moving the box never moves
//! the `T`. The first six lines are answered by the compiler (see `is_unpin!` below); the last
//! three pin and await one future each way.
//!
//! ```text
//! cargo run --example tokio35
//! ```
//!
//! Prints exactly:
//!
//! ```text
//! u32 is Unpin: true
//! String is Unpin: true
//! an async block is Unpin: false
//! tokio::time::Sleep is Unpin: false
//! a struct with a PhantomPinned field is Unpin: false
//! Box of an async block is Unpin: true
//! Pin::new on an Unpin future: 5
//! pin! on the stack: 6
//! Box::pin on the heap: 7
//! ```

use std::marker::{PhantomData, PhantomPinned};
use std::pin::{Pin, pin};
use std::time::Duration;

// ANCHOR: probe
/// Asks the compiler whether `T` is `Unpin`, at a place where `T` is a concrete
/// type. Method lookup tries `IsUnpin::unpin` on `&Probe<T>` first, which
/// exists only when `T: Unpin`; if it does not, lookup goes on to `&&Probe<T>`
/// and finds `NotUnpin::unpin`.
struct Probe<T: ?Sized>(PhantomData<T>);

trait IsUnpin {
    fn unpin(&self) -> bool {
        true
    }
}
impl<T: Unpin + ?Sized> IsUnpin for Probe<T> {}

trait NotUnpin {
    fn unpin(&self) -> bool {
        false
    }
}
impl<T: ?Sized> NotUnpin for &Probe<T> {}

/// A probe for the type of `value`, for types that have no name (such as an
/// `async` block's).
fn probe_of<T>(_: &T) -> Probe<T> {
    Probe(PhantomData)
}

macro_rules! is_unpin {
    ($probe:expr) => {
        (&$probe).unpin()
    };
}
// ANCHOR_END: probe

// ANCHOR: phantom
/// A struct that opts out of `Unpin`, as a self-referential type written by
/// hand would.
struct Anchored {
    _value: u32,
    _pinned: PhantomPinned,
}
// ANCHOR_END: phantom

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let block = async { 1 };
    let sleep = tokio::time::sleep(Duration::from_millis(1));
    let anchored = Anchored {
        _value: 1,
        _pinned: PhantomPinned,
    };
    let boxed = Box::new(async { 2 });
    println!("u32 is Unpin: {}", is_unpin!(Probe::<u32>(PhantomData)));
    println!(
        "String is Unpin: {}",
        is_unpin!(Probe::<String>(PhantomData))
    );
    println!("an async block is Unpin: {}", is_unpin!(probe_of(&block)));
    println!(
        "tokio::time::Sleep is Unpin: {}",
        is_unpin!(probe_of(&sleep))
    );
    println!(
        "a struct with a PhantomPinned field is Unpin: {}",
        is_unpin!(probe_of(&anchored))
    );
    println!(
        "Box of an async block is Unpin: {}",
        is_unpin!(probe_of(&boxed))
    );

    // `Pin::new` only accepts `Unpin` targets: `std::future::Ready` is one.
    let mut ready = std::future::ready(5);
    println!(
        "Pin::new on an Unpin future: {}",
        Pin::new(&mut ready).await
    );
    // `pin!` pins in place, on the stack: the future can no longer be moved,
    // and it is dropped at the end of this scope.
    let on_stack = pin!(async { 6 });
    println!("pin! on the stack: {}", on_stack.await);
    // `Box::pin` pins on the heap: the `Pin<Box<_>>` can be moved, returned and
    // stored.
    let on_heap: Pin<Box<dyn Future<Output = i32>>> = Box::pin(async { 7 });
    println!("Box::pin on the heap: {}", on_heap.await);
}
// ANCHOR_END: main
