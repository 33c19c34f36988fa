//! # tokio54: `AsyncRead`, `AsyncWrite`, `AsyncBufRead`: lines, `copy`, and `duplex` for tests
//!
//! Chapter 9, *Streams and async I/O*. Tokio's I/O traits are the async versions of `Read`,
//! `Write` and `BufRead`; the methods you call come from the extension traits `AsyncReadExt`,
//! `AsyncWriteExt` and `AsyncBufReadExt`. Code written against the traits works the same on a
//! file, a TCP socket or [`tokio::io::duplex`](https://docs.rs/tokio/latest/tokio/io/fn.duplex.html),
//! an in-memory pipe whose two ends behave like a connected socket: the tool for testing I/O
//! code without a network.
//!
//! ```text
//! cargo run --example tokio54
//! ```
//!
//! Prints exactly these lines:
//!
//! ```text
//! line 1: "hello"
//! line 2: ""
//! line 3: "world"
//! copied 18 bytes: "copy me, all of it"
//! ```
//!
//! The writer sends `hello\r\n\r\nworld` in pieces through a 4-byte pipe, so the reader gets at
//! most 4 bytes per read; `BufReader::lines` still hands out whole lines, without their `\n` or
//! `\r\n`, and a last line that has no newline. `tokio::io::copy` moves everything from a reader
//! to a writer until the reader's end. `write_all` waits whenever the pipe is full: backpressure
//! again, at the byte level.

use tokio::io::{
    self, AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader,
};

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() -> io::Result<()> {
    // Each end of a duplex pipe is both `AsyncRead` and `AsyncWrite`; 4 is the
    // buffer size.
    let (mut client, server) = io::duplex(4);
    let writer = tokio::spawn(async move {
        client.write_all(b"hello\r\n\r\nworld").await?;
        // Dropping (here: shutting down) the writing end is what tells the
        // reader "end of input".
        client.shutdown().await
    });
    let mut lines = BufReader::new(server).lines();
    let mut n = 0;
    while let Some(line) = lines.next_line().await? {
        n += 1;
        println!("line {n}: {line:?}");
    }
    writer.await.expect("the writer did not panic")?;

    let (mut near, mut far) = io::duplex(64);
    let mut source: &[u8] = b"copy me, all of it";
    let copied = io::copy(&mut source, &mut near).await?;
    drop(near);
    let mut received = String::new();
    far.read_to_string(&mut received).await?;
    println!("copied {copied} bytes: {received:?}");
    Ok(())
}
// ANCHOR_END: main
