//! A `Mutex` and a `Condvar` that behave exactly like `std::sync`'s, plus one hook for tests:
//! [`after_unlock`] runs an action right after the calling thread releases a lock for the `n`th
//! time.
//!
//! What it is for: a wake that lands between "the queue is empty" and "sleep on the condvar" is
//! lost only if the code releases the lock in between (checks under one guard, waits under
//! another). That window is a few nanoseconds wide, so a test that wakes from another thread at
//! random hits it by luck. With these types a test can put the wake exactly there: it asks for an
//! action after the 1st, 2nd, 3rd… release on the executor's thread, and one of them is the release
//! between the check and the wait, if the code has one. Code that checks and waits under one guard
//! has no such release (`Condvar::wait` releases the lock inside, which is not counted), so no
//! action of the hook can fall in between.
//!
//! Two more hooks serve the same purpose: [`waited_after_action`] tells whether the thread went
//! to wait on a [`Condvar`] after the action ran (a wake it slept through, even if a time-out found
//! it later), and [`watch_notify_order`] tells whether a thread notified before it took any lock
//! (before it pushed what the notify announces).
//!
//! And [`spurious_wakeups`] makes the next waits return with nothing notified, as std allows.
//!
//! The types are thin wrappers: every method forwards to `std::sync`, poisoning included. Only
//! the release of a [`MutexGuard`] by drop is counted.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::ops::{Deref, DerefMut};
use std::sync::{LockResult, PoisonError, TryLockError, TryLockResult, WaitTimeoutResult};
use std::time::Duration;

/// One pending action of [`after_unlock`] on this thread.
struct Pending {
    /// Releases still to count before the action runs.
    left: usize,
    action: Box<dyn FnOnce()>,
}

thread_local! {
    static PENDING: RefCell<Option<Pending>> = const { RefCell::new(None) };
    /// How many `testkit::sync::Mutex` locks this thread holds.
    static HELD: Cell<usize> = const { Cell::new(0) };
    /// Whether an action of [`after_unlock`] has run on this thread, and whether the thread then
    /// went to wait on a [`Condvar`] (see [`waited_after_action`]).
    static ACTED: Cell<bool> = const { Cell::new(false) };
    /// For [`watch_notify_order`]: whether this thread is watched, whether it has taken a lock
    /// since, and what its first notify found.
    static WATCHED: Cell<bool> = const { Cell::new(false) };
    static LOCKED_SINCE: Cell<bool> = const { Cell::new(false) };
    static FIRST_NOTIFY: Cell<Option<bool>> = const { Cell::new(None) };
    /// How many of this thread's next waits return at once (see [`spurious_wakeups`]).
    static SPURIOUS: Cell<usize> = const { Cell::new(0) };
    static WAITED_AFTER: Cell<bool> = const { Cell::new(false) };
}

/// Runs `action` on this thread right after it releases a [`Mutex`] lock (drops a
/// [`MutexGuard`]) for the `n`th time from now (`n` ≥ 1). Only releases that leave the thread
/// holding no `testkit::sync::Mutex` count, so the action never runs where taking one of those
/// locks could deadlock the thread. Replaces an action set before and not run yet. The action
/// runs with no action pending, so the locks it takes and releases itself are not counted.
pub fn after_unlock(n: usize, action: impl FnOnce() + 'static) {
    assert!(
        n >= 1,
        "after_unlock counts from the first release: n must be at least 1"
    );
    PENDING.with(|p| {
        *p.borrow_mut() = Some(Pending {
            left: n,
            action: Box::new(action),
        })
    });
}

/// Drops the action [`after_unlock`] set on this thread, if it has not run, and forgets what
/// [`waited_after_action`] would say. `true` if there was an action pending.
pub fn cancel_after_unlock() -> bool {
    ACTED.with(|a| a.set(false));
    WAITED_AFTER.with(|w| w.set(false));
    PENDING.with(|p| p.borrow_mut().take().is_some())
}

/// Whether this thread went to wait on a [`Condvar`] after the action of [`after_unlock`] ran
/// (a `wait` or `wait_timeout`, or a `wait_while`/`wait_timeout_while` whose condition said to
/// wait). For a test whose action makes work ready for this very thread (a wake that queues a
/// task), such a wait means the thread was about to sleep with that work waiting: a wake lost,
/// even if a time-out later finds it.
pub fn waited_after_action() -> bool {
    WAITED_AFTER.with(Cell::get)
}

/// Starts watching this thread's next [`Condvar::notify_one`] or [`Condvar::notify_all`]:
/// [`notified_before_locking`] then tells whether it came before the thread took any
/// [`Mutex`] lock. Code that announces a change with a notify must make the change first, under
/// the lock; a notify before any lock is a notify before the change.
pub fn watch_notify_order() {
    WATCHED.with(|w| w.set(true));
    LOCKED_SINCE.with(|l| l.set(false));
    FIRST_NOTIFY.with(|f| f.set(None));
}

/// What the first notify since [`watch_notify_order`] found: `Some(true)` if it came before the
/// thread took any lock, `Some(false)` if after, `None` if there was no notify. Stops watching.
pub fn notified_before_locking() -> Option<bool> {
    WATCHED.with(|w| w.set(false));
    FIRST_NOTIFY.with(Cell::take)
}

/// Notes a notify for [`watch_notify_order`].
fn notified() {
    if WATCHED.with(Cell::get) && FIRST_NOTIFY.with(Cell::get).is_none() {
        let early = !LOCKED_SINCE.with(Cell::get);
        FIRST_NOTIFY.with(|f| f.set(Some(early)));
    }
}

/// Makes the next `n` calls of [`Condvar::wait`] or [`Condvar::wait_timeout`] on this thread
/// return at once, with the lock released and taken back but nothing notified: a spurious
/// wake-up, which std's `Condvar` allows at any time ("this function is susceptible to spurious
/// wakeups"). Code that waits must check its condition again after every return, in a loop.
pub fn spurious_wakeups(n: usize) {
    SPURIOUS.with(|s| s.set(n));
}

/// Whether this wait is to be a spurious wake-up (and counts it).
fn spurious() -> bool {
    SPURIOUS.with(|s| {
        let left = s.get();
        s.set(left.saturating_sub(1));
        left > 0
    })
}

/// Notes that this thread is about to wait on a condvar.
fn waiting() {
    if ACTED.with(Cell::get) {
        WAITED_AFTER.with(|w| w.set(true));
    }
}

/// Counts one release on this thread, and runs the pending action if this was its release.
fn released() {
    let held = HELD.with(|h| {
        h.set(h.get() - 1);
        h.get()
    });
    if held > 0 {
        return;
    }
    let due = PENDING.with(|p| {
        let mut slot = p.borrow_mut();
        match slot.as_mut() {
            Some(pending) if pending.left > 1 => {
                pending.left -= 1;
                None
            }
            Some(_) => slot.take(),
            None => None,
        }
    });
    if let Some(pending) = due {
        (pending.action)();
        ACTED.with(|a| a.set(true));
    }
}

/// [`std::sync::Mutex`], with its releases counted for [`after_unlock`].
#[derive(Default)]
pub struct Mutex<T: ?Sized> {
    inner: std::sync::Mutex<T>,
}

/// [`std::sync::MutexGuard`]; dropping it is a release that [`after_unlock`] counts.
pub struct MutexGuard<'a, T: ?Sized> {
    /// `None` only while [`Condvar`] has the guard inside a wait, and after drop.
    inner: Option<std::sync::MutexGuard<'a, T>>,
}

impl<T> Mutex<T> {
    /// A new mutex holding `value`, as [`std::sync::Mutex::new`].
    pub const fn new(value: T) -> Mutex<T> {
        Mutex {
            inner: std::sync::Mutex::new(value),
        }
    }

    /// The value, as [`std::sync::Mutex::into_inner`].
    pub fn into_inner(self) -> LockResult<T> {
        self.inner.into_inner()
    }
}

impl<T: ?Sized> Mutex<T> {
    /// As [`std::sync::Mutex::lock`].
    pub fn lock(&self) -> LockResult<MutexGuard<'_, T>> {
        wrap(self.inner.lock())
    }

    /// As [`std::sync::Mutex::try_lock`].
    pub fn try_lock(&self) -> TryLockResult<MutexGuard<'_, T>> {
        match self.inner.try_lock() {
            Ok(guard) => Ok(MutexGuard::new(guard)),
            Err(TryLockError::Poisoned(e)) => Err(TryLockError::Poisoned(PoisonError::new(
                MutexGuard::new(e.into_inner()),
            ))),
            Err(TryLockError::WouldBlock) => Err(TryLockError::WouldBlock),
        }
    }

    /// As [`std::sync::Mutex::is_poisoned`].
    pub fn is_poisoned(&self) -> bool {
        self.inner.is_poisoned()
    }

    /// As [`std::sync::Mutex::get_mut`].
    pub fn get_mut(&mut self) -> LockResult<&mut T> {
        self.inner.get_mut()
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(value: T) -> Mutex<T> {
        Mutex::new(value)
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    fn new(inner: std::sync::MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        HELD.with(|h| h.set(h.get() + 1));
        LOCKED_SINCE.with(|l| l.set(true));
        MutexGuard { inner: Some(inner) }
    }

    /// The std guard, taken out without counting a release (a `Condvar` wait releases inside, and
    /// the guard it returns counts as held again).
    fn take(mut self) -> std::sync::MutexGuard<'a, T> {
        HELD.with(|h| h.set(h.get() - 1));
        self.inner.take().expect("a live guard holds its lock")
    }
}

/// Wraps the guard of a std lock result, poisoned or not.
fn wrap<T: ?Sized>(
    result: LockResult<std::sync::MutexGuard<'_, T>>,
) -> LockResult<MutexGuard<'_, T>> {
    match result {
        Ok(guard) => Ok(MutexGuard::new(guard)),
        Err(e) => Err(PoisonError::new(MutexGuard::new(e.into_inner()))),
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        self.inner.as_deref().expect("a live guard holds its lock")
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.inner
            .as_deref_mut()
            .expect("a live guard holds its lock")
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        if let Some(guard) = self.inner.take() {
            drop(guard);
            released();
        }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

/// [`std::sync::Condvar`], for the guards of [`Mutex`]. A wait releases the lock inside, as std's
/// does; that release is not counted by [`after_unlock`].
#[derive(Debug, Default)]
pub struct Condvar {
    inner: std::sync::Condvar,
}

impl Condvar {
    /// As [`std::sync::Condvar::new`].
    pub const fn new() -> Condvar {
        Condvar {
            inner: std::sync::Condvar::new(),
        }
    }

    /// As [`std::sync::Condvar::wait`].
    pub fn wait<'a, T>(&self, guard: MutexGuard<'a, T>) -> LockResult<MutexGuard<'a, T>> {
        waiting();
        if spurious() {
            return match self.inner.wait_timeout(guard.take(), Duration::ZERO) {
                Ok((guard, _)) => Ok(MutexGuard::new(guard)),
                Err(e) => Err(PoisonError::new(MutexGuard::new(e.into_inner().0))),
            };
        }
        wrap(self.inner.wait(guard.take()))
    }

    /// As [`std::sync::Condvar::wait_while`].
    pub fn wait_while<'a, T, F>(
        &self,
        guard: MutexGuard<'a, T>,
        condition: F,
    ) -> LockResult<MutexGuard<'a, T>>
    where
        F: FnMut(&mut T) -> bool,
    {
        wrap(
            self.inner
                .wait_while(guard.take(), first_check_noted(condition)),
        )
    }

    /// As [`std::sync::Condvar::wait_timeout`].
    pub fn wait_timeout<'a, T>(
        &self,
        guard: MutexGuard<'a, T>,
        dur: Duration,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)> {
        waiting();
        let dur = if spurious() { Duration::ZERO } else { dur };
        match self.inner.wait_timeout(guard.take(), dur) {
            Ok((guard, timed_out)) => Ok((MutexGuard::new(guard), timed_out)),
            Err(e) => {
                let (guard, timed_out) = e.into_inner();
                Err(PoisonError::new((MutexGuard::new(guard), timed_out)))
            }
        }
    }

    /// As [`std::sync::Condvar::wait_timeout_while`].
    pub fn wait_timeout_while<'a, T, F>(
        &self,
        guard: MutexGuard<'a, T>,
        dur: Duration,
        condition: F,
    ) -> LockResult<(MutexGuard<'a, T>, WaitTimeoutResult)>
    where
        F: FnMut(&mut T) -> bool,
    {
        match self
            .inner
            .wait_timeout_while(guard.take(), dur, first_check_noted(condition))
        {
            Ok((guard, timed_out)) => Ok((MutexGuard::new(guard), timed_out)),
            Err(e) => {
                let (guard, timed_out) = e.into_inner();
                Err(PoisonError::new((MutexGuard::new(guard), timed_out)))
            }
        }
    }

    /// As [`std::sync::Condvar::notify_one`].
    pub fn notify_one(&self) {
        self.inner.notify_one();
        notified();
    }

    /// As [`std::sync::Condvar::notify_all`].
    pub fn notify_all(&self) {
        self.inner.notify_all();
        notified();
    }
}

/// `condition`, noting a wait (for [`waited_after_action`]) when its first answer is to wait.
fn first_check_noted<T, F: FnMut(&mut T) -> bool>(mut condition: F) -> impl FnMut(&mut T) -> bool {
    let mut first = true;
    move |value| {
        let wait = condition(value);
        if std::mem::take(&mut first) && wait {
            waiting();
        }
        wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    #[test]
    fn the_action_runs_after_the_nth_release_and_only_once() {
        let m = Mutex::new(0);
        let ran = Rc::new(Cell::new(0));
        let seen = Rc::clone(&ran);
        after_unlock(2, move || seen.set(seen.get() + 1));
        drop(m.lock().unwrap());
        assert_eq!(ran.get(), 0, "not after the first release");
        drop(m.lock().unwrap());
        assert_eq!(ran.get(), 1, "right after the second");
        drop(m.lock().unwrap());
        assert_eq!(ran.get(), 1, "and never again");
        assert!(!cancel_after_unlock());
    }

    #[test]
    fn a_condvar_wait_is_not_a_counted_release() {
        let m = Mutex::new(false);
        let cv = Condvar::new();
        let ran = Rc::new(Cell::new(false));
        let seen = Rc::clone(&ran);
        after_unlock(1, move || seen.set(true));
        let guard = m.lock().unwrap();
        let (guard, timed_out) = cv.wait_timeout(guard, Duration::from_millis(1)).unwrap();
        assert!(timed_out.timed_out());
        assert!(
            !ran.get(),
            "the wait released and retook the lock: not counted"
        );
        drop(guard);
        assert!(ran.get(), "the drop is counted");
    }

    #[test]
    fn the_action_may_lock_the_same_mutex() {
        let m = std::sync::Arc::new(Mutex::new(Vec::new()));
        let inner = std::sync::Arc::clone(&m);
        after_unlock(1, move || inner.lock().unwrap().push("from the action"));
        m.lock().unwrap().push("first");
        assert_eq!(*m.lock().unwrap(), ["first", "from the action"]);
        assert!(!cancel_after_unlock());
    }

    #[test]
    fn a_release_that_leaves_another_lock_held_does_not_count() {
        let (a, b) = (Mutex::new(()), Mutex::new(()));
        let ran = Rc::new(Cell::new(false));
        let seen = Rc::clone(&ran);
        after_unlock(1, move || seen.set(true));
        let outer = a.lock().unwrap();
        drop(b.lock().unwrap());
        assert!(!ran.get(), "`a` is still held");
        drop(outer);
        assert!(ran.get());
    }

    #[test]
    fn a_wait_after_the_action_is_noted_and_a_wait_that_need_not_wait_is_not() {
        let m = Mutex::new(1);
        let cv = Condvar::new();
        let guard = cv
            .wait_timeout(m.lock().unwrap(), Duration::ZERO)
            .unwrap()
            .0;
        drop(guard);
        assert!(!waited_after_action(), "no action has run yet");
        after_unlock(1, || {});
        drop(m.lock().unwrap());
        let guard = cv.wait_while(m.lock().unwrap(), |v| *v == 0).unwrap();
        assert!(!waited_after_action(), "the condition said not to wait");
        let _ = cv.wait_timeout(guard, Duration::from_millis(1)).unwrap();
        assert!(waited_after_action());
        cancel_after_unlock();
        assert!(!waited_after_action(), "forgotten with the action");
    }

    #[test]
    fn a_notify_before_any_lock_is_told_from_one_after() {
        let (m, cv) = (Mutex::new(0), Condvar::new());
        watch_notify_order();
        cv.notify_one();
        *m.lock().unwrap() += 1;
        assert_eq!(notified_before_locking(), Some(true));
        watch_notify_order();
        *m.lock().unwrap() += 1;
        cv.notify_one();
        cv.notify_all();
        assert_eq!(notified_before_locking(), Some(false));
        watch_notify_order();
        assert_eq!(notified_before_locking(), None, "no notify");
        cv.notify_one();
        assert_eq!(notified_before_locking(), None, "not watched any more");
    }

    #[test]
    fn a_spurious_wakeup_returns_at_once_and_only_as_often_as_asked() {
        let (m, cv) = (Mutex::new(()), Condvar::new());
        spurious_wakeups(2);
        let guard = cv.wait(m.lock().unwrap()).unwrap();
        let (guard, _) = cv.wait_timeout(guard, Duration::from_secs(60)).unwrap();
        let (_guard, timed_out) = cv.wait_timeout(guard, Duration::from_millis(1)).unwrap();
        assert!(timed_out.timed_out(), "the third wait waits");
    }

    #[test]
    fn poisoning_is_kept() {
        let m = std::sync::Arc::new(Mutex::new(1));
        let other = std::sync::Arc::clone(&m);
        let _ = std::thread::spawn(move || {
            let _guard = other.lock().unwrap();
            panic!("poison it");
        })
        .join();
        assert!(m.is_poisoned());
        let guard = m.lock().unwrap_err().into_inner();
        assert_eq!(*guard, 1);
    }
}
