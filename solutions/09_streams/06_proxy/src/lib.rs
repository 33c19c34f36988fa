//! # A TCP proxy
//!
//! [`relay`] moves bytes between a client and an upstream server in both directions at once with
//! [`tokio::io::copy_bidirectional`](https://docs.rs/tokio/latest/tokio/io/fn.copy_bidirectional.html):
//! when one side ends its data, the other side's write half is shut down and the copy the other
//! way goes on, so a client that half-closes still gets its reply. [`serve`] accepts clients and
//! relays each one in a task of its own, so one idle client never holds up the next.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};

/// Copies `client` to `upstream` and `upstream` to `client` at the same time, until both
/// directions have ended. When one side reaches the end of its data, the other side's write half
/// is shut down and copying the other way goes on. Returns the bytes copied client to upstream and
/// upstream to client, in that order.
pub async fn relay<C, U>(client: &mut C, upstream: &mut U) -> io::Result<(u64, u64)>
where
    C: AsyncRead + AsyncWrite + Unpin + ?Sized,
    U: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    tokio::io::copy_bidirectional(client, upstream).await
}

/// Accepts clients on `listener` until accepting fails; for each one, connects to `upstream` and
/// relays between them in a task of its own. A client whose upstream cannot be reached is closed.
pub async fn serve(listener: TcpListener, upstream: SocketAddr) -> io::Result<()> {
    loop {
        let (mut client, _) = listener.accept().await?;
        tokio::spawn(async move {
            let mut server = TcpStream::connect(upstream).await?;
            relay(&mut client, &mut server).await
        });
    }
}
