//! The race on the shared value, step by step, as the counters tell it:
//! each counter's register (`tmp`) and the step it did last (took the
//! lock, read, added, wrote), who holds the lock, and every write that
//! overwrote updates made after its writer read, with whose updates they
//! were. Pure: built from events only.
//!
//! A write says what it stored and what the cell held just before (one
//! atomic exchange), so the updates it lost are exact: `old - value + 1`
//! (the value it replaced, minus the one it read). Their sum over every
//! write is the run's `expected - actual`, whoever looks. Whose updates
//! they were comes from the order of the writes in the stream.

use std::collections::{BTreeMap, VecDeque};

use super::scene::Scene;
use super::world::{Activity, Proc};
use crate::stream::run::Scenario;
use crate::stream::{Event, Kind, ProcId};

/// The steps of `v.value += 1`, in order (taking the lock only when the
/// increment holds it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Step {
    /// `with v.get_lock():`
    Lock,
    /// `tmp = v.value`
    Read,
    /// `tmp += 1`
    Add,
    /// `v.value = tmp`
    Write,
}

impl Step {
    /// The line of Python the step is, for a Value or cell `cell` of an
    /// Array (`None`).
    pub fn code(self, cell: Option<u32>) -> String {
        let shared = match cell {
            Some(i) => format!("arr[{i}]"),
            None => "v.value".to_string(),
        };
        match self {
            Step::Lock => "with v.get_lock():".to_string(),
            Step::Read => format!("tmp = {shared}"),
            Step::Add => "tmp += 1".to_string(),
            Step::Write => format!("{shared} = tmp"),
        }
    }
}

/// A counter in the race.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Register {
    /// The cell it increments (0 for a Value).
    pub cell: u32,
    /// Its register `tmp`: what it read, then added one to (`None` before
    /// its first read).
    pub tmp: Option<i64>,
    /// The step it did last (`None`: none yet).
    pub did: Option<Step>,
    /// Its current increment takes the lock.
    pub locked: bool,
    /// It holds the lock now.
    pub holds_lock: bool,
    /// Writes its cell had seen when it read (those after are the ones its
    /// write may overwrite); `None` before a read.
    read_at: Option<u64>,
}

/// A write as the stream told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Told {
    /// Its number among the cell's writes.
    n: u64,
    by: ProcId,
    /// What it stored.
    value: i64,
}

/// Writes remembered per cell to name the victims of an overwrite.
const REMEMBERED: usize = 64;

/// A cell (the Value is cell 0) as its writes tell.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CellRace {
    /// Writes told.
    pub writes: u64,
    /// What the latest write stored.
    pub value: i64,
    recent: VecDeque<Told>,
}

/// A write that replaced updates made after its writer read (or, rarely,
/// an older value: `lost` < 0, the value goes up by more than one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overwrite {
    pub by: ProcId,
    pub cell: u32,
    /// Whose writes, made after `by` read, it replaced, in order.
    pub victims: Vec<ProcId>,
    /// What it stored.
    pub value: i64,
    /// What the cell held just before.
    pub old: i64,
    /// Updates this write lost: `old - value + 1`.
    pub lost: i64,
    pub t_ns: u64,
}

/// The race so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RaceTally {
    pub regs: BTreeMap<ProcId, Register>,
    pub cells: BTreeMap<u32, CellRace>,
    /// Writes told.
    pub writes: u64,
    /// Updates lost, summed over the writes told (exact when every write
    /// was told: then it is `expected - actual`).
    pub lost: i64,
    /// Writes that overwrote (or put back) updates.
    pub overwrites: u64,
    /// The latest of them, oldest first (the event log names their
    /// victims while it shows them).
    pub recent: VecDeque<Overwrite>,
    /// The lock as last switched live (`None`: as the run started).
    pub lock_set: Option<bool>,
    /// The counter holding the lock, as the steps tell.
    pub holder: Option<ProcId>,
}

impl RaceTally {
    /// Folds in an event; returns the overwrite it was, if it was one.
    pub fn apply(&mut self, ev: &Event) -> Option<&Overwrite> {
        match &ev.kind {
            Kind::LockSet { on } => self.lock_set = Some(*on),
            Kind::LockTaken => {
                let r = self.regs.entry(ev.child).or_default();
                r.did = Some(Step::Lock);
                r.locked = true;
                r.holds_lock = true;
                self.holder = Some(ev.child);
            }
            Kind::ValueRead {
                cell,
                value,
                locked,
            } => {
                let writes = self.cells.get(cell).map_or(0, |c| c.writes);
                let r = self.regs.entry(ev.child).or_default();
                r.cell = *cell;
                r.tmp = Some(*value);
                r.did = Some(Step::Read);
                r.locked = *locked;
                r.read_at = Some(writes);
            }
            Kind::ValueAdd { register } => {
                let r = self.regs.entry(ev.child).or_default();
                r.tmp = Some(*register);
                r.did = Some(Step::Add);
            }
            Kind::ValueWrite { cell, value, old } => return self.write(ev, *cell, *value, *old),
            Kind::Exit { .. } => {
                if let Some(r) = self.regs.get_mut(&ev.child) {
                    r.holds_lock = false;
                }
                if self.holder == Some(ev.child) {
                    self.holder = None;
                }
            }
            _ => {}
        }
        None
    }

    fn write(&mut self, ev: &Event, cell: u32, value: i64, old: i64) -> Option<&Overwrite> {
        let r = self.regs.entry(ev.child).or_default();
        let read_at = r.read_at.take();
        r.cell = cell;
        r.tmp = Some(value);
        r.did = Some(Step::Write);
        if r.holds_lock {
            r.holds_lock = false;
            if self.holder == Some(ev.child) {
                self.holder = None;
            }
        }
        let c = self.cells.entry(cell).or_default();
        let read = value.wrapping_sub(1);
        let victims = match read_at {
            Some(at) => chain(&c.recent, at, read, old),
            None => Vec::new(),
        };
        c.recent.push_back(Told {
            n: c.writes,
            by: ev.child,
            value,
        });
        while c.recent.len() > REMEMBERED {
            c.recent.pop_front();
        }
        c.writes += 1;
        c.value = value;
        self.writes += 1;
        let lost = old.wrapping_sub(value).wrapping_add(1);
        self.lost = self.lost.wrapping_add(lost);
        if lost == 0 {
            return None;
        }
        self.overwrites += 1;
        self.recent.push_back(Overwrite {
            by: ev.child,
            cell,
            victims,
            value,
            old,
            lost,
            t_ns: ev.t_ns,
        });
        while self.recent.len() > KEPT {
            self.recent.pop_front();
        }
        self.recent.back()
    }

    /// The latest overwrite.
    pub fn last(&self) -> Option<&Overwrite> {
        self.recent.back()
    }

    /// The overwrite the write `ev` was, while it is kept.
    pub fn overwrite_of(&self, ev: &Event) -> Option<&Overwrite> {
        self.recent
            .iter()
            .rev()
            .find(|o| o.by == ev.child && o.t_ns == ev.t_ns)
    }
}

/// Overwrites kept for the event log (which keeps 500 lines).
const KEPT: usize = 512;

/// The writers of the updates a write replaces: the chain of writes made
/// since its read (number `at` on) that took the value from `read` to
/// `old`, one +1 each (`old`'s writer, the writer of `old - 1` before it,
/// and so on), in the order they were made. Writes that were themselves
/// overwritten are not in it: their updates were lost already.
fn chain(recent: &VecDeque<Told>, at: u64, read: i64, old: i64) -> Vec<ProcId> {
    let mut want = old;
    let mut out = Vec::new();
    for t in recent.iter().rev().take_while(|t| t.n >= at) {
        if want <= read {
            break;
        }
        if t.value == want {
            out.push(t.by);
            want -= 1;
        }
    }
    out.reverse();
    out
}

/// Whether the counters take the lock now: as switched live, else as the
/// run started.
pub fn lock_on(scene: &Scene) -> bool {
    scene
        .world
        .race
        .lock_set
        .unwrap_or(match &scene.cfg.scenario {
            Scenario::Counter(c) => c.lock,
            _ => false,
        })
}

/// The run's configuration with the lock and the queue's policies as they
/// are now: what a restart starts again (the teacher's live switches are
/// kept).
pub fn config_now(scene: &Scene) -> crate::stream::run::RunConfig {
    let mut cfg = scene.cfg.clone();
    let lock = lock_on(scene);
    match &mut cfg.scenario {
        Scenario::Counter(c) => c.lock = lock,
        Scenario::Queue(q) => {
            for role in [crate::stream::Role::Writer, crate::stream::Role::Reader] {
                if let Some(p) = super::policy::policy(scene, role) {
                    q.set_policy(role, p);
                }
            }
        }
        Scenario::Pipe(_) | Scenario::Program(_) => {}
    }
    cfg
}

/// Whether the run tells each step (paced), rather than running at full
/// speed.
pub fn stepped(scene: &Scene) -> bool {
    matches!(&scene.cfg.scenario, Scenario::Counter(c) if c.step_delay.is_some())
}

/// The run's Array cells (0: a Value).
pub fn array(scene: &Scene) -> u32 {
    match &scene.cfg.scenario {
        Scenario::Counter(c) => c.array,
        _ => 0,
    }
}

/// Updates lost: the increments made minus the value, as last read off
/// the real value (`expected - actual`; never below 0).
pub fn lost(scene: &Scene) -> u64 {
    scene
        .value
        .map_or(0, |v| (v.expected as i128 - v.value as i128).max(0) as u64)
}

/// Whether every step of a paced run was reported (none dropped): then
/// the writes told are the run's figures.
fn all_told(scene: &Scene) -> bool {
    stepped(scene) && scene.telemetry.dropped == 0 && scene.world.race.writes > 0
}

/// The increments made and the value (the sum of the cells), as the
/// writes told them, when every step was reported.
pub fn told_figures(scene: &Scene) -> Option<(u64, i64)> {
    all_told(scene).then(|| {
        let cells = scene.world.race.cells.values();
        cells.fold((0, 0), |(e, v), c| (e + c.writes, v + c.value))
    })
}

/// Cell `i`'s value and the increments made on it: as its writes told
/// them when every step was reported, else as last read.
pub fn cell_figures(scene: &Scene, i: u32) -> (i64, u64) {
    let told = scene.world.race.cells.get(&i).map(|c| (c.value, c.writes));
    let read = scene.cells.get(i as usize).map(|c| (c.value, c.expected));
    match (all_told(scene), told, read) {
        (true, Some(t), _) => t,
        (_, _, Some(r)) => r,
        (_, t, None) => t.unwrap_or((0, 0)),
    }
}

/// Whether every update lost so far was told one by one (each write was
/// reported): otherwise the lost count comes from the value alone.
pub fn told_all(scene: &Scene) -> bool {
    stepped(scene) && scene.world.race.lost.max(0) as u64 == lost(scene)
}

/// The step `p` does next, and whether it is blocked before it (waiting
/// for the lock): for the program panel and the stage. `None`: not a
/// counter of a stepped run, or ended.
pub fn next_step(p: &Proc, scene: &Scene) -> Option<(Step, bool)> {
    if !p.alive() || !stepped(scene) {
        return None;
    }
    if matches!(p.activity, Activity::WaitingForLock { .. }) {
        return Some((Step::Lock, true));
    }
    let r = scene.world.race.regs.get(&p.id);
    let fresh = || {
        if lock_on(scene) {
            Step::Lock
        } else {
            Step::Read
        }
    };
    let next = match r.and_then(|r| r.did) {
        None | Some(Step::Write) => fresh(),
        Some(Step::Lock) => Step::Read,
        Some(Step::Read) => Step::Add,
        Some(Step::Add) => Step::Write,
    };
    Some((next, false))
}

/// The name of the counter holding the lock a process waits for: the one
/// that took it last, as the steps tell (the lock changes hands while a
/// process waits), else the one the waiting process named (`reported`, a
/// pid) when it began to wait.
pub fn lock_holder(w: &super::world::World, reported: i32) -> Option<String> {
    let now = w.race.holder.and_then(|id| w.proc(id));
    let said = (reported > 0).then(|| w.by_pid(reported)).flatten();
    now.or(said).map(|p| p.name.clone())
}

/// The cell `p` increments: as its steps told, else as the run assigns
/// it (counter k on cell (k - 1) mod N).
pub fn cell_of(p: &Proc, scene: &Scene) -> u32 {
    if let Some(r) = scene.world.race.regs.get(&p.id)
        && r.did.is_some()
    {
        return r.cell;
    }
    let k = p
        .name
        .rsplit_once('-')
        .and_then(|(_, n)| n.parse::<u32>().ok())
        .unwrap_or(1);
    match &scene.cfg.scenario {
        Scenario::Counter(c) => c.cell_of(k),
        _ => 0,
    }
}

/// Whether `p`'s current (or next) increment holds the lock.
pub fn locked_increment(p: &Proc, scene: &Scene) -> bool {
    match scene.world.race.regs.get(&p.id) {
        _ if matches!(p.activity, Activity::WaitingForLock { .. }) => true,
        Some(r) if matches!(r.did, Some(Step::Lock | Step::Read | Step::Add)) => r.locked,
        _ => lock_on(scene),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: u64, id: ProcId, kind: Kind) -> Event {
        Event::new(t, id, 100 + id as i32, kind)
    }

    fn read(t: u64, id: ProcId, value: i64) -> Event {
        ev(
            t,
            id,
            Kind::ValueRead {
                cell: 0,
                value,
                locked: false,
            },
        )
    }

    fn add(t: u64, id: ProcId, register: i64) -> Event {
        ev(t, id, Kind::ValueAdd { register })
    }

    fn write(t: u64, id: ProcId, value: i64, old: i64) -> Event {
        ev(
            t,
            id,
            Kind::ValueWrite {
                cell: 0,
                value,
                old,
            },
        )
    }

    #[test]
    fn a_read_then_an_add_fill_the_register_step_by_step() {
        let mut r = RaceTally::default();
        r.apply(&read(1, 0, 5));
        assert_eq!(r.regs[&0].tmp, Some(5));
        assert_eq!(r.regs[&0].did, Some(Step::Read));
        r.apply(&add(2, 0, 6));
        assert_eq!(r.regs[&0].tmp, Some(6));
        assert_eq!(r.regs[&0].did, Some(Step::Add));
        assert!(r.apply(&write(3, 0, 6, 5)).is_none(), "a clean write");
        assert_eq!((r.writes, r.lost, r.cells[&0].value), (1, 0, 6));
    }

    /// A reads 5, B reads 5, A writes 6, B writes 6: one update lost,
    /// A's, and the write that lost it is B's.
    #[test]
    fn the_classic_lost_update_names_the_writer_and_its_victim() {
        let mut r = RaceTally::default();
        r.apply(&read(1, 0, 5));
        r.apply(&read(2, 1, 5));
        r.apply(&add(3, 0, 6));
        r.apply(&add(4, 1, 6));
        assert!(r.apply(&write(5, 0, 6, 5)).is_none());
        let o = r.apply(&write(6, 1, 6, 6)).cloned().expect("an overwrite");
        assert_eq!((o.by, o.victims.clone(), o.lost), (1, vec![0], 1));
        assert_eq!((r.lost, r.overwrites, r.writes), (1, 1, 2));
        assert_eq!(r.last(), Some(&o));
        assert_eq!(r.overwrite_of(&write(6, 1, 6, 6)), Some(&o));
    }

    /// Four read 10; the first write is clean, the next two lose one each
    /// (the one before's); the last loses one too: the +1 that survived,
    /// not the two already lost.
    #[test]
    fn a_write_names_only_the_updates_it_erased_not_those_already_lost() {
        let mut r = RaceTally::default();
        for id in 0..4 {
            r.apply(&read(id as u64, id, 10));
        }
        assert!(r.apply(&write(10, 0, 11, 10)).is_none());
        for (t, id) in [(11, 1), (12, 2)] {
            let o = r.apply(&write(t, id, 11, 11)).cloned().unwrap();
            assert_eq!((o.victims, o.lost), (vec![id - 1], 1));
        }
        let o = r.apply(&write(13, 3, 11, 11)).cloned().unwrap();
        assert_eq!((o.victims, o.lost), (vec![2], 1));
        assert_eq!(r.lost, 3);
    }

    #[test]
    fn a_write_late_by_two_updates_loses_both_and_names_both_writers() {
        let mut r = RaceTally::default();
        r.apply(&read(1, 2, 3));
        for (t, id, v) in [(2, 0, 4), (4, 1, 5)] {
            r.apply(&read(t, id, v - 1));
            r.apply(&write(t + 1, id, v, v - 1));
        }
        let o = r.apply(&write(9, 2, 4, 5)).cloned().unwrap();
        assert_eq!((o.victims, o.lost), (vec![0, 1], 2));
    }

    /// Expected minus actual is the sum of what each write lost, whatever
    /// the interleaving: a stale write can even put a value back up.
    #[test]
    fn the_losses_of_all_writes_sum_to_expected_minus_actual() {
        let mut r = RaceTally::default();
        // E reads 0; X writes 1 and 2; C reads 2; E writes 1 over 2 (loses
        // 2); C writes 3 over 1 (puts one back: -1).
        r.apply(&read(1, 4, 0));
        r.apply(&read(2, 0, 0));
        r.apply(&write(3, 0, 1, 0));
        r.apply(&read(4, 0, 1));
        r.apply(&write(5, 0, 2, 1));
        r.apply(&read(6, 2, 2));
        assert_eq!(r.apply(&write(7, 4, 1, 2)).unwrap().lost, 2);
        assert_eq!(r.apply(&write(8, 2, 3, 1)).unwrap().lost, -1);
        let (expected, actual) = (r.writes as i64, r.cells[&0].value);
        assert_eq!((expected, actual), (4, 3));
        assert_eq!(r.lost, expected - actual);
    }

    #[test]
    fn the_lock_is_held_from_taking_it_to_the_write() {
        let mut r = RaceTally::default();
        r.apply(&ev(1, 0, Kind::LockTaken));
        assert_eq!(r.holder, Some(0));
        r.apply(&ev(
            2,
            0,
            Kind::ValueRead {
                cell: 0,
                value: 0,
                locked: true,
            },
        ));
        r.apply(&add(3, 0, 1));
        assert!(r.regs[&0].holds_lock);
        r.apply(&write(4, 0, 1, 0));
        assert_eq!(r.holder, None);
        assert!(!r.regs[&0].holds_lock);
        r.apply(&ev(5, u16::MAX, Kind::LockSet { on: false }));
        assert_eq!(r.lock_set, Some(false));
    }

    #[test]
    fn cells_race_apart() {
        let mut r = RaceTally::default();
        let on = |cell, id, value, old| {
            ev(
                0,
                id,
                Kind::ValueWrite {
                    cell,
                    value: value as i64,
                    old: old as i64,
                },
            )
        };
        r.apply(&ev(
            0,
            0,
            Kind::ValueRead {
                cell: 1,
                value: 0,
                locked: false,
            },
        ));
        r.apply(&read(0, 1, 0));
        r.apply(&on(0, 1, 1, 0));
        assert!(r.apply(&on(1, 0, 1, 0)).is_none(), "another cell");
        assert_eq!((r.cells[&0].value, r.cells[&1].value, r.lost), (1, 1, 0));
    }
}
