//! Chrome trace-event JSON (the "JSON Object Format"), which
//! ui.perfetto.dev and chrome://tracing open. What a run becomes:
//!
//! - **Tracks.** Each process of each run is a trace process with one
//!   thread (`pid` = `tid`), named `writer-1 (PID)` by `process_name` and
//!   `thread_name` metadata; the run's supervisor is `supervisor (PID)`,
//!   and the run's shared object (`queue (maxsize 2)`, `pipe`, `Value`)
//!   has a track of its own for its counters. Trace pids are numbers given
//!   in order (1, 2, ...), never reused, so every run of a recording has
//!   its own tracks; with several runs each name starts `run N: `.
//!   `process_sort_index` keeps them in that order.
//! - **Slices** (`X`, duration >= 0): each interval a process spent blocked —
//!   `put_wait` until that process's next `put`, `put_full`, `gave_up`,
//!   `exiting` or `exit`; `get_wait` until `get`/`get_empty`; `send_wait`
//!   until `send`; `recv_wait` until `recv`/`recv_eof` (an interval the
//!   recording never closes ends at the run's last record, marked
//!   `unfinished`) — and each put, get, send and recv as a zero-length
//!   slice the arrows attach to. Sleeps are not shown: the stream has no
//!   event for them.
//! - **Instants** (`i`, thread scope): spawn, exit, `queue.Full`,
//!   `queue.Empty`, `EOFError`, signals (on the process signalled),
//!   recoveries, the supervisor's notes (a stuck run says `stuck: ...`),
//!   freeze/resume, settings changed, lines a child printed, records the
//!   recording left out.
//! - **Flows** (`s` then `f` with `bp: "e"`, one id): from each put to the
//!   get of the same item (same `seq`), from each send to its recv (same
//!   `seq`, the other process). An item never taken has no arrow.
//! - **Counters** (`C`) on the object's track: `queue depth` from the puts
//!   and gets (exact; after the first flood or gap in the recording, from
//!   the sampled observations), `pipe bytes` and `Value value`/`expected`
//!   from observations; on each counter process, `increments done`.
//!
//! `ts` and `dur` are microseconds since the recording's first run started
//! (fractions keep the nanoseconds). Events are written in time order (so
//! in order on every track); at one instant a longer slice comes before
//! a shorter one, and a slice before the arrow that attaches to it.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Index, RunIter};
use crate::config::Scenario;
use crate::stream::{
    Body, Ended, Event, Kind, Note, ObjectId, Observation, ProcId, Record, SUPERVISOR,
};
use crate::text::{note_text, signal_name};

/// Writes the trace of `records` to `out`; returns the number of trace
/// events written (metadata included).
pub fn write(records: &[Record], out: &mut impl Write) -> io::Result<usize> {
    let trace = Trace::build(records);
    trace.write_json(records, out)
}

/// A trace in memory: its tracks and its events, in time order. Events
/// point at the records they come from; names and args are made as they
/// are written, so a flood of millions of records stays small here.
struct Trace {
    tracks: Vec<Track>,
    events: Vec<Ev>,
    several_runs: bool,
}

/// One trace process (with one thread).
struct Track {
    run: usize,
    name: String,
}

/// One trace event before it is written. `ts`/`dur` in ns since time
/// zero; `at` is an index into the records.
struct Ev {
    ts: u64,
    dur: u64,
    track: usize,
    what: What,
}

enum What {
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
enum Until {
    /// The event at this index, by the same process.
    Event(usize),
    /// Nothing in the recording: it runs to the run's last record.
    Unfinished,
}

/// A counter's value.
#[derive(Clone, Copy)]
enum Level {
    QueueDepth(u64),
    PipeBytes(u64),
    Value { value: i64, expected: u64 },
    Increments(u64),
}

impl Ev {
    /// Order among events at one instant: enclosing (longer) slices first,
    /// then operations, then the arrows that attach to them, then the rest.
    fn rank(&self) -> (u8, Reverse<u64>) {
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
struct Args<'a> {
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

/// What a blocked interval waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wait {
    Put,
    Get,
    Send,
    Recv,
}

impl Wait {
    fn of(kind: &Kind) -> Option<Wait> {
        Some(match kind {
            Kind::PutWait => Wait::Put,
            Kind::GetWait => Wait::Get,
            Kind::SendWait => Wait::Send,
            Kind::RecvWait => Wait::Recv,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Wait::Put => "put: blocked, the queue is full",
            Wait::Get => "get: blocked, the queue is empty",
            Wait::Send => "send: blocked, the pipe is full",
            Wait::Recv => "recv: blocked, nothing in the pipe",
        }
    }

    /// Whether `kind`, by the same process, ends this wait.
    fn ended_by(self, kind: &Kind) -> bool {
        let own = match self {
            Wait::Put => matches!(kind, Kind::Put | Kind::PutFull | Kind::GaveUp),
            Wait::Get => matches!(kind, Kind::Get | Kind::GetEmpty),
            Wait::Send => matches!(kind, Kind::Send),
            Wait::Recv => matches!(kind, Kind::Recv | Kind::RecvEof),
        };
        own || matches!(kind, Kind::Exiting | Kind::Exit { .. })
    }

    /// Whether `kind` may end some wait.
    fn ends_any(kind: &Kind) -> bool {
        [Wait::Put, Wait::Get, Wait::Send, Wait::Recv]
            .iter()
            .any(|w| w.ended_by(kind))
    }
}

/// A wait, or what may end one, kept per track and paired in time order.
#[derive(Clone, Copy)]
struct Mark {
    t: u64,
    n: u64,
    at: usize,
}

/// One end of an arrow.
#[derive(Clone, Copy)]
struct End {
    track: usize,
    t: u64,
    child: ProcId,
}

/// The queue's depth as the export follows it through one run.
struct Depth {
    /// Depth from the puts and gets so far.
    level: u64,
    /// False once a flood (`missed`) or a gap means the puts and gets
    /// cannot be counted one by one: observations take over.
    exact: bool,
}

/// Builds the trace.
struct Builder<'a> {
    records: &'a [Record],
    ix: Index,
    tracks: Vec<Track>,
    /// (run, proc, pid) -> track.
    by_proc: HashMap<(usize, ProcId, i32), usize>,
    /// (run, pid) -> track, to find the process a signal was sent to.
    by_pid: HashMap<(usize, i32), usize>,
    supervisor: Vec<usize>,
    object: Vec<Option<usize>>,
    depth: Vec<Depth>,
    events: Vec<Ev>,
    marks: Vec<Vec<Mark>>,
    puts: HashMap<(usize, ObjectId, u64), End>,
    gets: Vec<((usize, ObjectId, u64), End)>,
    sends: HashMap<(usize, ObjectId, u64), Vec<(End, bool)>>,
    recvs: Vec<((usize, ObjectId, u64), End)>,
}

impl Trace {
    fn build(records: &[Record]) -> Trace {
        let ix = Index::of(records);
        let runs = ix.runs.len();
        let mut b = Builder {
            records,
            ix,
            tracks: Vec::new(),
            by_proc: HashMap::new(),
            by_pid: HashMap::new(),
            supervisor: Vec::with_capacity(runs),
            object: vec![None; runs],
            depth: Vec::with_capacity(runs),
            events: Vec::with_capacity(records.len()),
            marks: Vec::new(),
            puts: HashMap::new(),
            gets: Vec::new(),
            sends: HashMap::new(),
            recvs: Vec::new(),
        };
        for run in 0..runs {
            b.start_run(run);
        }
        // The latest time so far: a gap has no time of its own.
        let mut last_t = 0;
        for (at, (run, r)) in RunIter::new(records).enumerate() {
            last_t = r.t_ns().unwrap_or(last_t).max(last_t);
            match &r.body {
                Body::Run(info) => {
                    if b.is_queue(run) {
                        b.depth_point(run, info.start_ns, 0);
                    }
                }
                Body::Event(e) => b.event(run, at, r.n, e),
                Body::Observation(o) => b.observation(run, o),
                Body::Gap(_) => {
                    b.depth[run].exact = false;
                    let track = b.supervisor[run];
                    b.push(track, last_t, 0, What::Gap { at });
                }
                Body::Tick(_) => {}
            }
        }
        b.pair_waits();
        b.flows();
        let several_runs = b.ix.several_runs();
        let mut events = b.events;
        events.sort_by_key(|e| (e.ts, e.rank()));
        Trace {
            tracks: b.tracks,
            events,
            several_runs,
        }
    }

    /// Writes `{"traceEvents":[...],...}`: metadata first, then the events
    /// in time order.
    fn write_json(&self, records: &[Record], out: &mut impl Write) -> io::Result<usize> {
        let mut count = 0;
        out.write_all(b"{\"traceEvents\":[\n")?;
        let mut put = |out: &mut dyn Write, j: &Json| -> io::Result<()> {
            if count > 0 {
                out.write_all(b",\n")?;
            }
            serde_json::to_writer(&mut *out, j).map_err(io::Error::other)?;
            count += 1;
            Ok(())
        };
        for (i, t) in self.tracks.iter().enumerate() {
            let pid = pid_of(i);
            let name = if self.several_runs {
                format!("run {}: {}", t.run + 1, t.name)
            } else {
                t.name.clone()
            };
            for meta in ["process_name", "thread_name"] {
                put(out, &Json::meta(meta, pid, Meta::Name(&name)))?;
            }
            put(
                out,
                &Json::meta("process_sort_index", pid, Meta::SortIndex(pid)),
            )?;
        }
        for e in &self.events {
            let (name, args) = describe(e, records);
            put(out, &Json::of(e, &name, args.as_ref()))?;
        }
        out.write_all(b"\n],\"displayTimeUnit\":\"ms\",\"otherData\":")?;
        serde_json::to_writer(
            &mut *out,
            &serde_json::json!({
                "exported_by": format!("ipcscope {}", env!("CARGO_PKG_VERSION")),
                "ts": "microseconds since the recording's first run started",
            }),
        )
        .map_err(io::Error::other)?;
        out.write_all(b"}\n")?;
        Ok(count)
    }
}

/// The trace pid (and tid) of track `i`.
fn pid_of(i: usize) -> u32 {
    i as u32 + 1
}

/// The event at index `at` (the builder only points at events there).
fn event_at(records: &[Record], at: usize) -> (u64, Option<&Event>) {
    let r = &records[at];
    match &r.body {
        Body::Event(e) => (r.n, Some(e)),
        _ => (r.n, None),
    }
}

/// A trace event's name and args, made from its record.
fn describe<'a>(e: &Ev, records: &'a [Record]) -> (Cow<'static, str>, Option<Args<'a>>) {
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
        Kind::PutFull => ("queue.Full".into(), Args::of(e, n)),
        Kind::GetEmpty => ("queue.Empty".into(), Args::of(e, n)),
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
        other => (other.name().into(), Args::of(e, n)),
    };
    (name, args)
}

impl Builder<'_> {
    fn start_run(&mut self, run: usize) {
        let pid = self.ix.runs[run].info.as_ref().map_or(0, |i| i.pid);
        let track = self.track(run, format!("supervisor ({pid})"));
        self.supervisor.push(track);
        self.depth.push(Depth {
            level: 0,
            exact: true,
        });
    }

    fn track(&mut self, run: usize, name: String) -> usize {
        self.tracks.push(Track { run, name });
        self.marks.push(Vec::new());
        self.tracks.len() - 1
    }

    fn is_queue(&self, run: usize) -> bool {
        matches!(self.scenario(run), Some(Scenario::Queue(_)))
    }

    fn scenario(&self, run: usize) -> Option<&Scenario> {
        self.ix.runs[run].info.as_ref().map(|i| &i.config.scenario)
    }

    /// The track of the run's shared object, made on first use.
    fn object(&mut self, run: usize) -> usize {
        if let Some(t) = self.object[run] {
            return t;
        }
        let name = match self.scenario(run) {
            Some(Scenario::Queue(q)) if q.maxsize > 0 => format!("queue (maxsize {})", q.maxsize),
            Some(Scenario::Queue(_)) => "queue (unbounded)".into(),
            Some(Scenario::Pipe(_)) => "pipe".into(),
            Some(Scenario::Counter(_)) => "Value".into(),
            None => "shared objects".into(),
        };
        let t = self.track(run, name);
        self.object[run] = Some(t);
        t
    }

    /// The track of the process an event is about.
    fn track_of(&mut self, run: usize, child: ProcId, pid: i32) -> usize {
        if child == SUPERVISOR {
            return self.supervisor[run];
        }
        if let Some(&t) = self.by_proc.get(&(run, child, pid)) {
            return t;
        }
        let (name, _) = self.ix.proc(run, child, pid);
        let t = self.track(run, format!("{name} ({pid})"));
        self.by_proc.insert((run, child, pid), t);
        self.by_pid.entry((run, pid)).or_insert(t);
        t
    }

    fn push(&mut self, track: usize, t: u64, dur: u64, what: What) {
        let ts = self.ix.rel_ns(t);
        self.events.push(Ev {
            ts,
            dur,
            track,
            what,
        });
    }

    fn depth_point(&mut self, run: usize, t: u64, depth: u64) {
        let track = self.object(run);
        self.push(track, t, 0, What::Counter(Level::QueueDepth(depth)));
    }

    fn event(&mut self, run: usize, at: usize, n: u64, e: &Event) {
        let track = self.track_of(run, e.child, e.pid);
        let t = e.t_ns;
        match &e.kind {
            Kind::PutWait | Kind::GetWait | Kind::SendWait | Kind::RecvWait => {}
            Kind::Put | Kind::Get | Kind::Send | Kind::Recv => {
                self.push(track, t, 0, What::Op { at });
                if let Some(seq) = e.seq {
                    let key = (run, e.obj, seq);
                    let end = End {
                        track,
                        t,
                        child: e.child,
                    };
                    match e.kind {
                        Kind::Put => {
                            self.puts.entry(key).or_insert(end);
                        }
                        Kind::Get => self.gets.push((key, end)),
                        Kind::Send => self.sends.entry(key).or_default().push((end, false)),
                        _ => self.recvs.push((key, end)),
                    }
                }
                self.depth_step(run, t, &e.kind);
            }
            Kind::Count { done, .. } => {
                self.push(track, t, 0, What::Counter(Level::Increments(*done)));
            }
            Kind::Kill { target, .. } => {
                let on = self.by_pid.get(&(run, *target)).copied().unwrap_or(track);
                self.push(on, t, 0, What::Instant { at });
            }
            Kind::Missed { .. } => {
                self.depth[run].exact = false;
                self.push(track, t, 0, What::Instant { at });
            }
            _ => self.push(track, t, 0, What::Instant { at }),
        }
        if Wait::of(&e.kind).is_some() || Wait::ends_any(&e.kind) {
            self.marks[track].push(Mark { t, n, at });
        }
    }

    fn depth_step(&mut self, run: usize, t: u64, kind: &Kind) {
        let d = &mut self.depth[run];
        if !d.exact {
            return;
        }
        match kind {
            Kind::Put => d.level += 1,
            Kind::Get => d.level = d.level.saturating_sub(1),
            _ => return,
        }
        let level = d.level;
        self.depth_point(run, t, level);
    }

    fn observation(&mut self, run: usize, o: &Observation) {
        if let Some(q) = &o.queue
            && !self.depth[run].exact
        {
            self.depth_point(run, o.t_ns, u64::from(q.depth));
        }
        if let Some(bytes) = o.pipe.as_ref().and_then(|p| p.bytes) {
            let track = self.object(run);
            self.push(track, o.t_ns, 0, What::Counter(Level::PipeBytes(bytes)));
        }
        if let Some(v) = &o.value {
            let track = self.object(run);
            let level = Level::Value {
                value: v.value,
                expected: v.expected,
            };
            self.push(track, o.t_ns, 0, What::Counter(level));
        }
    }

    /// The kind of the event at index `at`.
    fn kind(&self, at: usize) -> Option<&Kind> {
        event_at(self.records, at).1.map(|e| &e.kind)
    }

    /// Pairs each process's waits with what ended them, in time order: a
    /// slice per blocked interval.
    fn pair_waits(&mut self) {
        let mut slices = Vec::new();
        for (track, marks) in std::mem::take(&mut self.marks).into_iter().enumerate() {
            let mut marks = marks;
            marks.sort_by_key(|m| (m.t, m.n));
            let run_end = self.ix.runs[self.tracks[track].run].end_ns;
            let mut open: Option<(Wait, Mark)> = None;
            for m in marks {
                let Some(kind) = self.kind(m.at) else {
                    continue;
                };
                let starts = Wait::of(kind);
                if let Some((w, start)) = open
                    && (w.ended_by(kind) || starts.is_some())
                {
                    slices.push((track, start, m.t, Until::Event(m.at)));
                    open = None;
                }
                if let Some(w) = starts {
                    open = Some((w, m));
                }
            }
            if let Some((_, start)) = open {
                slices.push((track, start, run_end.max(start.t), Until::Unfinished));
            }
        }
        for (track, start, end_t, until) in slices {
            let dur = end_t.saturating_sub(start.t);
            let what = What::Blocked {
                at: start.at,
                until,
            };
            self.push(track, start.t, dur, what);
        }
    }

    /// An arrow from each put to the get of its item, and from each send
    /// to its recv (by the other process).
    fn flows(&mut self) {
        let mut arrows = Vec::new();
        for (key, get) in std::mem::take(&mut self.gets) {
            if let Some(put) = self.puts.get(&key) {
                arrows.push((*put, get, false));
            }
        }
        for (key, recv) in std::mem::take(&mut self.recvs) {
            let Some(sends) = self.sends.get_mut(&key) else {
                continue;
            };
            if let Some((send, used)) = sends
                .iter_mut()
                .find(|(s, used)| !*used && s.child != recv.child)
            {
                *used = true;
                arrows.push((*send, recv, true));
            }
        }
        for (id, (from, to, pipe)) in (1u64..).zip(arrows) {
            let start = What::Flow {
                start: true,
                id,
                pipe,
            };
            self.push(from.track, from.t, 0, start);
            let finish = What::Flow {
                start: false,
                id,
                pipe,
            };
            self.push(to.track, to.t, 0, finish);
        }
    }
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
        Note::CouldNotDo { .. } => "could not do that",
        Note::AtLimit { .. } => "at the process limit",
    }
}

/// One trace event as written.
#[derive(Serialize)]
struct Json<'a> {
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
enum Meta<'a> {
    #[serde(rename = "name")]
    Name(&'a str),
    #[serde(rename = "sort_index")]
    SortIndex(u32),
}

impl<'a> Json<'a> {
    fn meta(name: &'a str, pid: u32, args: Meta<'a>) -> Json<'a> {
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

    fn of(e: &Ev, name: &'a str, args: Option<&'a Args<'a>>) -> Json<'a> {
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
    use serde_json::Value;

    use super::*;
    use crate::stream::Role;

    fn ev(n: u64, t: u64, child: ProcId, pid: i32, kind: Kind) -> Record {
        Record {
            n,
            body: Body::Event(Event::new(t, child, pid, kind)),
        }
    }

    fn seq(mut r: Record, s: u64) -> Record {
        if let Body::Event(e) = &mut r.body {
            e.seq = Some(s);
        }
        r
    }

    /// The trace of `recs` as written: (pid -> track name, the events
    /// after the metadata, in order).
    fn written(recs: &[Record]) -> (HashMap<u64, String>, Vec<Value>) {
        let mut out = Vec::new();
        write(recs, &mut out).unwrap();
        let v: Value = serde_json::from_slice(&out).expect("JSON");
        let mut names = HashMap::new();
        let mut evs = Vec::new();
        for e in v["traceEvents"].as_array().unwrap() {
            if e["ph"] == "M" {
                if e["name"] == "process_name" {
                    let name = e["args"]["name"].as_str().unwrap().to_string();
                    names.insert(e["pid"].as_u64().unwrap(), name);
                }
            } else {
                evs.push(e.clone());
            }
        }
        (names, evs)
    }

    fn pid_named(names: &HashMap<u64, String>, prefix: &str) -> u64 {
        *names
            .iter()
            .find(|(_, n)| n.starts_with(prefix))
            .unwrap_or_else(|| panic!("no track {prefix}: {names:?}"))
            .0
    }

    #[test]
    fn a_wait_is_paired_with_the_same_process_next_end_in_time_order_not_stream_order() {
        // The reader's get (from the queue's memory) arrives before its
        // get_wait (from the reader's telemetry), and another process's
        // put comes between them.
        let recs = vec![
            seq(ev(0, 1_000, 0, 10, Kind::Put), 1),
            seq(ev(1, 9_000, 1, 11, Kind::Get), 1),
            ev(2, 5_000, 1, 11, Kind::GetWait),
            ev(3, 7_000, 0, 10, Kind::PutWait),
            ev(4, 8_000, 0, 10, Kind::PutFull),
        ];
        let (_, evs) = written(&recs);
        let blocked: Vec<(&str, f64, f64, &str)> = evs
            .iter()
            .filter(|e| e["ph"] == "X" && e["dur"].as_f64() > Some(0.0))
            .map(|e| {
                (
                    e["name"].as_str().unwrap(),
                    e["ts"].as_f64().unwrap(),
                    e["dur"].as_f64().unwrap(),
                    e["args"]["until"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(
            blocked,
            vec![
                (Wait::Get.name(), 4.0, 4.0, "get"),
                (Wait::Put.name(), 6.0, 1.0, "put_full"),
            ]
        );
    }

    #[test]
    fn a_wait_never_ended_runs_to_the_last_record_of_its_run_marked_unfinished() {
        let recs = vec![
            ev(0, 100, 0, 10, Kind::RecvWait),
            Record {
                n: 1,
                body: Body::Tick(5_100),
            },
        ];
        let (_, evs) = written(&recs);
        let x = evs.iter().find(|e| e["ph"] == "X").expect("a slice");
        assert_eq!(x["dur"], 5.0);
        assert_eq!(x["args"]["unfinished"], true);
        assert_eq!(x["args"]["until"], "the end of the recording");
    }

    #[test]
    fn pipe_arrows_join_a_send_to_the_other_process_recv_of_the_same_number() {
        // Duplex: each side sends its message number 1; each recv gets the
        // other side's.
        let recs = vec![
            seq(ev(0, 10, 0, 10, Kind::Send), 1),
            seq(ev(1, 20, 1, 11, Kind::Send), 1),
            seq(ev(2, 30, 1, 11, Kind::Recv), 1),
            seq(ev(3, 40, 0, 10, Kind::Recv), 1),
        ];
        let (names, evs) = written(&recs);
        let mut ends: HashMap<u64, Vec<(String, u64, f64)>> = HashMap::new();
        for e in &evs {
            if e["ph"] == "s" || e["ph"] == "f" {
                let end = (
                    e["ph"].as_str().unwrap().to_string(),
                    e["pid"].as_u64().unwrap(),
                    e["ts"].as_f64().unwrap(),
                );
                ends.entry(e["id"].as_u64().unwrap()).or_default().push(end);
            }
        }
        let mut pairs: Vec<_> = ends.into_values().collect();
        pairs.sort_by(|a, b| a[0].2.total_cmp(&b[0].2));
        let (p0, p1) = (pid_named(&names, "proc-0"), pid_named(&names, "proc-1"));
        // Times from the first event (10 ns): sends at 0 and 0.01 us, recvs
        // at 0.02 and 0.03 us.
        assert_eq!(
            pairs,
            vec![
                vec![("s".into(), p0, 0.0), ("f".into(), p1, 0.02)],
                vec![("s".into(), p1, 0.01), ("f".into(), p0, 0.03)],
            ]
        );
    }

    #[test]
    fn queue_depth_counts_puts_and_gets_then_follows_observations_after_a_flood() {
        let obs = |n, t, depth| Record {
            n,
            body: Body::Observation(Observation {
                t_ns: t,
                queue: Some(crate::stream::QueueView {
                    depth,
                    ..Default::default()
                }),
                ..Default::default()
            }),
        };
        let recs = vec![
            seq(ev(0, 1000, 0, 10, Kind::Put), 1),
            seq(ev(1, 2000, 0, 10, Kind::Put), 2),
            obs(2, 2500, 7), // left out: the ops are exact
            seq(ev(3, 3000, 1, 11, Kind::Get), 1),
            ev(4, 4000, SUPERVISOR, 9, Kind::Missed { puts: 5, gets: 0 }),
            seq(ev(5, 5000, 0, 10, Kind::Put), 9), // no longer counted
            obs(6, 6000, 6),
        ];
        let (_, evs) = written(&recs);
        let depths: Vec<(f64, u64)> = evs
            .iter()
            .filter(|e| e["ph"] == "C" && e["name"] == "queue")
            .map(|e| {
                (
                    e["ts"].as_f64().unwrap(),
                    e["args"]["depth"].as_u64().unwrap(),
                )
            })
            .collect();
        assert_eq!(depths, vec![(0.0, 1), (1.0, 2), (2.0, 1), (5.0, 6)]);
    }

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
    fn several_runs_get_their_own_tracks_named_by_run_on_one_clock() {
        use crate::config::{Mode, PipeConfig, RunConfig};
        let run = |n, start| Record {
            n,
            body: Body::Run(crate::stream::RunInfo {
                start_ns: start,
                pid: 9,
                config: RunConfig {
                    scenario: Scenario::Pipe(PipeConfig::defaults(Mode::Headless)),
                    seed: 1,
                    mode: Mode::Headless,
                    trace: None,
                    record: None,
                    ascii: false,
                },
            }),
        };
        let spawn = |n, t, pid| {
            let kind = Kind::Spawn {
                name: "sender".into(),
                role: Role::Sender,
            };
            ev(n, t, 0, pid, kind)
        };
        let recs = vec![
            run(0, 100),
            spawn(1, 110, 20),
            run(2, 500),
            spawn(3, 510, 21),
        ];
        let (names, evs) = written(&recs);
        let mut names: Vec<&str> = names.values().map(String::as_str).collect();
        names.sort();
        assert_eq!(
            names,
            vec![
                "run 1: sender (20)",
                "run 1: supervisor (9)",
                "run 2: sender (21)",
                "run 2: supervisor (9)",
            ]
        );
        let spawns: Vec<f64> = evs.iter().map(|e| e["ts"].as_f64().unwrap()).collect();
        assert_eq!(spawns, vec![0.01, 0.41], "zero at the first run's start");
    }
}
