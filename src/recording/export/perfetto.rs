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

use std::cmp::Reverse;
use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use super::{Index, RunIter};
use crate::stream::{
    Body, Ended, Event, Kind, Note, ObjectId, Observation, ProcId, Record, SUPERVISOR,
};
use crate::text::{note_text, signal_name};

/// Writes the trace of `records` to `out`; returns the number of trace
/// events written (metadata included).
pub fn write(records: &[Record], out: &mut impl Write) -> io::Result<usize> {
    let trace = Trace::build(records);
    trace.write_json(out)
}

/// A trace in memory: its tracks and its events, in time order.
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

/// One trace event before it is written. `ts`/`dur` in ns since time zero.
struct Ev {
    ts: u64,
    dur: u64,
    track: usize,
    body: EvBody,
}

enum EvBody {
    /// A blocked interval or an operation (`X`).
    Slice { name: String, args: Args },
    /// `i`, thread scope.
    Instant { name: String, args: Args },
    /// `s` (start) or `f` (finish, bound to the enclosing slice).
    Flow {
        start: bool,
        id: u64,
        cat: &'static str,
    },
    /// `C`: one value per series.
    Counter { name: &'static str, args: Args },
}

impl Ev {
    /// Order among events at one instant: enclosing (longer) slices first,
    /// then operations, then the arrows that attach to them, then the rest.
    fn rank(&self) -> (u8, Reverse<u64>) {
        let r = match &self.body {
            EvBody::Slice { .. } if self.dur > 0 => 0,
            EvBody::Slice { .. } => 1,
            EvBody::Flow { .. } => 2,
            EvBody::Instant { .. } => 3,
            EvBody::Counter { .. } => 4,
        };
        (r, Reverse(self.dur))
    }
}

/// The `args` of a trace event: whichever apply.
#[derive(Debug, Default, Serialize)]
struct Args {
    /// The record's number in the recording.
    #[serde(skip_serializing_if = "Option::is_none")]
    n: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<String>,
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

impl Args {
    fn of(ev: &Event, n: u64) -> Args {
        Args {
            n: Some(n),
            item: ev.item.clone(),
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
}

/// A wait or what may end one, kept per track and paired in time order.
struct Mark {
    t: u64,
    n: u64,
    kind: Kind,
    item: Option<String>,
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
    records: &'a [Record],
}

impl Trace {
    fn build(records: &[Record]) -> Trace {
        let ix = Index::of(records);
        let runs = ix.runs.len();
        let mut b = Builder {
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
            records,
        };
        for run in 0..runs {
            b.start_run(run);
        }
        // The latest time so far: a gap has no time of its own.
        let mut last_t = 0;
        for (run, r) in RunIter::new(b.records) {
            last_t = r.t_ns().unwrap_or(last_t).max(last_t);
            match &r.body {
                Body::Run(info) => {
                    if b.is_queue(run) {
                        b.depth_point(run, info.start_ns, 0);
                    }
                }
                Body::Event(e) => b.event(run, r.n, e),
                Body::Observation(o) => b.observation(run, o),
                Body::Gap(left) => {
                    b.depth[run].exact = false;
                    let track = b.supervisor[run];
                    b.instant(
                        track,
                        last_t,
                        format!("recording gap: {left} records left out"),
                        Args {
                            n: Some(r.n),
                            ..Args::default()
                        },
                    );
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
    fn write_json(&self, out: &mut impl Write) -> io::Result<usize> {
        let mut count = 0;
        out.write_all(b"{\"traceEvents\":[\n")?;
        let mut first = true;
        let mut put = |out: &mut dyn Write, j: &Json| -> io::Result<()> {
            if !first {
                out.write_all(b",\n")?;
            }
            first = false;
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
            put(out, &Json::of(e))?;
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
        self.scenario(run) == Some("queue")
    }

    fn scenario(&self, run: usize) -> Option<&'static str> {
        self.ix.runs[run]
            .info
            .as_ref()
            .map(|i| i.config.scenario.name())
    }

    /// The track of the run's shared object, made on first use.
    fn object(&mut self, run: usize) -> usize {
        if let Some(t) = self.object[run] {
            return t;
        }
        let name = match self.ix.runs[run].info.as_ref().map(|i| &i.config.scenario) {
            Some(crate::config::Scenario::Queue(q)) if q.maxsize > 0 => {
                format!("queue (maxsize {})", q.maxsize)
            }
            Some(crate::config::Scenario::Queue(_)) => "queue (unbounded)".into(),
            Some(crate::config::Scenario::Pipe(_)) => "pipe".into(),
            Some(crate::config::Scenario::Counter(_)) => "Value".into(),
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

    fn push(&mut self, track: usize, t: u64, dur: u64, body: EvBody) {
        let ts = self.ix.rel_ns(t);
        self.events.push(Ev {
            ts,
            dur,
            track,
            body,
        });
    }

    fn instant(&mut self, track: usize, t: u64, name: String, args: Args) {
        self.push(track, t, 0, EvBody::Instant { name, args });
    }

    fn counter(&mut self, track: usize, t: u64, name: &'static str, args: Args) {
        self.push(track, t, 0, EvBody::Counter { name, args });
    }

    fn depth_point(&mut self, run: usize, t: u64, depth: u64) {
        let track = self.object(run);
        let args = Args {
            depth: Some(depth),
            ..Args::default()
        };
        self.counter(track, t, "queue", args);
    }

    fn event(&mut self, run: usize, n: u64, e: &Event) {
        let track = self.track_of(run, e.child, e.pid);
        let t = e.t_ns;
        let key = (run, e.obj, e.seq.unwrap_or(u64::MAX));
        let end = End {
            track,
            t,
            child: e.child,
        };
        let item = e.item.as_deref().unwrap_or("?");
        match &e.kind {
            Kind::Spawn { name, role } => {
                let args = Args {
                    n: Some(n),
                    pid: Some(e.pid),
                    role: Some(role.as_str()),
                    ..Args::default()
                };
                self.instant(track, t, format!("spawn {name}"), args);
            }
            Kind::Exit { ended } => {
                self.instant(track, t, ended_name(*ended), Args::of(e, n));
            }
            Kind::PutWait | Kind::GetWait | Kind::SendWait | Kind::RecvWait => {}
            Kind::Put | Kind::Get | Kind::Send | Kind::Recv => {
                let verb = e.kind.name();
                self.push(
                    track,
                    t,
                    0,
                    EvBody::Slice {
                        name: format!("{verb} {item}"),
                        args: Args::of(e, n),
                    },
                );
                if e.seq.is_some() {
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
            Kind::PutFull => self.instant(track, t, "queue.Full".into(), Args::of(e, n)),
            Kind::GetEmpty => self.instant(track, t, "queue.Empty".into(), Args::of(e, n)),
            Kind::RecvEof => self.instant(track, t, "EOFError".into(), Args::of(e, n)),
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
                let args = Args {
                    text: Some(text),
                    ..Args::of(e, n)
                };
                self.instant(track, t, "recovered".into(), args);
            }
            Kind::Kill { target, signal } => {
                let at = self.by_pid.get(&(run, *target)).copied().unwrap_or(track);
                let args = Args {
                    pid: Some(*target),
                    text: Some(format!("sent by Process({})", e.pid)),
                    ..Args::of(e, n)
                };
                self.instant(
                    at,
                    t,
                    format!("{} from the parent", signal_name(*signal)),
                    args,
                );
            }
            Kind::Count { done, .. } => {
                let args = Args {
                    done: Some(*done),
                    ..Args::default()
                };
                self.counter(track, t, "increments", args);
            }
            Kind::Note { note } => {
                let name = if note.is_stuck() {
                    format!("stuck: {}", note_label(note))
                } else {
                    note_label(note).to_string()
                };
                let args = Args {
                    text: Some(note_text(note)),
                    ..Args::of(e, n)
                };
                self.instant(track, t, name, args);
            }
            Kind::Output { text } => {
                let args = Args {
                    text: Some(text.clone()),
                    ..Args::of(e, n)
                };
                self.instant(track, t, "print".into(), args);
            }
            Kind::Missed { puts, gets } => {
                self.depth[run].exact = false;
                let args = Args {
                    text: Some(format!(
                        "{puts} put(s) and {gets} get(s) went by too fast to read one by one"
                    )),
                    ..Args::of(e, n)
                };
                self.instant(track, t, "missed".into(), args);
            }
            Kind::MaxsizeSet { maxsize } => {
                let name = match maxsize {
                    0 => "maxsize: unbounded".to_string(),
                    m => format!("maxsize: {m}"),
                };
                self.instant(track, t, name, Args::of(e, n));
            }
            Kind::DelayScaled { scale } => {
                self.instant(track, t, format!("delays x{scale}"), Args::of(e, n));
            }
            Kind::SlowMotion { factor } => {
                self.instant(track, t, format!("slow motion x{factor}"), Args::of(e, n));
            }
            Kind::Exiting | Kind::GaveUp | Kind::Frozen | Kind::Resumed | Kind::Stepped => {
                let name = match e.kind {
                    Kind::GaveUp => format!("gave up putting {item}"),
                    ref k => k.name().to_string(),
                };
                self.instant(track, t, name, Args::of(e, n));
            }
        }
        if Wait::of(&e.kind).is_some() || WAIT_ENDS.iter().any(|w| w.ended_by(&e.kind)) {
            self.marks[track].push(Mark {
                t,
                n,
                kind: e.kind.clone(),
                item: e.item.clone(),
            });
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
            let args = Args {
                bytes: Some(bytes),
                ..Args::default()
            };
            self.counter(track, o.t_ns, "pipe", args);
        }
        if let Some(v) = &o.value {
            let track = self.object(run);
            let args = Args {
                value: Some(v.value),
                expected: Some(v.expected),
                ..Args::default()
            };
            self.counter(track, o.t_ns, "Value", args);
        }
    }

    /// Pairs each process's waits with what ended them, in time order: a
    /// slice per blocked interval.
    fn pair_waits(&mut self) {
        let mut slices = Vec::new();
        for (track, marks) in self.marks.iter_mut().enumerate() {
            marks.sort_by_key(|m| (m.t, m.n));
            let run_end = self.ix.runs[self.tracks[track].run].end_ns;
            let mut open: Option<(Wait, &Mark)> = None;
            for m in marks.iter() {
                if let Some((w, start)) = open
                    && (w.ended_by(&m.kind) || Wait::of(&m.kind).is_some())
                {
                    slices.push((track, w, start, Some(m), run_end));
                    open = None;
                }
                if let Some(w) = Wait::of(&m.kind) {
                    open = Some((w, m));
                }
            }
            if let Some((w, start)) = open {
                slices.push((track, w, start, None, run_end));
            }
        }
        let made: Vec<Ev> = slices
            .into_iter()
            .map(|(track, w, start, end, run_end)| {
                let (end_t, until, unfinished) = match end {
                    Some(m) => (m.t, m.kind.name(), false),
                    None => (run_end.max(start.t), "the end of the recording", true),
                };
                Ev {
                    ts: self.ix.rel_ns(start.t),
                    dur: end_t.saturating_sub(start.t),
                    track,
                    body: EvBody::Slice {
                        name: w.name().into(),
                        args: Args {
                            n: Some(start.n),
                            item: start.item.clone(),
                            until: Some(until),
                            unfinished,
                            ..Args::default()
                        },
                    },
                }
            })
            .collect();
        self.events.extend(made);
    }

    /// An arrow from each put to the get of its item, and from each send
    /// to its recv (by the other process).
    fn flows(&mut self) {
        let mut next_id = 1u64;
        let mut arrows = Vec::new();
        for (key, get) in std::mem::take(&mut self.gets) {
            if let Some(put) = self.puts.get(&key) {
                arrows.push((*put, get, "queue"));
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
                arrows.push((*send, recv, "pipe"));
            }
        }
        for (from, to, cat) in arrows {
            let id = next_id;
            next_id += 1;
            self.push(
                from.track,
                from.t,
                0,
                EvBody::Flow {
                    start: true,
                    id,
                    cat,
                },
            );
            self.push(
                to.track,
                to.t,
                0,
                EvBody::Flow {
                    start: false,
                    id,
                    cat,
                },
            );
        }
    }
}

/// Every kind of wait, to ask whether an event ends one.
const WAIT_ENDS: [Wait; 4] = [Wait::Put, Wait::Get, Wait::Send, Wait::Recv];

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
    Args(&'a Args),
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

    fn of(e: &'a Ev) -> Json<'a> {
        let pid = pid_of(e.track);
        let mut j = Json {
            name: "",
            cat: "",
            ph: "",
            ts: e.ts as f64 / 1000.0,
            dur: None,
            pid,
            tid: pid,
            s: None,
            id: None,
            bp: None,
            args: None,
        };
        match &e.body {
            EvBody::Slice { name, args } => {
                j.name = name;
                j.cat = "ipc";
                j.ph = "X";
                j.dur = Some(e.dur as f64 / 1000.0);
                j.args = Some(JsonArgs::Args(args));
            }
            EvBody::Instant { name, args } => {
                j.name = name;
                j.cat = "ipc";
                j.ph = "i";
                j.s = Some("t");
                j.args = Some(JsonArgs::Args(args));
            }
            EvBody::Flow { start, id, cat } => {
                j.name = if *cat == "queue" { "item" } else { "message" };
                j.cat = cat;
                j.id = Some(*id);
                if *start {
                    j.ph = "s";
                } else {
                    j.ph = "f";
                    j.bp = Some("e");
                }
            }
            EvBody::Counter { name, args } => {
                j.name = name;
                j.ph = "C";
                j.args = Some(JsonArgs::Args(args));
            }
        }
        j
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::Role;

    fn ev(n: u64, t: u64, child: ProcId, pid: i32, kind: Kind) -> Record {
        Record {
            n,
            body: Body::Event(Event::new(t, child, pid, kind)),
        }
    }

    fn slices(trace: &Trace) -> Vec<(String, u64, u64, Option<&'static str>)> {
        trace
            .events
            .iter()
            .filter_map(|e| match &e.body {
                EvBody::Slice { name, args } if e.dur > 0 || name.contains("blocked") => {
                    Some((name.clone(), e.ts, e.dur, args.until))
                }
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_wait_is_paired_with_the_same_process_next_end_in_time_order_not_stream_order() {
        // The reader's get (from the queue's memory) arrives before its
        // get_wait (from the reader's telemetry), and another process's
        // put comes between them.
        let recs = vec![
            ev(0, 1_000, 0, 10, Kind::Put).with(|e| e.seq = Some(1)),
            ev(1, 9_000, 1, 11, Kind::Get).with(|e| e.seq = Some(1)),
            ev(2, 5_000, 1, 11, Kind::GetWait),
            ev(3, 7_000, 0, 10, Kind::PutWait),
            ev(4, 8_000, 0, 10, Kind::PutFull),
        ];
        let trace = Trace::build(&recs);
        let mut got = slices(&trace);
        got.sort();
        assert_eq!(
            got,
            vec![
                (Wait::Get.name().into(), 4_000, 4_000, Some("get")),
                (Wait::Put.name().into(), 6_000, 1_000, Some("put_full")),
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
        let trace = Trace::build(&recs);
        let s = trace
            .events
            .iter()
            .find_map(|e| match &e.body {
                EvBody::Slice { args, .. } => Some((e.dur, args.unfinished)),
                _ => None,
            })
            .unwrap();
        assert_eq!(s, (5_000, true));
    }

    #[test]
    fn pipe_arrows_join_a_send_to_the_other_process_recv_of_the_same_number() {
        // Duplex: each side sends its message number 1; each recv gets the
        // other side's.
        let seq = |r: Record, s| r.with(|e| e.seq = Some(s));
        let recs = vec![
            seq(ev(0, 10, 0, 10, Kind::Send), 1),
            seq(ev(1, 20, 1, 11, Kind::Send), 1),
            seq(ev(2, 30, 1, 11, Kind::Recv), 1),
            seq(ev(3, 40, 0, 10, Kind::Recv), 1),
        ];
        let trace = Trace::build(&recs);
        let mut ends: HashMap<u64, Vec<(bool, usize, u64)>> = HashMap::new();
        for e in &trace.events {
            if let EvBody::Flow { start, id, .. } = e.body {
                ends.entry(id).or_default().push((start, e.track, e.ts));
            }
        }
        let mut pairs: Vec<_> = ends
            .into_values()
            .map(|mut v| {
                v.sort();
                v
            })
            .collect();
        pairs.sort();
        let (p0, p1) = (trace_track(&trace, "proc-0"), trace_track(&trace, "proc-1"));
        // Times from the first event (10 ns): sends at 0 and 10, recvs at
        // 20 and 30.
        let mut want = vec![
            vec![(false, p1, 20), (true, p0, 0)],
            vec![(false, p0, 30), (true, p1, 10)],
        ];
        want.sort();
        assert_eq!(pairs, want);
    }

    #[test]
    fn queue_depth_counts_puts_and_gets_then_follows_observations_after_a_flood() {
        let seq = |r: Record, s| r.with(|e| e.seq = Some(s));
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
            seq(ev(0, 10, 0, 10, Kind::Put), 1),
            seq(ev(1, 20, 0, 10, Kind::Put), 2),
            obs(2, 25, 7), // ignored: the ops are exact
            seq(ev(3, 30, 1, 11, Kind::Get), 1),
            ev(4, 40, SUPERVISOR, 9, Kind::Missed { puts: 5, gets: 0 }),
            seq(ev(5, 50, 0, 10, Kind::Put), 9), // no longer counted
            obs(6, 60, 6),
        ];
        let trace = Trace::build(&recs);
        let depths: Vec<(u64, u64)> = trace
            .events
            .iter()
            .filter_map(|e| match &e.body {
                EvBody::Counter {
                    name: "queue",
                    args,
                } => Some((e.ts, args.depth?)),
                _ => None,
            })
            .collect();
        assert_eq!(depths, vec![(0, 1), (10, 2), (20, 1), (50, 6)]);
    }

    #[test]
    fn events_are_in_time_order_and_an_arrow_follows_its_slice_at_one_instant() {
        let seq = |r: Record, s| r.with(|e| e.seq = Some(s));
        let recs = vec![
            seq(ev(0, 50, 0, 10, Kind::Put), 1),
            ev(1, 10, 1, 11, Kind::GetWait),
            seq(ev(2, 50, 1, 11, Kind::Get), 1),
        ];
        let trace = Trace::build(&recs);
        let ts: Vec<u64> = trace.events.iter().map(|e| e.ts).collect();
        assert!(ts.is_sorted(), "{ts:?}");
        let at_get: Vec<&str> = trace
            .events
            .iter()
            .filter(|e| e.track == trace_track(&trace, "proc-1") && e.ts == 40)
            .map(|e| match &e.body {
                EvBody::Slice { .. } => "slice",
                EvBody::Flow { .. } => "flow",
                _ => "other",
            })
            .collect();
        assert_eq!(at_get, vec!["slice", "flow"]);
    }

    fn trace_track(trace: &Trace, prefix: &str) -> usize {
        trace
            .tracks
            .iter()
            .position(|t| t.name.starts_with(prefix))
            .unwrap_or_else(|| panic!("no track {prefix}"))
    }

    trait With {
        fn with(self, f: impl FnOnce(&mut Event)) -> Self;
    }

    impl With for Record {
        fn with(mut self, f: impl FnOnce(&mut Event)) -> Record {
            if let Body::Event(e) = &mut self.body {
                f(e);
            }
            self
        }
    }

    #[test]
    fn several_runs_get_their_own_tracks_named_by_run() {
        let run = |n, start| Record {
            n,
            body: Body::Run(crate::stream::RunInfo {
                start_ns: start,
                pid: 9,
                config: crate::config::RunConfig {
                    scenario: crate::config::Scenario::Pipe(crate::config::PipeConfig::defaults(
                        crate::config::Mode::Headless,
                    )),
                    seed: 1,
                    mode: crate::config::Mode::Headless,
                    trace: None,
                    record: None,
                    ascii: false,
                },
            }),
        };
        let spawn = |n, t, pid| {
            ev(
                n,
                t,
                0,
                pid,
                Kind::Spawn {
                    name: "sender".into(),
                    role: Role::Sender,
                },
            )
        };
        let recs = vec![
            run(0, 100),
            spawn(1, 110, 20),
            run(2, 500),
            spawn(3, 510, 21),
        ];
        let trace = Trace::build(&recs);
        let mut out = Vec::new();
        trace.write_json(&mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        for name in [
            "run 1: supervisor (9)",
            "run 1: sender (20)",
            "run 2: supervisor (9)",
            "run 2: sender (21)",
        ] {
            assert!(text.contains(&format!("\"{name}\"")), "{name}: {text}");
        }
        let starts: Vec<u64> = trace.events.iter().map(|e| e.ts).collect();
        assert_eq!(starts, vec![10, 410], "one clock, zero at the first run");
    }
}
