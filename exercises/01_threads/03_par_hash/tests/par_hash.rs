//! Tests for `hash_parallel`: the same hashes as the sequential version, in the same order, and
//! computed on rayon's thread pool rather than on the calling thread.
//!
//! Every test runs under `testkit::within`, so a pool that never finishes fails the test with a
//! message instead of hanging it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use par_hash::{hash_parallel, hash_sequential};

/// Generous: hashing a few megabytes takes milliseconds even in a debug build.
const LIMIT: Duration = Duration::from_secs(10);

/// Inputs of many sizes, including empty ones and ones longer than blake3's 1 KiB chunk, each
/// different from the others.
fn inputs() -> Vec<Vec<u8>> {
    (0..600_usize)
        .map(|i| (0..(i * 37) % 5000).map(|j| (i ^ (j * 13)) as u8).collect())
        .collect()
}

#[test]
fn parallel_equals_sequential_in_the_same_order() {
    let (sequential, parallel) = testkit::within(LIMIT, || {
        let inputs = inputs();
        (hash_sequential(&inputs), hash_parallel(&inputs))
    });
    assert_eq!(parallel.len(), sequential.len(), "one hash per input");
    for (i, (p, s)) in parallel.iter().zip(&sequential).enumerate() {
        assert_eq!(
            p, s,
            "hash {i} differs: the results must stay in input order"
        );
    }
}

/// An input whose bytes, for input 0, are handed out only once another input has been read on
/// another thread (or after a second, if the pool has only one thread free): so input 0 is always
/// hashed after later ones, and only results put back in input order pass.
struct LateFirst {
    index: usize,
    bytes: Vec<u8>,
    others_read: Arc<AtomicUsize>,
}

impl AsRef<[u8]> for LateFirst {
    fn as_ref(&self) -> &[u8] {
        if self.index == 0 {
            let until = std::time::Instant::now() + Duration::from_secs(1);
            while self.others_read.load(Ordering::SeqCst) == 0 && std::time::Instant::now() < until
            {
                std::thread::sleep(Duration::from_millis(1));
            }
        } else {
            self.others_read.fetch_add(1, Ordering::SeqCst);
        }
        &self.bytes
    }
}

#[test]
fn order_holds_when_the_first_input_finishes_last() {
    let (sequential, parallel) = testkit::within(LIMIT, || {
        let others_read = Arc::new(AtomicUsize::new(0));
        let inputs: Vec<LateFirst> = (0..64_usize)
            .map(|index| LateFirst {
                index,
                bytes: vec![index as u8; 2048],
                others_read: Arc::clone(&others_read),
            })
            .collect();
        let plain: Vec<Vec<u8>> = inputs.iter().map(|i| i.bytes.clone()).collect();
        (hash_sequential(&plain), hash_parallel(&inputs))
    });
    assert_eq!(parallel.len(), sequential.len(), "one hash per input");
    let first_wrong = parallel.iter().zip(&sequential).position(|(p, s)| p != s);
    assert_eq!(
        first_wrong,
        None,
        "input 0 was hashed last, and hash {} is not the hash of input {0}: the results must stay in \
         input order, whichever input the pool finishes first",
        first_wrong.unwrap_or_default()
    );
}

#[test]
fn known_answers() {
    let hashes = testkit::within(LIMIT, || hash_parallel(&["", "abc"]));
    let hex: Vec<String> = hashes.iter().map(|h| h.to_hex().to_string()).collect();
    // blake3's published hashes of the empty input and of "abc".
    assert_eq!(
        hex,
        [
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262",
            "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85",
        ],
        "the hashes are blake3's published ones, in input order"
    );
}

#[test]
fn empty_input_gives_an_empty_list() {
    let hashes = testkit::within(LIMIT, || hash_parallel::<Vec<u8>>(&[]));
    assert!(hashes.is_empty(), "no input, no hash");
}

/// An input that notes, each time its bytes are read, whether the reading thread belongs to
/// rayon's pool.
struct Spy {
    bytes: Vec<u8>,
    on_pool: Arc<AtomicUsize>,
    off_pool: Arc<AtomicUsize>,
}

impl AsRef<[u8]> for Spy {
    fn as_ref(&self) -> &[u8] {
        // `current_thread_index` is `Some` only on a thread of a rayon pool.
        if rayon::current_thread_index().is_some() {
            self.on_pool.fetch_add(1, Ordering::SeqCst);
        } else {
            self.off_pool.fetch_add(1, Ordering::SeqCst);
        }
        &self.bytes
    }
}

#[test]
fn the_hashing_runs_on_rayons_pool() {
    let (on_pool, off_pool) = testkit::within(LIMIT, || {
        let on_pool = Arc::new(AtomicUsize::new(0));
        let off_pool = Arc::new(AtomicUsize::new(0));
        let spies: Vec<Spy> = (0..64_u8)
            .map(|i| Spy {
                bytes: vec![i; 4096],
                on_pool: Arc::clone(&on_pool),
                off_pool: Arc::clone(&off_pool),
            })
            .collect();
        hash_parallel(&spies);
        (
            on_pool.load(Ordering::SeqCst),
            off_pool.load(Ordering::SeqCst),
        )
    });
    assert!(
        on_pool >= 64,
        "only {on_pool} of 64 inputs were read on rayon's pool"
    );
    assert_eq!(
        off_pool, 0,
        "{off_pool} inputs were hashed on the calling thread: use `par_iter`"
    );
}
