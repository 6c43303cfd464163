//! The builder: a pass over the records that makes the tracks and the
//! events, pairs each wait with what ended it, joins the arrows and
//! follows the queue's depth.

use std::collections::{HashMap, VecDeque};

use super::events::{Ev, Level, Until, What, event_at};
use super::{Trace, Track};
use crate::config::Scenario;
use crate::recording::export::{Index, RunIter};
use crate::stream::{
    Body, Event, Kind, ObjectId, Observation, ProcId, ProgramOp, Record, SUPERVISOR,
};

/// What a blocked interval waits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Wait {
    Put,
    Get,
    Send,
    Recv,
    /// The parent in `join()`, on its own track.
    Join,
}

impl Wait {
    pub(super) fn of(kind: &Kind) -> Option<Wait> {
        Some(match kind {
            Kind::PutWait => Wait::Put,
            Kind::GetWait => Wait::Get,
            Kind::SendWait => Wait::Send,
            Kind::RecvWait => Wait::Recv,
            Kind::Join { .. } => Wait::Join,
            _ => return None,
        })
    }

    pub(super) fn name(self) -> &'static str {
        match self {
            Wait::Put => "put: blocked, the queue is full",
            Wait::Get => "get: blocked, the queue is empty",
            Wait::Send => "send: blocked, the pipe is full",
            Wait::Recv => "recv: blocked, nothing in the pipe",
            Wait::Join => "join: blocked until the child ends (wait4)",
        }
    }

    /// Whether `kind`, by the same process, ends this wait.
    fn ended_by(self, kind: &Kind) -> bool {
        let own = match self {
            Wait::Put => matches!(kind, Kind::Put | Kind::PutFull { .. } | Kind::GaveUp),
            Wait::Get => matches!(kind, Kind::Get | Kind::GetEmpty { .. }),
            Wait::Send => matches!(kind, Kind::Send | Kind::Reply),
            Wait::Recv => matches!(kind, Kind::Recv | Kind::RecvEof | Kind::GotReply),
            Wait::Join => matches!(kind, Kind::Joined { .. }),
        };
        own || matches!(kind, Kind::Exiting | Kind::Exit { .. })
    }

    /// Whether `kind` may end some wait.
    fn ends_any(kind: &Kind) -> bool {
        [Wait::Put, Wait::Get, Wait::Send, Wait::Recv, Wait::Join]
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
    /// A watched program's items (no `seq`): put or sent, not yet taken,
    /// oldest first, by (run, object, the end they come out of, label).
    items: HashMap<(usize, ObjectId, u8, String), VecDeque<End>>,
    /// A watched program's pipes: (run, second end's number) -> the pipe's.
    second_ends: HashMap<(usize, ObjectId), ObjectId>,
    /// Arrows of a watched program's items, joined as they were taken.
    labelled: Vec<(End, End, bool)>,
}

impl Trace {
    pub(super) fn build(records: &[Record]) -> Trace {
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
            items: HashMap::new(),
            second_ends: HashMap::new(),
            labelled: Vec::new(),
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
            Some(Scenario::Program(p)) => format!("{}: shared objects", p.file_name()),
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
                } else if let Some(label) = &e.item {
                    let end = End {
                        track,
                        t,
                        child: e.child,
                    };
                    self.by_label(run, e, label, end);
                }
                self.depth_step(run, t, &e.kind);
            }
            Kind::Count { done, .. } => {
                self.push(track, t, 0, What::Counter(Level::Increments(*done)));
            }
            Kind::Program(ProgramOp::Object { info }) => {
                if info.kind.is_pipe() {
                    self.second_ends.insert((run, e.obj + 1), e.obj);
                }
                self.push(track, t, 0, What::Instant { at });
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

    /// A watched program's item (its events have no `seq`): a put or a
    /// send waits, by its label, at the end it comes out of (a queue's
    /// one, a pipe's other end); a get or a recv takes the oldest of its
    /// label there, an arrow.
    fn by_label(&mut self, run: usize, e: &Event, label: &str, end: End) {
        let (obj, at_end) = match self.second_ends.get(&(run, e.obj)) {
            Some(&pipe) => (pipe, 1),
            None => (e.obj, 0),
        };
        let pipe = matches!(e.kind, Kind::Send | Kind::Recv);
        match e.kind {
            Kind::Put | Kind::Send => {
                let out_at = if pipe { 1 - at_end } else { at_end };
                let key = (run, obj, out_at, label.to_string());
                self.items.entry(key).or_default().push_back(end);
            }
            _ => {
                let key = (run, obj, at_end, label.to_string());
                if let Some(from) = self.items.get_mut(&key).and_then(VecDeque::pop_front) {
                    self.labelled.push((from, end, pipe));
                }
            }
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

    /// When the event at `at` ended the wait before it, if not at its own
    /// time: a send (or reply) is stamped before its write starts, so after
    /// a wait it carries when the write returned (`done_ns`). A recording
    /// made before it was told has none: its wait ends at the stamp.
    fn wait_ended(&self, at: usize) -> Option<u64> {
        let e = event_at(self.records, at).1?;
        match e.kind {
            Kind::Send | Kind::Reply => e.done_ns.map(|done| done.max(e.t_ns)),
            _ => None,
        }
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
                    let end = self.wait_ended(m.at).unwrap_or(m.t);
                    slices.push((track, start, end, Until::Event(m.at)));
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
        arrows.append(&mut self.labelled);
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::tests::{ev, pid_named, seq, written};
    use super::*;

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
            ev(4, 8_000, 0, 10, Kind::FULL),
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
    fn the_parents_join_is_a_blocked_slice_on_its_own_track_until_the_join_returns() {
        let recs = vec![
            ev(0, 1_000, SUPERVISOR, 9, Kind::Join { target: 10 }),
            ev(1, 3_000, 0, 10, Kind::Exiting),
            ev(2, 4_000, SUPERVISOR, 9, Kind::Joined { target: 10 }),
        ];
        let (_, evs) = written(&recs);
        let x = evs
            .iter()
            .find(|e| e["ph"] == "X" && e["name"] == Wait::Join.name())
            .expect("the join's slice");
        assert_eq!(
            (x["ts"].as_f64(), x["dur"].as_f64()),
            (Some(0.0), Some(3.0))
        );
        assert_eq!(x["args"]["until"], "joined");
    }

    #[test]
    fn a_blocked_send_is_a_slice_until_its_write_returned_not_until_its_stamp() {
        // The send is stamped before its write starts (1 us after the
        // wait); the write returned 40 us later. A send from a recording
        // made before that was told ends the wait at its stamp.
        let done = |mut r: Record, ns| {
            if let Body::Event(e) = &mut r.body {
                e.done_ns = Some(ns);
            }
            r
        };
        let recs = vec![
            ev(0, 1_000, 0, 10, Kind::SendWait),
            done(seq(ev(1, 2_000, 0, 10, Kind::Send), 1), 42_000),
            ev(2, 50_000, 0, 10, Kind::SendWait),
            seq(ev(3, 51_000, 0, 10, Kind::Send), 2),
        ];
        let (_, evs) = written(&recs);
        let slices: Vec<(f64, f64, &str)> = evs
            .iter()
            .filter(|e| e["ph"] == "X" && e["name"] == Wait::Send.name())
            .map(|e| {
                (
                    e["ts"].as_f64().unwrap(),
                    e["dur"].as_f64().unwrap(),
                    e["args"]["until"].as_str().unwrap(),
                )
            })
            .collect();
        assert_eq!(slices, vec![(0.0, 41.0, "send"), (49.0, 1.0, "send")]);
        let sends: Vec<(f64, f64)> = evs
            .iter()
            .filter(|e| e["ph"] == "X" && e["name"] == "send ?")
            .map(|e| (e["ts"].as_f64().unwrap(), e["dur"].as_f64().unwrap()))
            .collect();
        assert_eq!(
            sends,
            vec![(1.0, 0.0), (50.0, 0.0)],
            "the sends stay marks at their stamps"
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
    fn a_watched_program_s_items_are_joined_by_label_through_the_pipe_s_other_end() {
        use crate::stream::{ObjKind, ObjectInfo};
        let on = |mut r: Record, obj: ObjectId, item: &str| {
            if let Body::Event(e) = &mut r.body {
                e.obj = obj;
                e.item = Some(item.into());
            }
            r
        };
        let pipe = Kind::Program(ProgramOp::Object {
            info: ObjectInfo {
                kind: ObjKind::Pipe,
                name: "a,b".into(),
                maxsize: 0,
                duplex: true,
                typecode: None,
                size: None,
                lock: false,
            },
        });
        let mut made = ev(0, 5, 0, 10, pipe);
        if let Body::Event(e) = &mut made.body {
            e.obj = 3;
        }
        // No `seq`: a queue's 'x' put twice is got twice, oldest first; a
        // message sent on end 4 comes out of end 3, the same label sent on
        // end 3 (out of 4) is not the one a recv on 3 takes.
        let recs = vec![
            made,
            on(ev(1, 10, 1, 11, Kind::Put), 1, "'x'"),
            on(ev(2, 20, 1, 11, Kind::Put), 1, "'x'"),
            on(ev(3, 30, 0, 10, Kind::Get), 1, "'x'"),
            on(ev(4, 40, 0, 10, Kind::Send), 4, "'m'"),
            on(ev(5, 50, 1, 11, Kind::Send), 3, "'m'"),
            on(ev(6, 60, 0, 10, Kind::Recv), 3, "'m'"),
            on(ev(7, 70, 0, 10, Kind::Get), 1, "'x'"),
        ];
        let (_, evs) = written(&recs);
        let mut ends: HashMap<u64, Vec<(String, f64)>> = HashMap::new();
        for e in &evs {
            if e["ph"] == "s" || e["ph"] == "f" {
                let end = (
                    e["ph"].as_str().unwrap().to_string(),
                    e["ts"].as_f64().unwrap(),
                );
                ends.entry(e["id"].as_u64().unwrap()).or_default().push(end);
            }
        }
        let mut pairs: Vec<_> = ends.into_values().collect();
        pairs.sort_by(|a, b| a[0].1.total_cmp(&b[0].1));
        let pair = |s: f64, f: f64| vec![("s".to_string(), s), ("f".to_string(), f)];
        assert_eq!(
            pairs,
            vec![pair(0.005, 0.025), pair(0.015, 0.065), pair(0.035, 0.055)]
        );
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
            body: Body::Observation(Box::new(Observation {
                t_ns: t,
                queue: Some(crate::stream::QueueView {
                    depth,
                    ..Default::default()
                }),
                ..Default::default()
            })),
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
}
