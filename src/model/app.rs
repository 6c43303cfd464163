//! The visualizer's model: the world (from events), the latest observation
//! of the real objects (queue memory, kernel view, pipe buffer), and the
//! user's choices (selection, freeze, slow motion, overlays). Pure: events,
//! observations and intents go in with the time as a number; commands for
//! the supervisor come out as effects. Rendering only reads it.

use std::collections::{HashMap, VecDeque};

use nix::sys::signal::Signal;

use crate::config::{CounterConfig, Mode, PipeConfig, QueueConfig, RunConfig, Scenario};
use crate::ipc::queue::Snapshot;
use crate::model::world::{Activity, Proc, World};
use crate::proc::probe::KernelWait;
use crate::supervisor::{Command, KernelRow, PipeStats};
use crate::telemetry::event::{ChildId, Event, Kind, Role};
use crate::text;

/// Most lines the event log keeps.
pub const LOG_CAP: usize = 500;
/// Most items shown travelling at once; beyond it the view aggregates.
pub const MAX_FLIGHTS: usize = 24;
/// How long one travel lasts at normal speed (capped so the view never
/// falls behind the real state).
pub const FLIGHT_MS: u64 = 350;
/// An event this much older than the view's clock is counted, not listed
/// or animated (the view never falls further behind than this).
pub const STALE_MS: u64 = 100;
/// Depth history kept for the sparkline (one sample per 100 ms).
pub const HISTORY: usize = 240;
/// How long a notice stays on screen.
pub const NOTICE_MS: u64 = 6000;
/// Maxsize steps for `m` / `M` (0 = unbounded, the last step).
pub const MAXSIZE_STEPS: [u32; 13] = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 0];

/// What the user asks for (keys and clicks map to these in one place).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    AddWriter,
    RemoveWriter,
    AddReader,
    RemoveReader,
    /// Writers (or the selected process) faster / slower.
    Faster,
    Slower,
    MaxsizeDown,
    MaxsizeUp,
    /// Freeze the world (SIGSTOP) or resume it.
    ToggleFreeze,
    /// Freeze only the view.
    ToggleViewFreeze,
    /// While frozen: the selected process performs one operation.
    Step,
    SelectPrev,
    SelectNext,
    Select(ChildId),
    ClearSelection,
    Kill,
    Terminate,
    Restart,
    Switch(ScenarioKind),
    /// Slow motion: more / less.
    SlowMore,
    SlowLess,
    ToggleHelp,
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScenarioKind {
    Queue,
    Pipe,
    Counter,
}

impl ScenarioKind {
    pub fn of(s: &Scenario) -> ScenarioKind {
        match s {
            Scenario::Queue(_) => ScenarioKind::Queue,
            Scenario::Pipe(_) => ScenarioKind::Pipe,
            Scenario::Counter(_) => ScenarioKind::Counter,
        }
    }
}

/// What the app loop must do for the model.
#[derive(Debug, Clone)]
pub enum Effect {
    Do(Command),
    /// Stop this run and start this one.
    Restart(RunConfig),
    Quit,
}

/// The latest reading of the real objects, taken by the app loop.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observation {
    pub queue: Option<Snapshot>,
    /// `None` when this observation did not sample the kernel.
    pub kernel: Option<Vec<KernelRow>>,
    pub pipe: Option<PipeStats>,
    pub value: Option<i64>,
    pub lag_ms: u64,
    pub dropped: u64,
    pub late: u64,
    pub frozen: bool,
}

/// Where a travelling item starts or ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Spot {
    Proc(ChildId),
    QueueTail,
    QueueHead,
    PipeIn,
    PipeOut,
}

/// An item on its way, drawn by interpolating between its spots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flight {
    pub label: String,
    pub from: Spot,
    pub to: Spot,
    pub start_ms: u64,
    pub dur_ms: u64,
    /// The process that moved it (for its colour).
    pub by: ChildId,
}

impl Flight {
    /// Progress 0..=1 at `now_ms`.
    pub fn progress(&self, now_ms: u64) -> f64 {
        if self.dur_ms == 0 {
            return 1.0;
        }
        (now_ms.saturating_sub(self.start_ms) as f64 / self.dur_ms as f64).clamp(0.0, 1.0)
    }
}

/// One line of the event log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    pub t_ms: u64,
    /// The process the line is about (for its colour); `None`: the supervisor.
    pub child: Option<ChildId>,
    pub text: String,
}

/// A message about a consequence, shown for a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub until_ms: u64,
}

/// A process's state as the kernel shows it, with how long the report and
/// the kernel have disagreed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelState {
    pub row: KernelRow,
    /// Since when (ms) the kernel view contradicts the process's report.
    pub disagree_since: Option<u64>,
}

/// The whole visualizer state.
#[derive(Debug, Clone)]
pub struct App {
    /// The run being shown.
    pub cfg: RunConfig,
    /// Per-scenario settings kept for `n` and `1`/`2`/`3`.
    pub configs: HashMap<ScenarioKind, Scenario>,
    pub world: World,
    pub cx: text::Context,
    pub obs: Observation,
    pub kernel: HashMap<ChildId, KernelState>,
    pub now_ms: u64,
    pub selected: Option<ChildId>,
    pub help: bool,
    pub frozen: bool,
    pub view_frozen: bool,
    pub slow_motion: f64,
    pub scales: HashMap<ChildId, f64>,
    pub maxsize: u32,
    pub log: VecDeque<LogLine>,
    pub flights: Vec<Flight>,
    /// Moves not animated because too many were in flight.
    pub unanimated: u64,
    /// Routine events counted but not listed, because they arrived late.
    pub unlisted: u64,
    last_behind_ms: u64,
    /// Event times (ms) of the last second, for the "fast" marker and rates.
    recent: VecDeque<(u64, Kind2)>,
    pub depth_history: VecDeque<u32>,
    last_history_ms: u64,
    pub notices: VecDeque<Notice>,
    resumed_at_ms: Option<u64>,
    /// Something changed since the last draw.
    pub dirty: bool,
    pub quit: bool,
}

/// Event kinds counted for rates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind2 {
    In,
    Out,
}

impl App {
    pub fn new(cfg: RunConfig) -> App {
        let mut configs = HashMap::new();
        configs.insert(
            ScenarioKind::Queue,
            Scenario::Queue(QueueConfig::defaults(Mode::Tui)),
        );
        configs.insert(
            ScenarioKind::Pipe,
            Scenario::Pipe(PipeConfig::defaults(Mode::Tui)),
        );
        configs.insert(
            ScenarioKind::Counter,
            Scenario::Counter(CounterConfig::defaults(Mode::Tui)),
        );
        configs.insert(ScenarioKind::of(&cfg.scenario), cfg.scenario.clone());
        let mut app = App {
            cfg: cfg.clone(),
            configs,
            world: World::new(0),
            cx: text::Context::default(),
            obs: Observation::default(),
            kernel: HashMap::new(),
            now_ms: 0,
            selected: None,
            help: false,
            frozen: false,
            view_frozen: false,
            slow_motion: 1.0,
            scales: HashMap::new(),
            maxsize: 0,
            log: VecDeque::new(),
            flights: Vec::new(),
            unanimated: 0,
            unlisted: 0,
            last_behind_ms: 0,
            recent: VecDeque::new(),
            depth_history: VecDeque::new(),
            last_history_ms: 0,
            notices: VecDeque::new(),
            resumed_at_ms: None,
            dirty: true,
            quit: false,
        };
        app.reset_for(&cfg);
        app
    }

    /// Fresh state for a (re)started run.
    fn reset_for(&mut self, cfg: &RunConfig) {
        let keep_slow = self.slow_motion;
        let configs = std::mem::take(&mut self.configs);
        *self = App {
            cfg: cfg.clone(),
            configs,
            world: World::new(0),
            cx: text::Context::for_run(cfg),
            obs: Observation::default(),
            kernel: HashMap::new(),
            now_ms: self.now_ms,
            selected: None,
            help: false,
            frozen: false,
            view_frozen: false,
            slow_motion: keep_slow,
            scales: HashMap::new(),
            maxsize: match &cfg.scenario {
                Scenario::Queue(q) => q.maxsize,
                _ => 0,
            },
            log: VecDeque::new(),
            flights: Vec::new(),
            unanimated: 0,
            unlisted: 0,
            last_behind_ms: 0,
            recent: VecDeque::new(),
            depth_history: VecDeque::new(),
            last_history_ms: self.now_ms,
            notices: VecDeque::new(),
            resumed_at_ms: None,
            dirty: true,
            quit: false,
        };
    }

    /// Called by the app loop after it restarted the supervisor.
    pub fn restarted(&mut self, cfg: &RunConfig) {
        self.reset_for(cfg);
    }

    pub fn scenario(&self) -> ScenarioKind {
        ScenarioKind::of(&self.cfg.scenario)
    }

    /// Tells the model when the run started (CLOCK_MONOTONIC ns), so times
    /// in events line up with the run clock.
    pub fn set_start_ns(&mut self, ns: u64) {
        self.world.start_ns = ns;
    }

    /// Now on the events' clock (CLOCK_MONOTONIC ns): the run start plus the
    /// run clock. A wait still in progress is measured against it.
    pub fn now_ns(&self) -> u64 {
        self.world.start_ns + self.now_ms * 1_000_000
    }

    /// Run time shown in the header, in ms.
    pub fn run_ms(&self) -> u64 {
        self.now_ms
    }

    // ------------------------------------------------------------ time --

    /// Advances the clock (ms since the run started); drops finished
    /// flights and old notices.
    pub fn tick(&mut self, now_ms: u64) {
        if now_ms / 1000 != self.now_ms / 1000 {
            self.dirty = true; // the header's clock
        }
        self.now_ms = self.now_ms.max(now_ms);
        let before = (self.flights.len(), self.notices.len());
        let now = self.now_ms;
        self.flights.retain(|f| now < f.start_ms + f.dur_ms);
        self.notices.retain(|n| n.until_ms > now);
        while self.recent.front().is_some_and(|(t, _)| *t + 1000 < now) {
            self.recent.pop_front();
        }
        if (self.flights.len(), self.notices.len()) != before {
            self.dirty = true;
        }
        if now >= self.last_history_ms + 100 {
            self.last_history_ms = now;
            self.depth_history.push_back(self.depth());
            while self.depth_history.len() > HISTORY {
                self.depth_history.pop_front();
            }
        }
    }

    /// Whether anything is moving (the loop then draws every frame).
    pub fn animating(&self) -> bool {
        !self.flights.is_empty()
    }

    // ---------------------------------------------------------- events --

    /// Folds in one event that happened at `t_ms` (ms since the run start).
    pub fn apply_event(&mut self, ev: &Event, t_ms: u64) {
        self.dirty = true;
        // Behind the real state: count it, do not list or animate it, so
        // the view catches up instead of lagging more and more.
        if self.now_ms > t_ms + STALE_MS && routine(&ev.kind) {
            self.world.apply(ev);
            self.unlisted += 1;
            self.last_behind_ms = self.now_ms;
            let k = if matches!(ev.kind, Kind::Get | Kind::Recv) {
                Kind2::Out
            } else {
                Kind2::In
            };
            if matches!(ev.kind, Kind::Put | Kind::Get | Kind::Send | Kind::Recv) {
                self.recent.push_back((self.now_ms, k));
            }
            return;
        }
        self.world.apply(ev);
        if let Some(line) = text::line(ev, &self.world, &self.cx) {
            self.log.push_back(LogLine {
                t_ms,
                child: self.world.proc(ev.child).map(|p| p.id),
                text: line,
            });
            while self.log.len() > LOG_CAP {
                self.log.pop_front();
            }
        }
        let now = self.now_ms;
        let flight = |from, to| Flight {
            label: ev.item.clone().unwrap_or_default(),
            from,
            to,
            start_ms: now,
            dur_ms: FLIGHT_MS,
            by: ev.child,
        };
        match &ev.kind {
            Kind::Put => {
                self.recent.push_back((now, Kind2::In));
                self.launch(flight(Spot::Proc(ev.child), Spot::QueueTail));
            }
            Kind::Get => {
                self.recent.push_back((now, Kind2::Out));
                self.launch(flight(Spot::QueueHead, Spot::Proc(ev.child)));
            }
            Kind::Send => {
                self.recent.push_back((now, Kind2::In));
                self.launch(flight(Spot::Proc(ev.child), Spot::PipeIn));
            }
            Kind::Recv => {
                self.recent.push_back((now, Kind2::Out));
                self.launch(flight(Spot::PipeOut, Spot::Proc(ev.child)));
            }
            Kind::Count { .. } => self.recent.push_back((now, Kind2::In)),
            Kind::Exit {
                signal: Some(s), ..
            } => {
                let name = self.name(ev.child);
                self.notice(format!(
                    "{name} (Process {}) was {} by {}.",
                    ev.pid,
                    if *s == libc::SIGKILL {
                        "killed"
                    } else {
                        "terminated"
                    },
                    text::signal_name(*s)
                ));
            }
            Kind::LockRecovered { dead, lost } | Kind::Recovered { dead, lost } => {
                let who = self.world.name_of(*dead);
                match lost {
                    Some(item) => self.notice(format!(
                        "{item} was lost with {who} (Process {dead}); the queue goes on."
                    )),
                    None if matches!(ev.kind, Kind::LockRecovered { .. }) => self.notice(format!(
                        "{who} (Process {dead}) died holding the queue lock; the next process repaired it."
                    )),
                    None => {}
                }
            }
            Kind::PutFull | Kind::GetEmpty
                if self.resumed_at_ms.is_some_and(|r| now <= r + 1000) =>
            {
                let name = self.name(ev.child);
                let what = if ev.kind == Kind::PutFull {
                    "put raised queue.Full"
                } else {
                    "get raised queue.Empty"
                };
                self.notice(format!(
                    "{name}'s {what} right after resuming: its timeout kept running while \
                     the world was frozen, as Python's would under SIGSTOP."
                ));
            }
            _ => {}
        }
    }

    fn launch(&mut self, f: Flight) {
        if self.flights.len() >= MAX_FLIGHTS {
            self.unanimated += 1;
            return;
        }
        let dur = ((FLIGHT_MS as f64) * self.slow_motion.min(3.0)) as u64;
        self.flights.push(Flight { dur_ms: dur, ..f });
    }

    fn notice(&mut self, text: String) {
        self.notices.push_back(Notice {
            text,
            until_ms: self.now_ms + NOTICE_MS,
        });
        while self.notices.len() > 4 {
            self.notices.pop_front();
        }
        self.dirty = true;
    }

    fn name(&self, id: ChildId) -> String {
        self.world
            .proc(id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| format!("child {id}"))
    }

    /// Items per second in (put/sent) and out (got/received) over the last second.
    pub fn rates(&self) -> (usize, usize) {
        let i = self.recent.iter().filter(|(_, k)| *k == Kind2::In).count();
        (i, self.recent.len() - i)
    }

    /// Events come faster than they can be animated.
    pub fn fast(&self) -> bool {
        self.unanimated > 0 && self.flights.len() >= MAX_FLIGHTS
            || self.recent.len() > 2 * MAX_FLIGHTS
            || self.unlisted > 0 && self.now_ms < self.last_behind_ms + 1000
    }

    /// Queue depth: from the queue's memory when observed, else the events.
    pub fn depth(&self) -> u32 {
        self.obs
            .queue
            .as_ref()
            .map_or(self.world.queue.depth, |s| s.depth as u32)
    }

    // ---------------------------------------------------- observations --

    /// Takes in a reading of the real objects. Parts not sampled this time
    /// (`kernel`, `pipe`: `None`) keep their last reading. Marks the screen
    /// for redrawing only when something visible changed.
    pub fn observe(&mut self, obs: Observation) {
        let mut changed = false;
        if let Some(rows) = &obs.kernel {
            let now = self.now_ms;
            let mut next = HashMap::new();
            for row in rows {
                let prev = self.kernel.get(&row.id).and_then(|k| k.disagree_since);
                let disagree = self
                    .world
                    .proc(row.id)
                    .is_some_and(|p| disagrees(p, &row.wait));
                next.insert(
                    row.id,
                    KernelState {
                        row: row.clone(),
                        disagree_since: if disagree {
                            Some(prev.unwrap_or(now))
                        } else {
                            None
                        },
                    },
                );
            }
            // A disagreement becomes visible some time after it starts.
            changed |= next != self.kernel || next.values().any(|k| k.disagree_since.is_some());
            self.kernel = next;
        }
        if obs.frozen != self.frozen {
            if !obs.frozen {
                self.resumed_at_ms = Some(self.now_ms);
            }
            self.frozen = obs.frozen;
        }
        if let Some(q) = &obs.queue {
            self.maxsize = q.maxsize as u32;
        }
        let next = Observation {
            kernel: obs.kernel.or_else(|| self.obs.kernel.take()),
            pipe: obs.pipe.or_else(|| self.obs.pipe.take()),
            ..obs
        };
        changed |= next != self.obs;
        self.obs = next;
        if changed {
            self.dirty = true;
        }
    }

    /// The kernel's view of `id`, if sampled.
    pub fn kernel_of(&self, id: ChildId) -> Option<&KernelState> {
        self.kernel.get(&id)
    }

    /// Whether the report and the kernel have disagreed long enough to say so
    /// (a single sample can catch a process between the two).
    pub fn disagreement(&self, id: ChildId) -> bool {
        self.kernel
            .get(&id)
            .and_then(|k| k.disagree_since)
            .is_some_and(|s| self.now_ms >= s + 300)
    }

    // --------------------------------------------------------- intents --

    /// Processes in display order (the processes panel and ↑/↓ follow it).
    pub fn display_order(&self) -> Vec<&Proc> {
        let rank = |r: Role| match r {
            Role::Writer | Role::Sender | Role::Counter => 0,
            Role::Reader | Role::Receiver => 1,
            Role::Supervisor => 2,
        };
        let mut v: Vec<&Proc> = self.world.procs.iter().collect();
        v.sort_by_key(|p| (rank(p.role), p.id));
        v
    }

    pub fn update(&mut self, intent: Intent) -> Vec<Effect> {
        self.dirty = true;
        let kind = self.scenario();
        let mut fx = Vec::new();
        match intent {
            Intent::Quit => {
                self.quit = true;
                fx.push(Effect::Quit);
            }
            Intent::ToggleHelp => self.help = !self.help,
            Intent::AddWriter => match kind {
                ScenarioKind::Queue => fx.push(Effect::Do(Command::AddWriter)),
                ScenarioKind::Counter => fx.push(Effect::Do(Command::AddCounter)),
                ScenarioKind::Pipe => self.not_here("+ (add a writer)"),
            },
            Intent::RemoveWriter => match kind {
                ScenarioKind::Queue if self.world.live(Role::Writer) > 0 => {
                    fx.push(Effect::Do(Command::RemoveWriter))
                }
                ScenarioKind::Counter if self.world.live(Role::Counter) > 0 => {
                    fx.push(Effect::Do(Command::RemoveCounter))
                }
                ScenarioKind::Pipe => self.not_here("- (remove a writer)"),
                _ => self.notice("There is no process of that kind left to remove.".into()),
            },
            Intent::AddReader => match kind {
                ScenarioKind::Queue => fx.push(Effect::Do(Command::AddReader)),
                _ => self.not_here("r (add a reader)"),
            },
            Intent::RemoveReader => match kind {
                ScenarioKind::Queue if self.world.live(Role::Reader) > 0 => {
                    fx.push(Effect::Do(Command::RemoveReader))
                }
                ScenarioKind::Queue => self.notice("There is no reader left to remove.".into()),
                _ => self.not_here("R (remove a reader)"),
            },
            Intent::Faster | Intent::Slower => {
                let factor = if intent == Intent::Faster {
                    1.0 / 1.5
                } else {
                    1.5
                };
                let targets: Vec<ChildId> = match self.selected {
                    Some(id) => vec![id],
                    None => self
                        .world
                        .procs
                        .iter()
                        .filter(|p| p.alive() && matches!(p.role, Role::Writer | Role::Sender))
                        .map(|p| p.id)
                        .collect(),
                };
                for id in targets {
                    let s =
                        (self.scales.get(&id).copied().unwrap_or(1.0) * factor).clamp(0.05, 20.0);
                    self.scales.insert(id, s);
                    fx.push(Effect::Do(Command::SetDelayScale(Some(id), s)));
                }
            }
            Intent::MaxsizeDown | Intent::MaxsizeUp => {
                if kind != ScenarioKind::Queue {
                    self.not_here("m/M (maxsize)");
                } else {
                    let pos = MAXSIZE_STEPS
                        .iter()
                        .position(|&m| m == self.maxsize)
                        .unwrap_or_else(|| {
                            MAXSIZE_STEPS
                                .iter()
                                .position(|&m| m != 0 && m >= self.maxsize)
                                .unwrap_or(MAXSIZE_STEPS.len() - 1)
                        });
                    let next = if intent == Intent::MaxsizeDown {
                        pos.saturating_sub(1)
                    } else {
                        (pos + 1).min(MAXSIZE_STEPS.len() - 1)
                    };
                    self.maxsize = MAXSIZE_STEPS[next];
                    fx.push(Effect::Do(Command::SetMaxsize(self.maxsize)));
                }
            }
            Intent::ToggleFreeze => {
                if self.frozen {
                    fx.push(Effect::Do(Command::Resume));
                } else {
                    fx.push(Effect::Do(Command::Freeze));
                }
            }
            Intent::ToggleViewFreeze => self.view_frozen = !self.view_frozen,
            Intent::Step => match (self.frozen, self.selected) {
                (true, Some(id)) if self.world.proc(id).is_some_and(|p| p.alive()) => {
                    fx.push(Effect::Do(Command::Step(id)))
                }
                (true, _) => {
                    self.notice("Select a living process (up/down) to let it step.".into())
                }
                (false, _) => self.notice(
                    "Freeze the world first (space), then step one process with '.'.".into(),
                ),
            },
            Intent::SelectPrev | Intent::SelectNext => {
                let order: Vec<ChildId> = self.display_order().iter().map(|p| p.id).collect();
                if !order.is_empty() {
                    let cur = self
                        .selected
                        .and_then(|s| order.iter().position(|&i| i == s));
                    let n = order.len();
                    let next = match (cur, intent) {
                        (None, Intent::SelectNext) => 0,
                        (None, _) => n - 1,
                        (Some(i), Intent::SelectNext) => (i + 1) % n,
                        (Some(i), _) => (i + n - 1) % n,
                    };
                    self.selected = Some(order[next]);
                }
            }
            Intent::Select(id) => self.selected = Some(id),
            Intent::ClearSelection => self.selected = None,
            Intent::Kill | Intent::Terminate => {
                let sig = if intent == Intent::Kill {
                    Signal::SIGKILL
                } else {
                    Signal::SIGTERM
                };
                match self.selected {
                    Some(id) if self.world.proc(id).is_some_and(|p| p.alive()) => {
                        fx.push(Effect::Do(Command::Signal(id, sig)))
                    }
                    _ => self.notice("Select a living process first (up/down or a click).".into()),
                }
            }
            Intent::Restart => fx.push(Effect::Restart(self.cfg.clone())),
            Intent::Switch(k) => {
                let scenario = self
                    .configs
                    .get(&k)
                    .cloned()
                    .unwrap_or_else(|| self.cfg.scenario.clone());
                fx.push(Effect::Restart(RunConfig {
                    scenario,
                    ..self.cfg.clone()
                }));
            }
            Intent::SlowMore | Intent::SlowLess => {
                let f = if intent == Intent::SlowMore {
                    1.5
                } else {
                    1.0 / 1.5
                };
                self.slow_motion = (self.slow_motion * f).clamp(0.1, 20.0);
                if (self.slow_motion - 1.0).abs() < 0.05 {
                    self.slow_motion = 1.0;
                }
                fx.push(Effect::Do(Command::SetSlowMotion(self.slow_motion)));
            }
        }
        fx
    }

    fn not_here(&mut self, key: &str) {
        let scenario = self.cfg.scenario.name();
        self.notice(format!("{key} does not apply to the {scenario} scenario."));
    }
}

/// The frequent events a flood is made of (rare ones, such as exits and
/// recoveries, are always listed).
fn routine(k: &Kind) -> bool {
    matches!(
        k,
        Kind::Put
            | Kind::Get
            | Kind::Send
            | Kind::Recv
            | Kind::PutWait
            | Kind::GetWait
            | Kind::SendWait
            | Kind::RecvWait
            | Kind::PutFull
            | Kind::GetEmpty
            | Kind::Count { .. }
    )
}

/// Whether the kernel contradicts what the process reported: it says it is
/// blocked on data but the kernel shows it not waiting for data, and so on.
/// A stopped process (frozen) contradicts nothing.
fn disagrees(p: &Proc, k: &KernelWait) -> bool {
    if matches!(
        k,
        KernelWait::Stopped | KernelWait::Gone | KernelWait::Zombie
    ) {
        return false;
    }
    match &p.activity {
        Activity::WaitingToGet { .. } | Activity::WaitingToRecv { .. } => {
            !matches!(k, KernelWait::WaitingForData | KernelWait::Running)
        }
        Activity::WaitingToPut { .. } | Activity::WaitingToSend { .. } => {
            !matches!(k, KernelWait::WaitingForSpace | KernelWait::Running)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ipc::queue::{Item, QueuedItem};

    fn cfg() -> RunConfig {
        RunConfig {
            scenario: Scenario::Queue(QueueConfig::defaults(Mode::Tui)),
            seed: 1,
            mode: Mode::Tui,
            trace: None,
            record: None,
            ascii: false,
        }
    }

    fn spawn(app: &mut App, id: ChildId, pid: i32, name: &str, role: Role) {
        app.apply_event(
            &Event::new(
                0,
                id,
                pid,
                Kind::Spawn {
                    name: name.into(),
                    role,
                },
            ),
            0,
        );
    }

    fn lesson() -> App {
        let mut app = App::new(cfg());
        spawn(&mut app, 0, 100, "writer-1", Role::Writer);
        spawn(&mut app, 1, 101, "writer-2", Role::Writer);
        spawn(&mut app, 2, 102, "reader-1", Role::Reader);
        app
    }

    #[test]
    fn a_put_launches_a_flight_to_the_queue_tail_and_logs_the_lesson_line() {
        let mut app = lesson();
        app.tick(1000);
        app.apply_event(
            &Event::new(0, 0, 100, Kind::Put)
                .with_item("url_1")
                .with_depth(1),
            1000,
        );
        assert_eq!(app.flights.len(), 1);
        assert_eq!(app.flights[0].from, Spot::Proc(0));
        assert_eq!(app.flights[0].to, Spot::QueueTail);
        assert_eq!(app.log.back().unwrap().text, "Put url_1 to queue...");
        app.tick(1000 + FLIGHT_MS + 1);
        assert!(app.flights.is_empty(), "flights end on time");
    }

    #[test]
    fn a_flood_of_events_aggregates_instead_of_queueing_animations() {
        let mut app = lesson();
        for n in 0..200 {
            app.apply_event(
                &Event::new(0, 0, 100, Kind::Put).with_item(format!("url_{n}")),
                0,
            );
        }
        assert_eq!(app.flights.len(), MAX_FLIGHTS);
        assert_eq!(app.unanimated, 200 - MAX_FLIGHTS as u64);
        assert!(app.fast());
        assert_eq!(app.rates().0, 200);
    }

    #[test]
    fn late_routine_events_are_counted_not_listed_and_the_view_says_fast() {
        let mut app = lesson();
        app.tick(5000);
        let before = app.log.len();
        app.apply_event(&Event::new(0, 0, 100, Kind::Put).with_item("url_1"), 1000);
        assert_eq!(app.world.queue.puts, 1, "counted");
        assert_eq!(app.log.len(), before, "not listed");
        assert!(app.flights.is_empty(), "not animated");
        assert!(app.fast());
        // A rare event is listed even when late.
        app.apply_event(
            &Event::new(
                0,
                2,
                102,
                Kind::Exit {
                    code: None,
                    signal: Some(9),
                },
            ),
            1000,
        );
        assert_eq!(app.log.len(), before + 1);
    }

    #[test]
    fn blocking_and_unblocking_show_in_the_world() {
        let mut app = lesson();
        app.apply_event(&Event::new(5, 2, 102, Kind::GetWait), 0);
        assert!(matches!(
            app.world.proc(2).unwrap().activity,
            Activity::WaitingToGet { .. }
        ));
        app.apply_event(&Event::new(9, 2, 102, Kind::Get).with_item("url_1"), 0);
        assert_eq!(app.world.proc(2).unwrap().activity, Activity::Active);
    }

    #[test]
    fn kill_needs_a_selection_and_signals_the_selected_process() {
        let mut app = lesson();
        assert!(app.update(Intent::Kill).is_empty());
        assert!(app.notices.back().unwrap().text.contains("Select"));
        app.update(Intent::SelectNext);
        assert_eq!(app.selected, Some(0));
        let fx = app.update(Intent::Kill);
        assert!(matches!(
            fx[..],
            [Effect::Do(Command::Signal(0, Signal::SIGKILL))]
        ));
    }

    #[test]
    fn a_kill_names_the_item_lost_with_the_process() {
        let mut app = lesson();
        app.apply_event(
            &Event::new(
                1,
                2,
                102,
                Kind::Exit {
                    code: None,
                    signal: Some(9),
                },
            ),
            0,
        );
        app.apply_event(
            &Event::new(
                2,
                2,
                102,
                Kind::Recovered {
                    dead: 102,
                    lost: Some("url_4".into()),
                },
            ),
            0,
        );
        let texts: Vec<_> = app.notices.iter().map(|n| n.text.as_str()).collect();
        assert!(
            texts.iter().any(|t| t.contains("killed by SIGKILL")),
            "{texts:?}"
        );
        assert!(
            texts
                .iter()
                .any(|t| t.contains("url_4 was lost with reader-1")),
            "{texts:?}"
        );
    }

    #[test]
    fn maxsize_steps_down_from_unbounded_and_back_up() {
        let mut app = lesson();
        assert_eq!(app.maxsize, 0);
        let fx = app.update(Intent::MaxsizeDown);
        assert!(matches!(fx[..], [Effect::Do(Command::SetMaxsize(32))]));
        app.update(Intent::MaxsizeUp);
        assert_eq!(app.maxsize, 0);
        for _ in 0..20 {
            app.update(Intent::MaxsizeDown);
        }
        assert_eq!(app.maxsize, 1);
    }

    #[test]
    fn maxsize_from_the_queue_memory_wins_over_the_last_request() {
        let mut app = lesson();
        app.observe(Observation {
            queue: Some(Snapshot {
                depth: 2,
                maxsize: 2,
                capacity: 65536,
                items: vec![QueuedItem {
                    item: Item::new("url_1", 1, 1),
                    put_seq: 1,
                    put_pid: 100,
                    put_ts_ns: 0,
                }],
                ..Snapshot::default()
            }),
            ..Observation::default()
        });
        assert_eq!(app.maxsize, 2);
        assert_eq!(app.depth(), 2);
    }

    #[test]
    fn freeze_then_step_sends_step_to_the_selected_process() {
        let mut app = lesson();
        let fx = app.update(Intent::ToggleFreeze);
        assert!(matches!(fx[..], [Effect::Do(Command::Freeze)]));
        assert!(
            app.update(Intent::Step).is_empty(),
            "not frozen yet: nothing to step"
        );
        app.observe(Observation {
            frozen: true,
            ..Observation::default()
        });
        app.update(Intent::Select(2));
        let fx = app.update(Intent::Step);
        assert!(matches!(fx[..], [Effect::Do(Command::Step(2))]));
        let fx = app.update(Intent::ToggleFreeze);
        assert!(matches!(fx[..], [Effect::Do(Command::Resume)]));
    }

    #[test]
    fn a_timeout_right_after_resume_is_explained() {
        let mut app = lesson();
        app.observe(Observation {
            frozen: true,
            ..Observation::default()
        });
        app.tick(5000);
        app.observe(Observation {
            frozen: false,
            ..Observation::default()
        });
        app.apply_event(
            &Event::new(0, 0, 100, Kind::PutFull).with_item("url_9"),
            5000,
        );
        assert!(
            app.notices
                .back()
                .unwrap()
                .text
                .contains("timeout kept running")
        );
    }

    #[test]
    fn keys_outside_the_queue_scenario_say_they_do_not_apply() {
        let mut c = cfg();
        c.scenario = Scenario::Pipe(PipeConfig::defaults(Mode::Tui));
        let mut app = App::new(c);
        assert!(app.update(Intent::AddWriter).is_empty());
        assert!(
            app.notices
                .back()
                .unwrap()
                .text
                .contains("does not apply to the pipe scenario")
        );
    }

    #[test]
    fn switching_scenario_keeps_the_options_given_for_it() {
        let mut c = cfg();
        let mut p = PipeConfig::defaults(Mode::Tui);
        p.messages = 42;
        c.scenario = Scenario::Pipe(p.clone());
        let mut app = App::new(c);
        app.update(Intent::Switch(ScenarioKind::Queue));
        let fx = app.update(Intent::Switch(ScenarioKind::Pipe));
        match &fx[..] {
            [Effect::Restart(rc)] => assert_eq!(rc.scenario, Scenario::Pipe(p)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn selection_cycles_through_processes_in_display_order() {
        let mut app = lesson();
        app.update(Intent::SelectPrev);
        assert_eq!(app.selected, Some(2), "readers come last");
        app.update(Intent::SelectNext);
        assert_eq!(app.selected, Some(0));
    }

    #[test]
    fn a_reader_reported_waiting_but_seen_sleeping_is_a_disagreement_after_a_while() {
        let mut app = lesson();
        app.apply_event(&Event::new(0, 2, 102, Kind::GetWait), 0);
        let row = KernelRow {
            id: 2,
            pid: 102,
            state: 'S',
            wait: KernelWait::Sleeping,
            wchan: None,
        };
        app.tick(100);
        app.observe(Observation {
            kernel: Some(vec![row.clone()]),
            ..Observation::default()
        });
        assert!(!app.disagreement(2), "one sample is not enough");
        app.tick(500);
        app.observe(Observation {
            kernel: Some(vec![row]),
            ..Observation::default()
        });
        assert!(app.disagreement(2));
    }
}
