//! The parent (`__main__`) as the events tell it: it starts the children,
//! joins the workers one by one (blocked in `join()` until each ends), then
//! on a queue terminates the readers, held before that line by a lesson
//! until the class is ready. Pure: built from the supervisor's events
//! (`Join`, `Joined`, `ParentHold`, its SIGTERMs), so a replay shows the
//! same steps.

use super::world::{Proc, World};
use crate::stream::{Event, Kind, Role, SIGTERM, SUPERVISOR};

/// What the events told of the parent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParentTally {
    /// The pid of the process the parent is in `join()` on.
    pub joining: Option<i32>,
    /// The pids it has joined, in order.
    pub joined: Vec<i32>,
    /// Held before `terminate()` by a lesson.
    pub hold: bool,
    /// The pids it sent SIGTERM to once its joins were done: its
    /// `terminate()`.
    pub terminated: Vec<i32>,
    /// The stream has told of the parent's program (a recording made
    /// before the parent's events has children and no word of it).
    pub seen: bool,
    /// It reads the queue itself (there is no reader process).
    pub reads: Option<Reads>,
    /// Items it has got (its own `get()`s).
    pub got: u64,
    /// It waits in `get()`: the queue is empty.
    pub waiting_get: bool,
}

/// The parent reads the queue itself: `total` items (those the writers
/// put), all of them before its joins (`first`, the fix) or after them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reads {
    pub total: u64,
    pub first: bool,
}

impl ParentTally {
    /// Before any event: what the run's settings say of its program.
    pub fn for_run(cfg: &crate::stream::run::RunConfig) -> ParentTally {
        let reads = match &cfg.scenario {
            crate::stream::run::Scenario::Queue(q) if q.parent_reads() => Some(Reads {
                total: q.items.saturating_mul(u64::from(q.writers)),
                first: q.drain_first,
            }),
            _ => None,
        };
        ParentTally {
            reads,
            ..ParentTally::default()
        }
    }
}

impl ParentTally {
    /// Folds in one event (the world before it is `procs`).
    pub fn apply(&mut self, ev: &Event, procs: &[Proc]) {
        if ev.child != SUPERVISOR {
            return;
        }
        if matches!(
            ev.kind,
            Kind::Join { .. } | Kind::Joined { .. } | Kind::ParentHold { .. }
        ) {
            self.seen = true;
        }
        match &ev.kind {
            Kind::GetWait => {
                self.seen = true;
                self.waiting_get = true;
            }
            Kind::Get => {
                self.seen = true;
                self.waiting_get = false;
                self.got += 1;
            }
            Kind::Join { target } => self.joining = Some(*target),
            Kind::Joined { target } => {
                if self.joining == Some(*target) {
                    self.joining = None;
                }
                if !self.joined.contains(target) {
                    self.joined.push(*target);
                }
            }
            Kind::ParentHold { on } => self.hold = *on,
            Kind::Kill { target, signal } if *signal == SIGTERM => {
                let reader = procs
                    .iter()
                    .any(|p| p.pid == *target && p.role == Role::Reader);
                let joins_done = self.joining.is_none()
                    && procs
                        .iter()
                        .filter(|p| worker(p.role))
                        .all(|p| self.joined.contains(&p.pid));
                if reader && joins_done && !self.terminated.contains(target) {
                    self.terminated.push(*target);
                }
            }
            _ => {}
        }
    }
}

/// The processes the parent joins first: those that end by themselves.
pub fn worker(role: Role) -> bool {
    matches!(role, Role::Writer | Role::Sender | Role::Counter)
}

/// Where the parent is in its program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParentAt {
    /// Starting its children (no child yet).
    Starting,
    /// Blocked in `join()` on this process (its pid).
    Joining(i32),
    /// Reading the queue itself (`blocked`: in `get()`, the queue empty).
    Reading { blocked: bool },
    /// Its joins done, before `terminate()`: the readers drain the queue,
    /// or (`held`) a lesson holds it there.
    BeforeTerminate { held: bool },
    /// It sent SIGTERM; the process has not ended yet.
    Terminating,
    /// Its program is over: every child has ended.
    Done,
}

/// One step of the parent's program, for the stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub what: StepKind,
    pub state: StepState,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepKind {
    /// `p.start()` for every child.
    Start,
    /// `p.join()` on this process (its name).
    Join(String),
    /// `q.get()` for each item the writers put (how many, when known).
    Get(Option<u64>),
    /// `p.terminate()` on these processes (their names).
    Terminate(Vec<String>),
    /// The end of its program.
    Done,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    Done,
    /// Where it is: running, or blocked (`join()`), or held.
    Now {
        blocked: bool,
        held: bool,
    },
    Later,
}

/// Whether the stream tells where the parent is: it has told of its
/// program, or no child has started yet.
pub fn told(w: &World) -> bool {
    w.parent.seen || w.procs.is_empty()
}

/// Where the parent is now.
pub fn at(w: &World) -> ParentAt {
    if w.procs.is_empty() {
        return ParentAt::Starting;
    }
    if let Some(pid) = w.parent.joining {
        return ParentAt::Joining(pid);
    }
    let unjoined = w
        .procs
        .iter()
        .any(|p| worker(p.role) && !w.parent.joined.contains(&p.pid));
    if let Some(r) = w.parent.reads
        && !reading_over(w)
        && (r.first || !unjoined)
    {
        return ParentAt::Reading {
            blocked: w.parent.waiting_get,
        };
    }
    if w.procs.iter().all(|p| !p.alive()) {
        return ParentAt::Done;
    }
    if unjoined {
        // Between two joins, or before the first: the next one comes.
        return ParentAt::Starting;
    }
    if !w.parent.terminated.is_empty() {
        return ParentAt::Terminating;
    }
    if w.procs.iter().any(|p| p.role == Role::Reader && p.alive()) {
        return ParentAt::BeforeTerminate {
            held: w.parent.hold,
        };
    }
    // A pipe's receiver: joined as the workers are.
    ParentAt::Starting
}

/// Whether the parent has read all it will: every item, or (the writers
/// gone) all there is.
fn reading_over(w: &World) -> bool {
    let Some(r) = w.parent.reads else {
        return true;
    };
    let writers_gone = w.by_role(Role::Writer).all(|p| !p.alive());
    w.parent.got >= r.total || writers_gone && w.queue.depth() == 0 && !w.parent.waiting_get
}

/// The parent's program as steps: `start`, a `join` per worker (and a
/// pipe's receiver), `terminate` of a queue's readers, `done`; each done,
/// where it is now, or still to come.
pub fn steps(w: &World) -> Vec<Step> {
    let now = at(w);
    let mut out = vec![Step {
        what: StepKind::Start,
        state: if w.procs.is_empty() {
            StepState::Now {
                blocked: false,
                held: false,
            }
        } else {
            StepState::Done
        },
    }];
    let get = w.parent.reads.map(|r| Step {
        what: StepKind::Get((r.total > 0).then_some(r.total)),
        state: match now {
            ParentAt::Reading { blocked } => StepState::Now {
                blocked,
                held: false,
            },
            _ if reading_over(w) && !w.procs.is_empty() => StepState::Done,
            _ => StepState::Later,
        },
    });
    if let Some(s) = get
        .clone()
        .filter(|_| w.parent.reads.is_some_and(|r| r.first))
    {
        out.push(s);
    }
    let mut joins: Vec<&Proc> = w.procs.iter().filter(|p| worker(p.role)).collect();
    let pipe_receiver = w.procs.iter().any(|p| p.role == Role::Receiver);
    if pipe_receiver {
        joins.extend(w.procs.iter().filter(|p| p.role == Role::Receiver));
    }
    // In the order the parent joined them, then the rest by age.
    joins.sort_by_key(|p| {
        let pos = w.parent.joined.iter().position(|&j| j == p.pid);
        (pos.unwrap_or(usize::MAX), p.id)
    });
    for p in joins {
        let state = if w.parent.joined.contains(&p.pid) {
            StepState::Done
        } else if now == ParentAt::Joining(p.pid) {
            StepState::Now {
                blocked: true,
                held: false,
            }
        } else {
            StepState::Later
        };
        out.push(Step {
            what: StepKind::Join(p.name.clone()),
            state,
        });
    }
    if let Some(s) = get.filter(|_| w.parent.reads.is_some_and(|r| !r.first)) {
        out.push(s);
    }
    let readers: Vec<&Proc> = w.by_role(Role::Reader).collect();
    if !readers.is_empty() {
        let names = readers.iter().map(|p| p.name.clone()).collect();
        let state = match now {
            ParentAt::BeforeTerminate { held } => StepState::Now {
                blocked: false,
                held,
            },
            ParentAt::Terminating => StepState::Now {
                blocked: false,
                held: false,
            },
            ParentAt::Done if !w.parent.terminated.is_empty() => StepState::Done,
            _ => StepState::Later,
        };
        out.push(Step {
            what: StepKind::Terminate(names),
            state,
        });
    }
    out.push(Step {
        what: StepKind::Done,
        state: if now == ParentAt::Done {
            StepState::Done
        } else {
            StepState::Later
        },
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::Ended;

    fn ev(kind: Kind, child: u16, pid: i32) -> Event {
        Event::new(1, child, pid, kind)
    }

    fn spawn(w: &mut World, id: u16, name: &str, role: Role) {
        w.apply(&ev(
            Kind::Spawn {
                name: name.into(),
                role,
            },
            id,
            100 + id as i32,
        ));
    }

    fn parent(w: &mut World, kind: Kind) {
        w.apply(&ev(kind, SUPERVISOR, 1));
    }

    fn exit(w: &mut World, id: u16, ended: Ended) {
        w.apply(&ev(Kind::Exit { ended }, id, 100 + id as i32));
    }

    fn queue_world() -> World {
        let mut w = World::new(0);
        spawn(&mut w, 0, "writer-1", Role::Writer);
        spawn(&mut w, 1, "writer-2", Role::Writer);
        spawn(&mut w, 2, "reader-1", Role::Reader);
        w
    }

    fn states(w: &World) -> Vec<StepState> {
        steps(w).into_iter().map(|s| s.state).collect()
    }

    const NOW_BLOCKED: StepState = StepState::Now {
        blocked: true,
        held: false,
    };
    const DONE: StepState = StepState::Done;
    const LATER: StepState = StepState::Later;

    #[test]
    fn the_parent_joins_each_writer_in_turn_then_terminates_the_reader() {
        let mut w = queue_world();
        assert_eq!(at(&w), ParentAt::Starting);
        parent(&mut w, Kind::Join { target: 100 });
        assert_eq!(at(&w), ParentAt::Joining(100));
        assert_eq!(states(&w), [DONE, NOW_BLOCKED, LATER, LATER, LATER]);
        exit(&mut w, 0, Ended::Code(0));
        parent(&mut w, Kind::Joined { target: 100 });
        parent(&mut w, Kind::Join { target: 101 });
        assert_eq!(at(&w), ParentAt::Joining(101));
        assert_eq!(states(&w), [DONE, DONE, NOW_BLOCKED, LATER, LATER]);
        exit(&mut w, 1, Ended::Code(0));
        parent(&mut w, Kind::Joined { target: 101 });
        assert_eq!(at(&w), ParentAt::BeforeTerminate { held: false });
        parent(
            &mut w,
            Kind::Kill {
                target: 102,
                signal: SIGTERM,
            },
        );
        assert_eq!(at(&w), ParentAt::Terminating);
        exit(&mut w, 2, Ended::Signal(SIGTERM));
        assert_eq!(at(&w), ParentAt::Done);
        assert_eq!(states(&w), [DONE; 5]);
        let names: Vec<StepKind> = steps(&w).into_iter().map(|s| s.what).collect();
        assert_eq!(
            names,
            [
                StepKind::Start,
                StepKind::Join("writer-1".into()),
                StepKind::Join("writer-2".into()),
                StepKind::Terminate(vec!["reader-1".into()]),
                StepKind::Done,
            ]
        );
    }

    #[test]
    fn a_lesson_holds_the_parent_before_terminate_until_it_lets_go() {
        let mut w = queue_world();
        parent(&mut w, Kind::ParentHold { on: true });
        for (id, pid) in [(0, 100), (1, 101)] {
            parent(&mut w, Kind::Join { target: pid });
            exit(&mut w, id, Ended::Code(0));
            parent(&mut w, Kind::Joined { target: pid });
        }
        assert_eq!(at(&w), ParentAt::BeforeTerminate { held: true });
        assert_eq!(
            steps(&w)[3].state,
            StepState::Now {
                blocked: false,
                held: true
            }
        );
        parent(&mut w, Kind::ParentHold { on: false });
        assert_eq!(at(&w), ParentAt::BeforeTerminate { held: false });
    }

    fn reading_world(first: bool) -> World {
        let mut w = World::new(0);
        w.parent.reads = Some(Reads { total: 2, first });
        spawn(&mut w, 0, "writer-1", Role::Writer);
        w
    }

    fn names(w: &World) -> Vec<StepKind> {
        steps(w).into_iter().map(|s| s.what).collect()
    }

    #[test]
    fn a_parent_that_reads_the_queue_itself_gets_after_its_joins_or_before_them() {
        let w = reading_world(false);
        let join = StepKind::Join("writer-1".into());
        assert_eq!(
            names(&w),
            [
                StepKind::Start,
                join.clone(),
                StepKind::Get(Some(2)),
                StepKind::Done
            ]
        );
        let mut w = reading_world(true);
        assert_eq!(
            names(&w),
            [
                StepKind::Start,
                StepKind::Get(Some(2)),
                join,
                StepKind::Done
            ]
        );
        assert_eq!(at(&w), ParentAt::Reading { blocked: false });
        parent(&mut w, Kind::GetWait);
        assert_eq!(at(&w), ParentAt::Reading { blocked: true });
        assert_eq!(steps(&w)[1].state, NOW_BLOCKED);
        for _ in 0..2 {
            parent(&mut w, Kind::Get);
        }
        assert_eq!(
            (w.parent.got, at(&w)),
            (2, ParentAt::Starting),
            "on to the join"
        );
        parent(&mut w, Kind::Join { target: 100 });
        exit(&mut w, 0, Ended::Code(0));
        parent(&mut w, Kind::Joined { target: 100 });
        assert_eq!(at(&w), ParentAt::Done);
        assert_eq!(states(&w), [DONE; 4]);
    }

    #[test]
    fn a_parent_reading_after_its_joins_is_done_once_the_writers_are_gone_and_the_queue_empty() {
        let mut w = reading_world(false);
        parent(&mut w, Kind::Join { target: 100 });
        assert_eq!(at(&w), ParentAt::Joining(100));
        exit(&mut w, 0, Ended::Signal(9));
        parent(&mut w, Kind::Joined { target: 100 });
        assert_eq!(at(&w), ParentAt::Done, "nothing was put: nothing to get");
    }

    #[test]
    fn a_sigterm_before_the_joins_are_done_is_not_the_parents_terminate() {
        let mut w = queue_world();
        parent(&mut w, Kind::Join { target: 100 });
        parent(
            &mut w,
            Kind::Kill {
                target: 102,
                signal: SIGTERM,
            },
        );
        assert!(w.parent.terminated.is_empty());
        assert_eq!(at(&w), ParentAt::Joining(100));
    }

    #[test]
    fn a_stream_without_the_parents_events_does_not_tell_where_it_is() {
        let mut w = queue_world();
        assert!(!told(&w), "children, and no word of the parent");
        parent(&mut w, Kind::Join { target: 100 });
        assert!(told(&w));
        assert!(told(&World::new(0)), "before any child: starting");
    }

    #[test]
    fn a_pipe_parent_joins_the_sender_then_the_receiver_and_terminates_nobody() {
        let mut w = World::new(0);
        spawn(&mut w, 0, "sender", Role::Sender);
        spawn(&mut w, 1, "receiver", Role::Receiver);
        parent(&mut w, Kind::Join { target: 100 });
        exit(&mut w, 0, Ended::Code(0));
        parent(&mut w, Kind::Joined { target: 100 });
        parent(&mut w, Kind::Join { target: 101 });
        assert_eq!(at(&w), ParentAt::Joining(101));
        let names: Vec<StepKind> = steps(&w).into_iter().map(|s| s.what).collect();
        assert_eq!(
            names,
            [
                StepKind::Start,
                StepKind::Join("sender".into()),
                StepKind::Join("receiver".into()),
                StepKind::Done,
            ]
        );
    }
}
