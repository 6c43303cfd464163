//! The line of the lesson's Python program each process is on: its
//! current operation (what it reported: blocked in `put`, just got an item,
//! sleeping its delay...) through the lesson's line map; the parent's from
//! what its children do (it joins the workers, then terminates the rest).

use super::race::Step;
use super::scene::Scene;
use super::world::{Activity, Did, Proc};
use crate::stream::lesson::{LineMap, Op, ProgramRole};
use crate::stream::run::Scenario;
use crate::stream::{ProcId, Role};

/// A Python program shown beside the stage: a lesson's, or the one a
/// plain scenario stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// Its file name (`queue_demo.py`).
    pub file: String,
    pub text: String,
    /// Where each role's operations are.
    pub lines: LineMap,
}

impl Program {
    /// A lesson's program.
    pub fn of(lesson: &crate::stream::lesson::Lesson) -> Program {
        Program {
            file: lesson.program_file.clone(),
            text: lesson.program.clone(),
            lines: lesson.lines.clone(),
        }
    }
}

/// Whether a program written for `a` makes the same calls, with the same
/// arguments, as a run of `b`: the same object, `Queue(maxsize)`, the
/// timeouts, `*_nowait` or not; `Pipe(duplex)` and whether the parent closes
/// its send end. Counts, delays and items are the run's own; so is the
/// lock (a counter program shows both ways), but not whether the counter
/// runs paced, its steps shown, or at full speed.
pub fn same_calls(a: &Scenario, b: &Scenario) -> bool {
    match (a, b) {
        (Scenario::Queue(x), Scenario::Queue(y)) => {
            x.maxsize == y.maxsize
                && x.put_timeout == y.put_timeout
                && x.get_timeout == y.get_timeout
                && x.put_nowait == y.put_nowait
                && x.get_nowait == y.get_nowait
        }
        (Scenario::Pipe(x), Scenario::Pipe(y)) => {
            x.duplex == y.duplex
                && x.forget_close == y.forget_close
                && x.inherit == y.inherit
                && x.replies() == y.replies()
                && x.both_recv == y.both_recv
        }
        // A program of the steps (read, add, write) stands for a paced
        // run, one of whole `+= 1`s for a run at full speed.
        (Scenario::Counter(x), Scenario::Counter(y)) => {
            x.step_delay.is_some() == y.step_delay.is_some()
        }
        _ => false,
    }
}

/// A process's place in the program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// The line (from 1).
    pub line: u32,
    /// A short name: `W1`, `R1`, `S`, `R`, `C2`, `P` (the parent).
    pub who: String,
    /// The process (`None`: the parent).
    pub proc: Option<ProcId>,
    /// Blocked on this line (waiting for space, data, or its children).
    pub blocked: bool,
    /// The parent is held before this line: the program would run it now,
    /// ipcscope leaves it to the teacher (`t` terminates a process).
    pub held: bool,
}

/// Where each live process is in the program, and the parent. `text` is
/// the program's: the parent's k-th join is on the k-th of the `.join(`
/// lines that follow the mapped one (`pw1.join()`, `pw2.join()`).
pub fn markers(lines: &LineMap, text: &str, scene: &Scene) -> Vec<Marker> {
    let mut out: Vec<Marker> = scene
        .world
        .procs
        .iter()
        .filter(|p| p.alive())
        .filter_map(|p| {
            let (op, blocked) = place(p, scene)?;
            let part = part_of(lines, p, scene);
            let line = lines
                .line(part, op)
                .or_else(|| fallback(lines, part, p.role, op))?;
            Some(Marker {
                line,
                who: short_name(p),
                proc: Some(p.id),
                blocked,
                held: false,
            })
        })
        .collect();
    if let Some((op, how)) = parent_place(scene)
        && let Some(line) = lines.line(ProgramRole::Parent, op)
    {
        let line = match op {
            Op::Join => nth_join(text, line, scene.world.parent.joined.len()),
            _ => line,
        };
        out.push(Marker {
            line,
            who: "P".into(),
            proc: None,
            blocked: how == Parent::Blocked,
            held: how == Parent::Held,
        });
    }
    out
}

/// The line of the parent's `k`-th join (from 0): the `k`-th of the
/// `.join(` lines from `first` on, one after another; the last of them
/// when there are fewer (a writer added live is joined on it too).
fn nth_join(text: &str, first: u32, k: usize) -> u32 {
    let joins = text
        .lines()
        .skip(first.saturating_sub(1) as usize)
        .take_while(|l| l.contains(".join("))
        .count();
    first + k.min(joins.saturating_sub(1)) as u32
}

/// A process's short name: the role's letter and its number.
pub fn short_name(p: &Proc) -> String {
    let letter = match p.role {
        Role::Writer => "W",
        Role::Reader => "R",
        Role::Sender => "S",
        Role::Receiver => "R",
        Role::Counter => "C",
        Role::Supervisor => "P",
        Role::Program => return super::program::short_name(p),
    };
    let number = p.name.rsplit_once('-').map_or("", |(_, n)| n);
    format!("{letter}{number}")
}

/// The operation `p` is at, and whether it is blocked there. A counter
/// of a stepped run is at the step it does next (waiting for the lock on
/// the line that takes it).
fn place(p: &Proc, scene: &Scene) -> Option<(Op, bool)> {
    if p.activity != Activity::Starting
        && let Some((step, blocked)) = super::race::next_step(p, scene)
    {
        let op = match step {
            Step::Lock => Op::Lock,
            Step::Read => Op::Read,
            Step::Add => Op::Add,
            Step::Write => Op::Write,
        };
        return Some((op, blocked));
    }
    let sleeps = sleeps(&scene.cfg.scenario, p.role);
    Some(match (&p.activity, p.did) {
        (Activity::Starting, _) | (Activity::Active, None) => (Op::Start, false),
        (Activity::WaitingToPut { .. }, _) => (Op::Put, true),
        (Activity::WaitingToGet { .. }, _) => (Op::Get, true),
        (Activity::WaitingToSend { .. }, _) => (Op::Send, true),
        (Activity::WaitingToRecv { .. }, _) => (Op::Recv, true),
        (Activity::WaitingForLock { .. }, _) => (Op::Lock, true),
        // Its function returned; Python's exit joins the feeder thread.
        (Activity::WaitingToFlush { .. }, _) => (Op::Exit, true),
        (Activity::Exited, _) => return None,
        (Activity::Active, Some(did)) => match did {
            Did::Full => (Op::Full, false),
            Did::Empty => (Op::Empty, false),
            Did::Eof => (Op::Eof, false),
            Did::Count => (Op::Increment, false),
            Did::Closed => (Op::Close, false),
            _ if sleeps => (Op::Sleep, false),
            Did::Put => (Op::Put, false),
            Did::Get => (Op::Get, false),
            Did::Send => (Op::Send, false),
            Did::Recv => (Op::Recv, false),
            // The other way: the receiver's reply is a send, the sender's
            // receipt of it a recv.
            Did::Reply => (Op::Send, false),
            Did::GotReply => (Op::Recv, false),
        },
    })
}

/// The part of the program a process runs: a counter on an Array runs
/// the Array's function, one whose increment takes the lock the locked
/// function, when the program maps them (a program with only one kind of
/// counter maps it as `counter`).
fn part_of(lines: &LineMap, p: &Proc, scene: &Scene) -> ProgramRole {
    let has = |r| lines.0.contains_key(&r);
    match (p.role, &scene.cfg.scenario) {
        (Role::Counter, Scenario::Counter(c)) if c.array > 0 && has(ProgramRole::ArrayCounter) => {
            ProgramRole::ArrayCounter
        }
        (Role::Counter, Scenario::Counter(_))
            if has(ProgramRole::LockedCounter) && super::race::locked_increment(p, scene) =>
        {
            ProgramRole::LockedCounter
        }
        _ => ProgramRole::from(p.role),
    }
}

/// A line to show when the map has none for `op`: the role's blocking
/// operation (a program with no sleep line is at its put between puts),
/// or for a counter's step the line of its whole `+= 1`.
fn fallback(lines: &LineMap, part: ProgramRole, role: Role, op: Op) -> Option<u32> {
    if matches!(op, Op::Read | Op::Add | Op::Write | Op::Lock) {
        return lines.line(part, Op::Increment);
    }
    let main = crate::stream::lesson::blocking_op(role)?;
    (op != main).then(|| lines.line(part, main)).flatten()
}

/// Whether processes of `role` sleep between operations in this run.
fn sleeps(s: &Scenario, role: Role) -> bool {
    let d = match (s, role) {
        (Scenario::Queue(q), Role::Writer) => q.delay,
        (Scenario::Queue(q), Role::Reader) => q.reader_delay,
        (Scenario::Pipe(p), Role::Sender) => p.delay,
        (Scenario::Pipe(p), Role::Receiver) => p.reader_delay,
        _ => return false,
    };
    d.hi > 0.0
}

/// How the parent is on its line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Parent {
    Running,
    /// Waiting for a child (join).
    Blocked,
    /// Before `terminate()`, held there by a lesson for the class.
    Held,
}

/// The parent's place, as its events tell (see [`super::parent`]):
/// starting its children, in `join()` on a worker, before `terminate()`
/// (held by a lesson, or while the readers drain the queue), terminating,
/// at its end.
fn parent_place(scene: &Scene) -> Option<(Op, Parent)> {
    use super::parent::ParentAt;
    if !super::parent::told(&scene.world) {
        return None;
    }
    Some(match super::parent::at(&scene.world) {
        ParentAt::Starting => (Op::Start, Parent::Running),
        ParentAt::Joining(_) => (Op::Join, Parent::Blocked),
        ParentAt::Reading { blocked: true } => (Op::Get, Parent::Blocked),
        ParentAt::Reading { blocked: false } => (Op::Get, Parent::Running),
        ParentAt::BeforeTerminate { held: true } => (Op::Terminate, Parent::Held),
        ParentAt::BeforeTerminate { held: false } | ParentAt::Terminating => {
            (Op::Terminate, Parent::Running)
        }
        ParentAt::Done => (Op::Exit, Parent::Running),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::run::{Mode, QueueConfig, RunConfig};
    use crate::stream::{Body, Event, Kind, Record, RunInfo, SUPERVISOR};
    use std::collections::BTreeMap;

    fn map() -> LineMap {
        let mut m = BTreeMap::new();
        m.insert(
            ProgramRole::Writer,
            BTreeMap::from([(Op::Start, 5), (Op::Put, 7), (Op::Sleep, 8)]),
        );
        m.insert(
            ProgramRole::Reader,
            BTreeMap::from([(Op::Start, 11), (Op::Get, 13)]),
        );
        m.insert(
            ProgramRole::Parent,
            BTreeMap::from([(Op::Start, 20), (Op::Join, 22), (Op::Terminate, 23)]),
        );
        LineMap(m)
    }

    fn scene_with(events: &[(ProcId, Kind)]) -> Scene {
        let cfg = RunConfig::new(
            Scenario::Queue(QueueConfig::defaults(Mode::Tui)),
            Mode::Tui,
            1,
        );
        let mut s = Scene::new(cfg.clone());
        let mut n = 0;
        let mut rec = |s: &mut Scene, body| {
            s.apply(&Record { n, body });
            n += 1;
        };
        rec(
            &mut s,
            Body::Run(RunInfo {
                start_ns: 1,
                pid: 1,
                config: cfg,
            }),
        );
        for (id, name, role) in [(0, "writer-1", Role::Writer), (1, "reader-1", Role::Reader)] {
            let kind = Kind::Spawn {
                name: name.into(),
                role,
            };
            rec(&mut s, Body::Event(Event::new(2, id, 10 + id as i32, kind)));
        }
        // The parent joins writer-1 (pid 10).
        let join = Event::new(2, SUPERVISOR, 1, Kind::Join { target: 10 });
        rec(&mut s, Body::Event(join));
        for (i, (id, kind)) in events.iter().enumerate() {
            let e = Event::new(3 + i as u64, *id, 10 + *id as i32, kind.clone()).with_item("x");
            rec(&mut s, Body::Event(e));
        }
        s
    }

    fn line_of(ms: &[Marker], who: &str) -> Option<(u32, bool)> {
        ms.iter()
            .find(|m| m.who == who)
            .map(|m| (m.line, m.blocked))
    }

    fn held(ms: &[Marker]) -> bool {
        ms.iter().any(|m| m.who == "P" && m.held)
    }

    #[test]
    fn each_process_is_on_the_line_of_what_it_does() {
        let s = scene_with(&[]);
        let ms = markers(&map(), "", &s);
        assert_eq!(line_of(&ms, "W1"), Some((5, false)), "starting");
        assert_eq!(line_of(&ms, "P"), Some((22, true)), "the parent joins");
        let s = scene_with(&[(0, Kind::Put), (1, Kind::GetWait)]);
        let ms = markers(&map(), "", &s);
        assert_eq!(line_of(&ms, "W1"), Some((8, false)), "sleeps after a put");
        assert_eq!(line_of(&ms, "R1"), Some((13, true)), "blocked in get");
        let s = scene_with(&[(0, Kind::PutWait)]);
        assert_eq!(line_of(&markers(&map(), "", &s), "W1"), Some((7, true)));
    }

    #[test]
    fn a_counter_with_the_lock_is_on_the_locked_functions_line() {
        use crate::stream::run::CounterConfig;
        let lines = LineMap(BTreeMap::from([
            (ProgramRole::Counter, BTreeMap::from([(Op::Increment, 21)])),
            (
                ProgramRole::LockedCounter,
                BTreeMap::from([(Op::Increment, 28)]),
            ),
        ]));
        let mut s = scene_with(&[]);
        let mut c = CounterConfig::defaults(Mode::Tui);
        s.world.procs[0].role = Role::Counter;
        s.world.procs[0].did = Some(Did::Count);
        s.world.procs[0].activity = Activity::Active;
        c.lock = false;
        s.cfg.scenario = Scenario::Counter(c.clone());
        let at = |s: &Scene| {
            markers(&lines, "", s)
                .iter()
                .find(|m| m.proc == Some(0))
                .map(|m| m.line)
        };
        assert_eq!(at(&s), Some(21));
        c.lock = true;
        s.cfg.scenario = Scenario::Counter(c);
        assert_eq!(at(&s), Some(28));
        // A program with one kind of counter maps it as `counter`.
        let mut one = lines.clone();
        one.0.remove(&ProgramRole::LockedCounter);
        assert_eq!(
            markers(&one, "", &s)
                .iter()
                .find(|m| m.proc == Some(0))
                .map(|m| m.line),
            Some(21)
        );
    }

    #[test]
    fn the_parent_is_on_its_join_then_held_before_terminate_until_the_lesson_lets_go() {
        let exit = Kind::Exit {
            ended: crate::stream::Ended::Code(0),
        };
        // Writer-1 ended but the parent's join has not returned yet.
        let s = scene_with(&[(0, exit.clone())]);
        assert_eq!(line_of(&markers(&map(), "", &s), "P"), Some((22, true)));
        let joined = Kind::Joined { target: 10 };
        let hold = Kind::ParentHold { on: true };
        let s = scene_with(&[
            (SUPERVISOR, hold),
            (0, exit.clone()),
            (SUPERVISOR, joined.clone()),
        ]);
        let ms = markers(&map(), "", &s);
        assert_eq!(line_of(&ms, "P"), Some((23, false)));
        assert!(held(&ms), "a lesson holds it before terminate()");
        assert_eq!(line_of(&ms, "W1"), None, "an ended process has no line");
        let go = Kind::ParentHold { on: false };
        let sigterm = Kind::Kill {
            target: 11,
            signal: crate::stream::SIGTERM,
        };
        let s = scene_with(&[
            (SUPERVISOR, Kind::ParentHold { on: true }),
            (0, exit),
            (SUPERVISOR, joined),
            (SUPERVISOR, go),
            (SUPERVISOR, sigterm),
        ]);
        let ms = markers(&map(), "", &s);
        assert_eq!(line_of(&ms, "P"), Some((23, false)));
        assert!(!held(&ms), "let go, it has terminated the reader");
    }

    #[test]
    fn the_parents_second_join_is_on_the_next_join_line() {
        let text = "a\nb\nc\npw1.join()\npw2.join()\npr.terminate()\n";
        assert_eq!(nth_join(text, 4, 0), 4);
        assert_eq!(nth_join(text, 4, 1), 5);
        assert_eq!(
            nth_join(text, 4, 2),
            5,
            "a third writer: the last join line"
        );
        assert_eq!(nth_join("", 4, 1), 4, "no text: the mapped line");
    }
}
