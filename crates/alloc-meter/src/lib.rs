//! A counting global allocator, for examples and tests that measure memory.
//!
//! The workspace forbids `unsafe` code everywhere else, and implementing
//! [`GlobalAlloc`](std::alloc::GlobalAlloc) needs it, so the one implementation lives here.
//! Installing it is safe code:
//!
//! ```ignore
//! #[global_allocator]
//! static ALLOCATOR: alloc_meter::Meter = alloc_meter::Meter;
//! ```
//!
//! Then [`in_use`] is the number of heap bytes currently allocated by the whole process,
//! [`peak`] the highest that number has been since the last [`reset_peak`], and
//! [`thread_allocated`] the bytes this thread has asked for so far (freed or not), which lets
//! tests that run in parallel threads each measure their own work.
//!
//! Without the `#[global_allocator]` line nothing is counted and every figure stays 0.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The system allocator, plus the counts read by [`in_use`], [`peak`] and [`thread_allocated`].
#[derive(Debug, Default, Clone, Copy)]
pub struct Meter;

/// Heap bytes allocated and not yet freed, over every thread.
static IN_USE: AtomicUsize = AtomicUsize::new(0);
/// The highest value `IN_USE` has reached since the last `reset_peak`.
static PEAK: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Bytes this thread has allocated so far; growing a block counts its new size. A `const`
    /// `Cell` has no destructor, so it can be used from inside the allocator at any time.
    static THREAD_ALLOCATED: Cell<usize> = const { Cell::new(0) };
}

/// Heap bytes in use right now, in the whole process.
pub fn in_use() -> usize {
    IN_USE.load(Ordering::Relaxed)
}

/// The highest [`in_use`] has been since the last [`reset_peak`] (or since the start).
pub fn peak() -> usize {
    PEAK.load(Ordering::Relaxed)
}

/// Starts a new peak measurement from the bytes in use now, and returns that starting point.
pub fn reset_peak() -> usize {
    let now = in_use();
    PEAK.store(now, Ordering::Relaxed);
    now
}

/// Bytes the calling thread has allocated since it started (frees are not subtracted).
pub fn thread_allocated() -> usize {
    THREAD_ALLOCATED.try_with(Cell::get).unwrap_or(0)
}

fn grew(bytes: usize) {
    let now = IN_USE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
    let _ = THREAD_ALLOCATED.try_with(|n| n.set(n.get() + bytes));
}

fn shrank(bytes: usize) {
    IN_USE.fetch_sub(bytes, Ordering::Relaxed);
}

// ANCHOR: meter
#[allow(
    unsafe_code,
    reason = "GlobalAlloc is an unsafe trait; every call is forwarded unchanged to System"
)]
// SAFETY: each method calls the same method of `System` with the same arguments, so `System`'s
// guarantees are ours; the counters are only bookkeeping and never touch the memory.
unsafe impl GlobalAlloc for Meter {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `alloc`'s contract, which `System.alloc` has too.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` was allocated by this allocator, that is by `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as for `dealloc`, and the caller upholds `realloc`'s contract on `new_size`.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            shrank(layout.size());
            grew(new_size);
        }
        new
    }
}
// ANCHOR_END: meter
