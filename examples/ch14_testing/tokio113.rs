//! # tokio113: `tokio::io::duplex` as a transport: testing a protocol without a socket
//!
//! Chapter 14, *Testing async code*. A server written against `AsyncRead + AsyncWrite` instead of
//! `TcpStream` can be tested over [`tokio::io::duplex`](https://docs.rs/tokio/latest/tokio/io/fn.duplex.html):
//! two in-memory streams joined end to end, each with a buffer of the size given. No port, no
//! network, and the test decides how the bytes are cut. The buffer is small on purpose: a write
//! that does not fit waits until the other end reads (`src/io/util/mem.rs`: `poll_write` returns
//! `Pending` when the buffer is full, and the reader's `poll_read` wakes it), so a test also shows
//! where a protocol depends on the peer reading.
//!
//! ```text
//! cargo run --example tokio113
//! ```
//!
//! Prints at once:
//!
//! ```text
//! whole lines: ["HELLO", "WORLD"]
//! cut mid-line: ["HELLO WORLD"]
//! 100 bytes into a 16-byte duplex: pending after 16 bytes until the other end reads
//! ```
//!
//! The chat exercises of chapter 13 test their handlers this way.

use tokio::io::{
    AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader,
};
use tokio::runtime::Builder;
use tokio_test::{assert_pending, task};

// ANCHOR: server
/// Answers every line with the line in upper case, until the client closes its
/// side.
async fn shout<S: AsyncRead + AsyncWrite + Unpin>(
    stream: S,
) -> std::io::Result<()> {
    let (reader, mut writer) = tokio::io::split(stream);
    let mut lines = BufReader::new(reader).lines();
    while let Some(line) = lines.next_line().await? {
        writer.write_all(line.to_uppercase().as_bytes()).await?;
        writer.write_all(b"\n").await?;
    }
    Ok(())
}
// ANCHOR_END: server

// ANCHOR: client
/// Runs `shout` on one end of a duplex, sends `pieces` one write each, closes,
/// and collects the replies.
async fn talk(pieces: &[&str]) -> Vec<String> {
    let (mut client, server) = tokio::io::duplex(64);
    let server = tokio::spawn(shout(server));
    for piece in pieces {
        client.write_all(piece.as_bytes()).await.unwrap();
        // Let the server read this piece before the next one is written.
        tokio::task::yield_now().await;
    }
    client.shutdown().await.unwrap();
    let mut replies = Vec::new();
    let mut lines = BufReader::new(client).lines();
    while let Some(line) = lines.next_line().await.unwrap() {
        replies.push(line);
    }
    server.await.unwrap().unwrap();
    replies
}
// ANCHOR_END: client

fn main() {
    let rt = Builder::new_current_thread().enable_all().build().unwrap();
    rt.block_on(async {
        println!("whole lines: {:?}", talk(&["hello\n", "world\n"]).await);
        println!("cut mid-line: {:?}", talk(&["hel", "lo wo", "rld\n"]).await);

        // ANCHOR: full
        let (mut writer, mut reader) = tokio::io::duplex(16);
        let data = [b'x'; 100];
        let mut write = task::spawn(writer.write_all(&data));
        assert_pending!(
            write.poll(),
            "16 bytes fit; the rest waits for the reader"
        );
        let mut first = [0u8; 16];
        tokio::io::AsyncReadExt::read_exact(&mut reader, &mut first)
            .await
            .unwrap();
        assert!(write.is_woken(), "reading made room, and woke the writer");
        assert_pending!(write.poll(), "16 more bytes fit, not 84");
        // ANCHOR_END: full
        println!(
            "100 bytes into a 16-byte duplex: pending after 16 bytes until \
            the other end reads"
        );
        let rest = tokio::spawn(async move {
            let mut rest = Vec::new();
            tokio::io::AsyncReadExt::read_to_end(&mut reader, &mut rest)
                .await
                .unwrap();
            rest.len()
        });
        // `Spawn` is a future too: awaiting it lets the runtime finish the
        // write as the reader drains the pipe. The write borrows `writer`, so
        // it ends before the writer closes.
        write.await.unwrap();
        writer.shutdown().await.unwrap();
        assert_eq!(rest.await.unwrap(), 84);
    });
}
