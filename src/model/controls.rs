//! The user's side: what they selected, which overlays are open, and how
//! their intents (keys and clicks, mapped in one place) become commands to
//! the world or to the replay's timeline. Pure: intents and the scene go
//! in, effects come out. Not part of the recording.

use std::collections::{HashMap, VecDeque};

use super::scene::Scene;
use crate::stream::run::{
    CounterConfig, Mode, PipeConfig, Policy, QueueConfig, RunConfig, Scenario,
};
use crate::stream::{Command, ProcId, Role, Sig};

/// How long a hint stays on screen.
pub const HINT_NS: u64 = 4_000_000_000;
/// Maxsize steps for `m` / `M` (0 = unbounded, the last step).
pub const MAXSIZE_STEPS: [u32; 13] = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 32, 0];

/// What the user asks for (keys and clicks map to these in one place).
#[derive(Debug, Clone, Copy, PartialEq)]
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
    Select(ProcId),
    /// Close the open overlay, else clear the selection (Esc).
    Back,
    Kill,
    Terminate,
    Restart,
    Switch(ScenarioKind),
    /// Slow motion: more / less.
    SlowMore,
    SlowLess,
    ToggleHelp,
    /// The replay's timeline.
    Timeline(TimelineCmd),
    /// Show or hide the program beside the stage.
    ToggleCode,
    /// A lesson: the next / previous scene.
    NextScene,
    PrevScene,
    /// A lesson: the class answers (a digit, from 1).
    Answer(usize),
    /// A lesson: the teacher skips the question.
    SkipQuestion,
    Quit,
    /// The parent closes its copy of the pipe's send end (`x`).
    CloseParentEnd,
    /// The selected pipe end tries the wrong direction (`w`).
    WrongWay,
    /// The counters take the Value's lock, or stop taking it, live.
    ToggleLock,
    /// The selected process's role (writers' puts, readers' gets) waits
    /// the next way: block, a timeout, a timeout of 0, `block=False` (`b`).
    CycleWait,
    /// The selected process's role retries after `queue.Full` /
    /// `queue.Empty`, or gives up (`e`, for its `except` clause).
    ToggleThen,
}

/// What a replay's timeline can be asked.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TimelineCmd {
    PlayPause,
    /// One event forward / back.
    StepForward,
    StepBack,
    /// Seek by this many seconds (negative: back).
    SeekBy(f64),
    SeekStart,
    SeekEnd,
    /// Seek to this fraction of the recording (a click on the bar).
    SeekFraction(f64),
    Faster,
    Slower,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScenarioKind {
    Queue,
    Pipe,
    Counter,
    /// A watched Python program (`ipcscope run`).
    Program,
}

impl ScenarioKind {
    pub fn of(s: &Scenario) -> ScenarioKind {
        match s {
            Scenario::Queue(_) => ScenarioKind::Queue,
            Scenario::Pipe(_) => ScenarioKind::Pipe,
            Scenario::Counter(_) => ScenarioKind::Counter,
            Scenario::Program(_) => ScenarioKind::Program,
        }
    }
}

/// What the loop must do for the controls.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Do(Command),
    Timeline(TimelineCmd),
    Quit,
}

/// A short answer to a key, shown for a while (not recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hint {
    /// The key does not apply to this scenario.
    NotHere {
        key: &'static str,
        scenario: ScenarioKind,
    },
    NothingToRemove,
    NoReaderToRemove,
    SelectLiving,
    SelectToStep,
    FreezeFirst,
    /// The scale changes nothing: the process's delay is 0.
    NothingToSlow {
        name: String,
    },
    /// A replay cannot change what happened.
    Replay,
    /// Timeline keys work only in a replay.
    NotAReplay,
    /// A command failed (the OS's words).
    Failed {
        what: String,
    },
    /// A problem the source reports (e.g. a recording that cannot be written).
    Problem {
        what: String,
    },
    /// Scene keys work in a lesson (`ipcscope lesson NAME`).
    NotALesson,
    /// A lesson keeps its scenario: no switching with 1/2/3.
    LessonKeepsScenario,
    /// No program the code panel could show is this run.
    NoProgram,
    /// `x`: the parent holds no copy of the send end; who does, as the
    /// kernel last showed it: each holder's name (`None`: the parent) and
    /// PID.
    NothingToClose {
        holders: Vec<(Option<String>, i32)>,
    },
    /// `w` on a duplex pipe: both ends send and receive.
    NoWrongWay,
    /// `w` on a blocked process: it tries once its call returns.
    WrongWayLater {
        name: String,
    },
    /// `b` / `e` act on a role of the queue: select a writer or a reader.
    SelectWriterOrReader,
    /// `b` on a process blocked in its call: the new way applies from its
    /// next call (this one waits as it was called).
    PolicyNextCall {
        name: String,
    },
}

/// The user's side of the screen.
#[derive(Debug, Clone)]
pub struct Controls {
    /// Per-scenario settings kept for `n` and `1`/`2`/`3`.
    pub configs: HashMap<ScenarioKind, Scenario>,
    pub selected: Option<ProcId>,
    pub help: bool,
    pub view_frozen: bool,
    /// Replaying a recording (keys steer the timeline, not the world).
    pub replay: bool,
    /// Slow motion asked for (the scene shows what the world took).
    pub slow_motion: f64,
    /// Delay scales asked for, per process.
    pub scales: HashMap<ProcId, f64>,
    pub hints: VecDeque<(Hint, u64)>,
    /// The lesson being taught, if any.
    pub guide: Option<super::guide::Guide>,
    /// The program panel is shown.
    pub code: bool,
    /// The programs a plain run may stand for, each with the scenario it
    /// is (a lesson shows its own).
    pub programs: Vec<(Scenario, super::code::Program)>,
    /// The projector's layout (`--classroom`).
    pub classroom: bool,
    /// Policies asked for with `b` / `e` that the stream may not have
    /// told yet, with when they were asked: a second key press builds on
    /// the first (keys typed fast do not undo each other).
    pub asked_policies: HashMap<Role, (Policy, u64)>,
}

/// How long a policy asked for stands in for the stream's, in view time.
const ASKED_NS: u64 = 2_000_000_000;

impl Controls {
    pub fn new(cfg: &RunConfig, replay: bool) -> Controls {
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
        Controls {
            configs,
            selected: None,
            help: false,
            view_frozen: false,
            replay,
            slow_motion: 1.0,
            scales: HashMap::new(),
            hints: VecDeque::new(),
            guide: None,
            code: false,
            programs: Vec::new(),
            classroom: false,
            asked_policies: HashMap::new(),
        }
    }

    /// The program the code panel shows for the run on `scene`, and
    /// whether it is the lesson's own (else one that makes the same calls
    /// with the same arguments as the run, maxsize as it is now).
    pub fn program<'a>(&'a self, scene: &'a Scene) -> Option<(&'a super::code::Program, bool)> {
        if let Some(g) = &self.guide {
            return Some((&g.program, true));
        }
        if let Scenario::Program(_) = &scene.cfg.scenario {
            // A watched program is its own.
            return scene.world.program.main.as_ref().map(|p| (p, true));
        }
        let mut now = scene.cfg.scenario.clone();
        if let Scenario::Queue(q) = &mut now {
            q.maxsize = scene.maxsize;
        }
        self.programs
            .iter()
            .find(|(s, _)| super::code::same_calls(s, &now))
            .map(|(_, p)| (p, false))
    }

    /// Controls for teaching `lesson`: the program shown beside the stage.
    pub fn for_lesson(cfg: &RunConfig, lesson: crate::stream::lesson::Lesson) -> Controls {
        Controls {
            guide: Some(super::guide::Guide::new(lesson)),
            code: true,
            ..Controls::new(cfg, false)
        }
    }

    /// The projector's layout (`--classroom`) on or off; on, the program
    /// panel is shown whenever the run has a program.
    pub fn set_classroom(&mut self, on: bool) {
        self.classroom = on;
        if on {
            self.code = true;
        }
    }

    /// Starts the lesson's first scene once the run's processes are on
    /// the scene (its setup may name them): what the setup asks of the
    /// world. Nothing before that, or once begun, or without a lesson.
    pub fn start_lesson(&mut self, scene: &Scene) -> Vec<Effect> {
        match self.guide.as_mut() {
            Some(g) if !g.begun && !scene.world.procs.is_empty() => {
                g.start(0, scene).into_iter().map(Effect::Do).collect()
            }
            _ => Vec::new(),
        }
    }

    /// Follows the run (a question's reveal); true when that changed
    /// what is shown.
    pub fn follow(&mut self, scene: &Scene) -> bool {
        self.guide.as_mut().is_some_and(|g| g.follow(scene))
    }

    /// A new run started: per-run choices are forgotten.
    pub fn restarted(&mut self) {
        self.selected = None;
        self.scales.clear();
    }

    /// Drops hints past their time; true if any went.
    pub fn expire(&mut self, now_ns: u64) -> bool {
        let before = self.hints.len();
        self.hints.retain(|(_, until)| *until > now_ns);
        self.hints.len() != before
    }

    /// Shows a hint (from the source, or from an intent).
    pub fn hint(&mut self, h: Hint, now_ns: u64) {
        self.hints.push_back((h, now_ns + HINT_NS));
        while self.hints.len() > 3 {
            self.hints.pop_front();
        }
    }

    /// What an intent does, given the scene; `now_ns` is the view's clock.
    pub fn update(&mut self, scene: &Scene, intent: Intent, now_ns: u64) -> Vec<Effect> {
        match intent {
            Intent::Quit => return vec![Effect::Quit],
            Intent::ToggleHelp => self.help = !self.help,
            Intent::Back => {
                if self.help {
                    self.help = false;
                } else {
                    self.selected = None;
                }
            }
            Intent::ToggleViewFreeze => self.view_frozen = !self.view_frozen,
            Intent::SelectPrev | Intent::SelectNext => self.select_step(scene, intent),
            Intent::Select(id) => self.selected = Some(id),
            Intent::Timeline(t) => {
                if self.replay {
                    return vec![Effect::Timeline(t)];
                }
                self.hint(Hint::NotAReplay, now_ns);
            }
            Intent::ToggleCode => {
                // Also when the panel is on with nothing to show (a
                // classroom's run without a program): the key then says why.
                if self.program(scene).is_none() {
                    self.hint(Hint::NoProgram, now_ns);
                }
                self.code = !self.code;
            }
            Intent::NextScene | Intent::PrevScene | Intent::Answer(_) | Intent::SkipQuestion => {
                let Some(g) = self.guide.as_mut() else {
                    self.hint(Hint::NotALesson, now_ns);
                    return Vec::new();
                };
                let cmds = match intent {
                    Intent::NextScene => g.next(scene),
                    Intent::PrevScene => g.prev(scene),
                    Intent::Answer(k) => g.answer(k),
                    _ => g.skip(),
                };
                return cmds.into_iter().map(Effect::Do).collect();
            }
            Intent::Switch(_) if self.guide.is_some() => {
                self.hint(Hint::LessonKeepsScenario, now_ns)
            }
            _ if self.replay => self.hint(Hint::Replay, now_ns),
            _ => return self.world_intent(scene, intent, now_ns),
        }
        Vec::new()
    }

    fn select_step(&mut self, scene: &Scene, intent: Intent) {
        let order: Vec<ProcId> = scene.display_order().iter().map(|p| p.id).collect();
        if order.is_empty() {
            return;
        }
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

    /// Intents that change the real processes.
    fn world_intent(&mut self, scene: &Scene, intent: Intent, now: u64) -> Vec<Effect> {
        let kind = ScenarioKind::of(&scene.cfg.scenario);
        let not_here = |key| Hint::NotHere {
            key,
            scenario: kind,
        };
        let live = |role| scene.world.live(role);
        let mut fx = Vec::new();
        let mut hint = None;
        match intent {
            Intent::AddWriter => match kind {
                ScenarioKind::Queue => fx.push(Command::AddWriter),
                ScenarioKind::Counter => fx.push(Command::AddCounter),
                ScenarioKind::Pipe | ScenarioKind::Program => hint = Some(not_here("+")),
            },
            Intent::RemoveWriter => match kind {
                ScenarioKind::Queue if live(Role::Writer) > 0 => fx.push(Command::RemoveWriter),
                ScenarioKind::Counter if live(Role::Counter) > 0 => fx.push(Command::RemoveCounter),
                ScenarioKind::Pipe | ScenarioKind::Program => hint = Some(not_here("-")),
                _ => hint = Some(Hint::NothingToRemove),
            },
            Intent::AddReader => match kind {
                ScenarioKind::Queue => fx.push(Command::AddReader),
                _ => hint = Some(not_here("r")),
            },
            Intent::RemoveReader => match kind {
                ScenarioKind::Queue if live(Role::Reader) > 0 => fx.push(Command::RemoveReader),
                ScenarioKind::Queue => hint = Some(Hint::NoReaderToRemove),
                _ => hint = Some(not_here("R")),
            },
            Intent::Faster | Intent::Slower if kind == ScenarioKind::Program => {
                hint = Some(not_here("[/]"));
            }
            Intent::Step if kind == ScenarioKind::Program => hint = Some(not_here(".")),
            Intent::Switch(_) if kind == ScenarioKind::Program => hint = Some(not_here("1/2/3")),
            Intent::Faster | Intent::Slower => {
                let factor = if intent == Intent::Faster {
                    1.0 / 1.5
                } else {
                    1.5
                };
                let targets: Vec<ProcId> = match self.selected {
                    Some(id) => vec![id],
                    None => scene
                        .world
                        .procs
                        .iter()
                        .filter(|p| {
                            p.alive()
                                && matches!(p.role, Role::Writer | Role::Sender | Role::Counter)
                        })
                        .map(|p| p.id)
                        .collect(),
                };
                for id in targets {
                    let s =
                        (self.scales.get(&id).copied().unwrap_or(1.0) * factor).clamp(0.05, 20.0);
                    self.scales.insert(id, s);
                    fx.push(Command::SetDelayScale(id, s));
                    if let Some(p) = scene.world.proc(id)
                        && !has_delay(&scene.cfg, p.role)
                    {
                        hint = Some(Hint::NothingToSlow {
                            name: p.name.clone(),
                        });
                    }
                }
            }
            Intent::MaxsizeDown | Intent::MaxsizeUp => {
                if kind != ScenarioKind::Queue {
                    hint = Some(not_here("m/M"));
                } else {
                    let cur = scene.maxsize;
                    let pos = MAXSIZE_STEPS
                        .iter()
                        .position(|&m| m == cur)
                        .unwrap_or_else(|| {
                            MAXSIZE_STEPS
                                .iter()
                                .position(|&m| m != 0 && m >= cur)
                                .unwrap_or(MAXSIZE_STEPS.len() - 1)
                        });
                    let next = if intent == Intent::MaxsizeDown {
                        pos.saturating_sub(1)
                    } else {
                        (pos + 1).min(MAXSIZE_STEPS.len() - 1)
                    };
                    fx.push(Command::SetMaxsize(MAXSIZE_STEPS[next]));
                }
            }
            Intent::ToggleFreeze => fx.push(if scene.frozen {
                Command::Resume
            } else {
                Command::Freeze
            }),
            Intent::Step => match (scene.frozen, self.selected) {
                (true, Some(id)) if scene.world.proc(id).is_some_and(|p| p.alive()) => {
                    fx.push(Command::Step(id))
                }
                (true, _) => hint = Some(Hint::SelectToStep),
                (false, _) => hint = Some(Hint::FreezeFirst),
            },
            Intent::Kill | Intent::Terminate => {
                let sig = if intent == Intent::Kill {
                    Sig::Kill
                } else {
                    Sig::Term
                };
                match self.selected {
                    Some(id) if scene.world.proc(id).is_some_and(|p| p.alive()) => {
                        fx.push(Command::Signal(id, sig))
                    }
                    _ => hint = Some(Hint::SelectLiving),
                }
            }
            Intent::Restart => fx.push(Command::Restart(Box::new(super::race::config_now(scene)))),
            Intent::Switch(k) => {
                let scenario = self
                    .configs
                    .get(&k)
                    .cloned()
                    .unwrap_or_else(|| scene.cfg.scenario.clone());
                fx.push(Command::Restart(Box::new(RunConfig {
                    scenario,
                    ..scene.cfg.clone()
                })));
            }
            Intent::CloseParentEnd => match kind {
                ScenarioKind::Pipe if parent_holds_send(scene) => fx.push(Command::CloseParentEnd),
                ScenarioKind::Pipe => {
                    hint = Some(Hint::NothingToClose {
                        holders: send_holders(scene),
                    })
                }
                _ => hint = Some(not_here("x")),
            },
            Intent::WrongWay => match (&scene.cfg.scenario, self.selected) {
                (Scenario::Pipe(p), _) if p.duplex => hint = Some(Hint::NoWrongWay),
                (Scenario::Pipe(_), Some(id)) => match scene.world.proc(id) {
                    Some(p) if p.alive() => {
                        fx.push(Command::WrongWay(id));
                        if p.activity.blocked_since().is_some() {
                            hint = Some(Hint::WrongWayLater {
                                name: p.name.clone(),
                            });
                        }
                    }
                    _ => hint = Some(Hint::SelectLiving),
                },
                (Scenario::Pipe(_), None) => hint = Some(Hint::SelectLiving),
                _ => hint = Some(not_here("w")),
            },
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
                fx.push(Command::SetSlowMotion(self.slow_motion));
            }
            Intent::CycleWait | Intent::ToggleThen => {
                let key = if intent == Intent::CycleWait {
                    "b"
                } else {
                    "e"
                };
                let role = self
                    .selected
                    .and_then(|id| scene.world.proc(id))
                    .map(|p| p.role)
                    .filter(|r| matches!(r, Role::Writer | Role::Reader));
                match (kind, role) {
                    (ScenarioKind::Queue, Some(role)) => {
                        let told = super::policy::policy(scene, role);
                        let asked = self
                            .asked_policies
                            .get(&role)
                            .filter(|(p, at)| {
                                Some(*p) != told && now.saturating_sub(*at) < ASKED_NS
                            })
                            .map(|(p, _)| *p);
                        let next = if intent == Intent::CycleWait {
                            super::policy::next_wait(scene, role, asked)
                        } else {
                            super::policy::next_then(scene, role, asked)
                        };
                        if let Some(p) = next {
                            self.asked_policies.insert(role, (p, now));
                            fx.push(Command::SetPolicy(role, p));
                        }
                        let blocked = scene
                            .world
                            .by_role(role)
                            .find(|p| p.alive() && p.activity.blocked_since().is_some());
                        if intent == Intent::CycleWait
                            && let Some(p) = blocked
                        {
                            hint = Some(Hint::PolicyNextCall {
                                name: p.name.clone(),
                            });
                        }
                    }
                    (ScenarioKind::Queue, None) => hint = Some(Hint::SelectWriterOrReader),
                    _ => hint = Some(not_here(key)),
                }
            }
            Intent::ToggleLock => match kind {
                ScenarioKind::Counter => fx.push(Command::SetLock(!super::race::lock_on(scene))),
                _ => hint = Some(not_here("l")),
            },
            _ => {}
        }
        if let Some(h) = hint {
            self.hint(h, now);
        }
        fx.into_iter().map(Effect::Do).collect()
    }
}

/// Whether the parent still holds its copy of the pipe's send end: it
/// kept it (`--forget-close`) and has not closed it since.
fn parent_holds_send(scene: &Scene) -> bool {
    matches!(&scene.cfg.scenario, Scenario::Pipe(p) if p.forget_close)
        && !scene.world.pipe.parent_closed
}

/// Who holds the pipe's send end, as the kernel last showed it: each
/// holder's name (`None`: the parent) and PID.
fn send_holders(scene: &Scene) -> Vec<(Option<String>, i32)> {
    scene.pipe.as_ref().map_or_else(Vec::new, |v| {
        v.send_holders
            .iter()
            .map(|h| {
                let name = h.proc.map(|id| {
                    scene
                        .world
                        .proc(id)
                        .map_or_else(|| h.pid.to_string(), |p| p.name.clone())
                });
                (name, h.pid)
            })
            .collect()
    })
}

/// Whether processes of `role` sleep between operations in this run (a
/// delay scale has something to act on).
fn has_delay(cfg: &RunConfig, role: Role) -> bool {
    let d = match (&cfg.scenario, role) {
        (Scenario::Queue(q), Role::Writer) => q.delay,
        (Scenario::Queue(q), Role::Reader) => q.reader_delay,
        (Scenario::Pipe(p), Role::Sender) => p.delay,
        (Scenario::Pipe(p), Role::Receiver) => p.reader_delay,
        (Scenario::Counter(c), Role::Counter) => match c.step_delay {
            Some(d) => d,
            None => return false,
        },
        _ => return false,
    };
    d.hi > 0.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::{Body, Event, Kind, Record, RunInfo};

    fn cfg() -> RunConfig {
        RunConfig::new(
            Scenario::Queue(QueueConfig::defaults(Mode::Tui)),
            Mode::Tui,
            1,
        )
    }

    fn lesson() -> Scene {
        let mut s = Scene::new(cfg());
        let mut n = 0;
        let mut rec = |s: &mut Scene, body| {
            s.apply(&Record { n, body });
            n += 1;
        };
        rec(
            &mut s,
            Body::Run(RunInfo {
                start_ns: 0,
                pid: 1,
                config: cfg(),
            }),
        );
        for (id, pid, name, role) in [
            (0, 100, "writer-1", Role::Writer),
            (1, 101, "writer-2", Role::Writer),
            (2, 102, "reader-1", Role::Reader),
        ] {
            let ev = Event::new(
                1,
                id,
                pid,
                Kind::Spawn {
                    name: name.into(),
                    role,
                },
            );
            rec(&mut s, Body::Event(ev));
        }
        s
    }

    fn frozen(mut s: Scene) -> Scene {
        let n = s.records;
        s.apply(&Record {
            n,
            body: Body::Event(Event::new(2, u16::MAX, 1, Kind::Frozen)),
        });
        s
    }

    #[test]
    fn kill_needs_a_selection_and_signals_the_selected_process() {
        let s = lesson();
        let mut c = Controls::new(&s.cfg, false);
        assert!(c.update(&s, Intent::Kill, 0).is_empty());
        assert_eq!(c.hints.back().unwrap().0, Hint::SelectLiving);
        c.update(&s, Intent::SelectNext, 0);
        assert_eq!(c.selected, Some(0));
        assert_eq!(
            c.update(&s, Intent::Kill, 0),
            [Effect::Do(Command::Signal(0, Sig::Kill))]
        );
    }

    #[test]
    fn maxsize_steps_down_from_what_the_world_holds() {
        let s = lesson();
        let mut c = Controls::new(&s.cfg, false);
        assert_eq!(
            c.update(&s, Intent::MaxsizeDown, 0),
            [Effect::Do(Command::SetMaxsize(32))]
        );
        assert_eq!(
            c.update(&s, Intent::MaxsizeUp, 0),
            [Effect::Do(Command::SetMaxsize(0))]
        );
    }

    #[test]
    fn step_needs_the_world_frozen_and_a_living_selection() {
        let s = lesson();
        let mut c = Controls::new(&s.cfg, false);
        assert!(c.update(&s, Intent::Step, 0).is_empty());
        assert_eq!(c.hints.back().unwrap().0, Hint::FreezeFirst);
        let s = frozen(s);
        c.update(&s, Intent::Select(2), 0);
        assert_eq!(
            c.update(&s, Intent::Step, 0),
            [Effect::Do(Command::Step(2))]
        );
        assert_eq!(
            c.update(&s, Intent::ToggleFreeze, 0),
            [Effect::Do(Command::Resume)]
        );
    }

    #[test]
    fn esc_closes_help_then_clears_the_selection_and_never_quits() {
        let s = lesson();
        let mut c = Controls::new(&s.cfg, false);
        c.update(&s, Intent::Select(1), 0);
        c.update(&s, Intent::ToggleHelp, 0);
        assert!(c.update(&s, Intent::Back, 0).is_empty());
        assert!(!c.help);
        assert_eq!(c.selected, Some(1));
        assert!(c.update(&s, Intent::Back, 0).is_empty());
        assert_eq!(c.selected, None);
        assert!(c.update(&s, Intent::Back, 0).is_empty());
    }

    #[test]
    fn in_the_classroom_esc_never_quits_either() {
        let s = lesson();
        let mut plain = Controls::new(&s.cfg, false);
        plain.set_classroom(true);
        let lesson = crate::lesson::Library::BuiltIn
            .find("queue")
            .unwrap()
            .unwrap()
            .lesson;
        let mut taught = Controls::for_lesson(&s.cfg, lesson);
        taught.set_classroom(true);
        for c in [&mut plain, &mut taught] {
            c.update(&s, Intent::Select(1), 0);
            c.update(&s, Intent::ToggleHelp, 0);
            for _ in 0..4 {
                assert!(c.update(&s, Intent::Back, 0).is_empty());
            }
            assert!(!c.help && c.selected.is_none() && c.classroom);
        }
    }

    #[test]
    fn the_classroom_shows_the_program_and_c_says_when_there_is_none() {
        let s = lesson();
        let mut c = Controls::new(&s.cfg, false);
        assert!(!c.code);
        c.set_classroom(true);
        assert!(c.classroom && c.code, "the program panel is on by default");
        // A run of its own with no program: the key says so, either way.
        assert!(c.program(&s).is_none());
        c.update(&s, Intent::ToggleCode, 0);
        assert!(!c.code);
        assert_eq!(c.hints.back().unwrap().0, Hint::NoProgram);
        c.hints.clear();
        c.update(&s, Intent::ToggleCode, 0);
        assert!(c.code);
        assert_eq!(c.hints.back().unwrap().0, Hint::NoProgram);
        // With a program, no hint.
        c.programs = crate::lesson::programs();
        assert!(c.program(&s).is_some());
        c.hints.clear();
        c.update(&s, Intent::ToggleCode, 0);
        assert!(c.hints.is_empty() && !c.code);
    }

    #[test]
    fn with_no_selection_speed_applies_to_every_living_writer() {
        let s = lesson();
        let mut c = Controls::new(&s.cfg, false);
        let fx = c.update(&s, Intent::Slower, 0);
        assert_eq!(
            fx,
            [
                Effect::Do(Command::SetDelayScale(0, 1.5)),
                Effect::Do(Command::SetDelayScale(1, 1.5))
            ]
        );
    }

    #[test]
    fn slowing_a_process_without_delay_says_there_is_nothing_to_slow() {
        let s = lesson();
        let mut c = Controls::new(&s.cfg, false);
        c.update(&s, Intent::Select(2), 0);
        c.update(&s, Intent::Slower, 0);
        assert!(matches!(
            &c.hints.back().unwrap().0,
            Hint::NothingToSlow { name } if name == "reader-1"
        ));
    }

    #[test]
    fn keys_outside_the_queue_scenario_say_they_do_not_apply() {
        let mut cf = cfg();
        cf.scenario = Scenario::Pipe(PipeConfig::defaults(Mode::Tui));
        let s = Scene::new(cf.clone());
        let mut c = Controls::new(&cf, false);
        assert!(c.update(&s, Intent::AddWriter, 0).is_empty());
        assert_eq!(
            c.hints.back().unwrap().0,
            Hint::NotHere {
                key: "+",
                scenario: ScenarioKind::Pipe
            }
        );
    }

    #[test]
    fn in_a_watched_program_freeze_kill_and_slow_motion_act_and_other_keys_say_they_cannot() {
        let mut cf = cfg();
        cf.scenario = Scenario::Program(crate::stream::ProgramConfig {
            python: "python3".into(),
            argv: vec!["prog.py".into()],
            cwd: ".".into(),
            instrument: true,
            timeout: None,
        });
        let mut s = Scene::new(cf.clone());
        let spawn = Kind::Spawn {
            name: "MainProcess".into(),
            role: Role::Program,
        };
        s.apply(&Record {
            n: 0,
            body: Body::Event(Event::new(1, 0, 100, spawn)),
        });
        let mut c = Controls::new(&cf, false);
        let act = |c: &mut Controls, s: &Scene, i| c.update(s, i, 0);
        assert_eq!(
            act(&mut c, &s, Intent::ToggleFreeze),
            [Effect::Do(Command::Freeze)]
        );
        assert_eq!(
            act(&mut c, &s, Intent::SlowMore),
            [Effect::Do(Command::SetSlowMotion(1.5))]
        );
        c.update(&s, Intent::Select(0), 0);
        assert_eq!(
            act(&mut c, &s, Intent::Terminate),
            [Effect::Do(Command::Signal(0, Sig::Term))]
        );
        assert_eq!(
            act(&mut c, &s, Intent::Kill),
            [Effect::Do(Command::Signal(0, Sig::Kill))]
        );
        assert!(matches!(
            &act(&mut c, &s, Intent::Restart)[..],
            [Effect::Do(Command::Restart(_))]
        ));
        for (intent, key) in [
            (Intent::AddWriter, "+"),
            (Intent::RemoveWriter, "-"),
            (Intent::AddReader, "r"),
            (Intent::RemoveReader, "R"),
            (Intent::Faster, "[/]"),
            (Intent::MaxsizeUp, "m/M"),
            (Intent::Step, "."),
            (Intent::Switch(ScenarioKind::Pipe), "1/2/3"),
        ] {
            assert!(act(&mut c, &s, intent).is_empty(), "{key}");
            assert_eq!(
                c.hints.back().unwrap().0,
                Hint::NotHere {
                    key,
                    scenario: ScenarioKind::Program
                },
                "{key}"
            );
        }
    }

    #[test]
    fn switching_scenario_keeps_the_options_given_for_it() {
        let mut cf = cfg();
        let mut p = PipeConfig::defaults(Mode::Tui);
        p.messages = 42;
        cf.scenario = Scenario::Pipe(p.clone());
        let s = Scene::new(cf.clone());
        let mut c = Controls::new(&cf, false);
        match &c.update(&s, Intent::Switch(ScenarioKind::Pipe), 0)[..] {
            [Effect::Do(Command::Restart(rc))] => assert_eq!(rc.scenario, Scenario::Pipe(p)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn in_a_replay_world_keys_are_refused_and_timeline_keys_pass() {
        let s = lesson();
        let mut c = Controls::new(&s.cfg, true);
        assert!(c.update(&s, Intent::AddWriter, 0).is_empty());
        assert_eq!(c.hints.back().unwrap().0, Hint::Replay);
        assert_eq!(
            c.update(&s, Intent::Timeline(TimelineCmd::PlayPause), 0),
            [Effect::Timeline(TimelineCmd::PlayPause)]
        );
    }

    #[test]
    fn selection_cycles_through_processes_in_display_order() {
        let s = lesson();
        let mut c = Controls::new(&s.cfg, false);
        c.update(&s, Intent::SelectPrev, 0);
        assert_eq!(c.selected, Some(2), "readers come last");
        c.update(&s, Intent::SelectNext, 0);
        assert_eq!(c.selected, Some(0));
    }

    fn pipe_scene(f: impl FnOnce(&mut PipeConfig)) -> Scene {
        let mut p = PipeConfig::defaults(Mode::Tui);
        f(&mut p);
        let mut cf = cfg();
        cf.scenario = Scenario::Pipe(p);
        let mut s = Scene::new(cf.clone());
        let mut n = 0;
        let mut rec = |s: &mut Scene, body| {
            s.apply(&Record { n, body });
            n += 1;
        };
        rec(
            &mut s,
            Body::Run(RunInfo {
                start_ns: 0,
                pid: 1,
                config: cf,
            }),
        );
        for (id, pid, name, role) in [
            (0, 952, "sender", Role::Sender),
            (1, 953, "receiver", Role::Receiver),
        ] {
            let kind = Kind::Spawn {
                name: name.into(),
                role,
            };
            rec(&mut s, Body::Event(Event::new(1, id, pid, kind)));
        }
        s
    }

    #[test]
    fn x_closes_the_parents_copy_once_and_then_says_nothing_is_left() {
        let mut s = pipe_scene(|p| p.forget_close = true);
        let mut c = Controls::new(&s.cfg, false);
        assert_eq!(
            c.update(&s, Intent::CloseParentEnd, 0),
            [Effect::Do(Command::CloseParentEnd)]
        );
        let closed = Event::new(
            2,
            crate::stream::SUPERVISOR,
            1,
            Kind::EndClosed {
                end: crate::stream::PipeEnd::Send,
            },
        );
        s.apply(&Record {
            n: s.records,
            body: Body::Event(closed),
        });
        assert!(c.update(&s, Intent::CloseParentEnd, 0).is_empty());
        assert!(matches!(
            c.hints.back().unwrap().0,
            Hint::NothingToClose { .. }
        ));
        // Without --forget-close the parent closed its copy at the start.
        let s = pipe_scene(|_| {});
        assert!(c.update(&s, Intent::CloseParentEnd, 0).is_empty());
        // In the queue there is no pipe.
        let q = lesson();
        c.update(&q, Intent::CloseParentEnd, 0);
        assert_eq!(
            c.hints.back().unwrap().0,
            Hint::NotHere {
                key: "x",
                scenario: ScenarioKind::Queue
            }
        );
    }

    #[test]
    fn w_asks_the_selected_end_of_a_one_way_pipe_and_a_duplex_one_has_no_wrong_way() {
        let s = pipe_scene(|p| p.duplex = false);
        let mut c = Controls::new(&s.cfg, false);
        assert!(c.update(&s, Intent::WrongWay, 0).is_empty());
        assert_eq!(c.hints.back().unwrap().0, Hint::SelectLiving);
        c.update(&s, Intent::Select(1), 0);
        assert_eq!(
            c.update(&s, Intent::WrongWay, 0),
            [Effect::Do(Command::WrongWay(1))]
        );
        let duplex = pipe_scene(|_| {});
        c.hints.clear();
        assert!(c.update(&duplex, Intent::WrongWay, 0).is_empty());
        assert_eq!(c.hints.back().unwrap().0, Hint::NoWrongWay);
    }

    #[test]
    fn w_on_a_blocked_end_says_it_tries_once_its_call_returns() {
        let mut s = pipe_scene(|p| p.duplex = false);
        s.apply(&Record {
            n: s.records,
            body: Body::Event(Event::new(3, 1, 953, Kind::RecvWait)),
        });
        let mut c = Controls::new(&s.cfg, false);
        c.update(&s, Intent::Select(1), 0);
        assert_eq!(
            c.update(&s, Intent::WrongWay, 0),
            [Effect::Do(Command::WrongWay(1))]
        );
        assert_eq!(
            c.hints.back().unwrap().0,
            Hint::WrongWayLater {
                name: "receiver".into()
            }
        );
    }
    fn told(s: &mut Scene, role: Role, policy: Policy) {
        let n = s.records;
        let ev = Event::new(
            5,
            crate::stream::SUPERVISOR,
            1,
            Kind::PolicySet { role, policy },
        );
        s.apply(&Record {
            n,
            body: Body::Event(ev),
        });
    }

    #[test]
    fn b_cycles_the_selected_writers_puts_block_timeout_zero_nowait_and_back() {
        use crate::stream::run::{Then, Wait};
        let mut s = lesson();
        let mut c = Controls::new(&cfg(), false);
        c.selected = Some(1);
        let mut seen = Vec::new();
        for _ in 0..4 {
            let fx = c.update(&s, Intent::CycleWait, 0);
            let [Effect::Do(Command::SetPolicy(Role::Writer, p))] = fx.as_slice() else {
                panic!("{fx:?}");
            };
            assert_eq!(p.then, Then::Retry, "b keeps the except clause");
            seen.push(p.wait);
            told(&mut s, Role::Writer, *p);
        }
        assert_eq!(
            seen,
            [
                Wait::Timeout(super::super::policy::KEY_TIMEOUT),
                Wait::Timeout(0.0),
                Wait::Nowait,
                Wait::Block
            ]
        );
    }

    #[test]
    fn e_toggles_the_selected_readers_except_clause_and_keys_typed_fast_build_on_each_other() {
        use crate::stream::run::{Then, Wait};
        let s = lesson();
        let mut c = Controls::new(&cfg(), false);
        c.selected = Some(2);
        // Nothing told between the presses: each builds on the one before.
        let a = c.update(&s, Intent::ToggleThen, 0);
        let b = c.update(&s, Intent::CycleWait, 1_000);
        assert_eq!(
            a,
            [Effect::Do(Command::SetPolicy(
                Role::Reader,
                Policy {
                    wait: Wait::Block,
                    then: Then::GiveUp
                }
            ))]
        );
        assert_eq!(
            b,
            [Effect::Do(Command::SetPolicy(
                Role::Reader,
                Policy {
                    wait: Wait::Timeout(super::super::policy::KEY_TIMEOUT),
                    then: Then::GiveUp
                }
            ))]
        );
        // Long after, what the stream tells wins again.
        let late = c.update(&s, Intent::ToggleThen, 10_000_000_000);
        assert_eq!(
            late,
            [Effect::Do(Command::SetPolicy(
                Role::Reader,
                Policy {
                    wait: Wait::Block,
                    then: Then::GiveUp
                }
            ))]
        );
    }

    #[test]
    fn b_and_e_need_a_writer_or_reader_selected_and_a_queue() {
        let s = lesson();
        let mut c = Controls::new(&cfg(), false);
        assert!(c.update(&s, Intent::CycleWait, 0).is_empty());
        assert_eq!(c.hints.back().unwrap().0, Hint::SelectWriterOrReader);
        let mut counter = cfg();
        counter.scenario = Scenario::Counter(CounterConfig::defaults(Mode::Tui));
        let s = Scene::new(counter.clone());
        let mut c = Controls::new(&counter, false);
        assert!(c.update(&s, Intent::ToggleThen, 0).is_empty());
        assert!(matches!(
            c.hints.back().unwrap().0,
            Hint::NotHere { key: "e", .. }
        ));
    }
}
