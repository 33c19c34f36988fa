//! # tokio73: `read_line` in a `select!` loop loses data
//!
//! Chapter 11, *Common pitfalls*. A reader loop waits, with
//! [`tokio::select!`](https://docs.rs/tokio/latest/tokio/macro.select.html), for either the next
//! line from a peer or a 5 ms tick (a keep-alive, a progress report). The peer sends each of its
//! five lines in two halves, 50 ms apart, so ticks fire while a line is half read. Each tick drops
//! the unfinished
//! [`read_line`](https://docs.rs/tokio/latest/tokio/io/trait.AsyncBufReadExt.html#method.read_line)
//! future, and with it the half line it had read: `read_line` is not cancel safe (its docs'
//! "Cancel safety" section). The next call starts in the middle of the line. The fix reads with
//! [`Lines::next_line`](https://docs.rs/tokio/latest/tokio/io/struct.Lines.html#method.next_line),
//! which keeps a partial line inside the `Lines` value, where a dropped future cannot lose it. The
//! check is the same for both: how many of the five lines arrived whole.
//!
//! ```text
//! cargo run --example tokio73
//! ```
//!
//! Prints after about 0.5 s:
//!
//! ```text
//! read_line in select!: 0 of 5 lines intact
//! Lines::next_line in select!: 5 of 5 lines intact
//! ```

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, DuplexStream};

/// The lines the peer sends.
const LINES: [&str; 5] = [
    "first line",
    "second line",
    "third line",
    "fourth line",
    "fifth line",
];

/// Sends every line in two halves, with a pause in the middle, then closes the stream.
async fn peer(mut stream: DuplexStream) {
    for line in LINES {
        let (head, tail) = line.split_at(line.len() / 2);
        stream.write_all(head.as_bytes()).await.unwrap();
        tokio::time::sleep(Duration::from_millis(50)).await;
        stream.write_all(tail.as_bytes()).await.unwrap();
        stream.write_all(b"\n").await.unwrap();
    }
}

// ANCHOR: bug
/// The pitfall: a tick cancels `read_line`, and the bytes it had read go with
/// it.
async fn read_with_read_line(stream: DuplexStream) -> Vec<String> {
    let mut reader = BufReader::new(stream);
    let mut tick = tokio::time::interval(Duration::from_millis(5));
    let mut got = Vec::new();
    loop {
        let mut line = String::new();
        tokio::select! {
            read = reader.read_line(&mut line) => {
                if read.unwrap() == 0 {
                    return got;
                }
                got.push(line.trim_end().to_string());
            }
            _ = tick.tick() => {}
        }
    }
}
// ANCHOR_END: bug

// ANCHOR: fix
/// The fix: `Lines` keeps a partial line between calls, so a cancelled
/// `next_line` loses nothing.
async fn read_with_lines(stream: DuplexStream) -> Vec<String> {
    let mut lines = BufReader::new(stream).lines();
    let mut tick = tokio::time::interval(Duration::from_millis(5));
    let mut got = Vec::new();
    loop {
        tokio::select! {
            line = lines.next_line() => match line.unwrap() {
                Some(line) => got.push(line),
                None => return got,
            },
            _ = tick.tick() => {}
        }
    }
}
// ANCHOR_END: fix

// ANCHOR: main
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let (ours, theirs) = tokio::io::duplex(1024);
    tokio::spawn(peer(theirs));
    let got = read_with_read_line(ours).await;
    println!("read_line in select!: {} of 5 lines intact", intact(&got));

    let (ours, theirs) = tokio::io::duplex(1024);
    tokio::spawn(peer(theirs));
    let got = read_with_lines(ours).await;
    println!(
        "Lines::next_line in select!: {} of 5 lines intact",
        intact(&got)
    );
}

/// How many of the lines sent arrived whole.
fn intact(got: &[String]) -> usize {
    LINES
        .iter()
        .filter(|line| got.iter().any(|g| g == *line))
        .count()
}
// ANCHOR_END: main
