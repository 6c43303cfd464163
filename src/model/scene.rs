//! The scene: everything the stream has told, shaped for the screen — the
//! world (from events), the latest observation of each real object, the
//! kernel's view with its disagreements, the event log, items on their
//! way, notices, rates and history. A pure fold over records: the same
//! records give the same scene, live or replayed.

use std::collections::{BTreeMap, VecDeque};

use super::flights::{Flight, Flights, Spot};
use super::kernel::KernelState;
use super::notice::Notice;
use super::world::{Proc, World};
use crate::stream::event::Flow;
use crate::stream::run::{RunConfig, Scenario};
use crate::stream::{
    Body, CellView, Event, KernelRow, Kind, Note, ObjectId, Observation, PipeView, ProcCounters,
    ProcId, QueueView, Record, Role, RunInfo, SUPERVISOR, TelemetryView, ValueView,
};

/// Most lines the event log keeps.
pub const LOG_CAP: usize = 500;
/// A routine event this much older than the stream's clock is counted, not
/// listed or animated (the view never falls further behind than this).
pub const STALE_NS: u64 = 100_000_000;
/// Depth history kept for the sparkline (one sample per 100 ms).
pub const HISTORY: usize = 240;
const HISTORY_EVERY_NS: u64 = 100_000_000;
/// How long a notice stays on screen.
pub const NOTICE_NS: u64 = 6_000_000_000;
/// Most notices shown at once.
const NOTICES: usize = 4;

/// One line of the event log: the event, rendered into words when drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// The process the line is about (for its colour); `None`: the supervisor.
    pub child: Option<ProcId>,
    pub ev: Event,
    /// The queue's maxsize in force when it happened (it may be changed
    /// live: a wait for space is told against the limit of its time).
    pub maxsize: u32,
}

/// Items moved in one millisecond of stream time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Moved {
    /// The millisecond (stream ns / 1,000,000).
    ms: u64,
    /// The time of the last move counted here.
    last_ns: u64,
    ins: u32,
    outs: u32,
}

/// In a flood, how long a wait must last before it is shown as one.
const BRIEF_WAIT_NS: u64 = 500_000_000;

/// Everything the stream has told so far.
#[derive(Debug, Clone, PartialEq)]
pub struct Scene {
    /// The run being shown.
    pub cfg: RunConfig,
    pub start_ns: u64,
    /// The supervisor's pid.
    pub pid: i32,
    /// The stream's clock: the latest time a record carried.
    pub now_ns: u64,
    pub world: World,
    pub queue: Option<QueueView>,
    pub pipe: Option<PipeView>,
    pub value: Option<ValueView>,
    pub counters: BTreeMap<ProcId, ProcCounters>,
    pub telemetry: TelemetryView,
    pub kernel: BTreeMap<ProcId, KernelState>,
    /// The parent's state in the kernel while it waits in `join()` (its
    /// joining thread's), apart from the children's.
    pub parent_kernel: Option<KernelRow>,
    pub log: VecDeque<LogEntry>,
    pub flights: Flights,
    /// Routine events counted but not listed, because they arrived late.
    pub unlisted: u64,
    last_behind_ns: u64,
    /// Items moved in the last second of stream time, for rates: one entry
    /// per millisecond that saw moves, so it stays small (and the scene
    /// cheap to copy for a replay's checkpoints) however fast the flood.
    recent: VecDeque<Moved>,
    /// The moves in `recent`, summed as they come and go (in, out), so the
    /// rates (asked for every process drawn in a flood) cost nothing.
    recent_sum: (u64, u64),
    pub depth_history: VecDeque<u32>,
    last_history_ns: u64,
    pub notices: VecDeque<(Notice, u64)>,
    pub frozen: bool,
    resumed_at_ns: Option<u64>,
    pub slow_motion: f64,
    /// The queue's maxsize (0: unbounded), as last set.
    pub maxsize: u32,
    /// Why no process can make progress, while that holds.
    pub stuck: Option<Note>,
    /// Records a recording left out (its buffer was full).
    pub gaps: u64,
    /// Records folded in since this run started.
    pub records: u64,
    /// An Array's cells, as last read (empty for a Value).
    pub cells: Vec<CellView>,
}

impl Scene {
    /// An empty scene for a run of `cfg` (before its first record).
    pub fn new(cfg: RunConfig) -> Scene {
        let parent = super::parent::ParentTally::for_run(&cfg);
        let maxsize = match &cfg.scenario {
            Scenario::Queue(q) => q.maxsize,
            _ => 0,
        };
        Scene {
            cfg,
            start_ns: 0,
            pid: 0,
            now_ns: 0,
            world: World {
                parent,
                ..World::new(0)
            },
            queue: None,
            pipe: None,
            value: None,
            counters: BTreeMap::new(),
            telemetry: TelemetryView::default(),
            kernel: BTreeMap::new(),
            parent_kernel: None,
            log: VecDeque::new(),
            flights: Flights::default(),
            unlisted: 0,
            last_behind_ns: 0,
            recent: VecDeque::new(),
            recent_sum: (0, 0),
            depth_history: VecDeque::new(),
            last_history_ns: 0,
            notices: VecDeque::new(),
            frozen: false,
            resumed_at_ns: None,
            slow_motion: 1.0,
            maxsize,
            stuck: None,
            gaps: 0,
            records: 0,
            cells: Vec::new(),
        }
    }

    /// Folds one record in. Returns whether anything visible changed (a
    /// tick that moves nothing on screen returns false).
    pub fn apply(&mut self, rec: &Record) -> bool {
        self.records += 1;
        match &rec.body {
            Body::Run(info) => {
                self.start_run(info);
                true
            }
            Body::Event(ev) => {
                self.advance(ev.t_ns);
                self.event(ev);
                true
            }
            Body::Observation(obs) => {
                self.advance(obs.t_ns);
                self.take_observation(obs)
            }
            Body::Tick(t) => self.advance(*t),
            Body::Gap(n) => {
                self.gaps += n;
                true
            }
        }
    }

    fn start_run(&mut self, info: &RunInfo) {
        let gaps = self.gaps;
        let slow = self.slow_motion;
        *self = Scene::new(info.config.clone());
        self.start_ns = info.start_ns;
        self.pid = info.pid;
        self.now_ns = info.start_ns;
        self.world = World {
            parent: super::parent::ParentTally::for_run(&info.config),
            ..World::new(info.start_ns)
        };
        self.last_history_ns = info.start_ns;
        self.gaps = gaps;
        self.slow_motion = slow;
    }

    /// Moves the stream's clock to `t` (never back); drops what has run its
    /// course. Returns whether that changed what is shown.
    fn advance(&mut self, t: u64) -> bool {
        if t <= self.now_ns {
            return false;
        }
        let second = |ns: u64, start: u64| ns.saturating_sub(start) / 1_000_000_000;
        let mut changed = second(t, self.start_ns) != second(self.now_ns, self.start_ns);
        self.now_ns = t;
        self.world.now_ns = self.world.now_ns.max(t);
        changed |= self.flights.expire(t);
        let before = self.notices.len();
        self.notices.retain(|(_, until)| *until > t);
        changed |= self.notices.len() != before;
        while self
            .recent
            .front()
            .is_some_and(|m| m.last_ns + 1_000_000_000 < t)
        {
            if let Some(m) = self.recent.pop_front() {
                self.recent_sum.0 -= u64::from(m.ins);
                self.recent_sum.1 -= u64::from(m.outs);
            }
        }
        // One depth sample per 100 ms of stream time; a long jump (the
        // first record, a pause, a bad file) adds at most a full history.
        if t >= self.last_history_ns + HISTORY_EVERY_NS {
            let steps = (t - self.last_history_ns) / HISTORY_EVERY_NS;
            self.last_history_ns += steps * HISTORY_EVERY_NS;
            let depth = self.depth().min(u32::MAX as u64) as u32;
            for _ in 0..steps.min(HISTORY as u64) {
                self.depth_history.push_back(depth);
            }
            while self.depth_history.len() > HISTORY {
                self.depth_history.pop_front();
            }
            changed = true;
        }
        changed
    }

    // ---------------------------------------------------------- events --

    fn event(&mut self, ev: &Event) {
        self.world.apply(ev);
        self.settings(ev);
        // Moves told one by one, or counted in a flood (`missed`): both
        // are moves for the rates.
        let moved = match (&ev.kind, ev.kind.flow()) {
            (_, Some(Flow::In)) => Some((1, 0)),
            (_, Some(Flow::Out)) => Some((0, 1)),
            (Kind::Missed { puts, gets }, None) => Some((*puts, *gets)),
            _ => None,
        };
        if let Some((ins, outs)) = moved {
            let (at, ms) = (self.now_ns, self.now_ns / 1_000_000);
            if self.recent.back().is_none_or(|m| m.ms != ms) {
                self.recent.push_back(Moved {
                    ms,
                    last_ns: at,
                    ins: 0,
                    outs: 0,
                });
            }
            if let Some(m) = self.recent.back_mut() {
                m.last_ns = at;
                let (i, o) = (m.ins, m.outs);
                m.ins = m.ins.saturating_add(ins.min(u32::MAX as u64) as u32);
                m.outs = m.outs.saturating_add(outs.min(u32::MAX as u64) as u32);
                self.recent_sum.0 += u64::from(m.ins - i);
                self.recent_sum.1 += u64::from(m.outs - o);
            }
            if self.stuck.is_some() {
                self.stuck = None;
            }
        }
        // Behind the stream's clock: count it, do not list or animate it,
        // so the view catches up instead of lagging more and more.
        if ev.kind.is_routine() && ev.t_ns + STALE_NS < self.now_ns {
            self.unlisted += 1;
            self.last_behind_ns = self.now_ns;
            return;
        }
        if super::notice::listed(&ev.kind) {
            self.log.push_back(LogEntry {
                child: self.world.proc(ev.child).map(|p| p.id),
                ev: ev.clone(),
                maxsize: self.maxsize,
            });
            while self.log.len() > LOG_CAP {
                self.log.pop_front();
            }
        }
        self.launch(ev);
        if let Some(n) = Notice::of_event(ev, &self.world, self.resumed_at_ns) {
            self.notice(n);
        }
    }

    /// Settings the supervisor echoes as events.
    fn settings(&mut self, ev: &Event) {
        match &ev.kind {
            Kind::Frozen => self.frozen = true,
            Kind::Resumed => {
                self.frozen = false;
                self.resumed_at_ns = Some(ev.t_ns);
            }
            Kind::MaxsizeSet { maxsize } => self.maxsize = *maxsize,
            Kind::SlowMotion { factor } => self.slow_motion = *factor,
            Kind::Note { note } if note.is_stuck() => self.stuck = Some(note.clone()),
            // The wait is over, or its reason changed (the parent closed its
            // copy): the supervisor says again if it still holds.
            Kind::RecvEof | Kind::EndClosed { .. } => self.stuck = None,
            _ => {}
        }
    }

    /// An item starts on its way for what the event moved.
    fn launch(&mut self, ev: &Event) {
        let (from, to) = match ev.kind {
            Kind::Put => (Spot::Proc(ev.child), Spot::QueueTail),
            Kind::Get => (Spot::QueueHead, Spot::Proc(ev.child)),
            Kind::Send => (Spot::Proc(ev.child), Spot::PipeIn),
            Kind::Recv => (Spot::PipeOut, Spot::Proc(ev.child)),
            Kind::Reply => (Spot::Proc(ev.child), Spot::PipeBackIn),
            Kind::GotReply => (Spot::PipeBackOut, Spot::Proc(ev.child)),
            _ => return,
        };
        self.flights.launch(
            Flight {
                label: ev.item.clone().unwrap_or_default(),
                seq: ev.seq,
                from,
                to,
                start_ns: ev.t_ns.max(self.now_ns.saturating_sub(STALE_NS)),
                dur_ns: 0,
                by: ev.child,
            },
            self.slow_motion,
        );
    }

    fn notice(&mut self, n: Notice) {
        // One lost update at a time: the latest replaces the one before.
        if matches!(n, Notice::Overwrote { .. }) {
            self.notices
                .retain(|(o, _)| !matches!(o, Notice::Overwrote { .. }));
        }
        self.notices.push_back((n, self.now_ns + NOTICE_NS));
        while self.notices.len() > NOTICES {
            self.notices.pop_front();
        }
    }

    // ---------------------------------------------------- observations --

    /// Takes in a reading of the real objects; parts not sampled keep
    /// their last reading. Returns whether anything visible changed.
    fn take_observation(&mut self, obs: &Observation) -> bool {
        let mut changed = false;
        if let Some(q) = &obs.queue {
            changed |= self.queue.as_ref() != Some(q);
            self.maxsize = q.maxsize;
            self.queue = Some(q.clone());
        }
        if let Some(p) = &obs.pipe {
            changed |= self.pipe.as_ref() != Some(p);
            self.pipe = Some(p.clone());
        }
        if let Some(v) = obs.value {
            changed |= self.value != Some(v);
            self.value = Some(v);
        }
        if let Some(rows) = &obs.kernel {
            let (parent, children): (Vec<KernelRow>, Vec<KernelRow>) =
                rows.iter().cloned().partition(|r| r.proc == SUPERVISOR);
            let parent = parent.into_iter().next();
            changed |= self.parent_kernel != parent;
            self.parent_kernel = parent;
            changed |= super::kernel::update(&mut self.kernel, &children, &self.world, self.now_ns);
        }
        if let Some(cs) = &obs.counters {
            for c in cs {
                changed |= self.counters.insert(c.proc, *c) != Some(*c);
            }
        }
        if let Some(views) = &obs.objects {
            changed |= self.world.program.observe(views);
        }
        if let Some(t) = obs.telemetry {
            changed |= self.telemetry != t;
            self.telemetry = t;
        }
        if let Some(c) = &obs.cells {
            changed |= self.cells != *c;
            self.cells = c.clone();
        }
        changed
    }

    // ---------------------------------------------------------- reading --

    /// The object the scenario shows (one per run today).
    pub fn object(&self) -> ObjectId {
        0
    }

    /// Run time in ms (stream clock).
    pub fn run_ms(&self) -> u64 {
        self.now_ns.saturating_sub(self.start_ns) / 1_000_000
    }

    /// Queue depth: as the queue's ops tell (exact), else as last read.
    pub fn depth(&self) -> u64 {
        let q = &self.world.queue;
        if q.missed_puts + q.missed_gets == 0 || self.queue.is_none() {
            q.depth()
        } else {
            self.queue.as_ref().map_or(q.depth(), |v| v.depth as u64)
        }
    }

    /// Items per second in (put/sent) and out (got/received), over the
    /// last second (to the millisecond).
    pub fn rates(&self) -> (usize, usize) {
        (self.recent_sum.0 as usize, self.recent_sum.1 as usize)
    }

    /// Events come faster than they can be animated.
    pub fn fast(&self) -> bool {
        self.flights.saturated()
            || {
                let (i, o) = self.rates();
                i + o > 2 * super::flights::MAX_FLIGHTS
            }
            || self.unlisted > 0 && self.now_ns < self.last_behind_ns + 1_000_000_000
    }

    /// Whether `p`'s wait is too recent to show as one while events come
    /// faster than they can be shown: in a flood a process blocks and
    /// wakes thousands of times a second, and its last report ("blocked:
    /// queue empty") would contradict the numbers beside it (a queue
    /// thousands deep). Such a process is shown at work; a wait that lasts
    /// is shown.
    pub fn briefly_blocked(&self, p: &super::world::Proc) -> bool {
        p.activity
            .blocked_since()
            .is_some_and(|since| self.now_ns < since + BRIEF_WAIT_NS)
            && self.fast()
    }

    /// The kernel's view of `id`, if sampled.
    pub fn kernel_of(&self, id: ProcId) -> Option<&KernelState> {
        self.kernel.get(&id)
    }

    /// Whether the report and the kernel have disagreed long enough to say
    /// so (a single sample can catch a process between the two).
    pub fn disagreement(&self, id: ProcId) -> bool {
        self.kernel
            .get(&id)
            .is_some_and(|k| k.disagrees_at(self.now_ns))
    }

    /// Processes in display order (the processes panel and ↑/↓ follow it).
    pub fn display_order(&self) -> Vec<&Proc> {
        let rank = |r: Role| match r {
            Role::Writer | Role::Sender | Role::Counter => 0,
            Role::Reader | Role::Receiver => 1,
            Role::Supervisor => 2,
            Role::Program => 0,
        };
        let mut v: Vec<&Proc> = self.world.procs.iter().collect();
        v.sort_by_key(|p| (rank(p.role), p.id));
        v
    }

    /// Every process of the run has ended (and there was at least one).
    pub fn finished(&self) -> bool {
        !self.world.procs.is_empty() && self.world.procs.iter().all(|p| !p.alive())
    }

    /// What `p` has done (items moved, or increments): as the events tell,
    /// or as its exact counter last read, whichever is further on (events
    /// a flood went by too fast to read are still counted by the counter).
    pub fn done(&self, p: &Proc) -> u64 {
        self.counters_of(p.id)
            .map_or(p.done, |c| c.done.max(p.done))
    }

    /// Exact counters of `id` from the control block, when observed.
    pub fn counters_of(&self, id: ProcId) -> Option<&ProcCounters> {
        self.counters.get(&id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::run::{Mode, QueueConfig};
    use crate::stream::{Ended, KernelRow, KernelWait};

    fn cfg() -> RunConfig {
        RunConfig::new(
            Scenario::Queue(QueueConfig::defaults(Mode::Tui)),
            Mode::Tui,
            1,
        )
    }

    const MS: u64 = 1_000_000;

    struct Feed {
        scene: Scene,
        n: u64,
    }

    impl Feed {
        fn new() -> Feed {
            let mut f = Feed {
                scene: Scene::new(cfg()),
                n: 0,
            };
            f.rec(Body::Run(RunInfo {
                start_ns: 1_000 * MS,
                pid: 1,
                config: cfg(),
            }));
            for (id, pid, name, role) in [
                (0, 100, "writer-1", Role::Writer),
                (1, 101, "writer-2", Role::Writer),
                (2, 102, "reader-1", Role::Reader),
            ] {
                f.ev(
                    0,
                    Event::new(
                        0,
                        id,
                        pid,
                        Kind::Spawn {
                            name: name.into(),
                            role,
                        },
                    ),
                );
            }
            f
        }

        fn rec(&mut self, body: Body) -> bool {
            let r = Record { n: self.n, body };
            self.n += 1;
            self.scene.apply(&r)
        }

        /// An event at `ms` after the run start.
        fn ev(&mut self, ms: u64, mut e: Event) -> bool {
            e.t_ns = 1_000 * MS + ms * MS;
            self.rec(Body::Event(e))
        }

        fn tick(&mut self, ms: u64) -> bool {
            self.rec(Body::Tick(1_000 * MS + ms * MS))
        }
    }

    #[test]
    fn a_put_launches_a_flight_to_the_queue_tail_and_logs_the_event() {
        let mut f = Feed::new();
        f.ev(
            1000,
            Event::new(0, 0, 100, Kind::Put)
                .with_item("url_1")
                .with_seq(1),
        );
        let fl = &f.scene.flights.list;
        assert_eq!(fl.len(), 1);
        assert_eq!((fl[0].from, fl[0].to), (Spot::Proc(0), Spot::QueueTail));
        assert_eq!(f.scene.log.back().unwrap().ev.kind, Kind::Put);
        f.tick(1000 + 2000);
        assert!(f.scene.flights.list.is_empty(), "flights end on time");
    }

    #[test]
    fn late_routine_events_are_counted_not_listed_and_the_view_says_fast() {
        let mut f = Feed::new();
        f.tick(5000);
        let before = f.scene.log.len();
        f.ev(1000, Event::new(0, 0, 100, Kind::Put).with_item("url_1"));
        assert_eq!(f.scene.world.queue.puts, 1, "counted");
        assert_eq!(f.scene.log.len(), before, "not listed");
        assert!(f.scene.flights.list.is_empty(), "not animated");
        assert!(f.scene.fast());
        // A rare event is listed even when late.
        f.ev(
            1000,
            Event::new(
                0,
                2,
                102,
                Kind::Exit {
                    ended: Ended::Signal(9),
                },
            ),
        );
        assert_eq!(f.scene.log.len(), before + 1);
    }

    #[test]
    fn a_quiet_tick_changes_nothing_visible_and_a_second_boundary_does() {
        let mut f = Feed::new();
        f.tick(50);
        assert!(!f.tick(60), "nothing moves within the same 100 ms");
        assert!(f.tick(1001), "the header's clock shows a new second");
    }

    /// In a flood most moves are counted, not told (`missed`): the rates
    /// count them too, or they would say a fraction of what happened.
    #[test]
    fn rates_count_the_moves_a_flood_only_counted() {
        let mut f = Feed::new();
        let mut e = Event::new(0, 0, 100, Kind::Put);
        e.t_ns = 1_000 * MS;
        f.rec(Body::Event(e));
        let mut e = Event::new(
            0,
            0,
            100,
            Kind::Missed {
                puts: 30_000,
                gets: 29_000,
            },
        );
        e.t_ns = 1_100 * MS;
        f.rec(Body::Event(e));
        assert_eq!(f.scene.rates(), (30_001, 29_000));
    }

    #[test]
    fn rates_count_the_moves_of_the_last_second_and_stay_small_in_a_flood() {
        let mut f = Feed::new();
        // 20,000 puts and 10,000 gets in 500 ms of stream time.
        for k in 0..30_000u64 {
            let (id, pid, kind) = if k % 3 == 2 {
                (2, 102, Kind::Get)
            } else {
                (0, 100, Kind::Put)
            };
            let mut e = Event::new(0, id, pid, kind);
            e.t_ns = 1_000 * MS + 10 * MS + k * 500_000 / 30;
            f.rec(Body::Event(e));
        }
        assert_eq!(f.scene.rates(), (20_000, 10_000));
        assert!(f.scene.fast());
        assert!(f.scene.recent.len() <= 501, "{}", f.scene.recent.len());
        // Still within the second of the first move, then past it.
        f.tick(1_000);
        assert_eq!(f.scene.rates(), (20_000, 10_000));
        f.tick(1_260);
        let (i, o) = f.scene.rates();
        assert!(i < 20_000 && o < 10_000 && i > 0, "{i} {o}");
        f.tick(1_600);
        assert_eq!(f.scene.rates(), (0, 0));
        assert!(f.scene.recent.is_empty());
    }

    #[test]
    fn the_depth_history_samples_every_100_ms_and_a_jump_of_years_fills_it_at_once() {
        let mut f = Feed::new();
        f.ev(
            0,
            Event::new(0, 0, 100, Kind::Put)
                .with_item("url_1")
                .with_seq(1),
        );
        f.tick(350);
        assert_eq!(f.scene.depth_history, [1, 1, 1]);
        f.tick(399);
        assert_eq!(f.scene.depth_history.len(), 3);
        f.tick(400);
        assert_eq!(f.scene.depth_history.len(), 4);
        // About 3 years of stream time: at once, and a full history.
        f.tick(100_000_000_000);
        assert_eq!(f.scene.depth_history.len(), HISTORY);
        assert!(f.scene.depth_history.iter().all(|&d| d == 1));
        f.tick(100_000_000_150);
        assert_eq!(f.scene.depth_history.len(), HISTORY);
    }

    #[test]
    fn a_killed_process_and_a_lost_item_become_notices() {
        let mut f = Feed::new();
        f.ev(
            10,
            Event::new(
                0,
                0,
                100,
                Kind::Exit {
                    ended: Ended::Signal(9),
                },
            ),
        );
        f.ev(
            11,
            Event::new(
                0,
                0,
                100,
                Kind::Recovered {
                    dead: 100,
                    by: 1,
                    held_lock: true,
                    lost: Some("url_4".into()),
                },
            ),
        );
        let ns: Vec<_> = f.scene.notices.iter().map(|(n, _)| n.clone()).collect();
        assert!(
            ns.iter().any(|n| matches!(n, Notice::Ended { .. })),
            "{ns:?}"
        );
        assert!(
            ns.iter()
                .any(|n| matches!(n, Notice::Lost { item, .. } if item == "url_4")),
            "{ns:?}"
        );
    }

    #[test]
    fn settings_echoed_by_the_supervisor_show_in_the_scene() {
        let mut f = Feed::new();
        f.ev(1, Event::new(0, u16::MAX, 1, Kind::Frozen));
        assert!(f.scene.frozen);
        f.ev(
            2,
            Event::new(0, u16::MAX, 1, Kind::MaxsizeSet { maxsize: 2 }),
        );
        assert_eq!(f.scene.maxsize, 2);
        f.ev(3, Event::new(0, u16::MAX, 1, Kind::Resumed));
        assert!(!f.scene.frozen);
        f.ev(4, Event::new(0, 0, 100, Kind::DelayScaled { scale: 1.5 }));
        assert_eq!(f.scene.world.proc(0).unwrap().scale, 1.5);
    }

    #[test]
    fn a_reader_reported_waiting_but_seen_sleeping_is_a_disagreement_after_a_while() {
        let mut f = Feed::new();
        f.ev(0, Event::new(0, 2, 102, Kind::GetWait));
        let row = KernelRow {
            proc: 2,
            pid: 102,
            state: 'S',
            wait: KernelWait::Sleeping,
            wchan: None,
        };
        let obs = |t: u64| Observation {
            t_ns: 1_000 * MS + t * MS,
            kernel: Some(vec![row.clone()]),
            ..Observation::default()
        };
        f.rec(Body::Observation(Box::new(obs(100))));
        assert!(!f.scene.disagreement(2), "one sample is not enough");
        f.rec(Body::Observation(Box::new(obs(500))));
        assert!(f.scene.disagreement(2));
    }

    #[test]
    fn the_parents_kernel_row_is_kept_apart_from_the_childrens() {
        let mut f = Feed::new();
        let row = |proc, wait| KernelRow {
            proc,
            pid: 102,
            state: 'S',
            wait,
            wchan: None,
        };
        let wait4 = KernelWait::WaitingOther("wait4".into());
        let obs = Observation {
            t_ns: 1_000 * MS,
            kernel: Some(vec![
                row(2, KernelWait::WaitingForData),
                row(SUPERVISOR, wait4.clone()),
            ]),
            ..Observation::default()
        };
        f.rec(Body::Observation(Box::new(obs)));
        assert_eq!(f.scene.kernel.len(), 1, "the children's rows only");
        assert_eq!(
            f.scene.parent_kernel.as_ref().map(|k| &k.wait),
            Some(&wait4)
        );
        // Not joining any more: no row for the parent.
        let obs = Observation {
            t_ns: 2_000 * MS,
            kernel: Some(vec![row(2, KernelWait::WaitingForData)]),
            ..Observation::default()
        };
        f.rec(Body::Observation(Box::new(obs)));
        assert_eq!(f.scene.parent_kernel, None);
    }

    #[test]
    fn a_timeout_right_after_resume_is_explained() {
        let mut f = Feed::new();
        f.ev(10, Event::new(0, u16::MAX, 1, Kind::Frozen));
        f.ev(5000, Event::new(0, u16::MAX, 1, Kind::Resumed));
        f.ev(5100, Event::new(0, 0, 100, Kind::FULL).with_item("url_9"));
        assert!(
            f.scene
                .notices
                .iter()
                .any(|(n, _)| matches!(n, Notice::TimeoutAfterResume { .. }))
        );
    }

    #[test]
    fn a_raise_at_once_right_after_resume_is_not_blamed_on_a_timeout() {
        use crate::stream::run::{Then, Wait};
        let mut f = Feed::new();
        f.ev(10, Event::new(0, u16::MAX, 1, Kind::Frozen));
        f.ev(5000, Event::new(0, u16::MAX, 1, Kind::Resumed));
        for wait in [Wait::Nowait, Wait::Timeout(0.0)] {
            let full = Kind::PutFull {
                wait: Some(wait),
                then: Then::Retry,
            };
            f.ev(5100, Event::new(0, 0, 100, full).with_item("url_9"));
        }
        assert!(
            !f.scene
                .notices
                .iter()
                .any(|(n, _)| matches!(n, Notice::TimeoutAfterResume { .. })),
            "block=False and timeout=0 have no timeout to run while frozen"
        );
    }

    #[test]
    fn what_a_process_did_is_the_further_of_its_events_and_its_exact_counter() {
        let mut f = Feed::new();
        for k in 1..=3 {
            f.ev(
                k,
                Event::new(0, 0, 100, Kind::Put).with_item("x").with_seq(k),
            );
        }
        let counters = |done| Observation {
            t_ns: 1_000 * MS + 10 * MS,
            counters: Some(vec![ProcCounters {
                proc: 0,
                done,
                ..ProcCounters::default()
            }]),
            ..Observation::default()
        };
        f.rec(Body::Observation(Box::new(counters(10))));
        let p = f.scene.world.proc(0).unwrap().clone();
        assert_eq!(f.scene.done(&p), 10, "a flood's unread puts still count");
        f.rec(Body::Observation(Box::new(counters(2))));
        assert_eq!(
            f.scene.done(&p),
            3,
            "a counter read before the latest events"
        );
    }

    #[test]
    fn a_new_run_record_starts_the_scene_afresh() {
        let mut f = Feed::new();
        f.ev(10, Event::new(0, 0, 100, Kind::Put).with_item("url_1"));
        f.rec(Body::Run(RunInfo {
            start_ns: 9_000 * MS,
            pid: 1,
            config: cfg(),
        }));
        assert!(f.scene.world.procs.is_empty());
        assert_eq!(f.scene.world.queue.puts, 0);
        assert_eq!(f.scene.run_ms(), 0);
    }
}
