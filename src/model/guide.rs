//! A guided lesson: which scene the class is on, what its setup asks of the
//! world, and where its question stands (asked with the world frozen,
//! answered, then revealed once the condition holds on the real run). Pure:
//! scenes and the scene of the run go in, commands for the world come out.

use std::collections::BTreeMap;

use super::scene::Scene;
use super::world::{Activity, Proc};
use crate::stream::lesson::{Action, Lesson, Op, Raised, Reveal};
use crate::stream::run::{RunConfig, Scenario};
use crate::stream::{Command, ProcId, Role, Sig};

/// Where a scene's question stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asking {
    /// The scene has no question.
    Nothing,
    /// Asked: the world is frozen, the class thinks.
    Open,
    /// Answered (choice counting from 1), or skipped (`None`): the world
    /// runs until the reveal condition holds.
    Watching(Option<usize>),
    /// The condition held: the caption says whether the answer was right.
    Revealed(Option<usize>),
}

/// Counts at the start of a scene, so a reveal counts from there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Base {
    /// The run the counts are of (a restart starts from zero).
    run: u64,
    done: BTreeMap<Role, u64>,
    ended: BTreeMap<Role, usize>,
    full: u64,
    empty: u64,
    /// Updates lost (expected - actual).
    lost: u64,
}

impl Base {
    fn of(scene: &Scene) -> Base {
        let mut b = Base {
            run: scene.start_ns,
            full: scene.world.queue.full_raised,
            empty: scene.world.queue.empty_raised,
            lost: super::race::lost(scene),
            ..Base::default()
        };
        for p in &scene.world.procs {
            *b.done.entry(p.role).or_default() += scene.done(p);
            if !p.alive() {
                *b.ended.entry(p.role).or_default() += 1;
            }
        }
        b
    }

    /// The base for `scene`'s run: itself, or zero for a new run.
    fn for_run(&self, scene: &Scene) -> Base {
        if self.run == scene.start_ns {
            self.clone()
        } else {
            Base {
                run: scene.start_ns,
                ..Base::default()
            }
        }
    }
}

/// A lesson being taught.
#[derive(Debug, Clone, PartialEq)]
pub struct Guide {
    pub lesson: Lesson,
    /// The lesson's program, for the code panel.
    pub program: super::code::Program,
    /// The scene on screen (from 0).
    pub scene: usize,
    pub asking: Asking,
    /// The first scene has started (its setup sent).
    pub begun: bool,
    base: Base,
}

impl Guide {
    pub fn new(lesson: Lesson) -> Guide {
        Guide {
            program: super::code::Program::of(&lesson),
            lesson,
            scene: 0,
            asking: Asking::Nothing,
            begun: false,
            base: Base::default(),
        }
    }

    /// The scenes in all.
    pub fn scenes(&self) -> usize {
        self.lesson.scenes.len()
    }

    /// Starts scene `i` (clamped): what its setup asks of the world, and a
    /// freeze when it asks a question.
    pub fn start(&mut self, i: usize, scene: &Scene) -> Vec<Command> {
        let Some(last) = self.scenes().checked_sub(1) else {
            return Vec::new();
        };
        self.scene = i.min(last);
        self.begun = true;
        self.base = Base::of(scene);
        let s = &self.lesson.scenes[self.scene];
        let mut out = Vec::new();
        // The class, not the clock, decides when the parent terminates:
        // it is held before that line from the lesson's start (a restart
        // keeps it held).
        if i == 0 && matches!(scene.cfg.scenario, Scenario::Queue(_)) {
            out.push(Command::HoldParent(true));
        }
        out.extend(setup_commands(&s.setup, scene));
        if s.question.is_some() {
            self.asking = Asking::Open;
            out.push(Command::Freeze);
        } else {
            self.asking = Asking::Nothing;
        }
        out
    }

    /// The next scene (none past the last).
    pub fn next(&mut self, scene: &Scene) -> Vec<Command> {
        if self.scene + 1 >= self.scenes() {
            return Vec::new();
        }
        self.start(self.scene + 1, scene)
    }

    /// The previous scene, its setup applied again.
    pub fn prev(&mut self, scene: &Scene) -> Vec<Command> {
        self.start(self.scene.saturating_sub(1), scene)
    }

    /// The class answers `choice` (from 1): the world resumes until the
    /// reveal. Ignored unless a question is open and the choice exists.
    pub fn answer(&mut self, choice: usize) -> Vec<Command> {
        let choices = self.question().map_or(0, |q| q.choices.len());
        if self.asking != Asking::Open || choice == 0 || choice > choices {
            return Vec::new();
        }
        self.asking = Asking::Watching(Some(choice));
        self.resume()
    }

    /// The world resumes once answered, unless the teacher steps it there.
    fn resume(&self) -> Vec<Command> {
        if self.question().is_some_and(|q| q.by_hand) {
            Vec::new()
        } else {
            vec![Command::Resume]
        }
    }

    /// The teacher skips the question: the world resumes, the answer is
    /// shown when the condition holds.
    pub fn skip(&mut self) -> Vec<Command> {
        if self.asking != Asking::Open {
            return Vec::new();
        }
        self.asking = Asking::Watching(None);
        self.resume()
    }

    /// Follows the run: a question being watched is revealed once its
    /// condition holds. True when that changed what is shown.
    pub fn follow(&mut self, scene: &Scene) -> bool {
        let Asking::Watching(choice) = self.asking else {
            return false;
        };
        let Some(q) = self.question() else {
            return false;
        };
        if holds(&q.reveal, scene, &self.base.for_run(scene)) {
            self.asking = Asking::Revealed(choice);
            return true;
        }
        false
    }

    pub fn current(&self) -> Option<&crate::stream::lesson::Scene> {
        self.lesson.scenes.get(self.scene)
    }

    pub fn question(&self) -> Option<&crate::stream::lesson::Question> {
        self.current().and_then(|s| s.question.as_ref())
    }

    /// Whether the revealed answer was the right one (`None`: skipped or
    /// not revealed yet).
    pub fn was_right(&self) -> Option<bool> {
        match (&self.asking, self.question()) {
            (Asking::Revealed(Some(c)), Some(q)) => Some(*c == q.answer),
            _ => None,
        }
    }
}

/// The commands a scene's setup is, in order. The actions that start the
/// run again (`restart`, `lock on|off`, `array N`) make one restart, at
/// the first of them, of the run as they leave it together (with the lock
/// and the queue's policies as they are now, switched live or not). The
/// policy actions make one switch per role, last, as they leave it (none
/// with a restart, which starts with it).
fn setup_commands(setup: &[Action], scene: &Scene) -> Vec<Command> {
    let mut cfg = super::race::config_now(scene);
    let mut restart_at = None;
    let mut out = Vec::new();
    let mut switched: Vec<Role> = Vec::new();
    for &a in setup {
        let set = |cfg: &mut RunConfig, f: &dyn Fn(&mut crate::stream::run::CounterConfig)| {
            if let Scenario::Counter(c) = &mut cfg.scenario {
                f(c);
            }
        };
        match a {
            Action::Restart
            | Action::Lock(_)
            | Action::Array(_)
            | Action::CloseUnused(_)
            | Action::DrainFirst(_) => {
                match a {
                    Action::Lock(on) => set(&mut cfg, &|c| c.lock = on),
                    Action::Array(n) => set(&mut cfg, &|c| c.array = n),
                    Action::CloseUnused(on) => {
                        if let Scenario::Pipe(p) = &mut cfg.scenario {
                            p.inherit = true;
                            p.close_unused = on;
                        }
                    }
                    Action::DrainFirst(on) => {
                        if let Scenario::Queue(q) = &mut cfg.scenario {
                            q.drain_first = on;
                        }
                    }
                    _ => {}
                }
                if restart_at.is_none() {
                    restart_at = Some(out.len());
                    out.push(Command::Resume);
                }
            }
            Action::PutPolicy(_)
            | Action::GetPolicy(_)
            | Action::OnFull(_)
            | Action::OnEmpty(_) => {
                // Each builds on the ones before it in this setup.
                if let Scenario::Queue(q) = &mut cfg.scenario {
                    let role = match a {
                        Action::PutPolicy(_) | Action::OnFull(_) => Role::Writer,
                        _ => Role::Reader,
                    };
                    let mut p = q.policy(role).expect("writers and readers have one");
                    match a {
                        Action::PutPolicy(w) | Action::GetPolicy(w) => p.wait = w,
                        Action::OnFull(t) | Action::OnEmpty(t) => p.then = t,
                        _ => {}
                    }
                    q.set_policy(role, p);
                    if !switched.contains(&role) {
                        switched.push(role);
                    }
                }
            }
            _ => {
                if let Action::LockNow(on) = a {
                    set(&mut cfg, &|c| c.lock = on);
                }
                out.extend(command_for(a, scene));
            }
        }
    }
    // The policies switched, once each as the setup leaves them; a
    // restart starts with them instead.
    if restart_at.is_none()
        && let Scenario::Queue(q) = &cfg.scenario
    {
        for role in switched {
            if let Some(p) = q.policy(role) {
                out.push(Command::SetPolicy(role, p));
            }
        }
    }
    if let Some(i) = restart_at {
        out[i] = Command::Restart(Box::new(cfg));
    }
    out
}

/// The command an action is, in the run as it is now.
fn command_for(a: Action, scene: &Scene) -> Option<Command> {
    let oldest = |role: Role| -> Option<ProcId> {
        scene
            .world
            .by_role(role)
            .filter(|p| p.alive())
            .min_by_key(|p| p.id)
            .map(|p| p.id)
    };
    Some(match a {
        Action::Maxsize(n) => Command::SetMaxsize(n),
        Action::AddWriter => match scene.cfg.scenario {
            Scenario::Counter(_) => Command::AddCounter,
            _ => Command::AddWriter,
        },
        Action::RemoveWriter => match scene.cfg.scenario {
            Scenario::Counter(_) => Command::RemoveCounter,
            _ => Command::RemoveWriter,
        },
        Action::AddReader => Command::AddReader,
        Action::RemoveReader => Command::RemoveReader,
        Action::Freeze => Command::Freeze,
        Action::Resume => Command::Resume,
        Action::SlowMotion(f) => Command::SetSlowMotion(f),
        Action::Kill(role) => Command::Signal(oldest(role)?, Sig::Kill),
        Action::Terminate(role) => Command::Signal(oldest(role)?, Sig::Term),
        Action::CloseParentEnd => Command::CloseParentEnd,
        Action::LockNow(on) => Command::SetLock(on),
        // Restarts and policies are made by `setup_commands`.
        Action::Restart
        | Action::Lock(_)
        | Action::Array(_)
        | Action::CloseUnused(_)
        | Action::DrainFirst(_)
        | Action::PutPolicy(_)
        | Action::GetPolicy(_)
        | Action::OnFull(_)
        | Action::OnEmpty(_) => {
            return None;
        }
    })
}

/// Whether a reveal condition holds on the run, counting from `base`.
fn holds(r: &Reveal, scene: &Scene, base: &Base) -> bool {
    let w = &scene.world;
    let of = |role: Role| w.procs.iter().filter(move |p| p.role == role);
    match r {
        Reveal::Blocks { role, op } => of(*role).any(|p| p.alive() && blocked_in(p, *op)),
        Reveal::Raised {
            error: Raised::Full,
        } => w.queue.full_raised > base.full,
        Reveal::Raised {
            error: Raised::Empty,
        } => w.queue.empty_raised > base.empty,
        Reveal::Eof => w.pipe.eof,
        Reveal::LostUpdates { more_than } => {
            super::race::lost(scene).saturating_sub(base.lost) > *more_than
        }
        Reveal::Done { role, at_least } => {
            let done: u64 = of(*role).map(|p| scene.done(p)).sum();
            done.saturating_sub(base.done.get(role).copied().unwrap_or(0)) >= *at_least
        }
        Reveal::Ended { role } => {
            let ended = of(*role).filter(|p| !p.alive()).count();
            ended > base.ended.get(role).copied().unwrap_or(0)
        }
        Reveal::Stuck => scene.stuck.is_some(),
    }
}

/// Whether `p` is blocked in `op`, as it reported.
fn blocked_in(p: &Proc, op: Op) -> bool {
    matches!(
        (&p.activity, op),
        (Activity::WaitingToPut { .. }, Op::Put)
            | (Activity::WaitingToGet { .. }, Op::Get)
            | (Activity::WaitingToSend { .. }, Op::Send)
            | (Activity::WaitingToRecv { .. }, Op::Recv)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::lesson::{Question, Text};
    use crate::stream::run::{Mode, QueueConfig};
    use crate::stream::{Body, Event, Kind, Record, RunInfo};

    fn t(s: &str) -> Text {
        Text {
            en: s.into(),
            zh: format!("{s}（中）"),
        }
    }

    fn cfg() -> RunConfig {
        RunConfig::new(
            Scenario::Queue(QueueConfig::defaults(Mode::Tui)),
            Mode::Tui,
            1,
        )
    }

    fn lesson() -> Lesson {
        let scene = |caption: &str, setup: Vec<Action>, question| crate::stream::lesson::Scene {
            caption: t(caption),
            setup,
            question,
        };
        Lesson {
            name: "x".into(),
            title: t("X"),
            program_file: "x.py".into(),
            program: "print()\n".into(),
            scenario: cfg().scenario,
            lines: Default::default(),
            scenes: vec![
                scene("first", vec![], None),
                scene(
                    "second",
                    vec![Action::Maxsize(1), Action::Kill(Role::Reader)],
                    Some(Question {
                        prompt: t("what now?"),
                        choices: vec![t("a"), t("b")],
                        answer: 2,
                        reveal: Reveal::Blocks {
                            role: Role::Writer,
                            op: Op::Put,
                        },
                        why: Some(t("because")),
                        by_hand: false,
                    }),
                ),
            ],
        }
    }

    struct Run {
        scene: Scene,
        n: u64,
    }

    impl Run {
        fn new() -> Run {
            let mut r = Run {
                scene: Scene::new(cfg()),
                n: 0,
            };
            r.rec(Body::Run(RunInfo {
                start_ns: 1,
                pid: 1,
                config: cfg(),
            }));
            for (id, name, role) in [(0, "writer-1", Role::Writer), (1, "reader-1", Role::Reader)] {
                r.ev(
                    Kind::Spawn {
                        name: name.into(),
                        role,
                    },
                    id,
                );
            }
            r
        }

        fn rec(&mut self, body: Body) {
            self.scene.apply(&Record { n: self.n, body });
            self.n += 1;
        }

        fn ev(&mut self, kind: Kind, id: ProcId) {
            let e = Event::new(10 + self.n, id, 100 + id as i32, kind).with_item("url_1");
            self.rec(Body::Event(e));
        }
    }

    #[test]
    fn a_scene_applies_its_setup_and_a_question_freezes_the_world() {
        let run = Run::new();
        let mut g = Guide::new(lesson());
        assert_eq!(
            g.start(0, &run.scene),
            [Command::HoldParent(true)],
            "a queue lesson holds its parent before terminate() from its start"
        );
        assert_eq!(g.asking, Asking::Nothing);
        let fx = g.next(&run.scene);
        assert_eq!(
            fx,
            [
                Command::SetMaxsize(1),
                Command::Signal(1, Sig::Kill),
                Command::Freeze
            ]
        );
        assert_eq!(g.asking, Asking::Open);
        assert!(g.next(&run.scene).is_empty(), "no scene past the last");
        assert_eq!(g.scene, 1);
    }

    #[test]
    fn an_answer_resumes_the_world_and_the_reveal_waits_for_the_condition() {
        let mut run = Run::new();
        let mut g = Guide::new(lesson());
        g.start(1, &run.scene);
        assert!(g.answer(3).is_empty(), "no third choice");
        assert_eq!(g.answer(1), [Command::Resume]);
        assert!(!g.follow(&run.scene), "nobody blocks yet");
        assert_eq!(g.was_right(), None);
        run.ev(Kind::PutWait, 0);
        assert!(g.follow(&run.scene));
        assert_eq!(g.asking, Asking::Revealed(Some(1)));
        assert_eq!(g.was_right(), Some(false));
    }

    #[test]
    fn skipping_resumes_and_reveals_without_an_answer() {
        let mut run = Run::new();
        let mut g = Guide::new(lesson());
        g.start(1, &run.scene);
        assert_eq!(g.skip(), [Command::Resume]);
        run.ev(Kind::PutWait, 0);
        g.follow(&run.scene);
        assert_eq!(g.asking, Asking::Revealed(None));
        assert_eq!(g.was_right(), None);
    }

    #[test]
    fn going_back_applies_that_scenes_setup_again() {
        let run = Run::new();
        let mut g = Guide::new(lesson());
        g.start(1, &run.scene);
        g.prev(&run.scene);
        assert_eq!(g.scene, 0);
        let fx = g.next(&run.scene);
        assert!(fx.contains(&Command::SetMaxsize(1)));
    }

    #[test]
    fn done_counts_from_the_start_of_the_scene() {
        let mut run = Run::new();
        for _ in 0..3 {
            run.ev(Kind::Get, 1);
        }
        let base = Base::of(&run.scene);
        let r = Reveal::Done {
            role: Role::Reader,
            at_least: 2,
        };
        assert!(!holds(&r, &run.scene, &base));
        run.ev(Kind::Get, 1);
        run.ev(Kind::Get, 1);
        assert!(holds(&r, &run.scene, &base));
    }

    #[test]
    fn drain_first_restarts_the_queue_with_the_parent_reading_before_or_after_its_joins() {
        let mut cf = cfg();
        let mut q = crate::stream::run::QueueConfig::defaults(Mode::Tui);
        (q.readers, q.items) = (0, 5);
        cf.scenario = Scenario::Queue(q);
        let scene = Scene::new(cf);
        for on in [true, false] {
            match setup_commands(&[Action::DrainFirst(on)], &scene).as_slice() {
                [Command::Restart(c)] => match &c.scenario {
                    Scenario::Queue(q) => assert_eq!(q.drain_first, on),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn close_unused_restarts_the_pipe_with_inherited_ends_closed_or_kept() {
        let mut cf = cfg();
        cf.scenario = Scenario::Pipe(crate::stream::run::PipeConfig::defaults(Mode::Tui));
        let scene = Scene::new(cf);
        for on in [true, false] {
            match setup_commands(&[Action::CloseUnused(on)], &scene).as_slice() {
                [Command::Restart(c)] => match &c.scenario {
                    Scenario::Pipe(p) => assert!(p.inherit && p.close_unused == on),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(
            command_for(Action::CloseParentEnd, &scene),
            Some(Command::CloseParentEnd)
        );
    }

    #[test]
    fn policy_actions_build_on_each_other_into_one_switch_and_a_restart_starts_with_them() {
        use crate::stream::run::{Policy, Then, Wait};
        let run = Run::new();
        let out = setup_commands(
            &[
                Action::PutPolicy(Wait::Nowait),
                Action::OnFull(Then::GiveUp),
                Action::GetPolicy(Wait::Timeout(0.0)),
            ],
            &run.scene,
        );
        assert_eq!(
            out,
            [
                Command::SetPolicy(
                    Role::Writer,
                    Policy {
                        wait: Wait::Nowait,
                        then: Then::GiveUp
                    }
                ),
                Command::SetPolicy(
                    Role::Reader,
                    Policy {
                        wait: Wait::Timeout(0.0),
                        then: Then::Retry
                    }
                ),
            ]
        );
        let out = setup_commands(
            &[Action::Restart, Action::OnEmpty(Then::GiveUp)],
            &run.scene,
        );
        match out.as_slice() {
            [Command::Restart(c)] => {
                let Scenario::Queue(q) = &c.scenario else {
                    panic!("{c:?}")
                };
                assert_eq!(q.on_empty, Then::GiveUp, "the restart starts with it");
            }
            other => panic!("{other:?}"),
        }
    }
}
