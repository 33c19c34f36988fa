//! # tokio122: a TCP proxy with `copy_bidirectional`, measured against a direct connection
//!
//! Chapter 9, *Proxying*. An echo server and a proxy in front of it, both on 127.0.0.1 with ports
//! the OS picks. The proxy accepts a client, connects to the server and lets
//! `tokio::io::copy_bidirectional` move bytes both ways until both sides have closed. The client
//! then measures the same two things straight to the server and through the proxy: small round
//! trips one at a time (latency), and a bulk transfer echoed back (throughput).
//!
//! ```text
//! cargo run --release --example tokio122
//! ```
//!
//! Prints a table like this one (the figures are the machine's; the book shows a recorded run):
//!
//! ```text
//! path     round trips  p50 µs  p99 µs  bulk MiB  MiB/s
//! direct          5000      NN      NN        64    NNN
//! proxied         5000      NN      NN        64    NNN
//! the proxy added NN µs per round trip (p50) and kept NN% of the direct throughput
//! ```
//!
//! A proxied round trip crosses loopback four times instead of twice and wakes the proxy's task
//! once per direction, so expect it to take longer; in the bulk transfer the proxy also reads and
//! writes every byte, both ways, which costs throughput where the cores are the limit. `--quick`
//! runs 200 round trips and 4 MiB, for the tests. Everything listens on 127.0.0.1 and ends by
//! itself.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, ensure};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// An echo server: every byte read is written back, until the client closes.
async fn echo_server(listener: TcpListener) -> Result<()> {
    loop {
        let (mut socket, _) = listener.accept().await?;
        socket.set_nodelay(true)?;
        tokio::spawn(async move {
            let (mut reader, mut writer) = socket.split();
            let _ = tokio::io::copy(&mut reader, &mut writer).await;
        });
    }
}

// ANCHOR: proxy
/// Accepts clients and relays each one to `upstream`, in a task of its own.
async fn proxy(listener: TcpListener, upstream: SocketAddr) -> Result<()> {
    loop {
        let (mut client, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut server = TcpStream::connect(upstream).await?;
            // Small frames should go out at once, not wait for more (Nagle's
            // algorithm).
            client.set_nodelay(true)?;
            server.set_nodelay(true)?;
            // Copies client -> server and server -> client at the same time;
            // when one side reaches EOF it shuts down the other side's write
            // half and keeps copying the other way, so a half-closed connection
            // still gets its reply.
            let (up, down) =
                tokio::io::copy_bidirectional(&mut client, &mut server).await?;
            anyhow::Ok((up, down))
        });
    }
}
// ANCHOR_END: proxy

/// Round-trip times of `count` 32-byte messages, one at a time, sorted.
async fn round_trips(addr: SocketAddr, count: usize) -> Result<Vec<Duration>> {
    let mut socket = TcpStream::connect(addr).await?;
    socket.set_nodelay(true)?;
    let message = [7u8; 32];
    let mut back = [0u8; 32];
    let mut times = Vec::with_capacity(count);
    for _ in 0..count {
        let start = Instant::now();
        socket.write_all(&message).await?;
        socket.read_exact(&mut back).await?;
        times.push(start.elapsed());
        ensure!(back == message, "the echo changed the bytes");
    }
    times.sort();
    Ok(times)
}

/// Sends `mib` MiB and reads the echo back at the same time; returns MiB/s.
async fn bulk(addr: SocketAddr, mib: usize) -> Result<f64> {
    let socket = TcpStream::connect(addr).await?;
    let (mut reader, mut writer) = socket.into_split();
    let total = mib * 1024 * 1024;
    let start = Instant::now();
    let send = tokio::spawn(async move {
        let chunk = vec![1u8; 64 * 1024];
        for _ in 0..total / chunk.len() {
            writer.write_all(&chunk).await?;
        }
        // the echo server sees EOF and closes its side
        writer.shutdown().await?;
        anyhow::Ok(())
    });
    let mut buf = vec![0u8; 64 * 1024];
    let mut received = 0;
    loop {
        let n = reader.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        received += n;
    }
    send.await??;
    ensure!(received == total, "{received} bytes came back of {total}");
    Ok(mib as f64 / start.elapsed().as_secs_f64())
}

fn percentile(sorted: &[Duration], p: usize) -> u128 {
    sorted[(sorted.len() - 1) * p / 100].as_micros()
}

#[tokio::main]
async fn main() -> Result<()> {
    let quick = std::env::args().any(|a| a == "--quick");
    let (count, mib) = if quick { (200, 4) } else { (5000, 64) };

    let server = TcpListener::bind("127.0.0.1:0").await?;
    let server_addr = server.local_addr()?;
    tokio::spawn(echo_server(server));
    let front = TcpListener::bind("127.0.0.1:0").await?;
    let proxy_addr = front.local_addr()?;
    tokio::spawn(proxy(front, server_addr));

    println!("path     round trips  p50 µs  p99 µs  bulk MiB  MiB/s");
    let mut p50 = Vec::new();
    let mut speed = Vec::new();
    for (name, addr) in [("direct", server_addr), ("proxied", proxy_addr)] {
        let times = round_trips(addr, count).await.context(name)?;
        let rate = bulk(addr, mib).await.context(name)?;
        let (median, p99) = (percentile(&times, 50), percentile(&times, 99));
        println!(
            "{name:<8} {count:>11}  {median:>6}  {p99:>6}  {mib:>8}  {rate:>5.0}"
        );
        p50.push(median);
        speed.push(rate);
    }
    let added = p50[1] as i128 - p50[0] as i128;
    let kept = 100.0 * speed[1] / speed[0];
    println!(
        "the proxy added {added} µs per round trip (p50) and kept {kept:.0}% \
        of the direct throughput"
    );
    Ok(())
}
