//! The world as the events tell it: every process, what it is doing and
//! why it waits, what it has done, and what moved through the queue, the
//! pipe or the shared value. Pure: built only from events (no OS, no clock),
//! so a recorded run replays into the same world.

use std::collections::{BTreeMap, VecDeque};

use crate::stream::run::{Policy, Then, Wait};
use crate::stream::{Ended, Event, Kind, PipeCall, ProcId, Role, SUPERVISOR};

/// What a process is doing, as it reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Activity {
    Starting,
    /// Between operations (working or sleeping its delay).
    Active,
    /// Blocked in put: the queue is full.
    WaitingToPut {
        item: String,
        since_ns: u64,
    },
    /// Blocked in get: the queue is empty.
    WaitingToGet {
        since_ns: u64,
    },
    WaitingToSend {
        item: String,
        since_ns: u64,
    },
    WaitingToRecv {
        since_ns: u64,
    },
    Exited,
    /// A counter waits for the Value's lock, held by process `holder` (its
    /// pid; 0: not known).
    WaitingForLock {
        holder: i32,
        since_ns: u64,
    },
    /// (`--python-feeder`) Done, and waiting before it can exit for its
    /// feeder thread to flush the items still in its buffer into the pipe.
    WaitingToFlush {
        since_ns: u64,
    },
}

impl Activity {
    pub fn blocked_since(&self) -> Option<u64> {
        match self {
            Activity::WaitingToPut { since_ns, .. }
            | Activity::WaitingToGet { since_ns }
            | Activity::WaitingToSend { since_ns, .. }
            | Activity::WaitingToRecv { since_ns }
            | Activity::WaitingForLock { since_ns, .. }
            | Activity::WaitingToFlush { since_ns } => Some(*since_ns),
            _ => None,
        }
    }
}

/// Most items the world follows one by one in the queue or the pipe; a
/// flood beyond it is still counted exactly.
pub const TRACKED: usize = 1024;

/// An item in the queue or the pipe, as the events tell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tracked {
    pub label: String,
    /// Its number: the put's operation number (queue), the message's
    /// number (pipe).
    pub seq: Option<u64>,
    /// The process that put or sent it.
    pub by: ProcId,
}

/// Items in order, the newest [`TRACKED`] at most; `dropped` counts those
/// forgotten at the front, so `len() + dropped` is exact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tracking {
    pub items: VecDeque<Tracked>,
    /// Items known to be inside but no longer followed one by one.
    pub untracked: u64,
}

impl Tracking {
    fn push(&mut self, t: Tracked) {
        self.items.push_back(t);
        if self.items.len() > TRACKED {
            self.items.pop_front();
            self.untracked += 1;
        }
    }

    /// Removes the item numbered `seq` (or labelled `label`): almost always
    /// the oldest, so look there first. An item no longer followed is
    /// taken off the untracked count.
    fn take(&mut self, seq: Option<u64>, label: Option<&str>) {
        let is = |t: &Tracked| match (seq, t.seq) {
            (Some(a), Some(b)) => a == b,
            _ => label.is_some_and(|l| l == t.label),
        };
        if self.items.front().is_some_and(is) {
            self.items.pop_front();
        } else if let Some(pos) = self.items.iter().position(is) {
            self.items.remove(pos);
        } else {
            self.untracked = self.untracked.saturating_sub(1);
        }
    }

    /// Every item inside, followed or not.
    pub fn count(&self) -> u64 {
        self.items.len() as u64 + self.untracked
    }

    /// Whether every item inside is followed one by one.
    pub fn exact(&self) -> bool {
        self.untracked == 0
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Proc {
    pub id: ProcId,
    pub name: String,
    pub role: Role,
    pub pid: i32,
    pub activity: Activity,
    /// The item it last handled.
    pub item: Option<String>,
    /// Items put / got / sent / received, or increments (counters).
    pub done: u64,
    /// queue.Full / queue.Empty raised.
    pub timeouts: u64,
    /// Time spent blocked so far (finished waits).
    pub blocked_ns: u64,
    pub ended: Option<Ended>,
    /// Signal the supervisor sent it, if any.
    pub signalled: Option<i32>,
    /// It said it was exiting on its own.
    pub said_exiting: bool,
    /// Its delays are scaled by this (1: as configured).
    pub scale: f64,
    pub spawned_ns: u64,
    pub last_ns: u64,
    /// The last thing it did (what its program went on from).
    pub did: Option<Did>,
    /// The last `queue.Full` or `queue.Empty` it raised (the stage
    /// flashes it for a while).
    pub raise: Option<Raise>,
    /// (`--python-feeder`) Items its `put` returned for that its feeder
    /// thread has not yet flushed into the pipe, in order. Kept after the
    /// process ends: what was left in it then was lost with it.
    pub buffer: Tracking,
}

/// A `queue.Full` or `queue.Empty` a process raised, and what it did next.
#[derive(Debug, Clone, PartialEq)]
pub struct Raise {
    /// `queue.Full` (a put), else `queue.Empty` (a get).
    pub full: bool,
    /// How the call was made (`None`: a recording made before it was told).
    pub wait: Option<Wait>,
    pub then: Then,
    /// The item a put was putting.
    pub item: Option<String>,
    pub t_ns: u64,
}

/// What a process last did, for the line of its program it is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Did {
    Put,
    Get,
    Send,
    Recv,
    /// `queue.Full` or `queue.Empty` raised (caught by its program).
    Full,
    Empty,
    /// recv raised `EOFError`.
    Eof,
    /// An increment of the shared value.
    Count,
    /// The receiver sent a reply back (`--echo`).
    Reply,
    /// The sender received a reply.
    GotReply,
    /// It closed its copy of the end its role does not use.
    Closed,
}

impl Proc {
    pub fn alive(&self) -> bool {
        self.ended.is_none()
    }
}

/// An item lost with a dead process: it was being put when the process
/// died, and never entered the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loss {
    pub item: String,
    pub pid: i32,
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueTally {
    pub puts: u64,
    pub gets: u64,
    pub full_raised: u64,
    pub empty_raised: u64,
    pub max_depth: u64,
    /// Items put and not (yet) got, in put order.
    pub inside: Tracking,
    /// (`--python-feeder`) Items whose `put` returned into a writer's
    /// buffer (each then enters the pipe as a `Put`, or is lost with its
    /// writer).
    pub buffered: u64,
    /// Ops the supervisor could not read in time (a flood).
    pub missed_puts: u64,
    pub missed_gets: u64,
}

impl QueueTally {
    /// Items in the queue, as the events tell (exact unless ops were missed).
    pub fn depth(&self) -> u64 {
        (self.puts + self.missed_puts).saturating_sub(self.gets + self.missed_gets)
    }

    /// Whether every op was seen, so `inside` is the queue's content.
    pub fn exact(&self) -> bool {
        self.missed_puts == 0 && self.missed_gets == 0 && self.inside.exact()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipeTally {
    pub sent: u64,
    pub received: u64,
    /// Sent and not yet received, in order.
    pub inside: Tracking,
    pub eof: bool,
    /// Replies sent back by the receiver, and received by the sender.
    pub replies: u64,
    pub got_replies: u64,
    /// Replies sent back and not yet received, in order.
    pub back: Tracking,
    /// The parent closed its copy of the send end (`x`).
    pub parent_closed: bool,
    /// The last wrong-way error raised: the process, the call, Python's
    /// message.
    pub wrong_way: Option<(ProcId, PipeCall, String)>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CounterTally {
    /// The latest value a counter saw.
    pub value: i64,
}

/// Everything the events have told so far.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct World {
    pub start_ns: u64,
    pub now_ns: u64,
    pub procs: Vec<Proc>,
    pub queue: QueueTally,
    pub pipe: PipeTally,
    pub counter: CounterTally,
    /// Repairs after dead processes (lock repaired or item lost).
    pub recoveries: u64,
    /// The Value's lock taken from a holder that died with it.
    pub value_lock_recoveries: u64,
    pub losses: Vec<Loss>,
    /// (`--python-feeder`) Per writer (its pid): items lost in its feeder
    /// buffer beyond those named in `losses` (a flood went by too fast to
    /// tell each one; the count is its own).
    pub unnamed_losses: BTreeMap<i32, u64>,
    pub events: u64,
    /// A watched Python program's objects, lines and waits.
    pub program: super::program::ProgramWorld,
    /// The counters' race, step by step.
    pub race: super::race::RaceTally,
    /// The writers' and readers' policies as last switched live (a role
    /// not here calls as the run started).
    pub policies: BTreeMap<Role, Policy>,
    /// The parent's joins and terminate.
    pub parent: super::parent::ParentTally,
}

impl World {
    pub fn new(start_ns: u64) -> World {
        World {
            start_ns,
            now_ns: start_ns,
            ..World::default()
        }
    }

    pub fn proc(&self, id: ProcId) -> Option<&Proc> {
        self.procs.iter().find(|p| p.id == id)
    }

    fn proc_mut(&mut self, id: ProcId) -> Option<&mut Proc> {
        self.procs.iter_mut().find(|p| p.id == id)
    }

    pub fn by_pid(&self, pid: i32) -> Option<&Proc> {
        self.procs.iter().find(|p| p.pid == pid)
    }

    pub fn by_role(&self, role: Role) -> impl Iterator<Item = &Proc> {
        self.procs.iter().filter(move |p| p.role == role)
    }

    pub fn live(&self, role: Role) -> usize {
        self.by_role(role).filter(|p| p.alive()).count()
    }

    /// Name of the process with `pid`, for messages about it.
    pub fn name_of(&self, pid: i32) -> String {
        self.by_pid(pid)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| format!("process {pid}"))
    }

    /// Folds one event in.
    pub fn apply(&mut self, ev: &Event) {
        self.events += 1;
        self.now_ns = self.now_ns.max(ev.t_ns);
        if matches!(
            ev.kind,
            Kind::Program(_)
                | Kind::Spawn {
                    role: Role::Program,
                    ..
                }
        ) || ev.at.is_some()
            || !self.program.procs.is_empty()
        {
            self.program.apply(ev);
        }
        match &ev.kind {
            // A watched program's child says its multiprocessing name.
            Kind::Program(crate::stream::ProgramOp::Begin { name, .. }) => {
                if let Some(p) = self.proc_mut(ev.child) {
                    p.name = name.clone();
                }
            }
            // Operations of a flood, counted: what the process has done.
            Kind::Program(crate::stream::ProgramOp::Many { what, n })
                if matches!(what.as_str(), "put" | "get" | "send" | "recv") =>
            {
                if let Some(p) = self.proc_mut(ev.child) {
                    p.done += n;
                }
            }
            _ => {}
        }
        if let Kind::Spawn { name, role } = &ev.kind {
            self.procs.push(Proc {
                id: ev.child,
                name: name.clone(),
                role: *role,
                pid: ev.pid,
                activity: Activity::Starting,
                item: None,
                done: 0,
                timeouts: 0,
                blocked_ns: 0,
                ended: None,
                signalled: None,
                said_exiting: false,
                scale: 1.0,
                spawned_ns: ev.t_ns,
                last_ns: ev.t_ns,
                did: None,
                raise: None,
                buffer: Tracking::default(),
            });
            return;
        }
        self.parent.apply(ev, &self.procs);
        self.tally(ev);
        self.update_proc(ev);
    }

    /// The objects' side of an event.
    fn tally(&mut self, ev: &Event) {
        let tracked = |ev: &Event| Tracked {
            label: ev.item.clone().unwrap_or_default(),
            seq: ev.seq,
            by: ev.child,
        };
        match &ev.kind {
            Kind::Put => {
                self.queue.puts += 1;
                self.queue.inside.push(tracked(ev));
                self.queue.max_depth = self.queue.max_depth.max(self.queue.depth());
            }
            Kind::Get => {
                self.queue.gets += 1;
                self.queue.inside.take(ev.seq, ev.item.as_deref());
            }
            Kind::Missed { puts, gets } => {
                self.queue.missed_puts += puts;
                self.queue.missed_gets += gets;
                // What is inside can no longer be followed one by one.
                let n = self.queue.inside.items.len() as u64;
                self.queue.inside.items.clear();
                self.queue.inside.untracked += n;
            }
            Kind::PolicySet { role, policy } => {
                self.policies.insert(*role, *policy);
            }
            Kind::Buffered => self.queue.buffered += 1,
            Kind::PutFull { .. } => self.queue.full_raised += 1,
            Kind::GetEmpty { .. } => self.queue.empty_raised += 1,
            Kind::Send => {
                self.pipe.sent += 1;
                self.pipe.inside.push(tracked(ev));
            }
            Kind::Recv => {
                self.pipe.received += 1;
                self.pipe.inside.take(ev.seq, ev.item.as_deref());
            }
            Kind::RecvEof => self.pipe.eof = true,
            Kind::Reply => {
                self.pipe.replies += 1;
                self.pipe.back.push(tracked(ev));
            }
            Kind::GotReply => {
                self.pipe.got_replies += 1;
                self.pipe.back.take(ev.seq, ev.item.as_deref());
            }
            Kind::EndClosed { .. } if ev.child == SUPERVISOR => self.pipe.parent_closed = true,
            Kind::WrongWay { call, error } => {
                self.pipe.wrong_way = Some((ev.child, *call, error.clone()));
            }
            Kind::Count { value, .. } => self.counter.value = *value,
            Kind::ValueWrite { value, .. } => {
                self.counter.value = *value;
                self.race.apply(ev);
            }
            Kind::ValueRead { .. }
            | Kind::ValueAdd { .. }
            | Kind::LockTaken
            | Kind::LockSet { .. }
            | Kind::Exit { .. } => {
                self.race.apply(ev);
            }
            Kind::LockRecovered { .. } => self.value_lock_recoveries += 1,
            Kind::Note {
                note: crate::stream::Note::BufferLost { writer, n, .. },
            } => {
                let named = self.losses.iter().filter(|l| l.pid == *writer).count() as u64;
                let unnamed = n.saturating_sub(named);
                if unnamed > 0 {
                    self.unnamed_losses.insert(*writer, unnamed);
                }
            }
            Kind::Recovered { dead, lost, .. } => {
                self.recoveries += 1;
                // The item its feeder was putting, counted in its buffer's
                // loss and named now.
                if let Some(left) = self.unnamed_losses.get_mut(dead)
                    && lost.as_ref().is_some_and(|l| {
                        !self.losses.iter().any(|x| x.pid == *dead && &x.item == l)
                    })
                {
                    *left = left.saturating_sub(1);
                }
                // An item its feeder was putting when it died was named
                // lost with its buffer already.
                if let Some(item) = lost.as_ref().filter(|l| !self.lost_with(*dead, l)) {
                    let name = self.name_of(*dead);
                    self.losses.push(Loss {
                        item: item.clone(),
                        pid: *dead,
                        name,
                    });
                }
            }
            Kind::Kill { target, signal } => {
                if let Some(p) = self.procs.iter_mut().find(|p| p.pid == *target) {
                    p.signalled = Some(*signal);
                }
            }
            _ => {}
        }
        match ev.kind {
            Kind::Exit {
                ended: Ended::Signal(_),
            } => self.lose_buffer(ev.child),
            // It exited by itself: its feeder had flushed everything (a
            // flush a flood went by too fast to read was still made).
            Kind::Exit { .. } => {
                if let Some(p) = self.proc_mut(ev.child) {
                    p.buffer = Tracking::default();
                }
            }
            _ => {}
        }
    }

    /// Every item lost with a dead process: named, and counted only.
    pub fn lost_count(&self) -> u64 {
        self.losses.len() as u64 + self.unnamed_losses.values().sum::<u64>()
    }

    /// Whether `item` is already named lost with process `pid`.
    pub fn lost_with(&self, pid: i32, item: &str) -> bool {
        self.losses.iter().any(|l| l.pid == pid && l.item == item)
    }

    /// A writer ended with items still in its feeder buffer (killed before
    /// its feeder flushed them, Python's Q10b): each is lost with it.
    fn lose_buffer(&mut self, id: ProcId) {
        let Some(p) = self.proc(id) else {
            return;
        };
        let lost: Vec<Loss> = p
            .buffer
            .items
            .iter()
            .map(|t| Loss {
                item: t.label.clone(),
                pid: p.pid,
                name: p.name.clone(),
            })
            .collect();
        self.losses.extend(lost);
    }

    /// The process's side of an event.
    fn update_proc(&mut self, ev: &Event) {
        let t = ev.t_ns;
        let Some(p) = self.proc_mut(ev.child) else {
            return;
        };
        p.last_ns = p.last_ns.max(t);
        let finish_wait = |p: &mut Proc| {
            if let Some(since) = p.activity.blocked_since() {
                p.blocked_ns += t.saturating_sub(since);
            }
        };
        match &ev.kind {
            Kind::PutWait => {
                finish_wait(p);
                p.activity = Activity::WaitingToPut {
                    item: ev.item.clone().unwrap_or_default(),
                    since_ns: t,
                };
                p.item = ev.item.clone();
            }
            Kind::GetWait => {
                finish_wait(p);
                p.activity = Activity::WaitingToGet { since_ns: t };
            }
            Kind::SendWait => {
                finish_wait(p);
                p.activity = Activity::WaitingToSend {
                    item: ev.item.clone().unwrap_or_default(),
                    since_ns: t,
                };
            }
            Kind::RecvWait => {
                finish_wait(p);
                p.activity = Activity::WaitingToRecv { since_ns: t };
            }
            // Out of its feeder buffer: flushed into the pipe (the main
            // thread's activity is its own, working or waiting at exit, and
            // its put() was counted when it returned), or given up when it
            // was asked to stop.
            Kind::Put | Kind::GaveUp if p.buffer.count() > 0 => {
                p.buffer.take(None, ev.item.as_deref());
            }
            Kind::Buffered => {
                finish_wait(p);
                if p.activity != Activity::Exited {
                    p.activity = Activity::Active;
                }
                p.buffer.push(Tracked {
                    label: ev.item.clone().unwrap_or_default(),
                    seq: None,
                    by: ev.child,
                });
                p.item = ev.item.clone();
                p.done += 1;
                p.did = Some(Did::Put);
            }
            Kind::FlushWait { .. } => {
                finish_wait(p);
                p.activity = Activity::WaitingToFlush { since_ns: t };
            }
            Kind::Put | Kind::Get | Kind::Send | Kind::Recv => {
                finish_wait(p);
                if p.activity != Activity::Exited {
                    p.activity = Activity::Active;
                }
                p.item = ev.item.clone();
                p.done += 1;
                p.did = Some(match ev.kind {
                    Kind::Put => Did::Put,
                    Kind::Get => Did::Get,
                    Kind::Send => Did::Send,
                    _ => Did::Recv,
                });
            }
            Kind::PutFull { wait, then } | Kind::GetEmpty { wait, then } => {
                finish_wait(p);
                p.activity = Activity::Active;
                p.timeouts += 1;
                let full = matches!(ev.kind, Kind::PutFull { .. });
                p.did = Some(if full { Did::Full } else { Did::Empty });
                p.raise = Some(Raise {
                    full,
                    wait: *wait,
                    then: *then,
                    item: ev.item.clone().filter(|_| full),
                    t_ns: t,
                });
            }
            Kind::RecvEof => {
                finish_wait(p);
                p.activity = Activity::Active;
                p.did = Some(Did::Eof);
            }
            // The other way: not counted in what the role does (its sends,
            // or its recvs), but it ends a wait as they do.
            Kind::Reply | Kind::GotReply => {
                finish_wait(p);
                if p.activity != Activity::Exited {
                    p.activity = Activity::Active;
                }
                p.did = Some(if ev.kind == Kind::Reply {
                    Did::Reply
                } else {
                    Did::GotReply
                });
            }
            Kind::EndClosed { .. } => {
                if p.activity == Activity::Starting {
                    p.activity = Activity::Active;
                }
                p.did = Some(Did::Closed);
            }
            Kind::Count { done, .. } => {
                p.activity = Activity::Active;
                p.done = *done;
                p.did = Some(Did::Count);
            }
            Kind::LockWait { holder } => {
                finish_wait(p);
                p.activity = Activity::WaitingForLock {
                    holder: *holder,
                    since_ns: t,
                };
            }
            Kind::LockTaken | Kind::ValueRead { .. } | Kind::ValueAdd { .. } => {
                finish_wait(p);
                if p.activity != Activity::Exited {
                    p.activity = Activity::Active;
                }
            }
            Kind::ValueWrite { .. } => {
                finish_wait(p);
                if p.activity != Activity::Exited {
                    p.activity = Activity::Active;
                }
                p.done += 1;
                p.did = Some(Did::Count);
            }
            Kind::Exiting => p.said_exiting = true,
            Kind::DelayScaled { scale } => p.scale = *scale,
            Kind::Exit { ended } => {
                finish_wait(p);
                p.activity = Activity::Exited;
                p.ended = Some(*ended);
            }
            _ => {
                if p.activity == Activity::Starting {
                    p.activity = Activity::Active;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spawn(id: ProcId, pid: i32, name: &str, role: Role, t: u64) -> Event {
        Event::new(
            t,
            id,
            pid,
            Kind::Spawn {
                name: name.into(),
                role,
            },
        )
    }

    fn put(t: u64, id: ProcId, pid: i32, label: &str, seq: u64) -> Event {
        Event::new(t, id, pid, Kind::Put)
            .with_item(label)
            .with_seq(seq)
    }

    fn get(t: u64, id: ProcId, pid: i32, label: &str, seq: u64) -> Event {
        Event::new(t, id, pid, Kind::Get)
            .with_item(label)
            .with_seq(seq)
    }

    #[test]
    fn a_put_then_get_moves_the_item_through_the_queue() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "writer-1", Role::Writer, 1));
        w.apply(&spawn(1, 11, "reader-1", Role::Reader, 2));
        w.apply(&put(3, 0, 10, "url_1", 1));
        let labels: Vec<_> = w.queue.inside.items.iter().map(|t| &t.label).collect();
        assert_eq!(labels, ["url_1"]);
        w.apply(&get(4, 1, 11, "url_1", 1));
        assert!(w.queue.inside.items.is_empty());
        assert_eq!((w.queue.puts, w.queue.gets, w.queue.depth()), (1, 1, 0));
        assert_eq!(w.proc(1).unwrap().done, 1);
        assert_eq!(w.proc(1).unwrap().item.as_deref(), Some("url_1"));
    }

    fn buffered(t: u64, label: &str) -> Event {
        Event::new(t, 0, 10, Kind::Buffered).with_item(label)
    }

    /// Python's feeder: put() returns into the buffer (counted then), the
    /// feeder's flush moves it into the pipe without touching what the
    /// main thread is doing, and the wait at exit ends with the process.
    #[test]
    fn a_feeder_writers_put_returns_into_its_buffer_and_its_flush_moves_it_into_the_pipe() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "writer-1", Role::Writer, 0));
        w.apply(&buffered(1, "url_1"));
        w.apply(&buffered(2, "url_2"));
        w.apply(&Event::new(3, 0, 10, Kind::FlushWait { left: 2 }));
        w.apply(&put(4, 0, 10, "url_1", 1));
        let p = w.proc(0).unwrap();
        assert_eq!((p.done, p.buffer.count(), w.queue.puts), (2, 1, 1));
        assert_eq!(p.activity, Activity::WaitingToFlush { since_ns: 3 });
        assert_eq!(w.queue.buffered, 2);
        w.apply(&put(5, 0, 10, "url_2", 2));
        w.apply(&Event::new(
            6,
            0,
            10,
            Kind::Exit {
                ended: Ended::Code(0),
            },
        ));
        let p = w.proc(0).unwrap();
        assert_eq!((p.buffer.count(), p.blocked_ns), (0, 3));
        assert!(w.losses.is_empty());
    }

    /// Q10b: killed before its feeder flushed them, the items in its
    /// buffer are lost with it, each named once (also the one its feeder
    /// was putting, which the queue's repair names too).
    #[test]
    fn a_feeder_writer_killed_with_a_full_buffer_loses_each_buffered_item_once() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "writer-1", Role::Writer, 0));
        for (t, l) in [(1, "url_1"), (2, "url_2"), (3, "url_3")] {
            w.apply(&buffered(t, l));
        }
        w.apply(&put(4, 0, 10, "url_1", 1));
        w.apply(&Event::new(
            5,
            0,
            10,
            Kind::Exit {
                ended: Ended::Signal(9),
            },
        ));
        w.apply(&Event::new(
            6,
            0,
            10,
            Kind::Recovered {
                dead: 10,
                by: 1,
                held_lock: false,
                lost: Some("url_2".into()),
            },
        ));
        let lost: Vec<&str> = w.losses.iter().map(|l| l.item.as_str()).collect();
        assert_eq!(lost, ["url_2", "url_3"]);
    }

    /// In a flood its buffer was told only in part: the supervisor's note
    /// counts the rest from the writer's own counts, and the item its
    /// feeder was putting, named by the queue's repair, is not counted
    /// twice.
    #[test]
    fn a_buffer_lost_in_a_flood_is_counted_whole_and_never_twice() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "writer-1", Role::Writer, 0));
        w.apply(&buffered(1, "url_1"));
        w.apply(&Event::new(
            2,
            0,
            10,
            Kind::Exit {
                ended: Ended::Signal(9),
            },
        ));
        w.apply(&Event::new(
            3,
            SUPERVISOR,
            1,
            Kind::Note {
                note: crate::stream::Note::BufferLost {
                    writer: 10,
                    name: "writer-1".into(),
                    n: 5000,
                },
            },
        ));
        assert_eq!((w.losses.len(), w.lost_count()), (1, 5000));
        w.apply(&Event::new(
            4,
            0,
            10,
            Kind::Recovered {
                dead: 10,
                by: 1,
                held_lock: false,
                lost: Some("url_4000".into()),
            },
        ));
        assert_eq!((w.losses.len(), w.lost_count()), (2, 5000));
    }

    #[test]
    fn a_get_takes_the_item_with_its_number_even_when_labels_repeat() {
        let mut w = World::new(0);
        w.apply(&put(1, 0, 10, "same", 1));
        w.apply(&put(2, 0, 10, "same", 2));
        w.apply(&get(3, 1, 11, "same", 2));
        let seqs: Vec<_> = w.queue.inside.items.iter().map(|t| t.seq).collect();
        assert_eq!(seqs, [Some(1)]);
    }

    #[test]
    fn blocking_then_unblocking_counts_the_time_blocked() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "reader-1", Role::Reader, 0));
        w.apply(&Event::new(100, 0, 10, Kind::GetWait));
        assert_eq!(
            w.proc(0).unwrap().activity,
            Activity::WaitingToGet { since_ns: 100 }
        );
        w.apply(&get(350, 0, 10, "url_1", 1));
        let p = w.proc(0).unwrap();
        assert_eq!(p.activity, Activity::Active);
        assert_eq!(p.blocked_ns, 250);
    }

    #[test]
    fn a_kill_then_exit_records_the_signal_and_a_loss_names_the_item() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "writer-1", Role::Writer, 0));
        w.apply(&Event::new(
            2,
            u16::MAX,
            1,
            Kind::Kill {
                target: 10,
                signal: 9,
            },
        ));
        w.apply(&Event::new(
            3,
            0,
            10,
            Kind::Exit {
                ended: Ended::Signal(9),
            },
        ));
        w.apply(&Event::new(
            4,
            0,
            10,
            Kind::Recovered {
                dead: 10,
                by: 11,
                held_lock: true,
                lost: Some("url_1".into()),
            },
        ));
        let p = w.proc(0).unwrap();
        assert_eq!(p.ended, Some(Ended::Signal(9)));
        assert_eq!(p.signalled, Some(9));
        assert_eq!(
            w.losses,
            [Loss {
                item: "url_1".into(),
                pid: 10,
                name: "writer-1".into()
            }]
        );
        assert_eq!(w.queue.depth(), 0, "a lost item never entered the queue");
        assert_eq!(w.recoveries, 1);
    }

    #[test]
    fn a_flood_is_counted_exactly_but_followed_one_by_one_only_so_far() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "writer-1", Role::Writer, 0));
        for n in 0..(TRACKED as u64 + 10) {
            w.apply(&put(n, 0, 10, &format!("url_{n}"), n + 1));
        }
        assert_eq!(w.queue.puts, TRACKED as u64 + 10);
        assert_eq!(w.queue.inside.items.len(), TRACKED);
        assert_eq!(w.queue.inside.count(), TRACKED as u64 + 10);
        assert_eq!(w.queue.inside.items.front().unwrap().label, "url_10");
        assert!(!w.queue.exact());
    }

    #[test]
    fn missed_ops_keep_the_depth_exact_and_say_the_content_is_not_followed() {
        let mut w = World::new(0);
        w.apply(&put(1, 0, 10, "url_1", 1));
        w.apply(&Event::new(
            2,
            u16::MAX,
            1,
            Kind::Missed { puts: 5, gets: 2 },
        ));
        assert_eq!(w.queue.depth(), 4);
        assert!(!w.queue.exact());
    }

    #[test]
    fn full_and_empty_raised_are_counted_per_process_and_in_total() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "writer-1", Role::Writer, 0));
        w.apply(&Event::new(1, 0, 10, Kind::PutWait).with_item("url_1"));
        w.apply(&Event::new(2, 0, 10, Kind::FULL).with_item("url_1"));
        assert_eq!(w.queue.full_raised, 1);
        assert_eq!(w.proc(0).unwrap().timeouts, 1);
    }

    #[test]
    fn replies_go_back_apart_from_the_messages_and_count_as_neither_roles_work() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "sender", Role::Sender, 0));
        w.apply(&spawn(1, 11, "receiver", Role::Receiver, 0));
        let ev = |t, id, pid, kind, label: &str, seq| {
            Event::new(t, id, pid, kind).with_item(label).with_seq(seq)
        };
        w.apply(&ev(1, 0, 10, Kind::Send, "url_0", 1));
        w.apply(&ev(2, 1, 11, Kind::Recv, "url_0", 1));
        w.apply(&ev(3, 1, 11, Kind::Reply, "ok url_0", 1));
        assert_eq!(w.pipe.inside.count(), 0);
        assert_eq!(w.pipe.back.items[0].label, "ok url_0");
        w.apply(&Event::new(4, 0, 10, Kind::RecvWait));
        assert_eq!(
            w.proc(0).unwrap().activity,
            Activity::WaitingToRecv { since_ns: 4 }
        );
        w.apply(&ev(6, 0, 10, Kind::GotReply, "ok url_0", 1));
        let s = w.proc(0).unwrap();
        assert_eq!(
            (s.activity.clone(), s.done, s.blocked_ns),
            (Activity::Active, 1, 2)
        );
        assert_eq!(s.did, Some(Did::GotReply));
        assert_eq!(w.proc(1).unwrap().done, 1, "a reply is not a recv");
        assert_eq!(w.proc(1).unwrap().item.as_deref(), Some("url_0"));
        assert_eq!((w.pipe.replies, w.pipe.got_replies), (1, 1));
        assert_eq!(w.pipe.back.count(), 0);
    }

    #[test]
    fn ends_closed_by_a_child_and_by_the_parent_are_told_apart() {
        let mut w = World::new(0);
        w.apply(&spawn(1, 11, "receiver", Role::Receiver, 0));
        let closed = |end| Kind::EndClosed { end };
        w.apply(&Event::new(1, 1, 11, closed(crate::stream::PipeEnd::Send)));
        assert_eq!(w.proc(1).unwrap().did, Some(Did::Closed));
        assert!(!w.pipe.parent_closed);
        w.apply(&Event::new(
            2,
            SUPERVISOR,
            1,
            closed(crate::stream::PipeEnd::Send),
        ));
        assert!(w.pipe.parent_closed);
        w.apply(&Event::new(
            3,
            1,
            11,
            Kind::WrongWay {
                call: PipeCall::Send,
                error: "connection is read-only".into(),
            },
        ));
        assert_eq!(
            w.pipe.wrong_way,
            Some((1, PipeCall::Send, "connection is read-only".into()))
        );
    }
}
