//! The sampler thread: reads the real objects and the kernel off the UI
//! thread — the queue's memory, the pipe's buffer and who holds its ends,
//! the shared value with the counters' progress, each child's state in the
//! kernel and its exact counters — and puts what changed into the stream
//! as observations. It also notices when no process can ever make progress
//! again, and says why.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::children::Objects;
use super::{ChildInfo, Life, Shared};
use crate::config::{RunConfig, Scenario};
use crate::control::{Control, Phase};
use crate::ipc::queue::{QueueObserver, Snapshot};
use crate::ipc::value::{self, SharedArray};
use crate::proc::fds;
use crate::proc::probe::{self, FutexMap};
use crate::stream::event::Stuck;
use crate::stream::{
    Body, CellView, Event, Holder, KernelRow, KernelWait, Kind, Note, Observation, PipeView,
    ProcCounters, ProcId, QueueView, QueuedView, Role, SUPERVISOR, TelemetryView, ValueView,
    WaitLink,
};
use crate::telemetry::collect::{OwnSender, Stats};
use crate::telemetry::now_ns;

/// How often the queue's memory is read.
const FAST: Duration = Duration::from_millis(50);
/// The kernel view, the pipe and the counters are read every this many
/// fast rounds.
const SLOW_EVERY: u32 = 2;
/// Queued items an observation carries (a screenful).
pub(super) const ITEMS: usize = 64;
/// How long nobody must be able to progress before the run says so: a
/// few samples, so the screen says it within a second.
const STUCK_AFTER_NS: u64 = 800_000_000;
/// How long a cycle of waits must hold (each process blocked in recv as
/// it says and as the kernel shows, nothing on its way to any of them)
/// before the run names it a deadlock: a few samples, so the screen says
/// it within a second.
const DEADLOCK_AFTER_NS: u64 = 300_000_000;

/// What the supervisor remembers of the pipe it made.
#[derive(Debug, Clone)]
pub struct PipeWatch {
    pub duplex: bool,
    pub recv_inode: u64,
    pub send_inode: u64,
    /// The fd number the receive end has in the receiver (and, with
    /// `--inherit`, in the sender too: a child's fds keep their numbers).
    pub recv_fd: i32,
    /// The fd number the send end has in the sender.
    pub send_fd: i32,
    pub receiver: ProcId,
    pub sender: ProcId,
}

/// The objects the sampler reads.
pub(crate) struct Looks {
    cfg: RunConfig,
    queue: Option<QueueObserver>,
    value: Option<SharedArray>,
    pub pipe: Option<PipeWatch>,
}

impl Looks {
    pub fn new(cfg: &RunConfig, objects: &Objects) -> Result<Looks, String> {
        Ok(Looks {
            cfg: cfg.clone(),
            queue: objects.queue_observer()?,
            value: objects.value_reader()?,
            pipe: None,
        })
    }
}

/// Starts the thread; it runs until `stop` is raised.
pub(crate) fn spawn(
    looks: Looks,
    control: Arc<Control>,
    shared: Arc<Shared>,
    stats: Arc<Stats>,
    own: OwnSender,
    stop: Arc<AtomicBool>,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("sampler".into())
        .spawn(move || {
            let mut s = Sampler {
                looks,
                control,
                shared,
                stats,
                own,
                last: Observation::default(),
                stuck_since: None,
                said: None,
            };
            let mut round = 0u32;
            while !stop.load(Ordering::Acquire) {
                s.round(round.is_multiple_of(SLOW_EVERY));
                round = round.wrapping_add(1);
                std::thread::sleep(FAST);
            }
        })
}

struct Sampler {
    looks: Looks,
    control: Arc<Control>,
    shared: Arc<Shared>,
    stats: Arc<Stats>,
    own: OwnSender,
    /// The last value of each part sent (a part is sent only when it changes).
    last: Observation,
    /// Since when no process could progress.
    stuck_since: Option<u64>,
    /// What was last said about it (its waiting time left out), so a
    /// reason is said once, and a new one (the parent closed its copy,
    /// the receiver's own still holds it) at once.
    said: Option<Note>,
}

impl Sampler {
    fn round(&mut self, slow: bool) {
        let t_ns = now_ns();
        let children = self.shared.children();
        let mut obs = Observation {
            t_ns,
            ..Observation::default()
        };
        let snap = self.looks.queue.as_ref().map(|q| q.snapshot(ITEMS));
        if let Some(s) = &snap {
            obs.queue = changed(&mut self.last.queue, queue_view(s));
        }
        if slow {
            let kernel = self.kernel(&children);
            obs.kernel = changed(&mut self.last.kernel, kernel);
            if let Some(w) = &self.looks.pipe {
                obs.pipe = changed(&mut self.last.pipe, pipe_view(w, &children));
            }
            if let Some(v) = self.looks.value.as_ref() {
                let (value, cells) = value_views(v, &children, &self.control);
                obs.value = changed(&mut self.last.value, value);
                if let Some(cells) = cells {
                    obs.cells = changed(&mut self.last.cells, cells);
                }
            }
            let counters = self.counters(&children);
            obs.counters = changed(&mut self.last.counters, counters);
            let telemetry = self.telemetry(&children);
            obs.telemetry = changed(&mut self.last.telemetry, telemetry);
            self.check_stuck(t_ns, snap.as_ref(), &children);
        }
        let any = obs.queue.is_some()
            || obs.kernel.is_some()
            || obs.pipe.is_some()
            || obs.value.is_some()
            || obs.counters.is_some()
            || obs.telemetry.is_some()
            || obs.cells.is_some();
        if any {
            self.own.send(Body::Observation(Box::new(obs)));
        }
    }

    /// What the kernel says each live child is doing. A child says in its
    /// control slot where it mapped the shared object (a `/proc/<pid>/maps`
    /// read could catch the fork before exec, which still shows the
    /// parent's mappings).
    fn kernel(&self, children: &[ChildInfo]) -> Vec<KernelRow> {
        let mut rows: Vec<KernelRow> = children
            .iter()
            .filter(|c| c.alive())
            .map(|c| {
                let fmap = futex_map(
                    self.control.slot(c.id as usize).map_base(),
                    &self.looks.cfg.scenario,
                );
                match probe::read_sample(c.pid) {
                    Ok(Some(s)) => KernelRow {
                        proc: c.id,
                        pid: c.pid,
                        state: s.state,
                        wait: probe::classify(&s, &fmap),
                        wchan: s.wchan.clone(),
                    },
                    _ => KernelRow {
                        proc: c.id,
                        pid: c.pid,
                        state: '?',
                        wait: KernelWait::Gone,
                        wchan: None,
                    },
                }
            })
            .collect();
        rows.extend(self.parent_row());
        rows
    }

    /// The parent's state in the kernel while it waits in `join()`: its
    /// joining thread's, read as a child's is (`/proc/<tid>`), under the
    /// parent's pid. None while it is not joining.
    fn parent_row(&self) -> Option<KernelRow> {
        let tid = self.shared.joiner_tid.load(Ordering::Acquire);
        if tid == 0 {
            return None;
        }
        let s = probe::read_sample(tid).ok().flatten()?;
        Some(KernelRow {
            proc: SUPERVISOR,
            pid: std::process::id() as i32,
            state: s.state,
            wait: probe::classify(&s, &FutexMap::default()),
            wchan: s.wchan.clone(),
        })
    }

    fn counters(&self, children: &[ChildInfo]) -> Vec<ProcCounters> {
        children
            .iter()
            .map(|c| {
                let s = self.control.slot(c.id as usize);
                ProcCounters {
                    proc: c.id,
                    done: s.done(),
                    timeouts: s.timeouts(),
                    dropped: s.dropped(),
                }
            })
            .collect()
    }

    fn telemetry(&self, children: &[ChildInfo]) -> TelemetryView {
        TelemetryView {
            lag_ms: self.stats.last_lag_ns.load(Ordering::Relaxed) / 1_000_000,
            dropped: children
                .iter()
                .map(|c| self.control.slot(c.id as usize).dropped())
                .sum(),
            late: self.stats.late.load(Ordering::Relaxed),
        }
    }

    /// Says, once, when no live process can ever make progress (for
    /// [`STUCK_AFTER_NS`] on end; a deadlock after [`DEADLOCK_AFTER_NS`]),
    /// and why; says it again when the reason changes.
    fn check_stuck(&mut self, now: u64, snap: Option<&Snapshot>, children: &[ChildInfo]) {
        let Some(reason) = self.stuck_reason(now, snap, children) else {
            self.stuck_since = None;
            self.said = None;
            return;
        };
        let since = *self.stuck_since.get_or_insert(now);
        let after = match reason {
            Note::Deadlock { .. } | Note::JoinBeforeDrain { .. } => DEADLOCK_AFTER_NS,
            _ => STUCK_AFTER_NS,
        };
        if now < since + after || self.said.as_ref() == Some(&reason) {
            return;
        }
        self.said = Some(reason.clone());
        let waited_ms = (now - since) / 1_000_000;
        let note = match reason {
            Note::ForgottenSendEnd { receiver, .. } => Note::ForgottenSendEnd {
                receiver,
                waited_ms,
            },
            Note::OwnSendEnd {
                receiver,
                parent_too,
                ..
            } => Note::OwnSendEnd {
                receiver,
                parent_too,
                waited_ms,
            },
            other => other,
        };
        let pid = std::process::id() as i32;
        self.own
            .event(Event::new(now, SUPERVISOR, pid, Kind::Note { note }));
    }

    fn stuck_reason(
        &self,
        _now: u64,
        snap: Option<&Snapshot>,
        children: &[ChildInfo],
    ) -> Option<Note> {
        let live = |role: Role| {
            children
                .iter()
                .filter(|c| c.role == role && c.life == Life::Running)
                .count() as u32
        };
        match &self.looks.cfg.scenario {
            Scenario::Queue(_) => {
                let s = snap?;
                let limit = if s.maxsize == 0 {
                    s.capacity
                } else {
                    s.maxsize
                };
                let (w, r) = (live(Role::Writer), live(Role::Reader));
                let parent_reads =
                    matches!(&self.looks.cfg.scenario, Scenario::Queue(q) if q.parent_reads());
                if parent_reads {
                    // The parent reads it: before its joins, or a join
                    // before the drain.
                    self.join_before_drain(s.depth >= limit && r == 0, children)
                } else if r == 0 && w > 0 && s.depth >= limit && s.put_waiters >= w {
                    Some(Note::NoProgress {
                        why: Stuck::FullNoReader,
                    })
                } else if w == 0 && r > 0 && s.depth == 0 && s.get_waiters >= r {
                    Some(Note::NoProgress {
                        why: Stuck::EmptyNoWriter,
                    })
                } else {
                    None
                }
            }
            Scenario::Pipe(_) => {
                let w = self.looks.pipe.as_ref()?;
                self.deadlock(w, children)
                    .or_else(|| self.receiver_waits_forever(children))
            }
            Scenario::Counter(_) | Scenario::Program(_) => None,
        }
    }

    /// (For a queue the parent reads itself.) The parent reads it only
    /// after joining the writers, and the writer it joins (the oldest
    /// alive) is blocked: in `put`, or at exit waiting for its feeder to
    /// flush, while the queue (Python's pipe) is full and no reader is
    /// left: it can never end, and the parent never reads
    /// (`full_no_reader`: the queue is full and nobody but the parent
    /// reads it).
    fn join_before_drain(&self, full_no_reader: bool, children: &[ChildInfo]) -> Option<Note> {
        let Scenario::Queue(q) = &self.looks.cfg.scenario else {
            return None;
        };
        if q.drain_first || !full_no_reader {
            return None;
        }
        let joined = children
            .iter()
            .filter(|c| c.role == Role::Writer && c.life == Life::Running)
            .min_by_key(|c| c.id)?;
        if self.control.slot(joined.id as usize).phase() != Phase::Blocked {
            return None;
        }
        Some(Note::JoinBeforeDrain {
            writer: joined.pid,
            name: joined.name.clone(),
            feeder: q.feeder,
        })
    }

    /// Both ends of a duplex pipe wait in recv (each says so, and the
    /// kernel shows each asleep reading) and nothing is on its way to
    /// either: each waits for a message only the other could send.
    fn deadlock(&self, w: &PipeWatch, children: &[ChildInfo]) -> Option<Note> {
        if !w.duplex {
            return None;
        }
        let find = |id| {
            children
                .iter()
                .find(|c| c.id == id && c.life == Life::Running)
        };
        let (s, r) = (find(w.sender)?, find(w.receiver)?);
        let kernel = self.last.kernel.as_ref()?;
        for (c, fd) in [(s, w.send_fd), (r, w.recv_fd)] {
            if self.control.slot(c.id as usize).phase() != Phase::Blocked {
                return None;
            }
            let reading = kernel
                .iter()
                .any(|k| k.proc == c.id && k.wait == KernelWait::WaitingForData);
            if !reading {
                return None;
            }
            let end = fds::borrow_fd(c.pid, fd)?;
            if fds::bytes_waiting(&end)? != 0 {
                return None;
            }
        }
        let link = |a: &ChildInfo, b: &ChildInfo| WaitLink {
            pid: a.pid,
            name: a.name.clone(),
            on: b.pid,
            on_name: b.name.clone(),
        };
        Some(Note::Deadlock {
            chain: vec![link(s, r), link(r, s)],
        })
    }

    /// The receiver waits in recv with no sender left, and the kernel
    /// shows a copy of the send end still open: in the receiver itself
    /// (inherited, never closed), or in the parent (`--forget-close`).
    /// With nobody holding it, EOF is on its way: not stuck.
    fn receiver_waits_forever(&self, children: &[ChildInfo]) -> Option<Note> {
        let view = self.last.pipe.as_ref()?;
        let sender_gone = children
            .iter()
            .filter(|c| c.role == Role::Sender)
            .all(|c| !c.alive());
        let rc = children
            .iter()
            .find(|c| c.role == Role::Receiver && c.life == Life::Running)?;
        let blocked = self.control.slot(rc.id as usize).phase() == Phase::Blocked;
        if !(sender_gone && blocked) {
            return None;
        }
        let parent = view.send_holders.iter().any(|h| h.proc.is_none());
        let own = view.send_holders.iter().any(|h| h.pid == rc.pid);
        match (own, parent) {
            (true, parent_too) => Some(Note::OwnSendEnd {
                receiver: rc.pid,
                parent_too,
                waited_ms: 0,
            }),
            (false, true) => Some(Note::ForgottenSendEnd {
                receiver: rc.pid,
                waited_ms: 0,
            }),
            (false, false) => None,
        }
    }
}

/// The shared value (the sum of an Array's cells) and, for an Array, each
/// cell; each read before the increments made on it (counted just before
/// their store), so `value <= expected` holds for each.
pub(super) fn value_views(
    v: &SharedArray,
    children: &[ChildInfo],
    control: &Control,
) -> (ValueView, Option<Vec<CellView>>) {
    let n = v.len();
    let values: Vec<i64> = (0..n).map(|i| v.get(i).unwrap_or(0)).collect();
    let mut expected = vec![0u64; n];
    for c in children.iter().filter(|c| c.role == Role::Counter) {
        let slot = control.slot(c.id as usize);
        if let Some(e) = expected.get_mut(slot.cell() as usize) {
            *e += slot.done();
        }
    }
    let whole = ValueView {
        value: values.iter().fold(0i64, |a, &x| a.wrapping_add(x)),
        expected: expected.iter().sum(),
    };
    let cells = (n > 1).then(|| {
        values
            .iter()
            .zip(&expected)
            .map(|(&value, &expected)| CellView { value, expected })
            .collect()
    });
    (whole, cells)
}

/// `Some(new)` when it differs from what was last sent (and remembers it).
fn changed<T: PartialEq + Clone>(last: &mut Option<T>, new: T) -> Option<T> {
    if last.as_ref() == Some(&new) {
        None
    } else {
        *last = Some(new.clone());
        Some(new)
    }
}

pub(super) fn queue_view(s: &Snapshot) -> QueueView {
    QueueView {
        depth: s.depth as u32,
        maxsize: s.maxsize as u32,
        capacity: s.capacity as u32,
        puts: s.puts,
        gets: s.gets,
        items: s
            .items
            .iter()
            .map(|q| QueuedView {
                label: q.item.label.clone(),
                put_seq: q.put_seq,
                put_pid: q.put_pid,
            })
            .collect(),
        get_waiters: s.get_waiters,
        put_waiters: s.put_waiters,
        recoveries: s.recoveries,
        lost: s.lost,
    }
}

/// The futex words of the shared object mapped at `base` (0: not yet).
fn futex_map(base: u64, scenario: &Scenario) -> FutexMap {
    let mut m = FutexMap::default();
    if base == 0 {
        return m;
    }
    match scenario {
        Scenario::Queue(_) => {
            let o = QueueObserver::futex_offsets();
            m.not_empty.push(base + o.not_empty);
            m.not_full.push(base + o.not_full);
            m.lock.push(base + o.lock);
        }
        Scenario::Counter(_) => m.lock.push(base + value::lock_offset()),
        Scenario::Pipe(_) | Scenario::Program(_) => {}
    }
    m
}

/// The pipe as the kernel shows it: who holds each end, bytes waiting.
fn pipe_view(w: &PipeWatch, children: &[ChildInfo]) -> PipeView {
    let me = std::process::id() as i32;
    let mut candidates: Vec<i32> = children
        .iter()
        .filter(|c| c.alive())
        .map(|c| c.pid)
        .collect();
    candidates.push(me);
    let holder = |pid: i32| Holder {
        pid,
        proc: children.iter().find(|c| c.pid == pid).map(|c| c.id),
    };
    let kind = if w.duplex { "socket" } else { "pipe" };
    let mut view = PipeView::default();
    if w.duplex {
        for (pid, _) in fds::holders_of_inode(&candidates, kind, w.send_inode) {
            view.send_holders.push(holder(pid));
        }
        for (pid, _) in fds::holders_of_inode(&candidates, kind, w.recv_inode) {
            view.recv_holders.push(holder(pid));
        }
    } else {
        // Both ends of pipe(2) share one inode: the open mode tells them apart.
        for (pid, fd) in fds::holders_of_inode(&candidates, kind, w.recv_inode) {
            if fds::fd_writable(pid, fd) {
                view.send_holders.push(holder(pid));
            } else {
                view.recv_holders.push(holder(pid));
            }
        }
    }
    view.send_holders.dedup();
    view.recv_holders.dedup();
    // Measure through a momentary copy of the receiver's end.
    if let Some(rc) = children.iter().find(|c| c.id == w.receiver && c.alive())
        && let Some(fd) = fds::borrow_fd(rc.pid, w.recv_fd)
    {
        view.bytes = fds::bytes_waiting(&fd);
        view.capacity = fds::capacity(&fd, w.duplex);
    }
    view
}
