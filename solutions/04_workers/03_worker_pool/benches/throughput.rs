//! Throughput of the worker pool against rayon on the same CPU-bound jobs.
//!
//! ```text
//! cargo bench -p sol-04-03-worker-pool --bench throughput
//! ```
//!
//! Two workloads of blake3 hashing, pure computation with no waiting, so the only thing that helps
//! is running on more cores:
//!
//! - **large jobs**: 64 jobs per batch, each hashing its own 1 MiB buffer (about 0.2 ms of work
//!   per job: the book's run hashes a batch on one thread in about 15 ms, some 4 GiB/s);
//! - **small jobs**: 4096 jobs per batch, each hashing its own 4 KiB buffer (a few microseconds),
//!   where the cost of handing a job to a thread is no longer small next to the job.
//!
//! Each configuration first warms up, then times `SAMPLES` batches and prints the median and the
//! spread (the middle half of the samples, and the fastest and slowest). Every batch's digests are
//! compared with a reference, so a fast wrong answer cannot pass as a result.
//!
//! The pool is driven from a current_thread runtime: the async side only submits and awaits, the
//! hashing happens on the pool's threads. rayon gets thread pools of the same sizes.
//!
//! `cargo bench` passes `--bench` to this program. Without it (as under `cargo test --benches`
//! or `--all-targets`) it runs each configuration once on tiny buffers, to prove that it works,
//! and prints no figures.

use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use worker_pool::Pool;

/// Batches timed per configuration, after `WARMUP` untimed ones.
const SAMPLES: usize = 15;
const WARMUP: usize = 2;
/// The pool's queue size: a few jobs per worker, enough to keep them busy between submits.
const QUEUE: usize = 16;

/// One batch's inputs, shared with the jobs.
type Data = Arc<Vec<Vec<u8>>>;

/// A batch shape: how many jobs, and how many bytes each hashes.
struct Workload {
    name: &'static str,
    jobs: usize,
    bytes: usize,
}

const WORKLOADS: [Workload; 2] = [
    Workload {
        name: "large jobs",
        jobs: 64,
        bytes: 1 << 20,
    },
    Workload {
        name: "small jobs",
        jobs: 4096,
        bytes: 4 << 10,
    },
];

fn main() {
    let timed = std::env::args().any(|a| a == "--bench");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("failed to build the runtime");

    if timed {
        println!(
            "{SAMPLES} batches per row, {} cores seen",
            std::thread::available_parallelism().map_or(0, usize::from)
        );
    }
    for workload in &WORKLOADS {
        // In a smoke run, the same number of jobs on 16-byte buffers.
        let bytes = if timed { workload.bytes } else { 16 };
        // Distinct, deterministic buffers, so no job's answer can be reused for another.
        let data: Data = Arc::new(
            (0..workload.jobs)
                .map(|i| (0..bytes).map(|j| (j * 31 + i * 7) as u8).collect())
                .collect(),
        );
        let reference: Vec<blake3::Hash> = sequential(&data);
        let check = |digests: Vec<blake3::Hash>| assert_eq!(digests, reference, "wrong digests");
        let total_mib = (workload.jobs * bytes) as f64 / f64::from(1 << 20);
        let row = |name: &str, batch: &mut dyn FnMut()| {
            if timed {
                report(name, total_mib, measure(batch));
            } else {
                batch();
            }
        };

        if timed {
            println!();
            println!(
                "{}: {} jobs × {} KiB of blake3 per batch",
                workload.name,
                workload.jobs,
                bytes >> 10
            );
            println!(
                "{:<24} {:>10} {:>19} {:>19} {:>7}",
                "configuration", "median", "middle half", "min – max", "MiB/s"
            );
        }
        row("one thread, no pool", &mut || check(sequential(&data)));
        for workers in [1, 2] {
            let pool = Pool::new(workers, QUEUE).expect("valid sizes");
            let name = format!("worker_pool, {workers} thread{}", plural(workers));
            row(&name, &mut || check(rt.block_on(with_pool(&pool, &data))));
            rt.block_on(pool.shutdown()).expect("a clean shutdown");
        }
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("failed to build the rayon pool");
            let name = format!("rayon, {threads} thread{}", plural(threads));
            row(&name, &mut || check(pool.install(|| with_rayon(&data))));
        }
    }
    if !timed {
        println!("smoke run passed; run `cargo bench` for figures");
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn sequential(data: &Data) -> Vec<blake3::Hash> {
    data.iter().map(|b| blake3::hash(b)).collect()
}

/// Submits every job, then collects the answers in order.
async fn with_pool(pool: &Pool, data: &Data) -> Vec<blake3::Hash> {
    let mut tickets = Vec::with_capacity(data.len());
    for i in 0..data.len() {
        let data = Arc::clone(data);
        tickets.push(
            pool.submit(move || blake3::hash(&data[i]))
                .await
                .expect("pool running"),
        );
    }
    let mut digests = Vec::with_capacity(data.len());
    for ticket in tickets {
        digests.push(ticket.result().await.expect("no job panics"));
    }
    digests
}

fn with_rayon(data: &Data) -> Vec<blake3::Hash> {
    data.par_iter().map(|b| blake3::hash(b)).collect()
}

/// Runs `batch` `WARMUP` times untimed, then `SAMPLES` times timed; returns the sorted times.
fn measure(batch: &mut dyn FnMut()) -> Vec<Duration> {
    for _ in 0..WARMUP {
        batch();
    }
    let mut times: Vec<Duration> = (0..SAMPLES)
        .map(|_| {
            let start = Instant::now();
            batch();
            start.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn report(name: &str, total_mib: f64, sorted: Vec<Duration>) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    let median = at(0.5);
    println!(
        "{name:<24} {:>7.1} ms {:>7.1} – {:>6.1} ms {:>7.1} – {:>6.1} ms {:>7.0}",
        ms(median),
        ms(at(0.25)),
        ms(at(0.75)),
        ms(sorted[0]),
        ms(sorted[sorted.len() - 1]),
        total_mib / median.as_secs_f64()
    );
}
