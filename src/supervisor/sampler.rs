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
    Body, Event, Holder, KernelRow, KernelWait, Kind, Note, Observation, PipeView, ProcCounters,
    ProcId, QueueView, QueuedView, Role, SUPERVISOR, TelemetryView, ValueView,
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
/// How long nobody must be able to progress before the run says so.
const STUCK_AFTER_NS: u64 = 2_000_000_000;

/// What the supervisor remembers of the pipe it made.
#[derive(Debug, Clone)]
pub struct PipeWatch {
    pub duplex: bool,
    pub recv_inode: u64,
    pub send_inode: u64,
    /// The fd number the receive end has in the receiver.
    pub recv_fd: i32,
    pub receiver: ProcId,
    pub parent_holds_send: bool,
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
                said_stuck: false,
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
    stuck_since: Option<(u64, Note)>,
    said_stuck: bool,
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
                let value = self.value_view(v, &children);
                obs.value = changed(&mut self.last.value, value);
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
            || obs.telemetry.is_some();
        if any {
            self.own.send(Body::Observation(Box::new(obs)));
        }
    }

    /// What the kernel says each live child is doing. A child says in its
    /// control slot where it mapped the shared object (a `/proc/<pid>/maps`
    /// read could catch the fork before exec, which still shows the
    /// parent's mappings).
    fn kernel(&self, children: &[ChildInfo]) -> Vec<KernelRow> {
        children
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
            .collect()
    }

    /// The value, then the increments begun: every write the value shows
    /// was begun before it was read, so `value <= expected` holds.
    fn value_view(&self, v: &SharedArray, children: &[ChildInfo]) -> ValueView {
        let value = v.get(0).unwrap_or(0);
        let expected = children
            .iter()
            .map(|c| self.control.slot(c.id as usize).done())
            .sum();
        ValueView { value, expected }
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
    /// [`STUCK_AFTER_NS`] on end), and why.
    fn check_stuck(&mut self, now: u64, snap: Option<&Snapshot>, children: &[ChildInfo]) {
        let now_stuck = self.stuck_reason(now, snap, children);
        match (now_stuck, &self.stuck_since) {
            (None, _) => {
                self.stuck_since = None;
                self.said_stuck = false;
            }
            (Some(n), None) => self.stuck_since = Some((now, n)),
            (Some(n), Some((since, _))) => {
                let since = *since;
                if !self.said_stuck && now >= since + STUCK_AFTER_NS {
                    self.said_stuck = true;
                    let note = match n {
                        Note::ForgottenSendEnd { receiver, .. } => Note::ForgottenSendEnd {
                            receiver,
                            waited_ms: (now - since) / 1_000_000,
                        },
                        other => other,
                    };
                    let pid = std::process::id() as i32;
                    self.own
                        .event(Event::new(now, SUPERVISOR, pid, Kind::Note { note }));
                }
            }
        }
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
                if r == 0 && w > 0 && s.depth >= limit && s.put_waiters >= w {
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
                if !w.parent_holds_send {
                    return None;
                }
                let sender_gone = children
                    .iter()
                    .filter(|c| c.role == Role::Sender)
                    .all(|c| !c.alive());
                let rc = children
                    .iter()
                    .find(|c| c.role == Role::Receiver && c.life == Life::Running)?;
                let blocked = self.control.slot(rc.id as usize).phase() == Phase::Blocked;
                (sender_gone && blocked).then_some(Note::ForgottenSendEnd {
                    receiver: rc.pid,
                    waited_ms: 0,
                })
            }
            Scenario::Counter(_) | Scenario::Program(_) => None,
        }
    }
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
