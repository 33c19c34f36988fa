//! # tokio131: one `futures`-only function on a Tokio socket and on a smol socket
//!
//! Chapter 15, *other runtimes and how to choose*. `ask` speaks a one-line protocol over any
//! `futures::io::AsyncRead + AsyncWrite`: it knows nothing of Tokio or smol. smol's sockets
//! implement the `futures` traits, so they go in as they are. Tokio's implement Tokio's own
//! `AsyncRead`/`AsyncWrite` (a different pair of traits, with `ReadBuf`), so they go in through
//! `tokio_util::compat`: `.compat()` wraps a Tokio stream into a `futures` one (and
//! `FuturesAsyncReadCompatExt::compat()` goes the other way). The server side is the same function
//! shape for both: an uppercasing echo of one line on 127.0.0.1.
//!
//! ```text
//! cargo run --example tokio131
//! ```
//!
//! Prints (the same on every run):
//!
//! ```text
//! tokio, through compat: sent "hello from tokio", got "HELLO FROM TOKIO"
//! smol, as it is: sent "hello from smol", got "HELLO FROM SMOL"
//! ```

use std::net::{Ipv4Addr, TcpListener as StdListener, TcpStream as StdStream};

use futures::io::{
    AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader,
};
use tokio_util::compat::TokioAsyncReadCompatExt;

// ANCHOR: ask
/// Sends one line and returns the one-line answer. Runtime-agnostic: only
/// the `futures` I/O traits.
async fn ask<S>(stream: S, line: &str) -> std::io::Result<String>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut stream = BufReader::new(stream);
    stream
        .get_mut()
        .write_all(format!("{line}\n").as_bytes())
        .await?;
    stream.get_mut().flush().await?;
    let mut answer = String::new();
    stream.read_line(&mut answer).await?;
    Ok(answer.trim_end().to_string())
}

/// Answers one line with the same line in capitals.
async fn shout<S>(stream: S) -> std::io::Result<()>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut stream = BufReader::new(stream);
    let mut line = String::new();
    stream.read_line(&mut line).await?;
    let answer = line.to_uppercase();
    stream.get_mut().write_all(answer.as_bytes()).await?;
    stream.get_mut().flush().await
}
// ANCHOR_END: ask

// ANCHOR: tokio
async fn on_tokio() -> std::io::Result<String> {
    let listener =
        tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await?;
        shout(socket.compat()).await
    });
    let client = tokio::net::TcpStream::connect(addr).await?;
    let answer = ask(client.compat(), "hello from tokio").await?;
    server.await??;
    Ok(answer)
}
// ANCHOR_END: tokio

async fn on_smol(ex: &smol::LocalExecutor<'_>) -> std::io::Result<String> {
    let listener = smol::Async::<StdListener>::bind((Ipv4Addr::LOCALHOST, 0))?;
    let addr = listener.get_ref().local_addr()?;
    let server = ex.spawn(async move {
        let (socket, _) = listener.accept().await?;
        shout(socket).await
    });
    let client = smol::Async::<StdStream>::connect(addr).await?;
    let answer = ask(client, "hello from smol").await?;
    server.await?;
    Ok(answer)
}

fn main() -> std::io::Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let answer = rt.block_on(on_tokio())?;
    println!(
        "tokio, through compat: sent \"hello from tokio\", got {answer:?}"
    );

    let ex = smol::LocalExecutor::new();
    let answer = smol::block_on(ex.run(on_smol(&ex)))?;
    println!("smol, as it is: sent \"hello from smol\", got {answer:?}");
    Ok(())
}
