//! # Threads, rayon, async or the blocking pool?
//!
//! [`choose`] maps each [`Scenario`] to the [`Tool`] that fits it, with a reason that names what
//! decides: how many activities there are, whether they wait or compute, and whether the program
//! is already async.

/// The tools to choose from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    /// Plain `std::thread`s, or plain sequential code on the main thread: blocking calls are fine,
    /// each thread costs a stack and a kernel thread, and there are few of them.
    Threads,
    /// rayon: computation split over every core, with no waiting on I/O in it.
    Rayon,
    /// async on Tokio: many activities that mostly wait on I/O, with time-outs and cancellation.
    Async,
    /// `tokio::task::spawn_blocking`: a blocking call made from inside an async program.
    BlockingPool,
}

/// The situations to decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scenario {
    /// A chat server holding 20,000 connections, most of them idle for minutes at a time, each
    /// waking for a short message now and then.
    ChatServer,
    /// A command-line tool that resizes 5,000 photos already in memory as fast as the machine
    /// allows; each photo is a few milliseconds of pure computation.
    ResizePhotos,
    /// An async web service that must call a database driver which only offers blocking calls,
    /// once or twice per request.
    BlockingDriverInHandler,
    /// A desktop program that talks to 4 serial devices through a vendor library whose calls
    /// block; each device gets its own loop, for as long as the program runs.
    FourDevices,
    /// An API gateway: each request calls three backends concurrently, gives up on a slow one
    /// after 200 ms, and abandons the other calls when its client disconnects.
    GatewayFanOut,
    /// A one-shot command-line tool that copies one file to another place and exits.
    CopyOneFile,
}

/// A decision: the tool, and the reason in a sentence that names the deciding factor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    /// The tool that fits best.
    pub tool: Tool,
    /// Why, in a sentence: what about the scenario decides it.
    pub reason: &'static str,
}

/// The tool that fits `scenario` best, and why.
pub fn choose(scenario: Scenario) -> Choice {
    let (tool, reason) = match scenario {
        Scenario::ChatServer => (
            Tool::Async,
            "20,000 connections that are idle almost all the time: a task waiting on a socket \
             costs a few hundred bytes, a thread a stack and a kernel thread each",
        ),
        Scenario::ResizePhotos => (
            Tool::Rayon,
            "pure CPU work on data already in memory: it needs every core, and nothing ever waits \
             on I/O for async to overlap",
        ),
        Scenario::BlockingDriverInHandler => (
            Tool::BlockingPool,
            "the program is async but the driver's calls block: spawn_blocking moves each call off \
             the runtime's worker threads so they keep running other tasks",
        ),
        Scenario::FourDevices => (
            Tool::Threads,
            "only a few (4) long-lived loops, each making blocking calls: a thread per device is \
             cheap at that count and the vendor library can be called as it is",
        ),
        Scenario::GatewayFanOut => (
            Tool::Async,
            "concurrent calls with a timeout each and cancellation when the client leaves: \
             select!, timeout and dropping a future do that, threads cannot be cancelled",
        ),
        Scenario::CopyOneFile => (
            Tool::Threads,
            "one sequential job with nothing concurrent to overlap: plain code on the main \
             thread, no runtime needed",
        ),
    };
    Choice { tool, reason }
}
