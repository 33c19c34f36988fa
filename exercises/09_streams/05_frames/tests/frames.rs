//! Tests for `write_frame`, `read_frame` and `length_delimited`: the bytes on the wire, frames cut
//! into pieces by a small pipe (`tokio::io::duplex`), the flush, a clean end against a cut-off
//! header or payload, the limit (inclusive, and checked before allocating), and the codec talking
//! to the hand-written functions both ways.

use std::io;
use std::time::Duration;

use frames::{length_delimited, read_frame, write_frame};
use futures::{SinkExt, StreamExt};
use testkit::Flavor;
use tokio::io::{AsyncWriteExt, BufWriter};

// Counts heap allocations per thread, so the hostile-length test can see what `read_frame` asked
// for. It changes nothing else.
#[global_allocator]
static ALLOCATOR: alloc_meter::Meter = alloc_meter::Meter;

/// Real-time limit for each test; everything is in memory, so a correct version needs
/// milliseconds. The margin is for a machine busy compiling other crates.
const LIMIT: Duration = Duration::from_secs(5);

/// Runs `make`'s future on a current-thread runtime under the time limit.
fn run<F, Fut>(make: F) -> Fut::Output
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future + 'static,
    Fut::Output: Send + 'static,
{
    testkit::run(Flavor::CurrentThread, LIMIT, make)
}

/// `read_frame` on bytes held in memory.
fn read_from(bytes: &'static [u8], max_len: u32) -> io::Result<Option<Vec<u8>>> {
    run(move || async move {
        let mut reader = bytes;
        read_frame(&mut reader, max_len).await
    })
}

#[test]
fn the_wire_format_is_a_big_endian_u32_then_the_payload() {
    let bytes = run(|| async {
        let mut out = Vec::new(); // Vec<u8> implements AsyncWrite
        write_frame(&mut out, b"hello").await.unwrap();
        write_frame(&mut out, b"").await.unwrap();
        out
    });
    assert_eq!(
        bytes, b"\x00\x00\x00\x05hello\x00\x00\x00\x00",
        "each frame is its payload's length in 4 bytes, big-endian (write_u32), then the payload; \
         an empty payload is a header of 0 and nothing else"
    );
}

#[test]
fn frames_survive_a_pipe_that_cuts_them_into_pieces() {
    let frames = run(|| async {
        // A 5-byte pipe: no frame here arrives in one piece.
        let (mut client, mut server) = tokio::io::duplex(5);
        let big: Vec<u8> = (0..300u32).map(|i| i as u8).collect();
        let sent = big.clone();
        let writer = tokio::spawn(async move {
            for payload in [&b"hello"[..], b"", &sent] {
                write_frame(&mut client, payload).await.unwrap();
            }
            // Dropping `client` ends the stream.
        });
        let mut frames = Vec::new();
        let ended = loop {
            match read_frame(&mut server, 1024).await {
                Ok(Some(frame)) => frames.push(frame),
                Ok(None) => break Ok(()),
                Err(e) => break Err(e),
            }
        };
        drop(server);
        let _ = writer.await;
        (frames, big, ended)
    });
    let (frames, big, ended) = frames;
    if let Err(e) = ended {
        panic!(
            "read_frame failed with `{e}` ({:?}) after {} whole frames: three frames went in (5, \
             0 and 300 bytes) through a 5-byte pipe. An UnexpectedEof here means the stream \
             ended inside a frame: either write_frame wrote only part of a payload (a single \
             `write` may take only some of the bytes: use write_all), or read_frame read more \
             than one frame holds (a header read again whole, a wrong length)",
            e.kind(),
            frames.len()
        );
    }
    assert_eq!(
        frames,
        vec![b"hello".to_vec(), Vec::new(), big],
        "three frames went in (5, 0 and 300 bytes) through a 5-byte pipe: each must come out \
         whole, however many reads it takes (read_exact), and then Ok(None) at the end"
    );
}

#[test]
fn write_frame_flushes_a_buffered_writer() {
    let got = run(|| async {
        tokio::time::pause(); // the wait below costs no real time
        let (client, mut server) = tokio::io::duplex(64);
        let mut writer = BufWriter::new(client);
        write_frame(&mut writer, b"ping").await.unwrap();
        // `writer` is still open: only a flush can have moved the frame out of its buffer.
        let got = tokio::time::timeout(Duration::from_secs(1), read_frame(&mut server, 64)).await;
        drop(writer);
        got
    });
    let got = got.unwrap_or_else(|_| {
        panic!(
            "the frame never reached the other side: it is still in the BufWriter's buffer. \
             write_frame must flush after writing"
        )
    });
    assert_eq!(got.unwrap(), Some(b"ping".to_vec()));
}

#[test]
fn an_empty_stream_is_a_clean_end() {
    let got = read_from(b"", 1024);
    assert!(
        matches!(got, Ok(None)),
        "a stream that ends before any header byte is a clean end, Ok(None); got {got:?}"
    );
}

#[test]
fn a_header_cut_short_is_an_error_not_an_end() {
    let got = read_from(b"\x00\x00", 1024);
    match got {
        Err(e) => assert_eq!(
            e.kind(),
            io::ErrorKind::UnexpectedEof,
            "a header cut after 2 bytes is UnexpectedEof; got {e:?}"
        ),
        Ok(frame) => panic!(
            "the stream ended after 2 bytes of a header cut short, and read_frame returned \
             {frame:?}: that is a connection cut mid-frame, an UnexpectedEof error, not a clean \
             end. read_u32 cannot tell 0 bytes from 2; read the first bytes with `read` and the \
             rest with read_exact"
        ),
    }
}

#[test]
fn a_payload_cut_short_is_an_error() {
    let got = read_from(b"\x00\x00\x00\x05he", 1024);
    match got {
        Err(e) => assert_eq!(
            e.kind(),
            io::ErrorKind::UnexpectedEof,
            "a payload cut short is UnexpectedEof; got {e:?}"
        ),
        Ok(frame) => panic!(
            "the header promised 5 bytes and only 2 came, yet read_frame returned {frame:?}: a \
             payload cut short is an UnexpectedEof error (read_exact gives it)"
        ),
    }
}

#[test]
fn a_frame_of_exactly_max_len_is_accepted() {
    let got = read_from(b"\x00\x00\x00\x05hello", 5);
    match got {
        Ok(Some(frame)) if frame.is_empty() => panic!(
            "a 5-byte frame came back empty: read_exact fills the slice it is given, and an empty \
             Vec (Vec::with_capacity(len) has length 0 whatever its capacity) is an empty slice. \
             Make the buffer with vec![0; len]"
        ),
        Err(e) if e.kind() == io::ErrorKind::InvalidData => {
            let above = read_from(b"\x00\x00\x00\x05hello", 6);
            assert!(
                above.is_ok(),
                "a 5-byte frame was refused (InvalidData) with max_len 5, and with max_len 6 too \
                 ({above:?}): the length read from the header is wrong, not the limit. The \
                 length is the 4 header bytes, big-endian (u32::from_be_bytes); after a first \
                 `read` that got `got` bytes, finish with read_exact(&mut header[got..]), the \
                 rest of the header, not the whole array again (which reads payload bytes as \
                 the length)"
            );
            panic!(
                "the limit is inclusive: a 5-byte frame with max_len 5 is accepted (it was \
                 refused: {e}), only a longer one is refused"
            );
        }
        got => assert_eq!(
            got.ok().flatten(),
            Some(b"hello".to_vec()),
            "the limit is inclusive: a 5-byte frame with max_len 5 is accepted, only a longer \
             one is refused"
        ),
    }
}

#[test]
fn a_hostile_length_is_refused_before_allocating() {
    // A header announcing 1 MiB, a limit of 1 KiB, and then the stream ends.
    let (got, allocated) = run(|| async {
        let mut reader: &[u8] = b"\x00\x10\x00\x00";
        let before = alloc_meter::thread_allocated();
        let got = read_frame(&mut reader, 1024).await;
        (got, alloc_meter::thread_allocated() - before)
    });
    assert!(
        allocated < 64 * 1024,
        "read_frame allocated {allocated} bytes for a header announcing 1 MiB with max_len 1024: \
         compare the length with max_len before allocating the payload's buffer, or a peer can \
         make you allocate 4 GiB with 4 bytes"
    );
    match got {
        Err(e) => assert_eq!(
            e.kind(),
            io::ErrorKind::InvalidData,
            "a length over max_len is refused with InvalidData, from the header alone; got {e:?}"
        ),
        Ok(frame) => panic!(
            "a frame of 1 MiB with max_len 1024 must be refused (InvalidData); got {frame:?}"
        ),
    }
}

#[test]
fn length_delimited_reads_what_write_frame_wrote() {
    let frames = run(|| async {
        let (mut client, server) = tokio::io::duplex(7);
        let writer = tokio::spawn(async move {
            write_frame(&mut client, b"one").await.unwrap();
            write_frame(&mut client, b"and two").await.unwrap();
        });
        let mut framed = length_delimited(server, 1024);
        let mut frames = Vec::new();
        while let Some(frame) = framed.next().await {
            match frame {
                Ok(bytes) => frames.push(Ok(bytes.to_vec())),
                Err(e) => {
                    frames.push(Err(e.to_string()));
                    break;
                }
            }
        }
        writer.await.unwrap();
        frames
    });
    assert_eq!(
        frames,
        [Ok(b"one".to_vec()), Ok(b"and two".to_vec())],
        "length_delimited could not read the frames write_frame wrote: the two must agree on the \
         header (4 bytes, big-endian, counting the payload only)"
    );
}

#[test]
fn length_delimited_writes_what_read_frame_reads() {
    let got = run(|| async {
        let (client, mut server) = tokio::io::duplex(64);
        let mut framed = length_delimited(client, 1024);
        framed.send(&b"hello"[..]).await.unwrap();
        read_frame(&mut server, 1024).await
    });
    assert_eq!(
        got.ok().flatten(),
        Some(b"hello".to_vec()),
        "read_frame could not read a frame length_delimited sent: the two must agree on the \
         header (4 bytes, big-endian, counting the payload only)"
    );
}

#[test]
fn length_delimited_refuses_frames_over_max_len() {
    let got = run(|| async {
        let (mut client, server) = tokio::io::duplex(4096);
        write_frame(&mut client, &[7u8; 2000]).await.unwrap();
        client.shutdown().await.unwrap();
        let mut framed = length_delimited(server, 1024);
        framed.next().await.map(|r| r.map(|b| b.len()))
    });
    match got {
        Some(Err(e)) => assert_eq!(
            e.kind(),
            io::ErrorKind::InvalidData,
            "an oversized frame is an InvalidData error; got {e:?}"
        ),
        other => panic!(
            "length_delimited(io, 1024) accepted a frame of 2000 bytes ({other:?}): the codec's \
             own limit is 8 MiB unless you set max_frame_length"
        ),
    }
}

#[test]
fn length_delimited_refuses_one_byte_over_max_len() {
    let got = run(|| async {
        let (mut client, server) = tokio::io::duplex(4096);
        write_frame(&mut client, &[7u8; 1024]).await.unwrap();
        write_frame(&mut client, &[7u8; 1025]).await.unwrap();
        client.shutdown().await.unwrap();
        let mut framed = length_delimited(server, 1024);
        let first = framed.next().await.map(|r| r.map(|b| b.len()));
        let second = framed.next().await.map(|r| r.map(|b| b.len()));
        (first, second)
    });
    let (first, second) = got;
    assert!(
        matches!(first, Some(Ok(1024))),
        "length_delimited(io, 1024) did not give back a frame of exactly 1024 bytes ({first:?}): \
         the limit is inclusive, max_len bytes are accepted (unless the codec and write_frame disagree on the header: 4 bytes, big-endian)"
    );
    assert!(
        matches!(second, Some(Err(_))),
        "length_delimited(io, 1024) accepted a frame of 1025 bytes ({second:?}): the codec's \
         max_frame_length is inclusive, like max_len; set it to max_len, not max_len + 1"
    );
}
