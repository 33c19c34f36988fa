//! # A TCP proxy
//!
//! [`relay`] moves bytes between a client and an upstream server, both ways; [`serve`] accepts
//! clients and relays each one to the upstream. The tests use in-memory pipes
//! (`tokio::io::duplex`) for `relay` and real sockets on 127.0.0.1 for `serve`.
//!
//! The tests live in `tests/proxy.rs`. Do not edit them: make them pass by changing this file.
//! Run them with `cargo lab check proxy`.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;

/// Copies `client` to `upstream` and `upstream` to `client` at the same time, until both
/// directions have ended. When one side reaches the end of its data, the other side's write half
/// is shut down and copying the other way goes on. Returns the bytes copied client to upstream and
/// upstream to client, in that order.
pub async fn relay<C, U>(client: &mut C, upstream: &mut U) -> io::Result<(u64, u64)>
where
    C: AsyncRead + AsyncWrite + Unpin + ?Sized,
    U: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    // TODO: Copy both ways at once, shutting down each writer when its reader ends.
    //       `tokio::io::copy_bidirectional` does exactly this; read its docs for what it does at
    //       the end of one direction.
    let _ = (client, upstream);
    todo!()
}

/// Accepts clients on `listener` until accepting fails; for each one, connects to `upstream` and
/// relays between them in a task of its own. A client whose upstream cannot be reached is closed.
pub async fn serve(listener: TcpListener, upstream: SocketAddr) -> io::Result<()> {
    // TODO: Loop on `listener.accept()`; for each client, `tokio::net::TcpStream::connect` to
    //       `upstream` and `relay` between the two. Think about what the next client does while
    //       this one is connected.
    let _ = (listener, upstream);
    todo!()
}
