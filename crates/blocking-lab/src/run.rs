//! Measuring one case: a heartbeat on a fresh runtime while a batch of jobs runs under one
//! strategy, and the machine's limit with no runtime at all.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use tokio::runtime::{Builder, Runtime};
use tokio::sync::{Semaphore, mpsc, oneshot, watch};
use tokio::task::JoinSet;

use crate::LabError;
use crate::strategy::{Case, Flavour, Strategy};
use crate::work::{JobOutcome, JobSpec, fold};

/// Everything one case needs to know besides the job itself.
#[derive(Clone, Copy, Debug)]
pub struct CaseParams {
    /// Jobs in the batch.
    pub jobs: usize,
    /// The heartbeat's period.
    pub tick: Duration,
    /// Threads for the multi_thread runtime's workers, the bounded `spawn_blocking` semaphore,
    /// the pool and rayon: the core count unless overridden.
    pub threads: usize,
}

/// The raw record of one case's run, before any statistics.
#[derive(Clone, Debug)]
pub struct CaseRun {
    /// What ran.
    pub case: Case,
    /// For every tick of the heartbeat's schedule up to the end of the job window: how long after
    /// its due time the heartbeat actually ran.
    pub lateness: Vec<Duration>,
    /// When the heartbeat ran, measured from the heartbeat's start (the first entry is zero).
    pub beats: Vec<Duration>,
    /// Offset of the start of the job window from the heartbeat's start.
    pub window_start: Duration,
    /// From the first job handed over to the last result received.
    pub window: Duration,
    /// From the start of the window until the last job had been handed over (spawned, sent or
    /// queued). Where handing over is slow, the submitting task is busy all that time.
    pub handover: Duration,
    /// How long each job took on the thread that ran it.
    pub job_times: Vec<Duration>,
    /// XOR of every job's digest.
    pub checksum: [u8; 32],
    /// The most OS threads the process had while the case ran (every thread: the runtime's,
    /// the blocking pool's, the strategy's own and the sampler's); `None` off Linux.
    pub peak_threads: Option<usize>,
}

// ANCHOR: heartbeat
/// The heartbeat: a task that wants to run every `tick`, and writes down how late it was.
///
/// Its schedule is fixed (`start + k * tick`). When it wakes, every tick that fell due while it
/// was frozen is counted as served now, each with its own lateness, as
/// [`MissedTickBehavior::Burst`](https://docs.rs/tokio/latest/tokio/time/enum.MissedTickBehavior.html)
/// would serve them. A 1 s freeze therefore counts as a thousand late ticks rather than one, which
/// is what a client waiting on this runtime would see. It keeps going until it has served a tick
/// due after the end of the job window, which `done` announces, so a freeze that lasts to the
/// end of the window is counted in full.
async fn heartbeat(
    tick: Duration,
    start: Instant,
    mut done: watch::Receiver<Option<Instant>>,
    first_beat: oneshot::Sender<()>,
) -> (Vec<Duration>, Vec<Duration>) {
    let mut lateness = Vec::new();
    let mut beats = vec![Duration::ZERO];
    let mut first_beat = Some(first_beat);
    let mut k: u32 = 1;
    loop {
        // Tokio's timer wheel has a resolution of 1 ms and rounds deadlines up
        // (`tokio/src/runtime/time/mod.rs`), so even an idle runtime shows up to about 1 ms here.
        tokio::time::sleep_until((start + tick * k).into()).await;
        let now = Instant::now();
        beats.push(now - start);
        while start + tick * k <= now {
            lateness.push(now - (start + tick * k));
            k += 1;
        }
        if let Some(tx) = first_beat.take() {
            let _ = tx.send(());
        }
        let last_served = start + tick * (k - 1);
        if let Some(end) = *done.borrow_and_update()
            && last_served >= end
        {
            return (lateness, beats);
        }
    }
}
// ANCHOR_END: heartbeat

/// A pool of dedicated OS threads, created before the runtime and joined after it is gone, so
/// no async code ever waits on a thread join.
struct WorkerPool {
    jobs: mpsc::Sender<(u64, oneshot::Sender<JobOutcome>)>,
    threads: Vec<thread::JoinHandle<()>>,
}

// ANCHOR: pool
impl WorkerPool {
    fn start(size: usize, spec: &Arc<JobSpec>) -> Result<WorkerPool, LabError> {
        // A bounded channel: when every worker is busy and the queue is full, `send(..).await`
        // makes the submitting task wait instead of piling up jobs in memory.
        let (tx, rx) = mpsc::channel::<(u64, oneshot::Sender<JobOutcome>)>(2 * size);
        // Tokio's mpsc has a single receiver; the workers take turns at it through a mutex.
        let rx = Arc::new(Mutex::new(rx));
        let mut threads = Vec::with_capacity(size);
        for n in 0..size {
            let (rx, spec) = (Arc::clone(&rx), Arc::clone(spec));
            let thread = thread::Builder::new()
                .name(format!("lab-worker-{n}"))
                .spawn(move || {
                    loop {
                        // `blocking_recv` parks this OS thread until a job comes or every sender is
                        // gone (https://docs.rs/tokio/latest/tokio/sync/mpsc/struct.Receiver.html#method.blocking_recv).
                        // The guard is a temporary, so the lock is released as soon as a job is
                        // taken, and the hashing happens without it.
                        let next = rx.lock().expect("a worker panicked").blocking_recv();
                        let Some((id, reply)) = next else { return };
                        // The receiver may be gone if the run was abandoned; nothing to do then.
                        let _ = reply.send(spec.run(id));
                    }
                })
                .map_err(LabError::Thread)?;
            threads.push(thread);
        }
        Ok(WorkerPool { jobs: tx, threads })
    }
}
// ANCHOR_END: pool

/// Builds the runtime a case runs on, leaving the blocking pool at Tokio's defaults.
fn runtime(flavour: Flavour, threads: usize) -> Result<Runtime, LabError> {
    match flavour {
        Flavour::CurrentThread => Builder::new_current_thread().enable_all().build(),
        Flavour::MultiThread => Builder::new_multi_thread()
            .worker_threads(threads)
            .enable_all()
            .build(),
    }
    .map_err(LabError::Runtime)
}

/// Collects every job of a [`JoinSet`](https://docs.rs/tokio/latest/tokio/task/struct.JoinSet.html).
async fn join_all(mut set: JoinSet<JobOutcome>) -> Result<Vec<JobOutcome>, LabError> {
    let mut out = Vec::with_capacity(set.len());
    while let Some(joined) = set.join_next().await {
        out.push(joined.map_err(|_| LabError::JobLost)?);
    }
    Ok(out)
}

/// Awaits every oneshot reply, in submission order.
async fn replies(pending: Vec<oneshot::Receiver<JobOutcome>>) -> Result<Vec<JobOutcome>, LabError> {
    let mut out = Vec::with_capacity(pending.len());
    for reply in pending {
        out.push(reply.await.map_err(|_| LabError::JobLost)?);
    }
    Ok(out)
}

/// Where a case's jobs go: the threads it needs beyond the runtime's own, made outside the runtime.
enum Offload {
    None,
    Pool(WorkerPool),
    Rayon(rayon::ThreadPool),
}

// ANCHOR: strategies
/// Runs the batch under `strategy` and returns every job's outcome. `handed_over` is set when
/// the last job has been handed to whatever runs it.
async fn drive(
    strategy: Strategy,
    spec: &Arc<JobSpec>,
    params: CaseParams,
    offload: &Offload,
    handed_over: &mut Option<Instant>,
) -> Result<Vec<JobOutcome>, LabError> {
    let ids = 0..params.jobs as u64;
    match (strategy, offload) {
        // The job runs inside the task: the thread polling it can do nothing else until it ends.
        (Strategy::Inline, _) => {
            let mut set = JoinSet::new();
            for id in ids {
                let spec = Arc::clone(spec);
                set.spawn(async move { spec.run(id) });
            }
            *handed_over = Some(Instant::now());
            join_all(set).await
        }
        // Every job goes to the runtime's blocking pool at once. The pool reuses idle threads
        // but starts a new one for every job that finds none idle, up to `max_blocking_threads`
        // (https://docs.rs/tokio/latest/tokio/task/fn.spawn_blocking.html).
        (Strategy::SpawnBlocking, _) => {
            let mut set = JoinSet::new();
            for id in ids {
                let spec = Arc::clone(spec);
                set.spawn_blocking(move || spec.run(id));
            }
            *handed_over = Some(Instant::now());
            join_all(set).await
        }
        // The same pool, but a job is only handed over while it holds one of `threads` permits of a
        // [`Semaphore`](https://docs.rs/tokio/latest/tokio/sync/struct.Semaphore.html); the permit
        // moves into the closure and is released when the job ends.
        (Strategy::SpawnBlockingBounded, _) => {
            let permits = Arc::new(Semaphore::new(params.threads));
            let mut set = JoinSet::new();
            for id in ids {
                let permit = Arc::clone(&permits)
                    .acquire_owned()
                    .await
                    .expect("the semaphore is never closed");
                let spec = Arc::clone(spec);
                set.spawn_blocking(move || {
                    let _permit = permit;
                    spec.run(id)
                });
            }
            *handed_over = Some(Instant::now());
            join_all(set).await
        }
        // Dedicated threads: send the job, keep the
        // [`oneshot`](https://docs.rs/tokio/latest/tokio/sync/oneshot/index.html) receiver for
        // its reply.
        (Strategy::Worker | Strategy::Pool, Offload::Pool(pool)) => {
            let mut pending = Vec::with_capacity(params.jobs);
            for id in ids {
                let (tx, rx) = oneshot::channel();
                pool.jobs
                    .send((id, tx))
                    .await
                    .map_err(|_| LabError::JobLost)?;
                pending.push(rx);
            }
            *handed_over = Some(Instant::now());
            replies(pending).await
        }
        // rayon's own queue takes the jobs; a oneshot brings each answer back to async code
        // (https://docs.rs/rayon/latest/rayon/struct.ThreadPool.html#method.spawn).
        (Strategy::Rayon, Offload::Rayon(pool)) => {
            let mut pending = Vec::with_capacity(params.jobs);
            for id in ids {
                let (tx, rx) = oneshot::channel();
                let spec = Arc::clone(spec);
                pool.spawn(move || {
                    let _ = tx.send(spec.run(id));
                });
                pending.push(rx);
            }
            *handed_over = Some(Instant::now());
            replies(pending).await
        }
        // The task stays where it is, but `block_in_place` first hands this worker's other tasks to
        // a new thread, so the runtime keeps running while this one hashes
        // (https://docs.rs/tokio/latest/tokio/task/fn.block_in_place.html).
        (Strategy::BlockInPlace, _) => {
            let mut set = JoinSet::new();
            for id in ids {
                let spec = Arc::clone(spec);
                set.spawn(async move { tokio::task::block_in_place(|| spec.run(id)) });
            }
            *handed_over = Some(Instant::now());
            join_all(set).await
        }
        (Strategy::Worker | Strategy::Pool | Strategy::Rayon, _) => {
            unreachable!("run_case starts the threads these strategies need")
        }
    }
}
// ANCHOR_END: strategies

/// Runs one case on a fresh runtime: start the heartbeat, wait for its first beat, run the batch,
/// tell the heartbeat where the window ended, and collect its log.
pub fn run_case(case: Case, spec: &Arc<JobSpec>, params: CaseParams) -> Result<CaseRun, LabError> {
    if !case.strategy.runs_on(case.flavour) {
        return Err(LabError::NotApplicable(case));
    }
    let offload = match case.strategy {
        Strategy::Worker => Offload::Pool(WorkerPool::start(1, spec)?),
        Strategy::Pool => Offload::Pool(WorkerPool::start(params.threads, spec)?),
        Strategy::Rayon => Offload::Rayon(
            rayon::ThreadPoolBuilder::new()
                .num_threads(params.threads)
                .thread_name(|n| format!("lab-rayon-{n}"))
                .build()
                .map_err(|e| LabError::Rayon(e.to_string()))?,
        ),
        _ => Offload::None,
    };
    let sampler = crate::threads::PeakSampler::start();
    let rt = runtime(case.flavour, params.threads)?;
    let measured = rt.block_on(async {
        // A [`watch`](https://docs.rs/tokio/latest/tokio/sync/watch/index.html) channel: the
        // heartbeat reads the latest value whenever it wakes, without waiting on it.
        let (done_tx, done_rx) = watch::channel(None);
        let (first_tx, first_rx) = oneshot::channel();
        let start = Instant::now();
        let beat = tokio::spawn(heartbeat(params.tick, start, done_rx, first_tx));
        first_rx.await.map_err(|_| LabError::JobLost)?;

        let window_start = Instant::now();
        let mut handed_over = None;
        let outcomes = drive(case.strategy, spec, params, &offload, &mut handed_over).await?;
        let window_end = Instant::now();
        let handover = handed_over.map_or(Duration::ZERO, |t| t - window_start);
        let _ = done_tx.send(Some(window_end));
        let (lateness, beats) = beat.await.map_err(|_| LabError::JobLost)?;
        Ok::<_, LabError>((
            lateness,
            beats,
            window_start - start,
            window_end - window_start,
            handover,
            outcomes,
        ))
    });
    let peak_threads = sampler.stop();
    // Dropping the runtime waits for its blocking threads, which are idle by now.
    drop(rt);
    if let Offload::Pool(pool) = offload {
        drop(pool.jobs);
        for thread in pool.threads {
            thread.join().map_err(|_| LabError::JobLost)?;
        }
    }
    let (lateness, beats, window_start, window, handover, outcomes) = measured?;
    let mut checksum = [0; 32];
    for outcome in &outcomes {
        fold(&mut checksum, &outcome.digest);
    }
    Ok(CaseRun {
        case,
        lateness,
        beats,
        window_start,
        window,
        handover,
        job_times: outcomes.iter().map(|o| o.took).collect(),
        checksum,
        peak_threads,
    })
}

/// The machine's limit for this batch: plain OS threads, one per core, taking jobs from a shared
/// counter with nothing else running.
#[derive(Clone, Debug)]
pub struct LimitRun {
    /// From the threads' common start to the last job's end.
    pub elapsed: Duration,
    /// Jobs run (the whole batch).
    pub jobs: usize,
    /// XOR of every job's digest; every case must reach the same one.
    pub checksum: [u8; 32],
}

// ANCHOR: limit
/// Runs the batch on `threads` plain threads and times it. Measured, not computed: on many
/// machines two threads on two cores each run slower than one alone (shared caches, clock limits,
/// a hyperthread sibling), so a single thread's rate times the core count can overstate the limit.
pub fn measure_limit(
    spec: &Arc<JobSpec>,
    jobs: usize,
    threads: usize,
) -> Result<LimitRun, LabError> {
    let next = AtomicU64::new(0);
    // The threads start together: each waits for a read lock that this thread holds for writing
    // until all of them exist.
    let gate = RwLock::new(());
    thread::scope(|scope| {
        let hold = gate.write().expect("nothing panics while holding the gate");
        let mut handles = Vec::with_capacity(threads);
        for n in 0..threads {
            let (next, gate) = (&next, &gate);
            let handle = thread::Builder::new()
                .name(format!("lab-limit-{n}"))
                .spawn_scoped(scope, move || {
                    drop(gate.read());
                    let mut checksum = [0; 32];
                    loop {
                        let id = next.fetch_add(1, Ordering::Relaxed);
                        if id >= jobs as u64 {
                            return checksum;
                        }
                        fold(&mut checksum, &spec.run(id).digest);
                    }
                });
            match handle {
                Ok(handle) => handles.push(handle),
                Err(e) => {
                    // Send the threads already started home: with the counter past the end of
                    // the batch they return as soon as the gate opens.
                    next.store(jobs as u64, Ordering::Relaxed);
                    drop(hold);
                    return Err(LabError::Thread(e));
                }
            }
        }
        let start = Instant::now();
        drop(hold);
        let mut checksum = [0; 32];
        for handle in handles {
            fold(
                &mut checksum,
                &handle.join().map_err(|_| LabError::JobLost)?,
            );
        }
        Ok(LimitRun {
            elapsed: start.elapsed(),
            jobs,
            checksum,
        })
    })
}
// ANCHOR_END: limit
