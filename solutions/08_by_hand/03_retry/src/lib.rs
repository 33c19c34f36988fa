//! # A future that retries an operation
//!
//! [`RetryFuture`] runs an operation that may fail, `Fut: Future<Output = Result<T, E>>`, made
//! fresh for each attempt by a factory closure, until one attempt succeeds or `max_attempts` have
//! failed. It completes with the first `Ok`, or with the last attempt's `Err`.
//!
//! A future cannot be restarted once it has finished, which is why it takes a factory and not a
//! future: each attempt is a new future, and the factory is called exactly once per attempt. The
//! first attempt starts on the first poll, like every other future in Rust: nothing happens before
//! the `RetryFuture` is polled.
//!
//! The attempt in flight need not be `Unpin`: it lives inside `RetryFuture`, pinned with it.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use pin_project_lite::pin_project;

pin_project! {
    /// Retries the future made by `factory` until it returns `Ok` or `max_attempts` attempts have
    /// failed.
    ///
    /// `factory` makes one attempt per call; `current` is the attempt in flight (`None` between
    /// attempts); `attempts_left` counts the attempts not started yet.
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct RetryFuture<F, Fut> {
        factory: F,
        #[pin]
        current: Option<Fut>,
        attempts_left: usize,
    }
}

impl<F, Fut, T, E> RetryFuture<F, Fut>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    /// A future that makes up to `max_attempts` attempts, each one a fresh future from
    /// `factory`. Nothing runs until it is polled.
    ///
    /// # Panics
    ///
    /// If `max_attempts` is 0: with no attempt there would be neither an `Ok` nor an `Err` to
    /// return.
    pub fn new(max_attempts: usize, factory: F) -> Self {
        assert!(
            max_attempts >= 1,
            "RetryFuture::new: max_attempts must be at least 1, got 0"
        );
        RetryFuture {
            factory,
            current: None,
            attempts_left: max_attempts,
        }
    }
}

impl<F, Fut, T, E> Future for RetryFuture<F, Fut>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
{
    type Output = Result<T, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut this = self.project();
        // A loop, not one attempt per poll: after a failure the next attempt must be polled now,
        // because nothing else would wake the task to do it later.
        loop {
            if this.current.is_none() {
                *this.attempts_left -= 1;
                this.current.set(Some((this.factory)()));
            }
            let attempt = this.current.as_mut().as_pin_mut().expect("set just above");
            match attempt.poll(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Ok(value)) => {
                    this.current.set(None);
                    return Poll::Ready(Ok(value));
                }
                Poll::Ready(Err(error)) => {
                    this.current.set(None);
                    if *this.attempts_left == 0 {
                        return Poll::Ready(Err(error));
                    }
                }
            }
        }
    }
}
