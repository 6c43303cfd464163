//! The classroom's event log, summarised so that it scrolls no faster than
//! a class can read. Stream time is cut into windows of [`WINDOW_NS`];
//! while a window has more lines than [`READABLE`], the operation one
//! process repeated most in it (put, get, send, recv, a wait, a timeout)
//! becomes one line, "reader-1 got 40 items", until the window fits or
//! nothing is repeated. A window that a class can read keeps one line per
//! operation.
//!
//! Everything else (a start, an exit, a kill, a lost item, a recovery, a
//! note, a change of maxsize) keeps its own line: it is never summarised,
//! and no summary reaches across it, so what happened before a kill and
//! what happened after stay on their sides of it.
//!
//! Pure: the log's entries in, lines out (the words are the text module's).

use std::collections::{HashMap, HashSet};

use super::scene::LogEntry;
use crate::stream::run::Then;
use crate::stream::{Kind, ProcId};

/// The stretch of stream time a class reads at once.
pub const WINDOW_NS: u64 = 2_000_000_000;
/// Lines a window shows one by one (two a second).
pub const READABLE: usize = 4;

/// An operation a process may repeat in a burst.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Repeated {
    Put,
    Get,
    Send,
    Recv,
    PutWait,
    GetWait,
    SendWait,
    RecvWait,
    /// A put raised `queue.Full`, and what the writer did next (tried
    /// again, or gave the item up).
    PutFull(Then),
    /// A get raised `queue.Empty`, and what the reader did next.
    GetEmpty(Then),
}

impl Repeated {
    /// The operation an event is, if it is one a burst may summarise.
    pub fn of(kind: &Kind) -> Option<Repeated> {
        Some(match kind {
            Kind::Put => Repeated::Put,
            Kind::Get => Repeated::Get,
            Kind::Send => Repeated::Send,
            Kind::Recv => Repeated::Recv,
            Kind::PutWait => Repeated::PutWait,
            Kind::GetWait => Repeated::GetWait,
            Kind::SendWait => Repeated::SendWait,
            Kind::RecvWait => Repeated::RecvWait,
            Kind::PutFull { then, .. } => Repeated::PutFull(*then),
            Kind::GetEmpty { then, .. } => Repeated::GetEmpty(*then),
            _ => return None,
        })
    }

    /// Whether it moves an item (a burst of them names the first and the
    /// last item).
    pub fn moves(self) -> bool {
        matches!(
            self,
            Repeated::Put | Repeated::Get | Repeated::Send | Repeated::Recv
        )
    }
}

/// One line of the classroom's log.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Digest<'a> {
    /// An entry as it is.
    One(&'a LogEntry),
    /// `n` (at least 2) operations `op` by one process, from `first` to
    /// `last`; the line stands where `last` stood.
    Burst {
        op: Repeated,
        n: usize,
        first: &'a LogEntry,
        last: &'a LogEntry,
    },
}

impl<'a> Digest<'a> {
    /// The entry whose place and time the line takes.
    pub fn last(&self) -> &'a LogEntry {
        match self {
            Digest::One(e) => e,
            Digest::Burst { last, .. } => last,
        }
    }
}

/// A run of a repeated operation: the same process, the same operation,
/// in the same stretch between two other lines of one window.
type Key = (usize, ProcId, Repeated);

/// The log's `entries` (oldest first; a run started at `start_ns`), as
/// the lines a class reads: see the module's comment.
pub fn digest<'a>(entries: &[&'a LogEntry], start_ns: u64) -> Vec<Digest<'a>> {
    let window_of = |e: &LogEntry| e.ev.t_ns.saturating_sub(start_ns) / WINDOW_NS;
    // Each entry's run (None: a line of its own), and each window's
    // entries, as ranges of indexes.
    let mut keys: Vec<Option<Key>> = Vec::with_capacity(entries.len());
    let mut windows: Vec<std::ops::Range<usize>> = Vec::new();
    let mut stretch = 0;
    for (i, e) in entries.iter().enumerate() {
        let w = window_of(e);
        if i == 0 || window_of(entries[i - 1]) != w {
            windows.push(i..i + 1);
            stretch += 1;
        } else if let Some(last) = windows.last_mut() {
            last.end = i + 1;
        }
        match Repeated::of(&e.ev.kind) {
            Some(op) => keys.push(Some((stretch, e.ev.child, op))),
            None => {
                keys.push(None);
                stretch += 1;
            }
        }
    }
    let mut summarised: HashSet<Key> = HashSet::new();
    for range in windows {
        let mut runs: HashMap<Key, (usize, usize)> = HashMap::new();
        for (i, k) in keys[range.clone()].iter().enumerate() {
            if let Some(k) = k {
                runs.entry(*k).or_insert((0, range.start + i)).0 += 1;
            }
        }
        let mut lines = range.len();
        // The biggest run first; of equal ones, the earliest.
        let mut order: Vec<(Key, (usize, usize))> = runs.into_iter().collect();
        order.sort_by_key(|&(_, (n, first))| (std::cmp::Reverse(n), first));
        for (k, (n, _)) in order {
            if lines <= READABLE || n < 2 {
                break;
            }
            summarised.insert(k);
            lines -= n - 1;
        }
    }
    // Each summarised run's first entry and size, then the lines.
    let mut runs: HashMap<Key, (usize, usize)> = HashMap::new();
    for (i, k) in keys.iter().enumerate() {
        if let Some(k) = k.filter(|k| summarised.contains(k)) {
            runs.entry(k).or_insert((i, 0)).1 += 1;
        }
    }
    let mut seen: HashMap<Key, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match keys[i].and_then(|k| runs.get(&k).map(|r| (k, *r))) {
            None => out.push(Digest::One(e)),
            Some((k, (first, n))) => {
                let so_far = seen.entry(k).or_insert(0);
                *so_far += 1;
                if *so_far == n {
                    out.push(Digest::Burst {
                        op: k.2,
                        n,
                        first: entries[first],
                        last: e,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::{Ended, Event, SIGKILL};

    const MS: u64 = 1_000_000;

    fn entry(t_ms: u64, child: ProcId, kind: Kind, item: Option<&str>) -> LogEntry {
        let mut ev = Event::new(t_ms * MS, child, 4100 + child as i32, kind);
        if let Some(i) = item {
            ev = ev.with_item(i);
        }
        LogEntry {
            child: Some(child),
            ev,
            maxsize: 3,
        }
    }

    fn put(t_ms: u64, child: ProcId, n: u64) -> LogEntry {
        entry(t_ms, child, Kind::Put, Some(&format!("url_{n}")))
    }

    fn get(t_ms: u64, child: ProcId, n: u64) -> LogEntry {
        entry(t_ms, child, Kind::Get, Some(&format!("url_{n}")))
    }

    fn refs(v: &[LogEntry]) -> Vec<&LogEntry> {
        v.iter().collect()
    }

    /// The lines as (what, how many, first item, last item).
    fn shape(d: &[Digest]) -> Vec<(String, usize, String, String)> {
        let item = |e: &LogEntry| e.ev.item.clone().unwrap_or_default();
        d.iter()
            .map(|d| match d {
                Digest::One(e) => (e.ev.kind.name().to_string(), 1, item(e), item(e)),
                Digest::Burst { op, n, first, last } => {
                    (format!("{op:?}"), *n, item(first), item(last))
                }
            })
            .collect()
    }

    #[test]
    fn a_window_a_class_can_read_keeps_one_line_per_operation() {
        // The lesson's pace: a put and a get now and then.
        let log = [
            put(300, 0, 1),
            get(310, 2, 1),
            put(900, 1, 4),
            get(910, 2, 4),
        ];
        let d = digest(&refs(&log), 0);
        assert_eq!(d.len(), 4);
        assert!(d.iter().all(|l| matches!(l, Digest::One(_))));
    }

    #[test]
    fn a_burst_of_one_process_becomes_one_line_with_its_first_and_last_item() {
        let mut log = Vec::new();
        for k in 0..40 {
            log.push(get(100 + k * 10, 2, k + 1));
        }
        let d = digest(&refs(&log), 0);
        assert_eq!(
            shape(&d),
            [("Get".into(), 40, "url_1".into(), "url_40".into())]
        );
        assert_eq!(d[0].last().ev.t_ns, 490 * MS, "it takes the last's time");
    }

    #[test]
    fn interleaved_processes_each_get_their_line_and_the_biggest_go_first() {
        // Two writers and a reader in 1 s: 6 + 6 puts, 12 gets, then a
        // lone put by a third writer.
        let mut log = Vec::new();
        for k in 0..12u64 {
            let writer = (k % 2) as ProcId;
            log.push(put(k * 80, writer, k + 1));
            log.push(get(k * 80 + 5, 2, k + 1));
        }
        log.push(put(1_000, 3, 99));
        let d = digest(&refs(&log), 0);
        let s = shape(&d);
        assert_eq!(
            s,
            [
                ("Put".into(), 6, "url_1".into(), "url_11".into()),
                ("Put".into(), 6, "url_2".into(), "url_12".into()),
                ("Get".into(), 12, "url_1".into(), "url_12".into()),
                ("put".into(), 1, "url_99".into(), "url_99".into()),
            ]
        );
        // Each line stands where its last entry stood: times never go back.
        let times: Vec<u64> = d.iter().map(|l| l.last().ev.t_ns).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]), "{times:?}");
    }

    #[test]
    fn only_as_many_runs_are_summarised_as_it_takes_to_be_readable() {
        // 5 gets by the reader, one put by each of two writers: summarising
        // the gets is enough (3 lines).
        let mut log = vec![put(0, 0, 1), put(10, 1, 4)];
        for k in 0..5 {
            log.push(get(20 + k * 10, 2, k + 1));
        }
        let s = shape(&digest(&refs(&log), 0));
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!(s[0].0, "put");
        assert_eq!(s[1].0, "put");
        assert_eq!(s[2], ("Get".into(), 5, "url_1".into(), "url_5".into()));
    }

    #[test]
    fn notices_are_never_summarised_and_no_summary_crosses_one() {
        let mut log = Vec::new();
        for k in 0..10 {
            log.push(get(k * 10, 2, k + 1));
        }
        let lost = Kind::Recovered {
            dead: 4101,
            by: 4102,
            held_lock: true,
            lost: Some("url_99".into()),
        };
        log.push(entry(105, 0, lost.clone(), None));
        log.push(entry(
            106,
            0,
            Kind::Exit {
                ended: Ended::Signal(SIGKILL),
            },
            None,
        ));
        for k in 10..20 {
            log.push(get(110 + k * 10, 2, k + 1));
        }
        let d = digest(&refs(&log), 0);
        let s = shape(&d);
        assert_eq!(s.len(), 4, "{s:?}");
        assert_eq!(s[0], ("Get".into(), 10, "url_1".into(), "url_10".into()));
        assert!(matches!(d[1], Digest::One(e) if e.ev.kind == lost));
        assert!(matches!(d[2], Digest::One(e) if matches!(e.ev.kind, Kind::Exit { .. })));
        assert_eq!(s[3], ("Get".into(), 10, "url_11".into(), "url_20".into()));
    }

    #[test]
    fn waits_and_timeouts_are_summarised_too_and_windows_are_kept_apart() {
        let mut log = Vec::new();
        for k in 0..6 {
            log.push(entry(k * 100, 0, Kind::PutWait, Some("url_7")));
        }
        // The next window: six timeouts of the reader.
        for k in 0..6 {
            log.push(entry(2_000 + k * 100, 2, Kind::EMPTY, None));
        }
        let s = shape(&digest(&refs(&log), 0));
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!((s[0].0.as_str(), s[0].1), ("PutWait", 6));
        assert_eq!((s[1].0.as_str(), s[1].1), ("GetEmpty(Retry)", 6));
        assert!(Repeated::Put.moves() && !Repeated::PutWait.moves());
    }

    #[test]
    fn fulls_given_up_and_fulls_retried_are_told_apart() {
        let full = |then| Kind::PutFull {
            wait: Some(crate::stream::run::Wait::Nowait),
            then,
        };
        let mut log = Vec::new();
        for k in 0..4 {
            log.push(entry(k * 100, 0, full(Then::Retry), Some("url_2")));
        }
        for k in 4..8 {
            log.push(entry(k * 100, 0, full(Then::GiveUp), Some("url_3")));
        }
        let s = shape(&digest(&refs(&log), 0));
        assert_eq!(
            s.iter().map(|l| (l.0.as_str(), l.1)).collect::<Vec<_>>(),
            [("PutFull(Retry)", 4), ("PutFull(GiveUp)", 4)],
            "{s:?}"
        );
    }

    #[test]
    fn a_flood_scrolls_a_few_lines_per_window_whatever_its_size() {
        // 10 s of two writers and a reader, 1,000 operations a second each.
        let mut log = Vec::new();
        for k in 0..10_000u64 {
            log.push(put(k, (k % 2) as ProcId, k));
            log.push(get(k, 2, k));
        }
        let d = digest(&refs(&log), 0);
        let windows = 10_000 * MS / WINDOW_NS;
        assert!(d.len() as u64 <= windows * 3, "{} lines", d.len());
        let total: usize = d
            .iter()
            .map(|l| match l {
                Digest::One(_) => 1,
                Digest::Burst { n, .. } => *n,
            })
            .sum();
        assert_eq!(total, log.len(), "every operation is counted once");
    }

    #[test]
    fn an_empty_log_has_no_lines() {
        assert!(digest(&[], 0).is_empty());
    }
}
