//! The naive baseline: the common design of a Tokio chat server, kept on purpose.
//!
//! It is shaped like Tokio's own chat example
//! (<https://github.com/tokio-rs/tokio/blob/master/examples/chat.rs>): one
//! [`tokio::sync::Mutex`](https://docs.rs/tokio/latest/tokio/sync/struct.Mutex.html) around the
//! list of peers, one unbounded channel per client, and a write plus a flush for every message to
//! every client. It is correct for a handful of users and it is what the benchmark compares the
//! chapter's server against, so it has the weaknesses that design has, and no others:
//!
//! - Broadcasting locks the list and allocates one `String` per receiver per message.
//! - Each client's queue is unbounded: behind a client that stops reading, memory grows with every
//!   message sent to the room.
//! - Each queued message is written and flushed on its own, so a busy client costs one system call
//!   per message instead of one per batch.
//!
//! Protocol: a `* ` welcome line on connect; `/nick <name>` (any other line before it gets a `! `
//! reply), answered by `* you are <name>, in room lobby`; every later line that is not a command is
//! sent as `<name>: <text>` to every other named client; other commands are ignored.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, BufWriter};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Mutex;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

/// The one shared state: every named client's queue, behind one lock.
#[derive(Default)]
struct Peers {
    queues: HashMap<u64, UnboundedSender<String>>,
}

/// Accepts clients on `listener` until `shutdown` completes, then returns (clients still connected
/// are left to the runtime; the baseline makes no promise about them).
pub async fn serve(listener: TcpListener, shutdown: impl Future<Output = ()>) {
    let peers = Arc::new(Mutex::new(Peers::default()));
    let mut next_id = 0u64;
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    next_id += 1;
                    tokio::spawn(client(next_id, stream, peers.clone()));
                }
                // Out of file descriptors, for example: keep serving the others.
                Err(e) => eprintln!("chat-naive: accept failed: {e}"),
            },
            () = &mut shutdown => return,
        }
    }
}

/// Writes one line and flushes it, as a framed sink's `send` does.
async fn send(out: &mut BufWriter<tokio::net::tcp::OwnedWriteHalf>, line: &str) -> bool {
    out.write_all(line.as_bytes()).await.is_ok() && out.flush().await.is_ok()
}

async fn client(id: u64, stream: TcpStream, peers: Arc<Mutex<Peers>>) {
    let (read, write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut out = BufWriter::new(write);
    let (tx, mut rx) = unbounded_channel::<String>();
    let mut nick: Option<String> = None;
    if !send(&mut out, "* welcome to chat-naive; send /nick <name>\n").await {
        return;
    }
    loop {
        tokio::select! {
            // `recv` and `next_line` are both cancel safe, so losing the race loses nothing.
            Some(message) = rx.recv() => {
                if !send(&mut out, &message).await {
                    break;
                }
            }
            line = lines.next_line() => {
                let Ok(Some(line)) = line else { break };
                if let Some(name) = line.strip_prefix("/nick ") {
                    let name = name.trim().to_owned();
                    if nick.is_none() {
                        peers.lock().await.queues.insert(id, tx.clone());
                    }
                    let reply = format!("* you are {name}, in room lobby\n");
                    nick = Some(name);
                    if !send(&mut out, &reply).await {
                        break;
                    }
                } else if let Some(name) = &nick {
                    if line.starts_with('/') {
                        continue;
                    }
                    let peers = peers.lock().await;
                    for (&peer, queue) in &peers.queues {
                        if peer != id {
                            // One allocation per receiver, as `message.into()` in the common design.
                            let _ = queue.send(format!("{name}: {line}\n"));
                        }
                    }
                } else if !send(&mut out, "! send /nick <name> first\n").await {
                    break;
                }
            }
        }
    }
    peers.lock().await.queues.remove(&id);
}
