//! One trace event: what it is ([`Ev`], [`What`]), its name and args
//! made from the record it points at, and its JSON as written.

use std::borrow::Cow;
use std::cmp::Reverse;

use serde::Serialize;

use super::build::Wait;
use crate::stream::{Body, Ended, Event, Kind, Note, Record};
use crate::text::{note_text, signal_name};

/// One trace event before it is written. `ts`/`dur` in ns since time
/// zero; `at` is an index into the records.
pub(super) struct Ev {
    pub(super) ts: u64,
    pub(super) dur: u64,
    pub(super) track: usize,
    pub(super) what: What,
}

pub(super) enum What {
    /// A put, get, send or recv (`X`, zero length): the arrows attach here.
    Op { at: usize },
    /// A blocked interval (`X`) from the wait at `at` until `until`.
    Blocked { at: usize, until: Until },
    /// An instant (`i`, thread scope) for the event at `at`.
    Instant { at: usize },
    /// Records the recording left out (the gap record at `at`).
    Gap { at: usize },
    /// `s` (start) or `f` (finish, bound to the enclosing slice).
    Flow { start: bool, id: u64, pipe: bool },
    /// `C`: a counter's new value.
    Counter(Level),
}

/// What ended a blocked interval.
#[derive(Clone, Copy)]
pub(super) enum Until {
    /// The event at this index, by the same process.
    Event(usize),
    /// Nothing in the recording: it runs to the run's last record.
    Unfinished,
}

/// A counter's value.
#[derive(Clone, Copy)]
pub(super) enum Level {
    QueueDepth(u64),
    PipeBytes(u64),
    Value { value: i64, expected: u64 },
    Increments(u64),
}

impl Ev {
    /// Order among events at one instant: enclosing (longer) slices first,
    /// then operations, then the arrows that attach to them, then the rest.
    pub(super) fn rank(&self) -> (u8, Reverse<u64>) {
        let r = match self.what {
            What::Blocked { .. } if self.dur > 0 => 0,
            What::Blocked { .. } | What::Op { .. } => 1,
            What::Flow { .. } => 2,
            What::Instant { .. } | What::Gap { .. } => 3,
            What::Counter(_) => 4,
        };
        (r, Reverse(self.dur))
    }
}

/// The `args` of a trace event: whichever apply.
#[derive(Debug, Default, Serialize)]
pub(super) struct Args<'a> {
    /// The record's number in the recording.
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    depth: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pid: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<&'static str>,
    /// What ended a blocked interval (`put`, `exit`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    until: Option<&'static str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    unfinished: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bytes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    done: Option<u64>,
}

impl<'a> Args<'a> {
    fn of(ev: &'a Event, n: u64) -> Args<'a> {
        Args {
            n: Some(n),
            item: ev.item.as_deref(),
            seq: ev.seq,
            depth: ev.depth.map(u64::from),
            ..Args::default()
        }
    }
}

/// The trace pid (and tid) of track `i`.
pub(super) fn pid_of(i: usize) -> u32 {
    i as u32 + 1
}

/// The event at index `at` (the builder only points at events there).
pub(super) fn event_at(records: &[Record], at: usize) -> (u64, Option<&Event>) {
    let r = &records[at];
    match &r.body {
        Body::Event(e) => (r.n, Some(e)),
        _ => (r.n, None),
    }
}

/// A trace event's name and args, made from its record.
pub(super) fn describe<'a>(e: &Ev, records: &'a [Record]) -> (Cow<'static, str>, Option<Args<'a>>) {
    match e.what {
        What::Op { at } => match event_at(records, at) {
            (n, Some(ev)) => {
                let item = ev.item.as_deref().unwrap_or("?");
                let name = format!("{} {item}", ev.kind.name());
                (name.into(), Some(Args::of(ev, n)))
            }
            (n, None) => (
                Cow::Borrowed("?"),
                Some(Args {
                    n: Some(n),
                    ..Args::default()
                }),
            ),
        },
        What::Blocked { at, until } => {
            let (n, ev) = event_at(records, at);
            let name = ev
                .and_then(|ev| Wait::of(&ev.kind))
                .map_or("blocked", Wait::name);
            let (until, unfinished) = match until {
                Until::Event(end) => (event_at(records, end).1.map(|e| e.kind.name()), false),
                Until::Unfinished => (Some("the end of the recording"), true),
            };
            let args = Args {
                n: Some(n),
                item: ev.and_then(|e| e.item.as_deref()),
                until,
                unfinished,
                ..Args::default()
            };
            (Cow::Borrowed(name), Some(args))
        }
        What::Instant { at } => match event_at(records, at) {
            (n, Some(ev)) => {
                let (name, args) = instant(ev, n);
                (name, Some(args))
            }
            (n, None) => (
                Cow::Borrowed("?"),
                Some(Args {
                    n: Some(n),
                    ..Args::default()
                }),
            ),
        },
        What::Gap { at } => {
            let r = &records[at];
            let left = match r.body {
                Body::Gap(left) => left,
                _ => 0,
            };
            let name = format!("recording gap: {left} records left out");
            (
                name.into(),
                Some(Args {
                    n: Some(r.n),
                    ..Args::default()
                }),
            )
        }
        What::Flow { pipe, .. } => (Cow::Borrowed(if pipe { "message" } else { "item" }), None),
        What::Counter(level) => {
            let (name, args) = match level {
                Level::QueueDepth(d) => (
                    "queue",
                    Args {
                        depth: Some(d),
                        ..Args::default()
                    },
                ),
                Level::PipeBytes(b) => (
                    "pipe",
                    Args {
                        bytes: Some(b),
                        ..Args::default()
                    },
                ),
                Level::Value { value, expected } => (
                    "Value",
                    Args {
                        value: Some(value),
                        expected: Some(expected),
                        ..Args::default()
                    },
                ),
                Level::Increments(d) => (
                    "increments",
                    Args {
                        done: Some(d),
                        ..Args::default()
                    },
                ),
            };
            (Cow::Borrowed(name), Some(args))
        }
    }
}

/// An instant's name and args.
fn instant(e: &Event, n: u64) -> (Cow<'static, str>, Args<'_>) {
    let item = e.item.as_deref().unwrap_or("?");
    let with_text = |text: String| Args {
        text: Some(text),
        ..Args::of(e, n)
    };
    let (name, args): (Cow<'static, str>, Args) = match &e.kind {
        Kind::Spawn { name, role } => (
            format!("spawn {name}").into(),
            Args {
                n: Some(n),
                pid: Some(e.pid),
                role: Some(role.as_str()),
                ..Args::default()
            },
        ),
        Kind::Exit { ended } => (ended_name(*ended).into(), Args::of(e, n)),
        Kind::PutFull {
            wait: Some(w),
            then,
        }
        | Kind::GetEmpty {
            wait: Some(w),
            then,
        } => {
            let full = matches!(e.kind, Kind::PutFull { .. });
            let line = crate::text::policy::raised_line(e.pid, full, item, (Some(*w), None), *then);
            let name = if full { "queue.Full" } else { "queue.Empty" };
            (name.into(), with_text(line))
        }
        Kind::PutFull { .. } => ("queue.Full".into(), Args::of(e, n)),
        Kind::GetEmpty { .. } => ("queue.Empty".into(), Args::of(e, n)),
        Kind::PolicySet { role, policy } => (
            format!(
                "{}: {}",
                role.as_str(),
                crate::text::policy::call(*role, policy.wait, None)
            )
            .into(),
            with_text(crate::text::policy::policy_set_line(*role, *policy)),
        ),
        Kind::RecvEof => ("EOFError".into(), Args::of(e, n)),
        Kind::Recovered {
            dead,
            by,
            held_lock,
            lost,
        } => {
            let text = match lost {
                Some(l) => format!(
                    "Process({dead}) died putting {l}{}; repaired by Process({by}); {l} is lost",
                    if *held_lock { ", holding the lock" } else { "" }
                ),
                None => format!(
                    "Process({dead}) died holding the lock; repaired by Process({by}); nothing lost"
                ),
            };
            ("recovered".into(), with_text(text))
        }
        Kind::Kill { target, signal } => (
            format!("{} from the parent", signal_name(*signal)).into(),
            Args {
                pid: Some(*target),
                ..with_text(format!("sent by Process({})", e.pid))
            },
        ),
        Kind::Note { note } => {
            let name: Cow<'static, str> = if note.is_stuck() {
                format!("stuck: {}", note_label(note)).into()
            } else {
                note_label(note).into()
            };
            (name, with_text(note_text(note)))
        }
        Kind::Output { text } => ("print".into(), with_text(text.clone())),
        Kind::Missed { puts, gets } => (
            "missed".into(),
            with_text(format!(
                "{puts} put(s) and {gets} get(s) went by too fast to read one by one"
            )),
        ),
        Kind::MaxsizeSet { maxsize: 0 } => ("maxsize: unbounded".into(), Args::of(e, n)),
        Kind::MaxsizeSet { maxsize } => (format!("maxsize: {maxsize}").into(), Args::of(e, n)),
        Kind::DelayScaled { scale } => (format!("delays x{scale}").into(), Args::of(e, n)),
        Kind::SlowMotion { factor } => (format!("slow motion x{factor}").into(), Args::of(e, n)),
        Kind::GaveUp => (format!("gave up putting {item}").into(), Args::of(e, n)),
        Kind::WrongWay { error, .. } => (format!("OSError: {error}").into(), Args::of(e, n)),
        Kind::Reply => (format!("reply {item}").into(), Args::of(e, n)),
        Kind::GotReply => (format!("got reply {item}").into(), Args::of(e, n)),
        Kind::EndClosed { .. } if e.child == crate::stream::SUPERVISOR => (
            "the parent closed its copy of the send end".into(),
            Args::of(e, n),
        ),
        Kind::EndClosed { .. } => ("closed the pipe end it does not use".into(), Args::of(e, n)),
        other => (other.name().into(), Args::of(e, n)),
    };
    (name, args)
}

fn ended_name(e: Ended) -> String {
    match e {
        Ended::Code(0) => "exit (code 0)".into(),
        Ended::Code(c) => format!("exit (code {c})"),
        Ended::Signal(s) => format!("killed by {}", signal_name(s)),
    }
}

/// A note's short name (its words go in `args.text`).
fn note_label(note: &Note) -> &'static str {
    match note {
        Note::Interrupted => "interrupted",
        Note::DrainTimeout { .. } => "drain timeout",
        Note::ForgottenSendEnd { .. } => "the parent still holds the send end",
        Note::NoProgress { .. } => "no process can make progress",
        Note::CouldNotDo { .. } | Note::Failed { .. } => "could not do that",
        Note::AtLimit { .. } => "at the process limit",
        Note::NoSlotLeft { .. } => "no process slot left",
        Note::OwnSendEnd { .. } => "the receiver holds the send end itself",
        Note::Deadlock { .. } => "deadlock",
        Note::JoinBeforeDrain { .. } => "joined before drained",
        Note::BufferLost { .. } => "lost in a feeder buffer",
    }
}

/// One trace event as written.
#[derive(Serialize)]
pub(super) struct Json<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    cat: &'a str,
    ph: &'static str,
    ts: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    dur: Option<f64>,
    pid: u32,
    tid: u32,
    /// Instant scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    bp: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    args: Option<JsonArgs<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonArgs<'a> {
    Args(&'a Args<'a>),
    Meta(Meta<'a>),
}

#[derive(Serialize)]
pub(super) enum Meta<'a> {
    #[serde(rename = "name")]
    Name(&'a str),
    #[serde(rename = "sort_index")]
    SortIndex(u32),
}

impl<'a> Json<'a> {
    pub(super) fn meta(name: &'a str, pid: u32, args: Meta<'a>) -> Json<'a> {
        Json {
            name,
            cat: "",
            ph: "M",
            ts: 0.0,
            dur: None,
            pid,
            tid: pid,
            s: None,
            id: None,
            bp: None,
            args: Some(JsonArgs::Meta(args)),
        }
    }

    pub(super) fn of(e: &Ev, name: &'a str, args: Option<&'a Args<'a>>) -> Json<'a> {
        let pid = pid_of(e.track);
        let mut j = Json {
            name,
            cat: "ipc",
            ph: "",
            ts: e.ts as f64 / 1000.0,
            dur: None,
            pid,
            tid: pid,
            s: None,
            id: None,
            bp: None,
            args: args.map(JsonArgs::Args),
        };
        match e.what {
            What::Op { .. } | What::Blocked { .. } => {
                j.ph = "X";
                j.dur = Some(e.dur as f64 / 1000.0);
            }
            What::Instant { .. } | What::Gap { .. } => {
                j.ph = "i";
                j.s = Some("t");
            }
            What::Flow { start, id, pipe } => {
                j.cat = if pipe { "pipe" } else { "queue" };
                j.id = Some(id);
                if start {
                    j.ph = "s";
                } else {
                    j.ph = "f";
                    j.bp = Some("e");
                }
            }
            What::Counter(_) => {
                j.cat = "";
                j.ph = "C";
            }
        }
        j
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{ev, pid_named, seq, written};
    use crate::stream::Kind;

    #[test]
    fn events_are_in_time_order_and_an_arrow_follows_its_slice_at_one_instant() {
        let recs = vec![
            seq(ev(0, 50, 0, 10, Kind::Put), 1),
            ev(1, 10, 1, 11, Kind::GetWait),
            seq(ev(2, 50, 1, 11, Kind::Get), 1),
        ];
        let (names, evs) = written(&recs);
        let ts: Vec<f64> = evs.iter().map(|e| e["ts"].as_f64().unwrap()).collect();
        assert!(ts.is_sorted(), "{ts:?}");
        let reader = pid_named(&names, "proc-1");
        let at_get: Vec<(&str, &str)> = evs
            .iter()
            .filter(|e| e["pid"] == reader && e["ts"] == 0.04)
            .map(|e| (e["ph"].as_str().unwrap(), e["name"].as_str().unwrap()))
            .collect();
        assert_eq!(at_get, vec![("X", "get ?"), ("f", "item")]);
    }

    #[test]
    fn a_raise_says_how_the_call_was_made_and_what_came_next_and_a_switch_is_named() {
        use crate::stream::Role;
        use crate::stream::run::{Policy, Then, Wait};
        let full = Kind::PutFull {
            wait: Some(Wait::Nowait),
            then: Then::GiveUp,
        };
        let policy = Policy {
            wait: Wait::Timeout(0.0),
            then: Then::Retry,
        };
        let mut raised = ev(0, 10, 0, 10, full);
        if let crate::stream::Body::Event(e) = &mut raised.body {
            e.item = Some("url_3".into());
        }
        let set = ev(
            1,
            20,
            u16::MAX,
            1,
            Kind::PolicySet {
                role: Role::Reader,
                policy,
            },
        );
        let (_, evs) = written(&[raised, set]);
        let named = |name: &str| {
            evs.iter()
                .find(|e| e["name"] == name)
                .unwrap_or_else(|| panic!("no {name}: {evs:?}"))
                .clone()
        };
        let text = named("queue.Full")["args"]["text"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(
            text.contains("put(url_3, block=False)") && text.contains("gives url_3 up"),
            "{text}"
        );
        let text = named("reader: get(timeout=0)")["args"]["text"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(text.contains("get(timeout=0)"), "{text}");
    }
}
