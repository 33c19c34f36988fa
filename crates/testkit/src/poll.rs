//! Poll-level tools: count how often a future is polled and how often its waker is used.
//!
//! Every waker here is built from an `Arc` of a type that implements
//! [`std::task::Wake`](https://doc.rust-lang.org/std/task/trait.Wake.html), which turns it into a
//! [`Waker`] without any unsafe code.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll, Wake, Waker};

/// A waker that only counts how often it is woken.
///
/// Both [`Waker::wake`] and [`Waker::wake_by_ref`] count, on the waker itself and on every clone.
///
/// ```
/// let counter = testkit::WakeCounter::new();
/// let waker = counter.waker();
/// waker.wake_by_ref();
/// waker.clone().wake();
/// assert_eq!(counter.count(), 2);
/// ```
#[derive(Debug, Default)]
pub struct WakeCounter {
    /// How many times any waker made from this counter was woken.
    wakes: AtomicUsize,
}

impl WakeCounter {
    /// A new counter at zero, in an `Arc` because a [`Waker`] made from it shares it.
    pub fn new() -> Arc<WakeCounter> {
        Arc::new(WakeCounter::default())
    }

    /// How many times a waker made from this counter has been woken.
    pub fn count(&self) -> usize {
        self.wakes.load(Ordering::Acquire)
    }

    /// A [`Waker`] that counts on this counter.
    pub fn waker(self: &Arc<Self>) -> Waker {
        Waker::from(Arc::clone(self))
    }
}

impl Wake for WakeCounter {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.wakes.fetch_add(1, Ordering::AcqRel);
    }
}

/// The counts kept by a [`Counted`] future, shared so a test can read them after the future has
/// been moved into a runtime.
#[derive(Debug, Default)]
pub struct PollStats {
    /// How many times the wrapped future was polled.
    polls: AtomicUsize,
    /// How many times a waker handed to the wrapped future was woken.
    wakes: AtomicUsize,
}

impl PollStats {
    /// How many times the wrapped future has been polled.
    pub fn polls(&self) -> usize {
        self.polls.load(Ordering::Acquire)
    }

    /// How many times the wrapped future (or anything it passed its waker to) has woken a waker it
    /// was given.
    pub fn wakes(&self) -> usize {
        self.wakes.load(Ordering::Acquire)
    }
}

/// The waker a [`Counted`] future hands to the future inside: counts, then passes the wake on to
/// the waker the executor gave.
struct Forward {
    inner: Waker,
    stats: Arc<PollStats>,
}

impl Wake for Forward {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.stats.wakes.fetch_add(1, Ordering::AcqRel);
        self.inner.wake_by_ref();
    }
}

/// Wraps a future and counts its polls and the wakes of the wakers it was given, while it runs on
/// any executor.
///
/// ```
/// use std::time::Duration;
/// use testkit::{Counted, Flavor};
///
/// let counted = Counted::new(tokio::task::yield_now());
/// let stats = counted.stats();
/// testkit::run(Flavor::CurrentThread, Duration::from_secs(2), move || counted);
/// // `yield_now` returns `Pending` once after asking to be woken, then `Ready`.
/// assert_eq!((stats.polls(), stats.wakes()), (2, 1));
/// ```
pub struct Counted<F> {
    /// The future, boxed so that it can be pinned without unsafe code.
    fut: Pin<Box<F>>,
    /// The counts, shared with [`Counted::stats`].
    stats: Arc<PollStats>,
    /// The last waker made, kept to avoid a new allocation on every poll when the executor hands
    /// over the same waker again.
    forward: Option<Arc<Forward>>,
}

impl<F: Future> Counted<F> {
    /// Wraps `fut`; nothing is counted until it is polled.
    pub fn new(fut: F) -> Self {
        Counted {
            fut: Box::pin(fut),
            stats: Arc::new(PollStats::default()),
            forward: None,
        }
    }

    /// The counts, readable while and after the future runs.
    pub fn stats(&self) -> Arc<PollStats> {
        Arc::clone(&self.stats)
    }
}

impl<F: Future> Future for Counted<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        // `Counted` is `Unpin` (the inner future lives in a `Pin<Box<_>>`), so it can be unpinned
        // safely.
        let this = self.get_mut();
        this.stats.polls.fetch_add(1, Ordering::AcqRel);
        let forward = match &this.forward {
            Some(forward) if forward.inner.will_wake(cx.waker()) => Arc::clone(forward),
            _ => {
                let forward = Arc::new(Forward {
                    inner: cx.waker().clone(),
                    stats: Arc::clone(&this.stats),
                });
                this.forward = Some(Arc::clone(&forward));
                forward
            }
        };
        let waker = Waker::from(forward);
        this.fut.as_mut().poll(&mut Context::from_waker(&waker))
    }
}

impl<F> fmt::Debug for Counted<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Counted")
            .field("polls", &self.stats.polls())
            .field("wakes", &self.stats.wakes())
            .finish_non_exhaustive()
    }
}

/// Polls a future by hand with a counting waker, one [`poll`](Manual::poll) at a time, with no
/// runtime at all.
///
/// ```
/// use std::task::Poll;
/// use testkit::Manual;
///
/// let mut fut = Manual::new(async { 5 });
/// assert_eq!(fut.poll(), Poll::Ready(5));
/// assert_eq!((fut.polls(), fut.wakes()), (1, 0));
///
/// // A future that waits on a channel is `Pending` until a value arrives, and the send wakes it.
/// let (tx, rx) = tokio::sync::oneshot::channel();
/// let mut fut = Manual::new(rx);
/// assert!(fut.poll().is_pending());
/// tx.send("hi").unwrap();
/// assert_eq!(fut.wakes(), 1);
/// assert_eq!(fut.poll(), Poll::Ready(Ok("hi")));
/// ```
pub struct Manual<F> {
    /// The future, boxed so that it can be pinned without unsafe code.
    fut: Pin<Box<F>>,
    /// Counts the wakes of every waker handed out.
    counter: Arc<WakeCounter>,
    /// How many times [`Manual::poll`] ran.
    polls: usize,
    /// Whether the future has returned `Ready`.
    done: bool,
}

impl<F: Future> Manual<F> {
    /// Wraps `fut` without polling it.
    pub fn new(fut: F) -> Self {
        Manual {
            fut: Box::pin(fut),
            counter: WakeCounter::new(),
            polls: 0,
            done: false,
        }
    }

    /// Polls the future once with the counting waker.
    ///
    /// # Panics
    ///
    /// When called again after the future returned `Ready`: a finished future must not be polled
    /// again, and many (every `async` block among them) panic if they are.
    #[track_caller]
    pub fn poll(&mut self) -> Poll<F::Output> {
        assert!(
            !self.done,
            "Manual::poll was called after the future returned `Ready`; a finished future must not \
             be polled again"
        );
        self.polls += 1;
        let waker = self.counter.waker();
        let result = self.fut.as_mut().poll(&mut Context::from_waker(&waker));
        self.done = result.is_ready();
        result
    }

    /// How many times [`Manual::poll`] has run.
    pub fn polls(&self) -> usize {
        self.polls
    }

    /// How many times a waker handed to the future (or returned by [`Manual::waker`]) was woken.
    pub fn wakes(&self) -> usize {
        self.counter.count()
    }

    /// A clone of the counting waker, to wake the future by hand or hand to other code.
    pub fn waker(&self) -> Waker {
        self.counter.waker()
    }
}

impl<F> fmt::Debug for Manual<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Manual")
            .field("polls", &self.polls)
            .field("wakes", &self.counter.count())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}
