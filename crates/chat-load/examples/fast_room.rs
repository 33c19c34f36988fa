//! A minimal one-room chat server, to measure the load generator's own ceiling.
//!
//! ```text
//! cargo run --release -p chat-load --example fast_room -- 127.0.0.1:7880
//! target/release/chat-load --addr 127.0.0.1:7880 --clients 1000 --senders 10 --rate 10000
//! ```
//!
//! It is not a chat server anyone should run: no rooms, no limits, no commands but `/nick`. It is
//! the smallest design that delivers fast: one `broadcast` channel of `Arc<str>`, and each client
//! drains every message already waiting into one buffer and writes it with one `write_all`. A
//! receiver that lags skips the messages it lost. Prints `listening on <addr>` first, like the
//! other servers, so `chat-bench --server` can run it too (`--addr` is accepted for that).

use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::broadcast::{self, error::RecvError, error::TryRecvError};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .skip(1)
        .find(|a| a != "--addr")
        .unwrap_or_else(|| "127.0.0.1:7880".to_owned());
    let listener = TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    let (room, _) = broadcast::channel::<(u64, Arc<str>)>(4096);
    let mut next = 0u64;
    loop {
        let (stream, _) = listener.accept().await?;
        next += 1;
        let (id, room) = (next, room.clone());
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut inbox = room.subscribe();
            let mut lines = BufReader::new(read).lines();
            let reader = tokio::spawn(async move {
                let mut nick = String::new();
                while let Ok(Some(line)) = lines.next_line().await {
                    match line.strip_prefix("/nick ") {
                        Some(name) => nick = name.to_owned(),
                        None => {
                            let _ = room.send((id, format!("{nick}: {line}\n").into()));
                        }
                    }
                }
            });
            let mut out = Vec::with_capacity(64 * 1024);
            let _ = write.write_all(b"* welcome\n").await;
            'outer: loop {
                out.clear();
                match inbox.recv().await {
                    Ok((from, text)) if from != id => out.extend_from_slice(text.as_bytes()),
                    Ok(_) | Err(RecvError::Lagged(_)) => {}
                    Err(RecvError::Closed) => break,
                }
                while out.len() < 60 * 1024 {
                    match inbox.try_recv() {
                        Ok((from, text)) if from != id => out.extend_from_slice(text.as_bytes()),
                        Ok(_) | Err(TryRecvError::Lagged(_)) => {}
                        Err(TryRecvError::Empty) => break,
                        Err(TryRecvError::Closed) => break 'outer,
                    }
                }
                if !out.is_empty() && write.write_all(&out).await.is_err() {
                    break;
                }
            }
            reader.abort();
        });
    }
}
