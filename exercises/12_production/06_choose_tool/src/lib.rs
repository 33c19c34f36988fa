//! # Threads, rayon, async or the blocking pool?
//!
//! For each [`Scenario`], choose the [`Tool`] that fits it best and say why in a sentence that
//! names the deciding factor. The chapter's page measures one of the factors: what an idle
//! connection costs as a thread and as a task.
//!
//! The tests live in `tests/choose_tool.rs`. Do not edit them: make them pass by changing this
//! file. Run them with `cargo lab check choose_tool`.

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
    // TODO: Decide each scenario: `match scenario { Scenario::ChatServer => Choice { tool: ..,
    //       reason: ".." }, .. }`. Ask of each one: how many things happen at once? Do they
    //       wait (on sockets, devices) or compute? Is the program already async? The reason is
    //       checked for the factor that decides, so name it.
    let _ = scenario;
    todo!()
}
