//! One read submitted to io_uring by hand, to show why completion-based I/O takes its buffers by
//! value.
//!
//! With readiness (epoll, mio, Tokio's I/O driver) the kernel says "you can read now" and the
//! program then reads into a buffer it lends for the length of one `read` call. With completion
//! (io_uring) the program hands the kernel a buffer *first*, and the kernel fills it later, while
//! the program does other things. Until the completion arrives the kernel may write into that
//! memory at any moment, so the buffer must not be freed, moved or reused: a future that borrowed
//! it and was dropped (cancelled) would leave the kernel writing into freed memory. That is why
//! completion-based runtimes (tokio-uring, monoio, glommio) take a `Vec<u8>` by value and hand it
//! back with the result, as [`read_after_submit`] does.

use std::io;

/// What happened to one read submitted to io_uring.
#[derive(Debug)]
pub enum Outcome {
    /// The kernel (or a sandbox around it) would not set up a ring.
    Refused(io::Error),
    /// The read completed.
    Completed {
        /// No completion had arrived right after the submission: the read was in flight, and
        /// the buffer in the kernel's hands, before any data existed.
        in_flight_after_submit: bool,
        /// The bytes the kernel wrote into the buffer.
        read: usize,
        /// The buffer, handed back.
        buf: Vec<u8>,
    },
}

/// Submits a read from an empty pipe into `buf`, checks that it is still in flight, writes `data`
/// into the pipe, and waits for the completion. The buffer goes to the kernel and comes back in
/// the [`Outcome`]: the caller cannot touch it while the kernel may write into it.
#[cfg(target_os = "linux")]
pub fn read_after_submit(mut buf: Vec<u8>, data: &[u8]) -> io::Result<Outcome> {
    use std::io::Write;
    use std::os::fd::AsRawFd;

    use io_uring::{IoUring, opcode, types};

    let mut ring = match IoUring::new(4) {
        Ok(ring) => ring,
        Err(error) => return Ok(Outcome::Refused(error)),
    };
    let (reader, mut writer) = io::pipe()?;
    let len = u32::try_from(buf.len()).unwrap_or(u32::MAX);
    let read = opcode::Read::new(types::Fd(reader.as_raw_fd()), buf.as_mut_ptr(), len)
        .build()
        .user_data(1);
    // SAFETY: the entry points at `buf` and at `reader`'s descriptor. Both live until the
    // completion is taken below (this function owns them and does not return before that), and
    // nothing reads or writes `buf` in between: the kernel owns it while the read is in flight.
    #[allow(unsafe_code, reason = "handing a buffer to the kernel is the lesson")]
    unsafe {
        ring.submission()
            .push(&read)
            .map_err(|_| io::Error::other("the submission queue is full"))?;
    }
    ring.submit()?;
    let in_flight_after_submit = ring.completion().next().is_none();

    writer.write_all(data)?;
    ring.submit_and_wait(1)?;
    let completion = ring
        .completion()
        .next()
        .ok_or_else(|| io::Error::other("no completion after submit_and_wait(1)"))?;
    let result = completion.result();
    if result < 0 {
        return Err(io::Error::from_raw_os_error(-result));
    }
    let read = usize::try_from(result).unwrap_or(0);
    drop(reader);
    Ok(Outcome::Completed {
        in_flight_after_submit,
        read,
        buf,
    })
}

/// io_uring is Linux only; elsewhere there is nothing to submit to.
#[cfg(not(target_os = "linux"))]
pub fn read_after_submit(_buf: Vec<u8>, _data: &[u8]) -> io::Result<Outcome> {
    Ok(Outcome::Refused(io::Error::new(
        io::ErrorKind::Unsupported,
        "io_uring exists on Linux only",
    )))
}
