//! # tokio123: thread-per-connection against async, at 100, 1,000 and 10,000 idle connections
//!
//! Chapter 12, *When async is the wrong tool*. The same echo server written twice: one OS thread
//! per connection (blocking `read_exact`/`write_all`, 64 KiB stacks set with
//! `std::thread::Builder::stack_size`), and one Tokio task per connection on a 2-worker runtime.
//! Each server runs in a child process of its own (this program started again with `serve`), so
//! its memory is its own. The parent opens N connections and leaves them idle, asks the child for
//! its resident memory (`VmRSS`), address space (`VmSize`) and thread count from
//! `/proc/self/status`, then times round trips of 8 bytes, each on a different idle connection.
//!
//! ```text
//! cargo run --release --example tokio123
//! ```
//!
//! Prints the open-file limit it works under, then a table like this one (the figures are the
//! machine's; the book shows a recorded run):
//!
//! ```text
//! server   conns  RSS MiB  KiB/conn  virt MiB  threads  connect ms  p50 µs  p99 µs
//! threads    100      N.N       N.N       NNN      NNN          NN      NN      NN
//! async      100      N.N       N.N       NNN        N          NN      NN      NN
//! ```
//!
//! with rows for 1,000 and 10,000 connections too. KiB/conn is the growth of the server's
//! resident memory from no connection to N, divided by N. Both servers hold one socket per
//! connection; the threaded one also holds a thread, whose stack is reserved in full (virt) but
//! only touched a page or two at a time (RSS), and whose kernel stack RSS does not count.
//!
//! 10,000 connections need 10,000 open files in each process (plus a few): the program raises its
//! soft `RLIMIT_NOFILE` to the hard limit with `rustix::process::setrlimit` and stops with a
//! message if that is still too low. `--quick` measures 10 and 100 connections with 100 round
//! trips, for the tests. Everything listens on 127.0.0.1; each child is killed when its row is done.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail, ensure};

/// The stack of each connection thread. The default for spawned threads is 2
/// MiB; an echo loop with an 8-byte buffer needs a few KiB.
const STACK: usize = 64 * 1024;
/// The most connections any row opens.
const MOST: u64 = 10_000;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("serve") {
        return serve(args.get(1).map_or("", String::as_str));
    }
    let quick = args.iter().any(|a| a == "--quick");
    let (counts, samples): (&[usize], usize) = if quick {
        (&[10, 100], 100)
    } else {
        (&[100, 1_000, 10_000], 2_000)
    };
    let limit = raise_open_files(counts[counts.len() - 1] as u64 + 64)?;
    println!("open files allowed per process: {limit}");
    println!(
        "server   conns  RSS MiB  KiB/conn  virt MiB  threads  connect ms  p50 µs  p99 µs"
    );
    for &n in counts {
        for kind in ["threads", "async"] {
            let row = measure(kind, n, samples)
                .with_context(|| format!("{kind}, {n} connections"))?;
            println!(
                "{kind:<7} {n:>6}  {:>7.1}  {:>8.1}  {:>8}  {:>7}  {:>10}  {:>6}  {:>6}",
                row.rss_kib as f64 / 1024.0,
                row.rss_kib.saturating_sub(row.base_kib) as f64 / n as f64,
                row.virt_kib / 1024,
                row.threads,
                row.connect.as_millis(),
                row.p50.as_micros(),
                row.p99.as_micros(),
            );
        }
    }
    Ok(())
}

// ANCHOR: rlimit
/// Raises the soft limit on open files to the hard limit when it is below
/// `needed`, and returns the soft limit in force. The hard limit only an
/// administrator can raise (`ulimit -Hn`).
fn raise_open_files(needed: u64) -> Result<u64> {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if limit.current.is_some_and(|soft| soft < needed) {
        limit.current = limit.maximum; // None is "unlimited"
        setrlimit(Resource::Nofile, limit).context("raising RLIMIT_NOFILE")?;
    }
    let soft = getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX);
    if soft < needed {
        bail!(
            "{needed} open files are needed but the hard limit is {soft}: \
            raise it (ulimit -Hn)"
        );
    }
    Ok(soft)
}
// ANCHOR_END: rlimit

/// One row of the table.
struct Row {
    base_kib: u64,
    rss_kib: u64,
    virt_kib: u64,
    threads: u64,
    connect: Duration,
    p50: Duration,
    p99: Duration,
}

/// The server child, killed when dropped, so no server outlives its row (or a
/// failed one).
struct Server {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start(kind: &str) -> Result<(Self, SocketAddr)> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["serve", kind])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()?;
        let input = child.stdin.take().context("stdin")?;
        let output = BufReader::new(child.stdout.take().context("stdout")?);
        let mut server = Self {
            child,
            input,
            output,
        };
        let line = server.line()?;
        let port = line.strip_prefix("port ").context("no port")?.parse()?;
        Ok((server, SocketAddr::from(([127, 0, 0, 1], port))))
    }

    fn line(&mut self) -> Result<String> {
        let mut line = String::new();
        ensure!(self.output.read_line(&mut line)? > 0, "the server ended");
        Ok(line.trim_end().to_string())
    }

    /// (VmRSS KiB, VmSize KiB, threads) once the server has accepted `n`
    /// connections.
    fn report(&mut self, n: usize) -> Result<(u64, u64, u64)> {
        writeln!(self.input, "report {n}")?;
        let line = self.line()?;
        let fields: Vec<u64> =
            line.split(' ').map(str::parse).collect::<Result<_, _>>()?;
        ensure!(fields.len() == 3, "bad report {line:?}");
        Ok((fields[0], fields[1], fields[2]))
    }
}

fn measure(kind: &str, n: usize, samples: usize) -> Result<Row> {
    let (mut server, addr) = Server::start(kind)?;
    let (base_kib, _, _) = server.report(0)?;

    // ANCHOR: idle
    let start = Instant::now();
    let mut connections = Vec::with_capacity(n);
    for _ in 0..n {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
        connections.push(stream);
    }
    let connect = start.elapsed();
    let (rss_kib, virt_kib, threads) = server.report(n)?;

    // Round trips spread over the idle connections: each wakes a server thread
    // or task that has been asleep since its connection opened.
    let mut times = Vec::with_capacity(samples);
    let mut buf = [0u8; 8];
    for k in 0..samples {
        let mut stream = &connections[k * 7919 % n];
        let start = Instant::now();
        stream.write_all(&(k as u64).to_be_bytes())?;
        stream.read_exact(&mut buf)?;
        times.push(start.elapsed());
        ensure!(u64::from_be_bytes(buf) == k as u64, "wrong echo");
    }
    // ANCHOR_END: idle
    times.sort();
    // the server closes first, so the TIME_WAIT sockets are on its side
    drop(server);
    drop(connections);
    Ok(Row {
        base_kib,
        rss_kib,
        virt_kib,
        threads,
        connect,
        p50: times[(samples - 1) / 2],
        p99: times[(samples - 1) * 99 / 100],
    })
}

/// The child: serves one kind, answers `report N` on stdin, ends when stdin
/// closes.
fn serve(kind: &str) -> Result<()> {
    raise_open_files(MOST + 64)?;
    let accepted = Arc::new(AtomicUsize::new(0));
    let listener = bind()?;
    let port = listener.local_addr()?.port();
    // Kept alive until the end of this function: dropping a runtime stops its
    // tasks.
    let mut _runtime = None;
    match kind {
        "threads" => {
            let accepted = Arc::clone(&accepted);
            thread::spawn(move || threads_server(listener, &accepted));
        }
        "async" => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_io()
                .build()?;
            listener.set_nonblocking(true)?;
            let listener = runtime.block_on(async {
                tokio::net::TcpListener::from_std(listener)
            })?;
            runtime.spawn(async_server(listener, Arc::clone(&accepted)));
            _runtime = Some(runtime);
        }
        other => bail!("unknown server {other:?}: threads or async"),
    }
    println!("port {port}");
    for line in std::io::stdin().lock().lines() {
        let line = line?;
        let n: usize =
            line.strip_prefix("report ").context("report N")?.parse()?;
        let deadline = Instant::now() + Duration::from_secs(60);
        while accepted.load(Ordering::SeqCst) < n {
            ensure!(
                Instant::now() < deadline,
                "only {accepted:?} of {n} accepted"
            );
            thread::sleep(Duration::from_millis(1));
        }
        let status = std::fs::read_to_string("/proc/self/status")?;
        let field = |name: &str| -> Result<u64> {
            let line = status
                .lines()
                .find(|l| l.starts_with(name))
                .context("no field")?;
            Ok(line
                .split_whitespace()
                .nth(1)
                .context("no value")?
                .parse()?)
        };
        println!(
            "{} {} {}",
            field("VmRSS:")?,
            field("VmSize:")?,
            field("Threads:")?
        );
    }
    Ok(())
}

/// A listener on 127.0.0.1 with a backlog of 4,096, so that 10,000 connections
/// opened in a row never find the accept queue full while the server catches
/// up.
fn bind() -> Result<std::net::TcpListener> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .build()?;
    let listener = runtime.block_on(async {
        let socket = tokio::net::TcpSocket::new_v4()?;
        socket.bind(SocketAddr::from(([127, 0, 0, 1], 0)))?;
        socket.listen(4096)?.into_std()
    })?;
    listener.set_nonblocking(false)?;
    Ok(listener)
}

// ANCHOR: servers
/// One OS thread per connection, each blocked in `read_exact` until its client
/// speaks.
fn threads_server(listener: std::net::TcpListener, accepted: &AtomicUsize) {
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { break };
        let _ = stream.set_nodelay(true);
        let spawned =
            thread::Builder::new().stack_size(STACK).spawn(move || {
                let mut buf = [0u8; 8];
                while stream.read_exact(&mut buf).is_ok()
                    && stream.write_all(&buf).is_ok()
                {}
            });
        if let Err(e) = spawned {
            eprintln!("cannot start a thread: {e}");
            break;
        }
        accepted.fetch_add(1, Ordering::SeqCst);
    }
}

/// One Tokio task per connection, each a state machine of a few hundred bytes
/// while it waits.
async fn async_server(
    listener: tokio::net::TcpListener,
    accepted: Arc<AtomicUsize>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    while let Ok((mut stream, _)) = listener.accept().await {
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let mut buf = [0u8; 8];
            while stream.read_exact(&mut buf).await.is_ok()
                && stream.write_all(&buf).await.is_ok()
            {}
        });
        accepted.fetch_add(1, Ordering::SeqCst);
    }
}
// ANCHOR_END: servers
