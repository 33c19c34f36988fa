//! Finding lines and load-generator payloads in received bytes, without allocating per line.
//!
//! A payload is the text `LG <sender> <seq> <send_time_ns> <padding>`. The marker `LG ` may appear
//! anywhere in a delivered line, so any prefix the server adds (`lg3: `, a room name, a timestamp)
//! is fine.

use memchr::memmem::Finder;

/// The marker that starts every payload.
pub const MARKER: &[u8] = b"LG ";

/// What a payload line carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Payload {
    /// The index of the client that sent it.
    pub sender: u64,
    /// The sender's sequence number, from 0.
    pub seq: u64,
    /// When it was sent, in nanoseconds on the load generator's clock.
    pub sent_ns: u64,
}

/// Parses a decimal number at the start of `bytes`; returns it and the rest after one space.
fn number(bytes: &[u8]) -> Option<(u64, &[u8])> {
    let mut value: u64 = 0;
    let mut digits = 0;
    for &b in bytes {
        if !b.is_ascii_digit() {
            break;
        }
        value = value.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        digits += 1;
    }
    if digits == 0 {
        return None;
    }
    let rest = &bytes[digits..];
    Some((value, rest.strip_prefix(b" ").unwrap_or(rest)))
}

/// Finds a payload in one line (without its `\n`), using a prepared marker finder.
pub fn parse_line(finder: &Finder<'_>, line: &[u8]) -> Option<Payload> {
    let at = finder.find(line)?;
    let rest = &line[at + MARKER.len()..];
    let (sender, rest) = number(rest)?;
    let (seq, rest) = number(rest)?;
    let (sent_ns, _) = number(rest)?;
    Some(Payload {
        sender,
        seq,
        sent_ns,
    })
}

/// Writes one payload line, `\n` included, padded with `x` to `size` bytes before the `\n` (a
/// payload is never shorter than its header).
pub fn write_payload(out: &mut Vec<u8>, sender: u64, seq: u64, sent_ns: u64, size: usize) {
    use std::io::Write;
    let start = out.len();
    // Writing into a Vec cannot fail.
    let _ = write!(out, "LG {sender} {seq} {sent_ns} ");
    let header = out.len() - start;
    out.resize(start + header.max(size), b'x');
    out.push(b'\n');
}

/// A line splitter over a fixed buffer: feed it what `read` returned, get complete lines back.
///
/// Bytes of an unfinished line stay in the buffer for the next read. A line longer than the buffer
/// is skipped (counted in [`LineBuffer::overlong`]) rather than growing memory.
pub struct LineBuffer {
    buf: Box<[u8]>,
    /// Bytes `[0, filled)` are data not yet returned as lines.
    filled: usize,
    /// Set while skipping the rest of an overlong line.
    skipping: bool,
    /// How many lines were too long for the buffer.
    pub overlong: u64,
}

impl LineBuffer {
    /// A splitter with a buffer of `capacity` bytes (at least 64).
    pub fn new(capacity: usize) -> Self {
        LineBuffer {
            buf: vec![0; capacity.max(64)].into_boxed_slice(),
            filled: 0,
            skipping: false,
            overlong: 0,
        }
    }

    /// The free part of the buffer, for the next `read`.
    pub fn spare(&mut self) -> &mut [u8] {
        if self.filled == self.buf.len() {
            // A full buffer without a newline: one line longer than the buffer. Drop what we have.
            if !self.skipping {
                self.overlong += 1;
            }
            self.skipping = true;
            self.filled = 0;
        }
        &mut self.buf[self.filled..]
    }

    /// Accounts for `n` bytes just read into [`LineBuffer::spare`] and calls `each` with every
    /// complete line (without `\n` or `\r`).
    pub fn filled(&mut self, n: usize, mut each: impl FnMut(&[u8])) {
        let scan_from = self.filled;
        self.filled += n;
        let mut line_start = 0;
        for nl in memchr::memchr_iter(b'\n', &self.buf[scan_from..self.filled]) {
            let end = scan_from + nl;
            if self.skipping {
                self.skipping = false;
            } else {
                let line = &self.buf[line_start..end];
                each(line.strip_suffix(b"\r").unwrap_or(line));
            }
            line_start = end + 1;
        }
        // Keep the unfinished tail at the front.
        self.buf.copy_within(line_start..self.filled, 0);
        self.filled -= line_start;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_payload_is_found_behind_any_prefix_and_round_trips() {
        let finder = Finder::new(MARKER);
        let mut line = b"[lobby] lg7: ".to_vec();
        write_payload(&mut line, 7, 42, 123_456_789, 64);
        assert_eq!(
            line.len(),
            13 + 64 + 1,
            "the payload is padded to its size, plus the newline"
        );
        let parsed = parse_line(&finder, &line[..line.len() - 1]);
        assert_eq!(
            parsed,
            Some(Payload {
                sender: 7,
                seq: 42,
                sent_ns: 123_456_789
            }),
            "the marker must be found after the server's prefix"
        );
        assert_eq!(
            parse_line(&finder, b"* welcome"),
            None,
            "a notice is no payload"
        );
        assert_eq!(
            parse_line(&finder, b"a: LG x"),
            None,
            "a marker without numbers is no payload"
        );
    }

    #[test]
    fn lines_split_across_reads_are_joined_and_overlong_lines_are_skipped() {
        let mut lines = LineBuffer::new(64);
        let mut seen: Vec<Vec<u8>> = Vec::new();
        let feed = |lines: &mut LineBuffer, bytes: &[u8], seen: &mut Vec<Vec<u8>>| {
            let spare = lines.spare();
            spare[..bytes.len()].copy_from_slice(bytes);
            lines.filled(bytes.len(), |l| seen.push(l.to_vec()));
        };
        feed(&mut lines, b"one\r\ntw", &mut seen);
        feed(&mut lines, b"o\nthr", &mut seen);
        assert_eq!(
            seen,
            vec![b"one".to_vec(), b"two".to_vec()],
            "a line split by a read is joined"
        );
        // 3 + 61 bytes fill the buffer without a newline: the line is overlong.
        feed(&mut lines, &[b'y'; 61], &mut seen);
        feed(&mut lines, b"yyy\nfour\n", &mut seen);
        assert_eq!(lines.overlong, 1, "the overlong line must be counted");
        assert_eq!(
            seen.last().map(Vec::as_slice),
            Some(&b"four"[..]),
            "the line after an overlong one is read normally"
        );
        assert_eq!(seen.len(), 3, "the overlong line must not be returned");
    }
}
