//! The screen's shared pieces: which sentence a state is, and what reads
//! the same in every language (numbers with units, times, the program's
//! name, the timeline's letters, the `PID` heading).

use super::words;
use crate::stream::{Note, Stuck};

pub fn app_name() -> &'static str {
    "ipcscope"
}

/// The processes panel's first heading, the same in every language.
pub const PID_HEADING: &str = "PID";

/// Whether the children run or are stopped, for the header.
pub fn world_state(frozen: bool) -> &'static str {
    if frozen {
        words().frozen_world()
    } else {
        words().running()
    }
}

/// How the run ended, for the header: every process has ended. `eof`:
/// the receiver saw end-of-file; `clean`: all exited on their own with
/// code 0; else `last` is the process that ended last and how.
pub fn finished(eof: bool, clean: bool, last: Option<(&str, String)>) -> String {
    let t = words();
    match last {
        _ if eof => t.finished_eof(),
        _ if clean => t.finished_clean(),
        Some((name, how)) => t.finished_last(name, &how),
        None => t.finished_all(),
    }
}

/// Why nobody can make progress, for the header, while that holds.
pub fn stuck(note: &Note) -> &'static str {
    let t = words();
    match note {
        Note::NoProgress {
            why: Stuck::FullNoReader,
        } => t.stuck_full_no_reader(),
        Note::NoProgress {
            why: Stuck::EmptyNoWriter,
        } => t.stuck_empty_no_writer(),
        Note::ForgottenSendEnd { .. } => t.stuck_send_end(),
        Note::OwnSendEnd { .. } => t.stuck_own_send_end(),
        Note::Deadlock { .. } => t.stuck_deadlock(),
        Note::JoinBeforeDrain { .. } => t.stuck_join_before_drain(),
        _ => t.stuck_short(),
    }
}

/// Run time as mm:ss (whole seconds).
pub fn run_time(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}", s / 60, s % 60)
}

/// Seconds with one decimal, e.g. "2.6s".
pub fn secs_1(ns: u64) -> String {
    format!("{:.1}s", ns as f64 / 1e9)
}

/// A log line's time, e.g. " 12.3s".
pub fn log_time(ms: u64) -> String {
    format!("{:>5.1}s", ms as f64 / 1000.0)
}

/// The word after a full or empty gauge (so it is not told by the bar alone).
pub fn gauge_state(level: u64, max: u64) -> &'static str {
    if level == 0 {
        words().gauge_empty()
    } else if level >= max {
        words().gauge_full()
    } else {
        ""
    }
}

/// A total and its rate, e.g. "put 5 (2/s)" (`word` from
/// [`ScreenWords::flow_words`](super::ScreenWords::flow_words)).
pub fn flow_one(word: &str, total: u64, rate: usize) -> String {
    format!("{word} {total} ({rate}/s)")
}

/// Both ways on one line, e.g. "put 5 (2/s)  got 2 (1/s)".
pub fn flow(names: (&str, &str), totals: (u64, u64), rates: (usize, usize)) -> String {
    format!(
        "{}  {}",
        flow_one(names.0, totals.0, rates.0),
        flow_one(names.1, totals.1, rates.1)
    )
}

/// Both totals without their rates, e.g. "put 5  got 2" (the classroom).
pub fn flow_totals(names: (&str, &str), totals: (u64, u64)) -> String {
    format!("{} {}  {} {}", names.0, totals.0, names.1, totals.1)
}

/// The classroom log's summary of a burst (`who`: the process's name
/// when the log has no name column); `full`, naming its first and last
/// item when both are short, and what a wait met; else the brief form.
pub fn burst(who: Option<&str>, d: &crate::model::digest::Digest, full: bool) -> Option<String> {
    use crate::model::digest::Digest;
    const SHORT: usize = 12;
    let Digest::Burst { op, n, first, last } = d else {
        return None;
    };
    let span = match (first.ev.item.as_deref(), last.ev.item.as_deref()) {
        (Some(a), Some(b))
            if full && op.moves() && a.chars().count() <= SHORT && b.chars().count() <= SHORT =>
        {
            Some((a, b))
        }
        _ => None,
    };
    Some(words().burst(who, *op, *n, span, full))
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
    words().pipe_label(bytes, capacity.map(bytes_short).as_deref())
}

/// Messages sent and not yet received: how many, and which when `list`.
pub fn in_flight(labels: &[String], list: bool) -> String {
    let shown = if list { labels } else { &[] };
    words().in_flight(labels.len(), shown)
}

/// Updates lost so far, with the share of all increments.
pub fn lost_updates(lost: u64, expected: u64) -> String {
    words().lost_updates(lost, share(lost, expected))
}

/// `part` as a percentage of `whole` (0 when there is no whole).
pub(super) fn share(part: u64, whole: u64) -> f64 {
    if whole > 0 {
        part as f64 * 100.0 / whole as f64
    } else {
        0.0
    }
}

/// A timeline mark's letter: what happened there (the same letters in
/// every language; the help does not list them).
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
