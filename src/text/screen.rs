//! The screen's words: panels, headings, states, the help and the footer.

use super::signal_name;
use crate::model::world::Activity;
use crate::stream::{Ended, KernelWait, Note, SIGKILL, Stuck};

pub fn too_small(w: u16, h: u16, min_w: u16, min_h: u16) -> String {
    format!(
        "ipcscope needs a terminal of at least {min_w}x{min_h}; this one is {w}x{h}. \
         Enlarge the window (or make the font smaller). Press q to quit."
    )
}

/// What a process is doing, as it reported it: a word, never colour alone.
pub fn activity(a: &Activity, maxsize: u32) -> String {
    match a {
        Activity::Starting => "starting".into(),
        Activity::Active => "active".into(),
        Activity::WaitingToPut { .. } if maxsize == 0 => "BLOCKED put: ring full".into(),
        Activity::WaitingToPut { .. } => "BLOCKED put: queue full".into(),
        Activity::WaitingToGet { .. } => "BLOCKED get: queue empty".into(),
        Activity::WaitingToSend { .. } => "BLOCKED send: pipe full".into(),
        Activity::WaitingToRecv { .. } => "BLOCKED recv: pipe empty".into(),
        Activity::Exited => "exited".into(),
    }
}

pub fn not_a_terminal() -> &'static str {
    "the visualizer needs a terminal, and stdout (or stdin) is not one. \
     For a printed transcript, run it with --headless (e.g. `ipcscope --headless`)."
}

pub fn not_applicable() -> &'static str {
    "n/a here"
}

// panels

/// Every key, as the help overlay, the footer and the README show it:
/// (keys, what they do). The footer names keys by these same strings.
pub fn key_help() -> &'static [(&'static str, &'static str)] {
    &[
        ("+/-", "add / remove a writer (a counter in counter)"),
        ("r/R", "add / remove a reader (queue only)"),
        (
            "[/]",
            "faster / slower: the selected process, or all writers",
        ),
        ("m/M", "maxsize down / up (queue only)"),
        ("space", "freeze / resume the world (SIGSTOP / SIGCONT)"),
        ("f", "freeze only the view (the processes keep running)"),
        (
            ".",
            "step: while frozen, the selected process does one operation",
        ),
        ("up/down, click", "select a process"),
        ("k", "kill the selected process (SIGKILL)"),
        ("t", "terminate the selected process (SIGTERM)"),
        ("n", "restart the scenario"),
        ("1/2/3", "switch to the queue / pipe / counter scenario"),
        ("</>", "slow motion: more / less (scales every delay)"),
        ("?", "show / hide this help"),
        ("Esc", "close this help, else clear the selection"),
        ("q/Ctrl-C", "quit (every process is stopped and reaped)"),
    ]
}

/// A replay's keys, as the help overlay and the README show them. They
/// keep the live keys' meanings where those carry over.
pub fn replay_key_help() -> &'static [(&'static str, &'static str)] {
    &[
        ("space", "play / pause"),
        (".", "one event forward"),
        (",", "one event back"),
        ("left/right", "seek 5 s back / forward"),
        ("Home/End", "to the start / the end"),
        ("</>", "play slower / faster (x0.1 to x10)"),
        (
            "click",
            "on the timeline: seek there; on a process: select it",
        ),
        ("up/down", "select a process"),
        ("?", "show / hide this help"),
        ("Esc", "close this help, else clear the selection"),
        ("q/Ctrl-C", "quit"),
    ]
}

/// The footer's keys, most useful first, with one word each: (keys, word).
/// Each key is one of [`key_help`]'s (or its first spelling).
pub fn footer_keys() -> &'static [(&'static str, &'static str)] {
    &[
        ("q", "quit"),
        ("?", "help"),
        ("space", "freeze"),
        (".", "step"),
        ("+/-", "writers"),
        ("r/R", "readers"),
        ("k", "kill"),
        ("t", "term"),
        ("[/]", "speed"),
        ("m/M", "maxsize"),
        ("</>", "slow-mo"),
        ("f", "view"),
        ("n", "restart"),
        ("1/2/3", "scenario"),
    ]
}

/// A replay's footer keys, most useful first, with one word each.
pub fn replay_footer_keys() -> &'static [(&'static str, &'static str)] {
    &[
        ("q", "quit"),
        ("?", "help"),
        ("space", "play/pause"),
        (".", "step"),
        (",", "back"),
        ("left/right", "5 s"),
        ("Home/End", "ends"),
        ("</>", "speed"),
    ]
}

/// The footer's word for space while the world is frozen.
pub fn footer_resume() -> &'static str {
    "resume"
}

/// The footer's word for +/- in the counter scenario.
pub fn footer_counters() -> &'static str {
    "counters"
}

pub fn help_title() -> &'static str {
    " Keys (? or Esc to close) "
}

/// The line explaining the kernel column's letters.
pub fn help_kernel_letters() -> &'static str {
    "kernel column: R running, S sleeping or waiting, T stopped, Z zombie"
}

/// The line explaining the disagreement mark (`mark` is ≠ or !=).
pub fn help_disagreement(mark: &str) -> String {
    format!(
        "{mark} {}: the kernel's view contradicts the process's report",
        disagrees()
    )
}

pub fn app_name() -> &'static str {
    "ipcscope"
}

/// Whether the children run or are stopped, for the header.
pub fn world_state(frozen: bool) -> &'static str {
    if frozen {
        "FROZEN (SIGSTOP)"
    } else {
        "RUNNING"
    }
}

/// How the run ended, for the header: every process has ended. `eof`:
/// the receiver saw end-of-file; `clean`: all exited on their own with
/// code 0; else `last` is the process that ended last and how.
pub fn finished(eof: bool, clean: bool, last: Option<(&str, String)>) -> String {
    match last {
        _ if eof => "FINISHED: recv saw EOF, all exited".into(),
        _ if clean => "FINISHED: all processes exited".into(),
        Some((name, how)) => format!("FINISHED: all ended, {name} last ({how})"),
        None => "FINISHED: all processes ended".into(),
    }
}

pub fn finished_short() -> &'static str {
    "FINISHED"
}

/// Why nobody can make progress, for the header, while that holds.
pub fn stuck(note: &Note) -> String {
    match note {
        Note::NoProgress {
            why: Stuck::FullNoReader,
        } => "STUCK: writers wait, no reader".into(),
        Note::NoProgress {
            why: Stuck::EmptyNoWriter,
        } => "STUCK: readers wait, no writer".into(),
        Note::ForgottenSendEnd { .. } => "STUCK: recv waits, parent holds send end".into(),
        _ => stuck_short().into(),
    }
}

pub fn stuck_short() -> &'static str {
    "STUCK"
}

/// Tags the header of a replay: the state after it is the recording's.
pub fn replay_tag() -> &'static str {
    "REPLAY"
}

pub fn view_frozen() -> &'static str {
    "VIEW FROZEN"
}

/// Slow-motion factor, e.g. "slow x2.3".
pub fn slow_motion(factor: f64) -> String {
    format!("slow x{factor:.1}")
}

/// Events come faster than they are animated: the view counts instead.
pub fn fast() -> &'static str {
    "FAST (counting, not animating)"
}

pub fn fast_short() -> &'static str {
    "FAST"
}

/// Telemetry lag, e.g. "lag 4 ms".
pub fn lag(ms: u64) -> String {
    format!("lag {ms} ms")
}

/// Telemetry events lost (always shown, never hidden).
pub fn dropped(n: u64) -> String {
    format!("dropped {n}")
}

pub fn late(n: u64) -> String {
    format!("late {n}")
}

/// Run time as mm:ss (whole seconds).
pub fn run_time(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}", s / 60, s % 60)
}

pub fn processes_title(n: usize) -> String {
    format!(" Processes ({n}) ")
}

/// Rows that did not fit in the processes panel.
pub fn more_rows(n: usize) -> String {
    format!(" +{n} more ")
}

/// Column headings of the processes panel.
#[derive(Debug, Clone, Copy)]
pub struct ProcessHeadings {
    pub pid: &'static str,
    pub name: &'static str,
    pub role: &'static str,
    pub reported: &'static str,
    pub kernel: &'static str,
    pub item: &'static str,
    pub done: &'static str,
    pub blocked: &'static str,
    pub exit: &'static str,
}

pub fn process_headings() -> ProcessHeadings {
    ProcessHeadings {
        pid: "PID",
        name: "name",
        role: "role",
        reported: "reported",
        kernel: "kernel",
        item: "item",
        done: "done",
        blocked: "blocked",
        exit: "exit",
    }
}

/// The reported state in few words, for a narrow processes panel.
pub fn activity_short(a: &Activity) -> &'static str {
    match a {
        Activity::Starting => "starting",
        Activity::Active => "active",
        Activity::WaitingToPut { .. } => "BLOCKED put",
        Activity::WaitingToGet { .. } => "BLOCKED get",
        Activity::WaitingToSend { .. } => "BLOCKED send",
        Activity::WaitingToRecv { .. } => "BLOCKED recv",
        Activity::Exited => "exited",
    }
}

/// The reported state in one word, for the narrowest processes panel
/// (the kernel column then tells what it waits for).
pub fn activity_tiny(a: &Activity) -> &'static str {
    match a {
        Activity::Starting => "starting",
        Activity::Active => "active",
        Activity::Exited => "exited",
        _ => "BLOCKED",
    }
}

/// How a process ended, in one or two words (narrow panels).
pub fn ended_short(e: Ended) -> String {
    match e {
        Ended::Code(0) => "exited".into(),
        Ended::Code(c) => format!("exit code {c}"),
        Ended::Signal(s) if s == SIGKILL => "killed".into(),
        Ended::Signal(_) => "terminated".into(),
    }
}

/// A signal sent to a process that has not ended yet.
pub fn signal_sent(sig: i32) -> String {
    format!("{} sent", signal_name(sig))
}

/// The kernel's classified wait, in words (`short` for a narrow panel).
pub fn kernel_wait(w: &KernelWait, short: bool) -> &'static str {
    match (w, short) {
        (KernelWait::Running, _) => "running",
        (KernelWait::Sleeping, _) => "sleeping",
        (KernelWait::WaitingForData, false) => "waiting for data",
        (KernelWait::WaitingForData, true) => "wait data",
        (KernelWait::WaitingForSpace, false) => "waiting for space",
        (KernelWait::WaitingForSpace, true) => "wait space",
        (KernelWait::WaitingForLock, false) => "waiting for lock",
        (KernelWait::WaitingForLock, true) => "wait lock",
        (KernelWait::WaitingOther(_), _) => "waiting",
        (KernelWait::Stopped, _) => "stopped",
        (KernelWait::Zombie, _) => "zombie",
        (KernelWait::Gone, _) => "gone",
    }
}

/// The kernel has not been sampled for this process yet.
pub fn kernel_unseen(short: bool) -> &'static str {
    if short { "?" } else { "not sampled" }
}

/// The word that goes with the ≠ mark: report and kernel disagree.
pub fn disagrees() -> &'static str {
    "differs"
}

/// Explains a bare disagreement mark, on the panel's frame.
pub fn disagree_legend(mark: &str) -> String {
    format!(" {mark} kernel {} from report ", disagrees())
}

/// Seconds with one decimal, e.g. "2.6s".
pub fn secs_1(ns: u64) -> String {
    format!("{:.1}s", ns as f64 / 1e9)
}

/// A log line's time, e.g. " 12.3s".
pub fn log_time(ms: u64) -> String {
    format!("{:>5.1}s", ms as f64 / 1000.0)
}

pub fn log_title() -> &'static str {
    " Event log "
}

/// Who a supervisor line is from, in the log's name column.
pub fn log_parent() -> &'static str {
    "parent"
}

pub fn queue_title(maxsize: u32) -> String {
    if maxsize == 0 {
        " Queue (unbounded) ".into()
    } else {
        format!(" Queue (maxsize {maxsize}) ")
    }
}

/// The depth gauge's label: "3/3" bounded, "3 of ring 65536" unbounded.
pub fn depth_label(depth: u64, maxsize: u32, capacity: usize) -> String {
    if maxsize == 0 {
        format!("depth {depth} of ring {capacity}")
    } else {
        format!("depth {depth}/{maxsize}")
    }
}

/// The word after a full or empty gauge (so it is not told by the bar alone).
pub fn gauge_state(level: u64, max: u64) -> &'static str {
    if level == 0 {
        "empty"
    } else if level >= max {
        "FULL"
    } else {
        ""
    }
}

/// The sparkline's caption: depth over the last seconds.
pub fn depth_history(secs: f64) -> String {
    format!("depth, last {secs:.0} s")
}

/// A total and its rate per second, e.g. "put 5 (2/s)".
pub fn flow_one(word: &str, total: u64, rate: usize) -> String {
    format!("{word} {total} ({rate}/s)")
}

/// Both ways on one line, e.g. "put 5 (2/s)  got 2 (1/s)".
pub fn flow(words: (&str, &str), totals: (u64, u64), rates: (usize, usize)) -> String {
    format!(
        "{}  {}",
        flow_one(words.0, totals.0, rates.0),
        flow_one(words.1, totals.1, rates.1)
    )
}

/// The words for moving in and out of the queue or the pipe.
pub fn flow_words(pipe: bool) -> (&'static str, &'static str) {
    if pipe {
        ("sent", "received")
    } else {
        ("put", "got")
    }
}

pub fn queue_waiters(put: u32, get: u32) -> String {
    format!("waiting: {put} put, {get} get")
}

pub fn raised(full: u64, empty: u64) -> String {
    format!("raised: Full {full}  Empty {empty}")
}

pub fn recovered_lost(recoveries: u64, lost: &[String]) -> String {
    if lost.is_empty() {
        format!("recovered {recoveries}  lost 0")
    } else {
        format!(
            "recovered {recoveries}  lost {}: {}",
            lost.len(),
            lost.join(", ")
        )
    }
}

pub fn pipe_title() -> &'static str {
    " Pipe "
}

/// A byte count short enough for a narrow panel: `512 B`, `64 KiB`, `208 KiB`.
pub fn bytes_short(n: u64) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} B")
    }
}

/// Bytes buffered in the pipe against its capacity.
pub fn pipe_label(bytes: Option<u64>, capacity: Option<u64>) -> String {
    match (bytes, capacity) {
        (Some(b), Some(c)) => format!("buffered {b} B of {}", bytes_short(c)),
        (Some(b), None) => format!("buffered {b} B"),
        _ => "buffered ?".into(),
    }
}

/// Messages sent and not yet received: how many, and which when `list`.
pub fn in_flight(labels: &[String], list: bool) -> String {
    if labels.is_empty() || !list {
        format!("in the pipe: {}", labels.len())
    } else {
        format!("in the pipe: {} ({})", labels.len(), labels.join(", "))
    }
}

pub fn eof(seen: bool) -> &'static str {
    if seen {
        "EOF: seen by the receiver"
    } else {
        "EOF: not yet"
    }
}

/// Who holds a copy of the pipe's send end (`send`) or receive end.
pub fn holders(send: bool, names: &[String]) -> String {
    let end = if send { "send end" } else { "recv end" };
    if names.is_empty() {
        format!("{end}: nobody")
    } else {
        format!("{end}: {}", names.join(", "))
    }
}

pub fn counter_title(lock: bool) -> &'static str {
    if lock {
        " Shared Value (with lock) "
    } else {
        " Shared Value (no lock) "
    }
}

pub fn expected(n: u64) -> String {
    format!("expected     {n}")
}

pub fn actual(n: i64) -> String {
    format!("actual       {n}")
}

/// Updates lost so far, with the share of all increments.
pub fn lost_updates(lost: u64, expected: u64) -> String {
    let pct = if expected > 0 {
        lost as f64 * 100.0 / expected as f64
    } else {
        0.0
    };
    format!("lost updates {lost} ({pct:.0}%)")
}

/// Why updates are (or are not) lost.
pub fn counter_lock(lock: bool) -> &'static str {
    if lock {
        "with the lock: none lost"
    } else {
        "no lock: updates race"
    }
}

/// The counter gauge's label: the value against what it should be.
pub fn counter_label(actual: i64, expected: u64) -> String {
    format!("{actual} of {expected}")
}

/// Who holds a pipe end when it is ipcscope itself (the parent).
pub fn parent_holder() -> &'static str {
    "parent (ipcscope)"
}

/// The timeline's play state, speed and time, e.g. "▶ x1 12.3s / 65.0s".
pub fn timeline_state(playing: bool, speed: f64, at_s: f64, end_s: f64) -> String {
    let state = if playing { "PLAY" } else { "PAUSE" };
    format!(" {state} x{speed} {at_s:.1}s/{end_s:.1}s")
}

/// Records applied of all, e.g. "rec 120/5000".
pub fn timeline_records(position: u64, total: u64) -> String {
    format!("rec {position}/{total} ")
}

/// A timeline mark's letter: what happened there.
pub fn timeline_mark(m: crate::model::timeline::Mark) -> &'static str {
    use crate::model::timeline::Mark;
    match m {
        Mark::Block => "w",
        Mark::Raised => "!",
        Mark::Eof => "E",
        Mark::Kill => "K",
        Mark::Recovery => "R",
        Mark::Stuck => "S",
    }
}
