//! # tokio133: completion-based I/O, and why it needs owned buffers
//!
//! Chapter 15, *under the runtime*. Readiness (epoll, under Tokio) says "read now" and the program
//! lends a buffer for one `read` call. Completion (io_uring) is the other way round: the program
//! hands the kernel a buffer and the kernel fills it *later*. This example submits a read from an
//! empty pipe, sees that nothing has completed (the read is in flight and the buffer in the
//! kernel's hands), writes into the pipe, and takes the completion. The `unsafe` push onto the
//! submission queue lives in `crates/uring-read`, whose function takes the `Vec<u8>` by value and
//! hands it back: the shape every completion-based runtime's API has.
//!
//! ```text
//! cargo run --example tokio133
//! ```
//!
//! Where the kernel allows io_uring, prints:
//!
//! ```text
//! io_uring: read submitted on an empty pipe; in flight after submit: true
//! io_uring: 5 bytes completed into the buffer the kernel held: "hello"
//! io_uring: the buffer came back with the result (64 bytes long)
//! ```
//!
//! Where it does not (an old kernel, `kernel.io_uring_disabled`, a container's seccomp filter),
//! prints one line and exits with status 0, since that is a fact about the machine, not a bug:
//!
//! ```text
//! io_uring: refused here (Operation not permitted (os error 1)); the read needs a kernel that allows io_uring
//! ```

use uring_read::{Outcome, read_after_submit};

fn main() -> std::io::Result<()> {
    // ANCHOR: owned
    let buf = vec![0u8; 64];
    // `buf` moves into the call: while the kernel may write into it, this
    // code has no way to touch it, drop it, or reuse it.
    match read_after_submit(buf, b"hello")? {
        Outcome::Refused(error) => println!(
            "io_uring: refused here ({error}); the read needs a kernel \
             that allows io_uring"
        ),
        Outcome::Completed {
            in_flight_after_submit,
            read,
            buf,
        } => {
            println!(
                "io_uring: read submitted on an empty pipe; in flight after \
                 submit: {in_flight_after_submit}"
            );
            println!(
                "io_uring: {read} bytes completed into the buffer the kernel \
                 held: {:?}",
                String::from_utf8_lossy(&buf[..read])
            );
            println!(
                "io_uring: the buffer came back with the result ({} bytes long)",
                buf.len()
            );
        }
    }
    // ANCHOR_END: owned
    Ok(())
}
