//! The world as the events tell it: every process, what it is doing and
//! why it waits, what it has done, and what moved through the queue, the
//! pipe or the shared value. Pure: built only from events (no OS, no clock),
//! so a recorded run replays into the same world.

use std::collections::VecDeque;

use crate::telemetry::event::{ChildId, Event, Kind, Role};

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
}

impl Activity {
    pub fn blocked_since(&self) -> Option<u64> {
        match self {
            Activity::WaitingToPut { since_ns, .. }
            | Activity::WaitingToGet { since_ns }
            | Activity::WaitingToSend { since_ns, .. }
            | Activity::WaitingToRecv { since_ns } => Some(*since_ns),
            _ => None,
        }
    }
}

/// Most items the world follows one by one in the queue or the pipe; a
/// flood beyond it is still counted exactly.
pub const TRACKED: usize = 1024;

/// Adds `item` at the back, forgetting the oldest beyond [`TRACKED`].
fn track(list: &mut VecDeque<String>, item: &str) {
    list.push_back(item.to_string());
    if list.len() > TRACKED {
        list.pop_front();
    }
}

/// Removes `item`: almost always the oldest (FIFO), so look there first.
fn untrack(list: &mut VecDeque<String>, item: &str) {
    if list.front().is_some_and(|f| f == item) {
        list.pop_front();
    } else if let Some(pos) = list.iter().position(|i| i == item) {
        list.remove(pos);
    }
}

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Code(i32),
    Signal(i32),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proc {
    pub id: ChildId,
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
    pub spawned_ns: u64,
    pub last_ns: u64,
}

impl Proc {
    pub fn alive(&self) -> bool {
        self.ended.is_none()
    }
}

/// An item lost with a dead process (named by the queue's recovery).
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
    /// Depth after the latest put/get.
    pub depth: u32,
    pub max_depth: u32,
    /// Items put and not (yet) got, in put order, as the events tell (the
    /// newest [`TRACKED`] at most: the queue's memory is the full truth).
    pub in_queue: VecDeque<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipeTally {
    pub sent: u64,
    pub received: u64,
    /// Sent and not yet received, in order (the newest [`TRACKED`] at most).
    pub in_flight: VecDeque<String>,
    pub eof: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CounterTally {
    /// The latest value a counter saw.
    pub value: i64,
}

/// Everything the events have told so far.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct World {
    pub start_ns: u64,
    pub now_ns: u64,
    pub procs: Vec<Proc>,
    pub queue: QueueTally,
    pub pipe: PipeTally,
    pub counter: CounterTally,
    pub recoveries: u64,
    pub losses: Vec<Loss>,
    pub events: u64,
}

impl World {
    pub fn new(start_ns: u64) -> World {
        World {
            start_ns,
            now_ns: start_ns,
            ..World::default()
        }
    }

    pub fn proc(&self, id: ChildId) -> Option<&Proc> {
        self.procs.iter().find(|p| p.id == id)
    }

    fn proc_mut(&mut self, id: ChildId) -> Option<&mut Proc> {
        self.procs.iter_mut().find(|p| p.id == id)
    }

    pub fn by_role(&self, role: Role) -> impl Iterator<Item = &Proc> {
        self.procs.iter().filter(move |p| p.role == role)
    }

    pub fn live(&self, role: Role) -> usize {
        self.by_role(role).filter(|p| p.alive()).count()
    }

    /// Name of the process with `pid`, for messages about it.
    pub fn name_of(&self, pid: i32) -> String {
        self.procs
            .iter()
            .find(|p| p.pid == pid)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| format!("process {pid}"))
    }

    /// Folds one event in.
    pub fn apply(&mut self, ev: &Event) {
        self.events += 1;
        self.now_ns = self.now_ns.max(ev.t_ns);
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
                spawned_ns: ev.t_ns,
                last_ns: ev.t_ns,
            });
            return;
        }
        match &ev.kind {
            Kind::Put => {
                self.queue.puts += 1;
                if let Some(item) = &ev.item {
                    track(&mut self.queue.in_queue, item);
                }
                self.set_depth(ev.depth);
            }
            Kind::Get => {
                self.queue.gets += 1;
                if let Some(item) = &ev.item {
                    untrack(&mut self.queue.in_queue, item);
                }
                self.set_depth(ev.depth);
            }
            Kind::PutFull => self.queue.full_raised += 1,
            Kind::GetEmpty => self.queue.empty_raised += 1,
            Kind::Send => {
                self.pipe.sent += 1;
                if let Some(item) = &ev.item {
                    track(&mut self.pipe.in_flight, item);
                }
            }
            Kind::Recv => {
                self.pipe.received += 1;
                if let Some(item) = &ev.item {
                    untrack(&mut self.pipe.in_flight, item);
                }
            }
            Kind::RecvEof => self.pipe.eof = true,
            Kind::Count { value, .. } => self.counter.value = *value,
            Kind::LockRecovered { dead, lost } | Kind::Recovered { dead, lost } => {
                self.recoveries += 1;
                if let Some(item) = lost {
                    untrack(&mut self.queue.in_queue, item);
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
            Kind::Put | Kind::Get | Kind::Send | Kind::Recv => {
                finish_wait(p);
                p.activity = Activity::Active;
                p.item = ev.item.clone();
                p.done += 1;
            }
            Kind::PutFull | Kind::GetEmpty => {
                finish_wait(p);
                p.activity = Activity::Active;
                p.timeouts += 1;
            }
            Kind::RecvEof => {
                finish_wait(p);
                p.activity = Activity::Active;
            }
            Kind::Count { done, .. } => {
                p.activity = Activity::Active;
                p.done = *done;
            }
            Kind::Exiting => p.said_exiting = true,
            Kind::Exit { code, signal } => {
                finish_wait(p);
                p.activity = Activity::Exited;
                p.ended = Some(match (code, signal) {
                    (_, Some(s)) => Ended::Signal(*s),
                    (Some(c), None) => Ended::Code(*c),
                    (None, None) => Ended::Code(-1),
                });
            }
            _ => {
                if p.activity == Activity::Starting {
                    p.activity = Activity::Active;
                }
            }
        }
    }

    fn set_depth(&mut self, depth: Option<u32>) {
        if let Some(d) = depth {
            self.queue.depth = d;
            self.queue.max_depth = self.queue.max_depth.max(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spawn(id: ChildId, pid: i32, name: &str, role: Role, t: u64) -> Event {
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

    #[test]
    fn a_put_then_get_moves_the_item_through_the_queue() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "writer-1", Role::Writer, 1));
        w.apply(&spawn(1, 11, "reader-1", Role::Reader, 2));
        w.apply(
            &Event::new(3, 0, 10, Kind::Put)
                .with_item("url_1")
                .with_depth(1),
        );
        assert_eq!(w.queue.in_queue, ["url_1"]);
        w.apply(
            &Event::new(4, 1, 11, Kind::Get)
                .with_item("url_1")
                .with_depth(0),
        );
        assert!(w.queue.in_queue.is_empty());
        assert_eq!((w.queue.puts, w.queue.gets), (1, 1));
        assert_eq!(w.proc(1).unwrap().done, 1);
        assert_eq!(w.proc(1).unwrap().item.as_deref(), Some("url_1"));
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
        w.apply(&Event::new(350, 0, 10, Kind::Get).with_item("url_1"));
        let p = w.proc(0).unwrap();
        assert_eq!(p.activity, Activity::Active);
        assert_eq!(p.blocked_ns, 250);
    }

    #[test]
    fn a_kill_then_exit_records_the_signal_and_the_lost_item() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "reader-1", Role::Reader, 0));
        w.apply(&Event::new(1, 0, 10, Kind::Put).with_item("url_1"));
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
                code: None,
                signal: Some(9),
            },
        ));
        w.apply(&Event::new(
            4,
            0,
            10,
            Kind::Recovered {
                dead: 10,
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
                name: "reader-1".into()
            }]
        );
        assert!(w.queue.in_queue.is_empty());
        assert_eq!(w.recoveries, 1);
    }

    #[test]
    fn a_flood_is_counted_exactly_but_followed_one_by_one_only_so_far() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "writer-1", Role::Writer, 0));
        for n in 0..(TRACKED as u64 + 10) {
            w.apply(&Event::new(n, 0, 10, Kind::Put).with_item(format!("url_{n}")));
        }
        assert_eq!(w.queue.puts, TRACKED as u64 + 10);
        assert_eq!(w.queue.in_queue.len(), TRACKED);
        assert_eq!(w.queue.in_queue.front().unwrap(), "url_10");
    }

    #[test]
    fn full_and_empty_raised_are_counted_per_process_and_in_total() {
        let mut w = World::new(0);
        w.apply(&spawn(0, 10, "writer-1", Role::Writer, 0));
        w.apply(&Event::new(1, 0, 10, Kind::PutWait).with_item("url_1"));
        w.apply(&Event::new(2, 0, 10, Kind::PutFull).with_item("url_1"));
        assert_eq!(w.queue.full_raised, 1);
        assert_eq!(w.proc(0).unwrap().timeouts, 1);
    }
}
