//! The parent on the stage: the `__main__` of the class's examples, played
//! by the supervisor itself. Once it has started the children it joins the
//! workers (writers, the sender, counters) one by one, oldest first: a real
//! `join`, a thread of this process waiting in wait4 until the worker ends
//! and reaping it, so the kernel shows the parent blocked as Python's would
//! be. Then, on a queue, it lets the readers drain what is left and
//! terminates them (`pr.terminate()`), unless a lesson holds it before that
//! line for the class; on a pipe it joins the receiver too. Each step is an
//! event (`Join`, `Joined`, the SIGTERM's `Kill`, `ParentHold`), so the
//! transcript, the stage and a replay tell the same story.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;

use super::Life;
use super::engine::Engine;
use crate::config::Scenario;
use crate::ipc::queue::QueueObserver;
use crate::proc::spawn::{self, Exit};
use crate::stream::{Attempt, Event, Kind, Note, ProcId, Role, SUPERVISOR, Sig};
use crate::telemetry::now_ns;

/// How long readers get to drain the queue once the writers are joined.
pub(crate) const DRAIN: Duration = Duration::from_secs(3);

/// Where the parent is in its program.
#[derive(Default)]
enum Step {
    /// Starting the children; its first join comes next.
    #[default]
    Start,
    /// In `join()` on a worker: a thread waits in wait4.
    Joining(Joining),
    /// Reading the queue itself (no reader process): a thread gets each
    /// item; `first`: before the joins (the fix), else after them.
    Reading { read: Reading, first: bool },
    /// The workers are joined: the readers drain the queue until the
    /// deadline (pushed on while the world is frozen).
    Draining(Instant),
    /// Before `terminate()`, held there by a lesson.
    Held,
    /// Past its last line (the readers were sent SIGTERM): waiting for
    /// every child to end.
    Finishing,
    /// Its program is over.
    Done,
}

/// A join in progress: whom, and where the joining thread reports.
struct Joining {
    id: ProcId,
    pid: i32,
    ended: Receiver<Exit>,
}

/// The parent's reading thread: told to stop, and its end.
struct Reading {
    stop: Arc<AtomicBool>,
    ended: Receiver<()>,
}

/// The parent's state, owned by the engine.
#[derive(Default)]
pub(crate) struct Parent {
    step: Step,
    /// A lesson holds it before `terminate()`.
    hold: bool,
    /// Workers it has joined (or found ended when it came to them).
    joined: Vec<ProcId>,
    /// The queue's memory, read for the drain.
    queue: Option<QueueObserver>,
}

impl Parent {
    /// The worker the parent is joining, whose reaping is its own.
    pub fn joining(&self) -> Option<ProcId> {
        match &self.step {
            Step::Joining(j) => Some(j.id),
            _ => None,
        }
    }
}

/// Longest single wait of the parent's `get()`: between two, it looks
/// whether it should stop, wait for a thaw, or is done.
const READ_SLICE: Duration = Duration::from_millis(100);

/// The parent's reading: gets items until it has `total`, or every writer
/// has ended and the queue is empty, or it is told to stop. Before
/// blocking on an empty queue it says so (`say(GetWait)`); its gets are
/// read from the queue's op log.
fn read_all(
    q: &mut crate::ipc::queue::Queue,
    total: u64,
    shared: &super::Shared,
    stop: &AtomicBool,
    say: impl Fn(Kind),
) {
    use crate::ipc::queue::QueueError;
    let writers_gone = || {
        shared
            .children()
            .iter()
            .filter(|c| c.role == Role::Writer)
            .all(|c| c.life != Life::Running)
    };
    let mut got = 0u64;
    let mut waiting = false;
    while got < total && !stop.load(Ordering::Acquire) {
        if shared.frozen.load(Ordering::Acquire) {
            std::thread::sleep(Duration::from_millis(20));
            continue;
        }
        // At once first; once it has said it waits, in slices.
        let r = if waiting {
            q.get(true, Some(READ_SLICE.as_secs_f64()))
        } else {
            q.get_nowait()
        };
        match r {
            Ok(_) => {
                got += 1;
                waiting = false;
            }
            Err(QueueError::Empty) if writers_gone() && q.qsize() == 0 => break,
            Err(QueueError::Empty) => {
                if !waiting {
                    say(Kind::GetWait);
                    waiting = true;
                }
            }
            Err(_) => break,
        }
    }
}

/// Whether the parent joins processes of `role` before anything else (the
/// workers, which end by themselves).
fn worker(role: Role) -> bool {
    matches!(role, Role::Writer | Role::Sender | Role::Counter)
}

impl Engine {
    /// Holds the parent before `terminate()` or lets it go on.
    pub(super) fn hold_parent(&mut self, on: bool) {
        // A parent that reads the queue itself terminates nobody.
        if self.parent.hold == on || on && self.reads().is_some() {
            return;
        }
        self.parent.hold = on;
        self.emit(self.supervisor_event(Kind::ParentHold { on }));
    }

    /// Moves the parent's program on as far as it can go now.
    pub(super) fn parent_step(&mut self) {
        loop {
            let before = std::mem::discriminant(&self.parent.step);
            let step = std::mem::take(&mut self.parent.step);
            self.parent.step = self.parent_next(step);
            let now = std::mem::discriminant(&self.parent.step);
            if before == now {
                break;
            }
        }
    }

    fn parent_next(&mut self, step: Step) -> Step {
        match step {
            Step::Start if self.reads_first() => self.start_reading(true),
            Step::Start => self.next_join(),
            Step::Reading { read, first } => match read.ended.try_recv() {
                Err(crossbeam_channel::TryRecvError::Empty) => Step::Reading { read, first },
                _ if first => self.next_join(),
                _ => Step::Finishing,
            },
            Step::Joining(j) => match j.ended.try_recv() {
                Ok(exit) => {
                    self.joined_one(j.id, j.pid, exit);
                    self.next_join()
                }
                Err(crossbeam_channel::TryRecvError::Empty) => Step::Joining(j),
                Err(crossbeam_channel::TryRecvError::Disconnected) => {
                    self.joined_one(j.id, j.pid, Exit::Code(-1));
                    self.next_join()
                }
            },
            // A worker added after the joins is joined in turn.
            Step::Draining(_) | Step::Held if self.unjoined().is_some() => self.next_join(),
            // Nobody left to drain the queue or to terminate.
            Step::Draining(_) if self.live(Role::Reader) == 0 => Step::Finishing,
            Step::Draining(deadline) => self.drain(deadline),
            Step::Held if self.live(Role::Reader) == 0 => Step::Finishing,
            Step::Held if !self.parent.hold => self.terminate_readers(),
            Step::Held => Step::Held,
            Step::Finishing if self.running.is_empty() => Step::Done,
            s => s,
        }
    }

    /// The next process the parent joins, oldest first: a worker, or on a
    /// pipe once the workers are joined, the receiver. Its id, pid, and
    /// whether it is still to be reaped.
    fn unjoined(&self) -> Option<(ProcId, i32, bool)> {
        let table = self.shared.table.lock().ok()?;
        let next = |pick: &dyn Fn(Role) -> bool| {
            table
                .iter()
                .filter(|c| pick(c.role) && !self.parent.joined.contains(&c.id))
                .min_by_key(|c| c.id)
                .map(|c| (c.id, c.pid, !matches!(c.life, Life::Ended(_))))
        };
        next(&worker).or_else(|| match self.cfg.scenario {
            Scenario::Pipe(_) => next(&|r| r == Role::Receiver),
            _ => None,
        })
    }

    fn live(&self, role: Role) -> usize {
        self.shared
            .children()
            .iter()
            .filter(|c| c.role == role && c.life == Life::Running)
            .count()
    }

    /// The parent's next join; once every worker is joined, what it does
    /// after its joins. A process that ended and was reaped before the
    /// parent came to it is joined at once (its `join()` returns at once).
    fn next_join(&mut self) -> Step {
        while let Some((id, pid, alive)) = self.unjoined() {
            self.emit(self.supervisor_event(Kind::Join { target: pid }));
            if !alive {
                self.parent.joined.push(id);
                self.emit(self.supervisor_event(Kind::Joined { target: pid }));
                continue;
            }
            let (tx, rx) = crossbeam_channel::bounded(1);
            let shared = self.shared.clone();
            let started = std::thread::Builder::new()
                .name("parent-join".into())
                .spawn(move || {
                    let tid = &shared.joiner_tid;
                    tid.store(spawn::thread_id(), Ordering::Release);
                    let exit = spawn::join(pid);
                    tid.store(0, Ordering::Release);
                    let _ = tx.send(exit);
                });
            match started {
                Ok(_) => return Step::Joining(Joining { id, pid, ended: rx }),
                Err(e) => {
                    // Its reaping stays with the engine; the parent goes on.
                    self.failed(Attempt::Join { pid }, &e);
                    self.parent.joined.push(id);
                }
            }
        }
        self.after_joins()
    }

    /// A join returned: the process is reaped, and the parent goes on.
    fn joined_one(&mut self, id: ProcId, pid: i32, exit: Exit) {
        self.running.retain(|r| r.id != id);
        spawn::registry::remove(pid);
        self.ended(id, pid, exit);
        self.parent.joined.push(id);
        self.emit(self.supervisor_event(Kind::Joined { target: pid }));
    }

    /// Whether the parent reads the queue itself, and before its joins.
    fn reads(&self) -> Option<bool> {
        match &self.cfg.scenario {
            Scenario::Queue(q) if q.parent_reads() => Some(q.drain_first),
            _ => None,
        }
    }

    fn reads_first(&self) -> bool {
        self.reads() == Some(true)
    }

    /// The parent reads the queue itself: a thread of this process gets
    /// every item the writers put (a real `get()`, read from the queue's
    /// op log like a child's, the parent's when it waits), until it has
    /// them all or the writers are gone and the queue is empty. It waits
    /// while the world is frozen.
    fn start_reading(&mut self, first: bool) -> Step {
        let Scenario::Queue(q) = &self.cfg.scenario else {
            return Step::Finishing;
        };
        let total = q.items.saturating_mul(u64::from(q.writers));
        let queue = self.objects.queue.as_ref().map(|q| q.try_clone());
        let mut queue = match queue {
            Some(Ok(q)) => q,
            Some(Err(e)) => {
                self.failed(Attempt::Read, &e);
                return Step::Finishing;
            }
            None => return Step::Finishing,
        };
        queue.set_timestamps(true);
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, rx) = crossbeam_channel::bounded(1);
        let (shared, own, halt) = (self.shared.clone(), self.own.clone(), stop.clone());
        let pid = std::process::id() as i32;
        let started = std::thread::Builder::new()
            .name("parent-get".into())
            .spawn(move || {
                shared
                    .joiner_tid
                    .store(spawn::thread_id(), Ordering::Release);
                read_all(&mut queue, total, &shared, &halt, |kind| {
                    own.event(Event::new(now_ns(), SUPERVISOR, pid, kind));
                });
                shared.joiner_tid.store(0, Ordering::Release);
                let _ = tx.send(());
            });
        match started {
            Ok(_) => Step::Reading {
                read: Reading { stop, ended: rx },
                first,
            },
            Err(e) => {
                self.failed(Attempt::Read, &e);
                if first {
                    self.next_join()
                } else {
                    Step::Finishing
                }
            }
        }
    }

    /// After the joins: a queue's readers drain it, then are terminated;
    /// the parent reads it itself when there is no reader; otherwise the
    /// program is over once every child is.
    fn after_joins(&mut self) -> Step {
        if self.reads() == Some(false) {
            return self.start_reading(false);
        }
        match &self.cfg.scenario {
            Scenario::Queue(_) if self.live(Role::Reader) > 0 => {
                Step::Draining(Instant::now() + DRAIN)
            }
            _ => Step::Finishing,
        }
    }

    /// The readers drain the queue: once it is empty and every reader is
    /// back in `get()`, or at the deadline, the parent terminates them
    /// (held before that by a lesson). The world frozen, nothing drains:
    /// the deadline waits too.
    fn drain(&mut self, deadline: Instant) -> Step {
        let now = Instant::now();
        if self.frozen {
            return Step::Draining(deadline.max(now + DRAIN));
        }
        if self.parent.queue.is_none() {
            self.parent.queue = self.objects.queue.as_ref().and_then(|q| q.observer().ok());
        }
        let Some(snap) = self.parent.queue.as_ref().map(|q| q.snapshot(0)) else {
            return self.before_terminate();
        };
        let readers = self.live(Role::Reader);
        let idle = snap.get_waiters as usize >= readers;
        if snap.depth == 0 && idle || now >= deadline {
            if snap.depth > 0 {
                self.note(Note::DrainTimeout {
                    left: snap.depth as u64,
                });
            }
            return self.before_terminate();
        }
        Step::Draining(deadline)
    }

    /// At `terminate()`: held there by a lesson, or on with it.
    fn before_terminate(&mut self) -> Step {
        if self.parent.hold {
            Step::Held
        } else {
            self.terminate_readers()
        }
    }

    /// `pr.terminate()`: SIGTERM to every live reader.
    fn terminate_readers(&mut self) -> Step {
        let readers: Vec<ProcId> = self
            .shared
            .children()
            .iter()
            .filter(|c| c.role == Role::Reader && c.life == Life::Running)
            .map(|c| c.id)
            .collect();
        for id in readers {
            self.signal(id, Sig::Term);
        }
        Step::Finishing
    }

    /// At the run's end the parent's program stops where it is. A join
    /// still waiting: its process is sent SIGTERM (with the others, by
    /// [`Engine::stop_all`]) and given until `deadline`, then SIGKILL;
    /// its end is reported as any child's.
    pub(super) fn stop_parent(&mut self, deadline: Instant) {
        let j = match std::mem::replace(&mut self.parent.step, Step::Done) {
            Step::Joining(j) => j,
            Step::Reading { read, .. } => {
                read.stop.store(true, Ordering::Release);
                let grace = deadline.saturating_duration_since(Instant::now());
                let _ = read.ended.recv_timeout(grace.max(READ_SLICE * 4));
                return;
            }
            _ => return,
        };
        let grace = deadline.saturating_duration_since(Instant::now());
        let exit = match j.ended.recv_timeout(grace) {
            Ok(e) => e,
            Err(_) => {
                let _ = spawn::signal_group(j.pid, nix::sys::signal::Signal::SIGKILL);
                let _ = spawn::signal(j.pid, nix::sys::signal::Signal::SIGKILL);
                j.ended
                    .recv_timeout(Duration::from_secs(5))
                    .unwrap_or(Exit::Signal(libc::SIGKILL))
            }
        };
        self.running.retain(|r| r.id != j.id);
        spawn::registry::remove(j.pid);
        self.ended(j.id, j.pid, exit);
    }

    /// The pid of the process the parent is joining, if any.
    pub(super) fn joining_pid(&self) -> Option<i32> {
        match &self.parent.step {
            Step::Joining(j) => Some(j.pid),
            _ => None,
        }
    }
}
