//! # tokio74: no async `Drop`: buffered bytes lost
//!
//! Chapter 11, *Common pitfalls*. `Drop::drop` is a plain function: it cannot `.await`, so a value
//! whose clean-up needs I/O cannot do it when dropped. Tokio's
//! [`BufWriter`](https://docs.rs/tokio/latest/tokio/io/struct.BufWriter.html) is one: it keeps small
//! writes in memory and has no `Drop` impl at all (`io/util/buf_writer.rs`), so dropping it drops
//! whatever it had not written yet. The program writes three short records through a `BufWriter`
//! into an in-memory pipe and counts the bytes that reach the other end. The fix is the explicit
//! async close: [`shutdown().await`](https://docs.rs/tokio/latest/tokio/io/trait.AsyncWriteExt.html#method.shutdown)
//! flushes the buffer, then shuts the stream down.
//!
//! ```text
//! cargo run --example tokio74
//! ```
//!
//! Prints at once:
//!
//! ```text
//! dropped without shutdown: reader got 0 of 39 bytes
//! shutdown().await before drop: reader got 39 of 39 bytes
//! ```

use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter, DuplexStream};

/// What the writer sends: three records of 13 bytes.
const RECORDS: [&str; 3] =
    ["record one  \n", "record two  \n", "record three\n"];

// ANCHOR: bug
/// The pitfall: the writer goes out of scope with its buffer full.
async fn write_and_drop(stream: DuplexStream) {
    let mut writer = BufWriter::new(stream);
    for record in RECORDS {
        writer.write_all(record.as_bytes()).await.unwrap();
    }
}
// ANCHOR_END: bug

// ANCHOR: fix
/// The fix: an explicit async close, awaited, before the value is dropped.
async fn write_and_shut_down(stream: DuplexStream) {
    let mut writer = BufWriter::new(stream);
    for record in RECORDS {
        writer.write_all(record.as_bytes()).await.unwrap();
    }
    writer.shutdown().await.unwrap();
}
// ANCHOR_END: fix

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let sent: usize = RECORDS.iter().map(|r| r.len()).sum();

    let (ours, mut theirs) = tokio::io::duplex(1024);
    write_and_drop(ours).await;
    let mut received = Vec::new();
    theirs.read_to_end(&mut received).await.unwrap();
    println!(
        "dropped without shutdown: reader got {} of {sent} bytes",
        received.len()
    );

    let (ours, mut theirs) = tokio::io::duplex(1024);
    write_and_shut_down(ours).await;
    let mut received = Vec::new();
    theirs.read_to_end(&mut received).await.unwrap();
    println!(
        "shutdown().await before drop: reader got {} of {sent} bytes",
        received.len()
    );
}
// ANCHOR_END: main
