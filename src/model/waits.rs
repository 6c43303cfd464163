//! The wait-for view: for each blocked process, what it waits for and who
//! could provide it — data from the writers, space from the readers, a
//! message from the holders of the other pipe end, the lock from its
//! holder, the end of the child it joins. Nobody able to provide it means
//! the wait is forever.
//!
//! Pure: read off the scene (the model's world and the last observation).
//! A watched program's waits are named by `model::program` and settled
//! here by the same fixed point.

use super::Scene;
use super::world::{Activity, Proc};
use crate::stream::{Holder, ProcId, Role, SUPERVISOR};

/// What a blocked process waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// A writer in `put`: a free place in the full queue.
    Space,
    /// A reader in `get`: an item in the empty queue.
    Data,
    /// A process in `recv`: a message through the other end of the pipe.
    Message,
    /// A process in `send`: room in the full pipe.
    Room,
    /// A counter: the Value's lock.
    Lock,
    /// A process in `join()`: the child's end (a watched program's, or
    /// the parent's own `join()`).
    End,
    /// (`--python-feeder`) A writer at exit: room in the pipe for the
    /// items its feeder thread has still to flush.
    Flush,
}

/// Who could provide it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Provider {
    /// A live process of the run.
    Proc(ProcId),
    /// The parent (ipcscope, standing for `__main__`), which holds a copy
    /// of a pipe end and never uses it.
    Parent,
    /// The blocked process itself (the copy of the send end it inherited
    /// and never closed).
    Itself,
    /// The parent (`__main__`), which reads the queue itself: able to
    /// give it unless it waits itself.
    Main,
}

/// One blocked process's wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitFor {
    pub who: ProcId,
    pub need: Need,
    /// Who could provide it, in order; empty: nobody can.
    pub from: Vec<Provider>,
    /// None of them ever will: nobody is left, or those left wait
    /// themselves, in a cycle or for someone who never comes (a deadlock).
    pub forever: bool,
}

/// Every blocked process's wait, in the order of the run's processes.
pub fn waits(scene: &Scene) -> Vec<WaitFor> {
    let w = &scene.world;
    if let crate::config::Scenario::Program(_) = scene.cfg.scenario {
        return super::program::wait_for(&w.procs, &w.program, |p| scene.briefly_blocked(p));
    }
    let mut all: Vec<WaitFor> = w.procs.iter().filter_map(|p| need_of(scene, p)).collect();
    all.extend(parent_wait(scene));
    settle(&mut all, &w.procs);
    all
}

/// The parent's own wait, as one of the run's (its id is
/// [`SUPERVISOR`]): in `join()` on a child until it ends, or in `get()`
/// on the queue it reads itself until a writer puts.
fn parent_wait(scene: &Scene) -> Option<WaitFor> {
    let w = &scene.world;
    let (need, from) = if let Some(pid) = w.parent.joining {
        let from = w
            .by_pid(pid)
            .filter(|p| p.alive())
            .map(|p| vec![Provider::Proc(p.id)])
            .unwrap_or_default();
        (Need::End, from)
    } else if w.parent.waiting_get {
        let from = w
            .by_role(Role::Writer)
            .filter(|p| p.alive())
            .map(|p| Provider::Proc(p.id))
            .collect();
        (Need::Data, from)
    } else {
        return None;
    };
    Some(WaitFor {
        who: SUPERVISOR,
        need,
        from,
        forever: false,
    })
}

/// Whether the parent reads the queue itself (no reader process).
fn parent_reads(scene: &Scene) -> bool {
    matches!(&scene.cfg.scenario, crate::config::Scenario::Queue(q) if q.parent_reads())
}

/// Says which of `all` wait forever. Who can still act: every live
/// process of `procs` not waiting, then, until nothing changes, every
/// waiting one that someone able can serve; the rest wait forever (in a
/// cycle, for someone who never comes, or for nobody).
pub fn settle(all: &mut [WaitFor], procs: &[Proc]) {
    use std::collections::HashSet;
    // Sets: a watched program may have hundreds of processes.
    let waiting: HashSet<ProcId> = all.iter().map(|w| w.who).collect();
    let mut able: HashSet<ProcId> = procs
        .iter()
        .filter(|p| p.alive() && !waiting.contains(&p.id))
        .map(|p| p.id)
        .collect();
    // The parent acts unless it waits itself.
    if !waiting.contains(&SUPERVISOR) {
        able.insert(SUPERVISOR);
    }
    let can = |able: &HashSet<ProcId>, f: &Provider| match f {
        Provider::Proc(id) => able.contains(id),
        Provider::Main => able.contains(&SUPERVISOR),
        Provider::Parent | Provider::Itself => false,
    };
    loop {
        let freed: Vec<ProcId> = all
            .iter()
            .filter(|w| !able.contains(&w.who))
            .filter(|w| w.from.iter().any(|f| can(&able, f)))
            .map(|w| w.who)
            .collect();
        if freed.is_empty() {
            break;
        }
        able.extend(freed);
    }
    for w in all.iter_mut() {
        w.forever = !able.contains(&w.who);
    }
}

/// What `p` waits for and from whom, before knowing whether it ever comes.
fn need_of(scene: &Scene, p: &Proc) -> Option<WaitFor> {
    let w = &scene.world;
    Some(p)
        .filter(|p| p.alive() && !scene.briefly_blocked(p))
        .and_then(|p| {
            let (need, from) = match &p.activity {
                Activity::WaitingToPut { .. } => (Need::Space, readers(scene, p)),
                Activity::WaitingToFlush { .. } => (Need::Flush, readers(scene, p)),
                Activity::WaitingToGet { .. } => (Need::Data, live(scene, p, Role::Writer)),
                Activity::WaitingToRecv { .. } => (Need::Message, other_end(scene, p)),
                Activity::WaitingToSend { .. } => (Need::Room, other_end(scene, p)),
                Activity::WaitingForLock { holder, .. } => {
                    let from = w
                        .by_pid(*holder)
                        .filter(|h| h.alive() && h.id != p.id)
                        .map(|h| vec![Provider::Proc(h.id)])
                        .unwrap_or_default();
                    (Need::Lock, from)
                }
                _ => return None,
            };
            Some(WaitFor {
                who: p.id,
                need,
                from,
                forever: false,
            })
        })
}

/// Who could make room in the queue for `p`: the live readers, and the
/// parent when it reads the queue itself.
fn readers(scene: &Scene, p: &Proc) -> Vec<Provider> {
    let mut from = live(scene, p, Role::Reader);
    if parent_reads(scene) {
        from.push(Provider::Main);
    }
    from
}

/// The live processes of `role`, other than `p`.
fn live(scene: &Scene, p: &Proc, role: Role) -> Vec<Provider> {
    scene
        .world
        .by_role(role)
        .filter(|q| q.alive() && q.id != p.id)
        .map(|q| Provider::Proc(q.id))
        .collect()
}

/// Who holds the end of the pipe opposite the one `p` uses, as the kernel
/// showed it: they could send to it (or read what it sent). Without a
/// reading yet, the live processes of the other role.
fn other_end(scene: &Scene, p: &Proc) -> Vec<Provider> {
    let Some(pipe) = &scene.pipe else {
        let other = match p.role {
            Role::Sender => Role::Receiver,
            _ => Role::Sender,
        };
        return live(scene, p, other);
    };
    // The sender uses the send end; the receiver the receive end.
    let holders: &[Holder] = match p.role {
        Role::Sender => &pipe.recv_holders,
        _ => &pipe.send_holders,
    };
    let mut from: Vec<Provider> = holders
        .iter()
        .filter_map(|h| match h.proc {
            None => Some(Provider::Parent),
            Some(id) if id == p.id => Some(Provider::Itself),
            Some(id) => scene
                .world
                .proc(id)
                .filter(|q| q.alive())
                .map(|_| Provider::Proc(id)),
        })
        .collect();
    from.sort();
    from.dedup();
    from
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::{Event, Kind, PipeView, Record, run::*};

    fn scene(scenario: Scenario) -> Scene {
        Scene::new(RunConfig::new(scenario, Mode::Tui, 1))
    }

    fn apply(s: &mut Scene, n: u64, ev: Event) {
        s.apply(&Record {
            n,
            body: crate::stream::Body::Event(ev),
        });
    }

    fn spawn(s: &mut Scene, id: ProcId, pid: i32, name: &str, role: Role) {
        let n = s.world.events;
        apply(
            s,
            n,
            Event::new(
                n * 1000,
                id,
                pid,
                Kind::Spawn {
                    name: name.into(),
                    role,
                },
            ),
        );
    }

    fn ev(s: &mut Scene, id: ProcId, pid: i32, kind: Kind) {
        let n = s.world.events;
        apply(s, n, Event::new(n * 1000, id, pid, kind));
    }

    #[test]
    fn a_reader_in_get_waits_for_data_from_the_live_writers_and_from_nobody_once_they_are_gone() {
        let mut s = scene(Scenario::Queue(QueueConfig::defaults(Mode::Tui)));
        spawn(&mut s, 0, 10, "writer-1", Role::Writer);
        spawn(&mut s, 1, 11, "writer-2", Role::Writer);
        spawn(&mut s, 2, 12, "reader-1", Role::Reader);
        ev(&mut s, 2, 12, Kind::GetWait);
        let w = waits(&s);
        assert_eq!(
            w,
            vec![WaitFor {
                who: 2,
                need: Need::Data,
                from: vec![Provider::Proc(0), Provider::Proc(1)],
                forever: false,
            }]
        );
        for (id, pid) in [(0, 10), (1, 11)] {
            ev(
                &mut s,
                id,
                pid,
                Kind::Exit {
                    ended: crate::stream::Ended::Code(0),
                },
            );
        }
        let w = waits(&s);
        assert_eq!(w[0].from, Vec::new());
        assert!(w[0].forever, "nobody left to put");
    }

    #[test]
    fn a_writer_in_put_waits_for_space_from_the_readers() {
        let mut s = scene(Scenario::Queue(QueueConfig::defaults(Mode::Tui)));
        spawn(&mut s, 0, 10, "writer-1", Role::Writer);
        spawn(&mut s, 1, 12, "reader-1", Role::Reader);
        ev(&mut s, 0, 10, Kind::PutWait);
        let w = waits(&s);
        assert_eq!(w.len(), 1);
        assert_eq!(
            (w[0].need, w[0].from.clone()),
            (Need::Space, vec![Provider::Proc(1)])
        );
    }

    #[test]
    fn a_receiver_in_recv_waits_for_the_holders_of_the_send_end_the_parent_and_itself_never_send() {
        let mut s = scene(Scenario::Pipe(PipeConfig::defaults(Mode::Tui)));
        spawn(&mut s, 0, 20, "sender", Role::Sender);
        spawn(&mut s, 1, 21, "receiver", Role::Receiver);
        ev(&mut s, 1, 21, Kind::RecvWait);
        s.pipe = Some(PipeView {
            bytes: Some(0),
            capacity: Some(65536),
            send_holders: vec![
                Holder {
                    pid: 20,
                    proc: Some(0),
                },
                Holder { pid: 1, proc: None },
                Holder {
                    pid: 21,
                    proc: Some(1),
                },
            ],
            recv_holders: vec![Holder {
                pid: 21,
                proc: Some(1),
            }],
        });
        let w = waits(&s);
        assert_eq!(w[0].need, Need::Message);
        assert_eq!(
            w[0].from,
            vec![Provider::Proc(0), Provider::Parent, Provider::Itself]
        );
        assert!(!w[0].forever);
        ev(
            &mut s,
            0,
            20,
            Kind::Exit {
                ended: crate::stream::Ended::Code(0),
            },
        );
        let w = waits(&s);
        assert_eq!(w[0].from, vec![Provider::Parent, Provider::Itself]);
        assert!(w[0].forever, "only copies that never send are left");
    }

    /// Both ends in recv, each waiting for the other: each has a live
    /// provider, and neither will ever send (the both-recv deadlock).
    #[test]
    fn two_processes_waiting_for_each_other_wait_forever() {
        let mut s = scene(Scenario::Pipe(PipeConfig::defaults(Mode::Tui)));
        spawn(&mut s, 0, 20, "sender", Role::Sender);
        spawn(&mut s, 1, 21, "receiver", Role::Receiver);
        ev(&mut s, 0, 20, Kind::RecvWait);
        let w = waits(&s);
        assert_eq!((w.len(), w[0].forever), (1, false), "the receiver runs");
        ev(&mut s, 1, 21, Kind::RecvWait);
        let w = waits(&s);
        assert_eq!(w[0].from, vec![Provider::Proc(1)]);
        assert_eq!(w[1].from, vec![Provider::Proc(0)]);
        assert!(w.iter().all(|w| w.forever), "{w:?}");
    }

    /// Python's guideline: the parent joins a writer that cannot exit
    /// before its feeder flushes into the full pipe, which only the parent
    /// would read after the join: each waits forever for the other. Read
    /// first (the fix), the writer waits for the parent, who is able.
    #[test]
    fn a_parent_joining_a_writer_that_waits_to_flush_for_the_parent_waits_forever() {
        let mut q = QueueConfig::defaults(Mode::Tui);
        (q.feeder, q.readers, q.items) = (true, 0, 20);
        let mut s = scene(Scenario::Queue(q.clone()));
        spawn(&mut s, 0, 10, "writer-1", Role::Writer);
        ev(&mut s, 0, 10, Kind::FlushWait { left: 12 });
        ev(&mut s, SUPERVISOR, 1, Kind::Join { target: 10 });
        let w = waits(&s);
        assert_eq!(
            w,
            vec![
                WaitFor {
                    who: 0,
                    need: Need::Flush,
                    from: vec![Provider::Main],
                    forever: true,
                },
                WaitFor {
                    who: SUPERVISOR,
                    need: Need::End,
                    from: vec![Provider::Proc(0)],
                    forever: true,
                },
            ]
        );
        q.drain_first = true;
        let mut s = scene(Scenario::Queue(q));
        spawn(&mut s, 0, 10, "writer-1", Role::Writer);
        ev(&mut s, 0, 10, Kind::FlushWait { left: 12 });
        let w = waits(&s);
        assert_eq!(
            (w.len(), w[0].forever),
            (1, false),
            "the parent reads: {w:?}"
        );
    }

    #[test]
    fn a_counter_waits_for_the_lock_from_its_holder() {
        let mut s = scene(Scenario::Counter(CounterConfig::defaults(Mode::Tui)));
        spawn(&mut s, 0, 30, "counter-1", Role::Counter);
        spawn(&mut s, 1, 31, "counter-2", Role::Counter);
        ev(&mut s, 1, 31, Kind::LockWait { holder: 30 });
        let w = waits(&s);
        assert_eq!(
            (w[0].who, w[0].need, w[0].from.clone()),
            (1, Need::Lock, vec![Provider::Proc(0)])
        );
    }
}
