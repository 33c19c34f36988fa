//! Draws the book's run-drawn figures from the event logs the examples print.
//!
//! Each function takes what one example printed and returns an SVG file's text. The test
//! `examples/tests/figures.rs` runs the examples, calls these functions and compares the result
//! with the files checked in under `docs/src/img/`, so a picture cannot drift from the run it
//! shows. Every input is deterministic: an order of events, or times on Tokio's paused clock.
//!
//! # Layout
//!
//! - `svg.rs`: a small SVG writer and the class rules every figure shares (colours from the
//!   book's theme, no background).
//! - this file: one function per figure, each with its parser. A log that does not have the
//!   expected shape is an error that quotes the line it could not read.

mod svg;

pub use svg::STYLE;
use svg::{Anchor, Svg};

/// Width of every figure's view box. The book's column is 350 px wide on a 390 px phone screen
/// (measured by `.ci/layout-check`), so text of 13.5 units shows at 11.25 px there.
const WIDTH: f64 = 420.0;
/// Font sizes: the smallest one still reads at 11 px or more on a phone.
const BODY: f64 = 14.0;
const SMALL: f64 = 13.5;

/// What went wrong reading a log: the line, and what was expected.
pub type Error = String;

fn bad(line: &str, expected: &str) -> Error {
    format!("cannot read {line:?}: expected {expected}")
}

/// Shortens the text of a log for a `<desc>`: the events, one per sentence.
fn sentences(lines: &[&str]) -> String {
    lines
        .iter()
        .map(|l| format!("{l}."))
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------------------------------------
// Chapter 5: tokio27's polls and wakes.

/// One line of tokio27: `NAME: poll N -> Ready|Pending` or `NAME: wake N`.
enum Step<'a> {
    Poll { name: &'a str, n: u32, ready: bool },
    Wake { name: &'a str, n: u32 },
}

fn parse_poll_wake(line: &str) -> Result<Step<'_>, Error> {
    let expected = "`NAME: poll N -> Ready|Pending` or `NAME: wake N`";
    let (name, rest) = line.split_once(": ").ok_or_else(|| bad(line, expected))?;
    if let Some(rest) = rest.strip_prefix("poll ") {
        let (n, result) = rest.split_once(" -> ").ok_or_else(|| bad(line, expected))?;
        let ready = match result {
            "Ready" => true,
            "Pending" => false,
            _ => return Err(bad(line, expected)),
        };
        let n = n.parse().map_err(|_| bad(line, expected))?;
        Ok(Step::Poll { name, n, ready })
    } else if let Some(n) = rest.strip_prefix("wake ") {
        let n = n.parse().map_err(|_| bad(line, expected))?;
        Ok(Step::Wake { name, n })
    } else {
        Err(bad(line, expected))
    }
}

/// The sequence of polls and wakes `tokio27` prints: one band per future, the executor on the
/// left, the future in the middle, whoever holds the waker on the right.
pub fn poll_wake(lines: &[&str]) -> Result<String, Error> {
    let steps = lines
        .iter()
        .map(|l| parse_poll_wake(l))
        .collect::<Result<Vec<_>, _>>()?;
    let (exec, fut, holder) = (56.0, 200.0, 344.0);
    let mut svg = Svg::new("ch05-poll-wake", WIDTH);
    let top = 44.0;
    let row = 30.0;
    let mut y = top;
    let mut current = "";
    let mut bands = Vec::new();
    let mut body = Svg::new("ch05-poll-wake", WIDTH);
    for step in &steps {
        let name = match step {
            Step::Poll { name, .. } | Step::Wake { name, .. } => *name,
        };
        if name != current {
            current = name;
            y += 8.0;
            bands.push(y);
            body.text(
                6.0,
                y + 14.0,
                SMALL,
                "f-ink f-code f-b",
                Anchor::Start,
                name,
            );
            y += 22.0;
        }
        match step {
            Step::Poll { n, ready, .. } => {
                body.line(exec, y + 12.0, fut - 4.0, y + 12.0, "f-line", true);
                body.text(
                    (exec + fut) / 2.0,
                    y + 7.0,
                    SMALL,
                    "f-ink f-code",
                    Anchor::Middle,
                    &format!("poll {n}"),
                );
                let (class, text) = if *ready {
                    ("f-tgreen f-b", "Ready")
                } else {
                    ("f-torange f-b", "Pending")
                };
                body.text(fut + 8.0, y + 17.0, BODY, class, Anchor::Start, text);
            }
            Step::Wake { n, .. } => {
                body.line(holder, y + 12.0, exec + 4.0, y + 12.0, "f-sblue", true);
                body.text(
                    (fut + holder) / 2.0 + 6.0,
                    y + 7.0,
                    SMALL,
                    "f-tblue f-code",
                    Anchor::Middle,
                    &format!("wake {n}"),
                );
            }
        }
        y += row;
    }
    let bottom = y + 6.0;
    // Lifelines first, so that arrows and labels are drawn over them.
    for (x, label) in [
        (exec, "executor"),
        (fut, "future"),
        (holder, "waker holder"),
    ] {
        svg.text(x, 18.0, BODY, "f-ink f-b", Anchor::Middle, label);
        svg.line(x, 26.0, x, bottom, "f-mline f-dash", false);
    }
    svg.text(
        holder,
        36.0,
        SMALL,
        "f-mute",
        Anchor::Middle,
        "(timer, scheduler)",
    );
    for band in &bands {
        svg.line(0.0, *band, WIDTH, *band, "f-mline", false);
    }
    svg.append(body);
    let desc = format!(
        "Sequence printed by cargo run --example tokio27: {}",
        sentences(lines)
    );
    Ok(svg.finish(
        bottom + 4.0,
        "Polls and wakes of three futures: each is polled once, then again only after a wake",
        &desc,
    ))
}

// ---------------------------------------------------------------------------------------------
// Chapter 5: tokio28's forgotten wake.

/// What tokio28 printed: polls of the forgetful future, whether the flag was set and the task
/// finished, and the keeper's polls.
struct Forgotten {
    forgetful_polls: u32,
    flag_set: bool,
    watched_ms: u32,
    finished: bool,
    keeper_polls: u32,
}

fn parse_forgotten(lines: &[&str]) -> Result<Forgotten, Error> {
    let [forgetful, keeper] = lines else {
        return Err(format!("expected two lines, got {lines:?}"));
    };
    let expected =
        "`forgetful: the flag was set|NOT set, but after N ms the task was polled N time and is …`";
    let rest = forgetful
        .strip_prefix("forgetful: the flag was ")
        .ok_or_else(|| bad(forgetful, expected))?;
    let flag_set = rest.starts_with("set");
    let (_, rest) = rest
        .split_once(", but after ")
        .ok_or_else(|| bad(forgetful, expected))?;
    let (ms, rest) = rest
        .split_once(" ms the task was polled ")
        .ok_or_else(|| bad(forgetful, expected))?;
    let (polls, rest) = rest
        .split_once(" time and is ")
        .ok_or_else(|| bad(forgetful, expected))?;
    let expected_keeper = "`keeper: finished after N polls`";
    let keeper_polls = keeper
        .strip_prefix("keeper: finished after ")
        .and_then(|r| r.strip_suffix(" polls"))
        .ok_or_else(|| bad(keeper, expected_keeper))?;
    Ok(Forgotten {
        forgetful_polls: polls.parse().map_err(|_| bad(forgetful, expected))?,
        flag_set,
        watched_ms: ms.parse().map_err(|_| bad(forgetful, expected))?,
        finished: rest == "finished",
        keeper_polls: keeper_polls
            .parse()
            .map_err(|_| bad(keeper, expected_keeper))?,
    })
}

/// `tokio28`: on the left the forgetful future, polled once and never again although its flag
/// was set; on the right the keeper, whose flag-setting thread calls the waker.
pub fn forgotten_wake(lines: &[&str]) -> Result<String, Error> {
    let run = parse_forgotten(lines)?;
    let mut svg = Svg::new("ch05-forgotten-wake", WIDTH);
    // Two panels, each with a task lifeline and a thread lifeline.
    let panels = [(0.0, "Forgetful"), (214.0, "Keeper")];
    let lifelines = |x0: f64| (x0 + 26.0, x0 + 152.0);
    for (x0, title) in panels {
        let (task, thread) = lifelines(x0);
        svg.text(
            x0 + 103.0,
            16.0,
            BODY,
            "f-ink f-b f-code",
            Anchor::Middle,
            title,
        );
        svg.text(task, 36.0, SMALL, "f-ink", Anchor::Middle, "task");
        svg.text(thread, 36.0, SMALL, "f-ink", Anchor::Middle, "thread");
    }
    let poll = |svg: &mut Svg, task: f64, y: f64, n: u32, ready: bool| {
        svg.line(task, y + 10.0, task + 44.0, y + 10.0, "f-line", true);
        svg.text(
            task + 50.0,
            y + 9.0,
            SMALL,
            "f-ink f-code",
            Anchor::Start,
            &format!("poll {n}"),
        );
        let (class, text) = if ready {
            ("f-tgreen f-b", "Ready")
        } else {
            ("f-torange f-b", "Pending")
        };
        svg.text(task + 50.0, y + 23.0, SMALL, class, Anchor::Start, text);
    };
    let flag = |svg: &mut Svg, thread: f64, y: f64| {
        svg.rect(thread - 50.0, y, 100.0, 22.0, 4.0, "f-blue");
        svg.text(
            thread,
            y + 16.0,
            SMALL,
            "f-ink f-code",
            Anchor::Middle,
            "flag = true",
        );
    };

    // Forgetful: its polls, then the flag set with nobody to wake, then the watch ends.
    let (task, thread) = lifelines(panels[0].0);
    let mut y = 48.0;
    for n in 1..=run.forgetful_polls {
        poll(&mut svg, task, y, n, false);
        y += 36.0;
    }
    if run.flag_set {
        flag(&mut svg, thread, y);
        y += 38.0;
        svg.line(thread - 4.0, y, task + 4.0, y, "f-sred f-dash", false);
        svg.text(
            (task + thread) / 2.0,
            y - 5.0,
            SMALL,
            "f-tred f-b",
            Anchor::Middle,
            "no wake",
        );
        y += 16.0;
    }
    let forgetful_lines = y;
    let state = if run.finished {
        "finished"
    } else {
        "not finished"
    };
    svg.rect(panels[0].0 + 4.0, y, 198.0, 40.0, 4.0, "f-red");
    svg.text(
        panels[0].0 + 12.0,
        y + 16.0,
        SMALL,
        "f-ink",
        Anchor::Start,
        &format!("{} ms later: {} poll,", run.watched_ms, run.forgetful_polls),
    );
    svg.text(
        panels[0].0 + 12.0,
        y + 32.0,
        SMALL,
        "f-ink",
        Anchor::Start,
        &format!("{state}, no error"),
    );
    let forgetful_bottom = y + 44.0;

    // Keeper: a poll, the flag set and the wake, the next poll, until it is ready.
    let (task, thread) = lifelines(panels[1].0);
    let mut y = 48.0;
    for n in 1..=run.keeper_polls {
        let ready = n == run.keeper_polls;
        poll(&mut svg, task, y, n, ready);
        y += 36.0;
        if !ready {
            flag(&mut svg, thread, y);
            y += 38.0;
            svg.line(thread - 4.0, y, task + 4.0, y, "f-sblue", true);
            svg.text(
                (task + thread) / 2.0,
                y - 5.0,
                SMALL,
                "f-tblue f-b f-code",
                Anchor::Middle,
                "wake()",
            );
            y += 16.0;
        }
    }
    let keeper_lines = y;
    let bottom = forgetful_bottom.max(y);
    for (x0, end) in [(panels[0].0, forgetful_lines), (panels[1].0, keeper_lines)] {
        let (task, thread) = lifelines(x0);
        svg.line(task, 42.0, task, end - 4.0, "f-mline f-dash", false);
        svg.line(thread, 42.0, thread, end - 4.0, "f-mline f-dash", false);
    }
    svg.line(208.0, 4.0, 208.0, bottom, "f-mline", false);
    let desc = format!(
        "Drawn from cargo run --example tokio28, which printed: {}",
        sentences(lines)
    );
    Ok(svg.finish(
        bottom,
        "A future that returns Pending without handing its waker on is never polled again; one that hands it to the thread is",
        &desc,
    ))
}

// ---------------------------------------------------------------------------------------------
// Chapter 3: tokio19's turns of the one runtime thread.

/// One turn of the thread in tokio19: the task, its chunk, and how many chunks it has.
type Turn = (String, u32, u32);

/// `tokio19`: which task the runtime's only thread runs, turn by turn, without and with
/// `yield_now`. A task that is ready but not running is shown waiting.
pub fn blocked_thread(lines: &[&str]) -> Result<String, Error> {
    // Panels: a heading line, then `  A: chunk 1 of 3` lines.
    let mut panels: Vec<(String, Vec<Turn>)> = Vec::new();
    for line in lines {
        if let Some(title) = line.strip_suffix(':') {
            panels.push((title.to_string(), Vec::new()));
            continue;
        }
        let expected = "a heading ending in `:` or `  NAME: chunk N of M`";
        let (name, rest) = line
            .trim()
            .split_once(": chunk ")
            .ok_or_else(|| bad(line, expected))?;
        let (n, of) = rest.split_once(" of ").ok_or_else(|| bad(line, expected))?;
        let panel = panels.last_mut().ok_or_else(|| bad(line, expected))?;
        panel.1.push((
            name.to_string(),
            n.parse().map_err(|_| bad(line, expected))?,
            of.parse().map_err(|_| bad(line, expected))?,
        ));
    }
    let mut svg = Svg::new("ch03-blocked-thread", WIDTH);
    let (x0, slot) = (92.0, 52.0);
    let mut y = 4.0;
    for (title, turns) in &panels {
        let mut tasks: Vec<&str> = Vec::new();
        for (name, _, _) in turns {
            if !tasks.contains(&name.as_str()) {
                tasks.push(name);
            }
        }
        svg.text(0.0, y + 14.0, BODY, "f-ink f-b", Anchor::Start, title);
        y += 24.0;
        // The first task in blue, the others in green.
        let first = tasks.first().copied();
        let class_of = |name: &str| {
            if Some(name) == first {
                "f-blue"
            } else {
                "f-green"
            }
        };
        // The thread's row: one box per turn, named after the task it ran.
        svg.text(0.0, y + 15.0, SMALL, "f-ink", Anchor::Start, "thread");
        for (i, (name, n, _)) in turns.iter().enumerate() {
            let x = x0 + slot * i as f64;
            svg.rect(x + 2.0, y, slot - 4.0, 22.0, 3.0, class_of(name));
            svg.text(
                x + slot / 2.0,
                y + 15.0,
                SMALL,
                "f-ink f-code",
                Anchor::Middle,
                &format!("{name}{n}"),
            );
        }
        y += 30.0;
        // One row per task: running, or ready and waiting for the thread.
        for task in &tasks {
            svg.text(
                0.0,
                y + 13.0,
                SMALL,
                "f-ink",
                Anchor::Start,
                &format!("task {task}"),
            );
            let last = turns
                .iter()
                .rposition(|(name, n, of)| name == task && n == of)
                .unwrap_or(turns.len() - 1);
            for (i, (name, _, _)) in turns.iter().enumerate().take(last + 1) {
                let x = x0 + slot * i as f64;
                if name == task {
                    svg.rect(x + 2.0, y + 3.0, slot - 4.0, 12.0, 2.0, class_of(task));
                } else {
                    svg.line(
                        x + 4.0,
                        y + 9.0,
                        x + slot - 4.0,
                        y + 9.0,
                        "f-sorange f-dash",
                        false,
                    );
                }
            }
            y += 20.0;
        }
        y += 14.0;
    }
    // The legend.
    svg.rect(0.0, y, 30.0, 12.0, 2.0, "f-blue");
    svg.text(36.0, y + 11.0, SMALL, "f-ink", Anchor::Start, "runs");
    svg.line(96.0, y + 6.0, 126.0, y + 6.0, "f-sorange f-dash", false);
    svg.text(
        132.0,
        y + 11.0,
        SMALL,
        "f-ink",
        Anchor::Start,
        "ready, but the thread is taken",
    );
    y += 20.0;
    let desc = format!(
        "Turns of the runtime's one thread, from cargo run --example tokio19: {}",
        sentences(lines)
    );
    Ok(svg.finish(
        y,
        "Without yield_now task A keeps the only thread for all its chunks while B waits; with it the tasks take turns",
        &desc,
    ))
}

// ---------------------------------------------------------------------------------------------
// Chapter 9: tokio52's jobs on a paused clock.

/// One job of tokio52's `--events` log: `MODE job N start S end E out O` (milliseconds).
struct Job {
    n: u32,
    start: u64,
    end: u64,
    out: u64,
}

/// `tokio52 --events`: for each way of running the jobs, when each ran and when the stream
/// handed its output on.
pub fn buffered_timeline(lines: &[&str]) -> Result<String, Error> {
    let expected = "`MODE job N start MS end MS out MS`";
    let mut modes: Vec<(String, Vec<Job>)> = Vec::new();
    for line in lines {
        let (mode, rest) = line
            .split_once(" job ")
            .ok_or_else(|| bad(line, expected))?;
        let fields: Vec<&str> = rest.split(' ').collect();
        let [n, "start", start, "end", end, "out", out] = fields[..] else {
            return Err(bad(line, expected));
        };
        let num = |s: &str| s.parse::<u64>().map_err(|_| bad(line, expected));
        let job = Job {
            n: n.parse().map_err(|_| bad(line, expected))?,
            start: num(start)?,
            end: num(end)?,
            out: num(out)?,
        };
        match modes.last_mut() {
            Some((m, jobs)) if m == mode => jobs.push(job),
            _ => modes.push((mode.to_string(), vec![job])),
        }
    }
    let last = modes
        .iter()
        .flat_map(|(_, jobs)| jobs.iter().map(|j| j.out.max(j.end)))
        .max()
        .ok_or("an empty log")?;
    // A scale in whole hundreds of ms, with a tick every 200 ms.
    let span = last.div_ceil(100) * 100;
    let (x0, x1) = (52.0, WIDTH - 14.0);
    let at = |ms: u64| x0 + (x1 - x0) * ms as f64 / span as f64;
    let mut svg = Svg::new("ch09-buffered", WIDTH);
    let mut y = 2.0;
    let rowh = 17.0;
    for (mode, jobs) in &modes {
        let done = jobs.iter().map(|j| j.out.max(j.end)).max().unwrap_or(0);
        svg.text(0.0, y + 14.0, BODY, "f-ink f-b f-code", Anchor::Start, mode);
        svg.text(
            x1,
            y + 14.0,
            BODY,
            "f-ink f-b",
            Anchor::End,
            &format!("all out at {done} ms"),
        );
        y += 22.0;
        let first_row = y;
        for job in jobs {
            svg.text(
                0.0,
                y + 12.0,
                SMALL,
                "f-ink",
                Anchor::Start,
                &format!("job {}", job.n),
            );
            svg.rect(
                at(job.start),
                y + 2.0,
                at(job.end) - at(job.start),
                rowh - 5.0,
                2.0,
                "f-blue",
            );
            if job.out > job.end {
                svg.rect(
                    at(job.end),
                    y + 2.0,
                    at(job.out) - at(job.end),
                    rowh - 5.0,
                    2.0,
                    "f-orange",
                );
            }
            // The moment the stream handed this job's output on.
            svg.line(at(job.out), y, at(job.out), y + rowh - 1.0, "f-line", false);
            y += rowh;
        }
        // The time axis, every 200 ms.
        for ms in (0..=span)
            .step_by(200)
            .filter(|ms| span - ms >= 100 || *ms == span)
        {
            svg.line(at(ms), first_row, at(ms), y + 2.0, "f-mline f-dash", false);
            svg.text(
                at(ms),
                y + 15.0,
                SMALL,
                "f-mute",
                Anchor::Middle,
                &ms.to_string(),
            );
        }
        y += 30.0;
    }
    svg.rect(0.0, y - 6.0, 26.0, 11.0, 2.0, "f-blue");
    svg.text(32.0, y + 4.0, SMALL, "f-ink", Anchor::Start, "running");
    svg.rect(110.0, y - 6.0, 26.0, 11.0, 2.0, "f-orange");
    svg.text(
        142.0,
        y + 4.0,
        SMALL,
        "f-ink",
        Anchor::Start,
        "done, output held back",
    );
    y += 20.0;
    svg.line(13.0, y - 7.0, 13.0, y + 6.0, "f-line", false);
    svg.text(
        32.0,
        y + 4.0,
        SMALL,
        "f-ink",
        Anchor::Start,
        "the stream hands the output on",
    );
    y += 12.0;
    let desc = format!(
        "Timeline of six jobs on a paused clock, from cargo run --example tokio52 -- --events: {}",
        sentences(lines)
    );
    Ok(svg.finish(
        y,
        "Six jobs run one at a time, with buffered(3) and with buffer_unordered(3)",
        &desc,
    ))
}

// ---------------------------------------------------------------------------------------------
// Chapter 10: tokio57's select! loops.

/// `tokio57 --events`: for each loop, the bytes the peer writes, what the reader takes, the
/// event that wins the `select!`, and the line the loop returns. Bytes the reader took that are
/// missing from the result were lost with the dropped future.
pub fn select_loss(lines: &[&str]) -> Result<String, Error> {
    let expected = "`LOOP: peer writes \"…\"`, `LOOP: reader takes \"…\"`, `LOOP: peer raises an event`, `LOOP: event handled` or `LOOP: got \"…\"`";
    let mut loops: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in lines {
        let (name, event) = line.split_once(": ").ok_or_else(|| bad(line, expected))?;
        let (kind, text) = match event.split_once(" \"") {
            Some((kind, text)) => (
                kind.to_string(),
                text.strip_suffix('"')
                    .ok_or_else(|| bad(line, expected))?
                    .replace("\\n", "\n"),
            ),
            None => (event.to_string(), String::new()),
        };
        match loops.last_mut() {
            Some((l, events)) if l == name => events.push((kind, text)),
            _ => loops.push((name.to_string(), vec![(kind, text)])),
        }
    }
    let mut svg = Svg::new("ch10-select", WIDTH);
    let colw = 206.0;
    let mut bottom: f64 = 0.0;
    for (i, (name, events)) in loops.iter().enumerate() {
        let x = i as f64 * (colw + 8.0);
        let cx = x + colw / 2.0;
        let title = format!("{name}()");
        svg.text(cx, 16.0, BODY, "f-ink f-b f-code", Anchor::Middle, &title);
        let result = events
            .iter()
            .find(|(k, _)| k == "got")
            .map(|(_, t)| t.clone())
            .ok_or_else(|| format!("{name}: no `got` line in the log"))?;
        let mut y = 28.0;
        let mut taken = String::new();
        for (kind, text) in events {
            let shown = text.replace('\n', "\\n");
            match kind.as_str() {
                "peer writes" => {
                    svg.text(
                        x + 4.0,
                        y + 14.0,
                        SMALL,
                        "f-mute",
                        Anchor::Start,
                        "peer writes",
                    );
                    svg.text(
                        x + colw - 4.0,
                        y + 14.0,
                        SMALL,
                        "f-ink f-code",
                        Anchor::End,
                        &format!("\"{shown}\""),
                    );
                    y += 22.0;
                }
                "reader takes" => {
                    taken.push_str(text);
                    svg.rect(x + 2.0, y + 2.0, colw - 4.0, 22.0, 4.0, "f-blue");
                    svg.text(
                        x + 8.0,
                        y + 17.0,
                        SMALL,
                        "f-ink",
                        Anchor::Start,
                        "reader takes",
                    );
                    svg.text(
                        x + colw - 8.0,
                        y + 17.0,
                        SMALL,
                        "f-ink f-code f-b",
                        Anchor::End,
                        &format!("\"{shown}\""),
                    );
                    y += 28.0;
                }
                "peer raises an event" => {
                    svg.text(
                        x + 4.0,
                        y + 14.0,
                        SMALL,
                        "f-mute",
                        Anchor::Start,
                        "peer raises an event",
                    );
                    y += 22.0;
                }
                "event handled" => {
                    // The event's branch has run: the loop went round, and the reader's future
                    // of that turn is gone. Where the bytes taken so far are now is read off
                    // the line the loop returned in the end.
                    svg.rect(x + 2.0, y + 2.0, colw - 4.0, 22.0, 4.0, "f-orange");
                    svg.text(
                        cx,
                        y + 17.0,
                        SMALL,
                        "f-ink",
                        Anchor::Middle,
                        "event wins, read dropped",
                    );
                    y += 28.0;
                    let held = taken.clone();
                    let lost = !held.is_empty() && !result.contains(held.trim_end());
                    let (class, tclass, text) = if lost {
                        ("f-red", "f-tred", format!("lost: {held:?}"))
                    } else {
                        ("f-green", "f-tgreen", format!("kept: {held:?}"))
                    };
                    svg.rect(x + 2.0, y + 2.0, colw - 4.0, 22.0, 4.0, class);
                    svg.text(
                        cx,
                        y + 17.0,
                        SMALL,
                        &format!("{tclass} f-b"),
                        Anchor::Middle,
                        &text,
                    );
                    y += 28.0;
                }
                "got" => {
                    y += 4.0;
                    svg.text(
                        x + 4.0,
                        y + 14.0,
                        BODY,
                        "f-ink f-b",
                        Anchor::Start,
                        "returns",
                    );
                    svg.text(
                        x + colw - 4.0,
                        y + 14.0,
                        BODY,
                        "f-ink f-code f-b",
                        Anchor::End,
                        &format!("\"{shown}\""),
                    );
                    y += 22.0;
                }
                _ => return Err(bad(&format!("{name}: {kind}"), expected)),
            }
        }
        bottom = bottom.max(y);
    }
    svg.line(colw + 4.0, 2.0, colw + 4.0, bottom, "f-mline", false);
    let desc = format!(
        "Events of the two select! loops, from cargo run --example tokio57 -- --events: {}",
        sentences(lines)
    );
    Ok(svg.finish(
        bottom + 4.0,
        "read_line in a select! loop loses the bytes it had read when another branch wins; Lines keeps them",
        &desc,
    ))
}
