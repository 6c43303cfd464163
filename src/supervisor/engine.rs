//! The engine thread: owns the children and the shared objects, reaps
//! them, and carries out commands. Everything that changes a process goes
//! through here, and every change is echoed into the stream as an event
//! (so a recording shows what was done, and when).

use std::collections::HashMap;
use std::os::fd::OwnedFd;
use std::process::Child;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};
use nix::sys::signal::Signal;

use super::children::Objects;
use super::sampler::PipeWatch;
use super::{Life, Shared};
use crate::config::{Policy, RunConfig};
use crate::control::{Control, Phase};
use crate::ipc::pipe::Connection;
use crate::proc::spawn::{self, Exit};
use crate::stream::{
    Attempt, Body, Command, Event, Kind, Note, Observation, PipeEnd, ProcCounters, ProcId, Role,
    SUPERVISOR, Sig,
};
use crate::telemetry::collect::OwnSender;
use crate::telemetry::now_ns;

pub(crate) enum Msg {
    Do(Command),
    Shutdown,
}

/// How long children get to exit after SIGTERM before SIGKILL.
const GRACE: Duration = Duration::from_millis(500);
/// How often children are checked for exit.
const REAP_EVERY: Duration = Duration::from_millis(50);
/// Longest a repair after a dead child may wait for the queue lock (a
/// stopped process may hold it; the repair is then retried later).
const REPAIR_WAIT: Duration = Duration::from_millis(100);

pub(super) struct Running {
    pub id: ProcId,
    pub child: Child,
}

pub(crate) struct Engine {
    pub(super) cfg: RunConfig,
    pub(super) objects: Objects,
    pub(super) control: Arc<Control>,
    pub(super) tel_w: OwnedFd,
    pub(super) own: OwnSender,
    pub(super) shared: Arc<Shared>,
    pub(super) exe: std::path::PathBuf,
    pub(super) running: Vec<Running>,
    /// The parent's forgotten copy of the send end (`--forget-close`).
    pub(super) held_send_end: Option<Connection>,
    pub(super) counts: HashMap<Role, u32>,
    pub(super) slow_motion: f64,
    pub(super) scales: HashMap<ProcId, f64>,
    pub(super) frozen: bool,
    /// Dead processes whose repair could not take the lock yet.
    repairs: Vec<(ProcId, i32)>,
    /// Processes let through for one step while frozen: stopped again once
    /// that step is over.
    stepping: Vec<Stepping>,
    /// Counters take the Value's lock (switched live with `SetLock`).
    pub(super) lock: bool,
    /// How writers put and readers get (switched live with `SetPolicy`).
    pub(super) policies: HashMap<Role, Policy>,
    /// The parent's program: its joins and its terminate.
    pub(super) parent: super::parent::Parent,
}

/// A process let through for one operation while the world is frozen.
struct Stepping {
    id: ProcId,
    pid: i32,
    phase: Phase,
    started: u32,
    since: Instant,
}

/// How long a stepped process that stays blocked may try before it is
/// stopped again (so a process woken later by another's step stays put
/// until it is stepped itself).
const STEP_TRY: Duration = Duration::from_millis(100);

impl Engine {
    pub fn new(
        cfg: RunConfig,
        objects: Objects,
        control: Arc<Control>,
        tel_w: OwnedFd,
        own: OwnSender,
        shared: Arc<Shared>,
        exe: Option<std::path::PathBuf>,
    ) -> Engine {
        let lock = matches!(&cfg.scenario, crate::config::Scenario::Counter(c) if c.lock);
        let policies = match &cfg.scenario {
            crate::config::Scenario::Queue(q) => [Role::Writer, Role::Reader]
                .into_iter()
                .filter_map(|r| Some((r, q.policy(r)?)))
                .collect(),
            _ => HashMap::new(),
        };
        Engine {
            lock,
            policies,
            cfg,
            objects,
            control,
            tel_w,
            own,
            shared,
            exe: exe.unwrap_or_default(),
            running: Vec::new(),
            held_send_end: None,
            counts: HashMap::new(),
            slow_motion: 1.0,
            scales: HashMap::new(),
            frozen: false,
            repairs: Vec::new(),
            stepping: Vec::new(),
            parent: Default::default(),
        }
    }

    pub fn run(
        mut self,
        rx: Receiver<Msg>,
        ready: Sender<Result<Option<PipeWatch>, std::io::Error>>,
    ) {
        let exe = if self.exe.as_os_str().is_empty() {
            spawn::self_exe()
        } else {
            Ok(self.exe.clone())
        };
        let started = exe.and_then(|exe| {
            self.exe = exe;
            self.spawn_initial()
        });
        match started {
            Ok(watch) => {
                let _ = ready.send(Ok(watch));
                self.parent_step();
            }
            Err(e) => {
                self.stop_all();
                let _ = ready.send(Err(e));
                return;
            }
        }
        loop {
            match rx.recv_timeout(REAP_EVERY) {
                Ok(Msg::Do(c)) => self.apply(c),
                Ok(Msg::Shutdown) | Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {}
            }
            self.reap();
            self.parent_step();
            self.retry_repairs(Some(Instant::now() + REPAIR_WAIT));
            self.restop_stepped();
        }
        self.stop_all();
    }

    pub(super) fn emit(&self, ev: Event) {
        self.own.event(ev);
    }

    pub(super) fn supervisor_event(&self, kind: Kind) -> Event {
        Event::new(now_ns(), SUPERVISOR, std::process::id() as i32, kind)
    }

    pub(super) fn note(&self, note: Note) {
        self.emit(self.supervisor_event(Kind::Note { note }));
    }

    /// Notes that what it `tried` failed with `error` (kept as [`why`]
    /// says), for the screen to say in its language.
    pub(super) fn failed(&self, tried: Attempt, error: &(dyn std::error::Error + 'static)) {
        self.note(Note::Failed {
            tried,
            error: why(error),
        });
    }

    // ------------------------------------------------------------- reap --

    /// Reaps the children that ended, but the one the parent is joining:
    /// its join reaps it.
    fn reap(&mut self) {
        let mut ended = Vec::new();
        let joining = self.parent.joining();
        self.running.retain_mut(|r| {
            if Some(r.id) == joining {
                return true;
            }
            match r.child.try_wait() {
                Ok(Some(st)) => {
                    ended.push((r.id, r.child.id() as i32, spawn::ended_of(st)));
                    false
                }
                _ => true,
            }
        });
        for (id, pid, exit) in ended {
            spawn::registry::remove(pid);
            self.ended(id, pid, exit);
        }
    }

    /// A child was reaped: the table and the stream are told, and what it
    /// left in the queue is repaired.
    pub(super) fn ended(&mut self, id: ProcId, pid: i32, exit: Exit) {
        let mut who = None;
        if let Ok(mut table) = self.shared.table.lock()
            && let Some(c) = table.iter_mut().find(|c| c.id == id)
        {
            c.life = Life::Ended(exit);
            who = Some((c.role, c.name.clone()));
        }
        self.emit(Event::new(now_ns(), id, pid, Kind::Exit { ended: exit }));
        // A feeder writer killed with items in its buffer: how many, from
        // its own counts (the stream may not have told each one).
        let feeder = matches!(&self.cfg.scenario, crate::config::Scenario::Queue(q) if q.feeder);
        if let (true, Exit::Signal(_), Some((Role::Writer, name))) = (feeder, exit, who) {
            let slot = self.control.slot(id as usize);
            let n = slot.done().saturating_sub(slot.flushed());
            if n > 0 {
                self.note(Note::BufferLost {
                    writer: pid,
                    name,
                    n,
                });
            }
        }
        self.repairs.push((id, pid));
        self.retry_repairs(Some(Instant::now() + REPAIR_WAIT));
    }

    /// Repairs what dead children left in the queue, each waiting for the
    /// lock until `deadline` at most (a repair that cannot have it yet stays
    /// for the next round).
    fn retry_repairs(&mut self, deadline: Option<Instant>) {
        if self.repairs.is_empty() {
            return;
        }
        let Some(q) = self.objects.queue.as_mut() else {
            self.repairs.clear();
            return;
        };
        let mut left = Vec::new();
        let mut failed = Vec::new();
        // What a repair finds is logged in the queue's memory and reaches
        // the stream through its op log, like a repair any process makes.
        for (id, pid) in std::mem::take(&mut self.repairs) {
            match q.recover_process(pid, deadline) {
                Ok(_) => {}
                Err(crate::ipc::queue::QueueError::LockTimeout) => left.push((id, pid)),
                Err(e) => failed.push((pid, e)),
            }
        }
        self.repairs = left;
        for (pid, e) in failed {
            self.failed(Attempt::Repair { pid }, &e);
        }
    }

    // ---------------------------------------------------------- commands --

    fn apply(&mut self, c: Command) {
        let start = |role| move |e| (Attempt::Start { role }, e);
        let result: Result<(), (Attempt, std::io::Error)> = match c {
            Command::AddWriter => self
                .spawn_writer(false)
                .map(drop)
                .map_err(start(Role::Writer)),
            Command::AddReader => self.spawn_reader().map(drop).map_err(start(Role::Reader)),
            Command::AddCounter => self.spawn_counter().map(drop).map_err(start(Role::Counter)),
            Command::RemoveWriter => {
                self.stop_newest(Role::Writer);
                Ok(())
            }
            Command::RemoveReader => {
                self.stop_newest(Role::Reader);
                Ok(())
            }
            Command::RemoveCounter => {
                self.stop_newest(Role::Counter);
                Ok(())
            }
            Command::SetMaxsize(n) => match self.objects.queue.as_mut() {
                Some(q) => match q.set_maxsize(n as i64) {
                    Ok(()) => {
                        self.emit(self.supervisor_event(Kind::MaxsizeSet { maxsize: n }));
                        Ok(())
                    }
                    Err(e) => Err((Attempt::SetMaxsize { maxsize: n }, std::io::Error::other(e))),
                },
                None => Ok(()),
            },
            Command::SetDelayScale(id, s) => {
                self.scales.insert(id, s);
                self.push_scales();
                if let Some(pid) = self.live_pid(id) {
                    self.emit(Event::new(
                        now_ns(),
                        id,
                        pid,
                        Kind::DelayScaled { scale: s },
                    ));
                }
                Ok(())
            }
            Command::SetSlowMotion(f) => {
                self.slow_motion = f;
                self.push_scales();
                self.emit(self.supervisor_event(Kind::SlowMotion { factor: f }));
                Ok(())
            }
            Command::Freeze => {
                self.freeze();
                Ok(())
            }
            Command::Resume => {
                self.resume();
                Ok(())
            }
            Command::Step(id) => {
                if self.frozen
                    && let Some(pid) = self.live_pid(id)
                {
                    self.emit(Event::new(now_ns(), id, pid, Kind::Stepped));
                    let slot = self.control.slot(id as usize);
                    self.stepping.retain(|s| s.id != id);
                    self.stepping.push(Stepping {
                        id,
                        pid,
                        phase: slot.phase(),
                        started: slot.started(),
                        since: Instant::now(),
                    });
                    slot.step();
                    let _ = spawn::signal_group(pid, Signal::SIGCONT);
                }
                Ok(())
            }
            Command::Signal(id, sig) => {
                self.signal(id, sig);
                Ok(())
            }
            // A restart is a new supervisor: its owner handles it.
            Command::Restart(_) => Ok(()),
            Command::CloseParentEnd => {
                // Nothing left to close: the visualizer says so before
                // asking; a second `x` in flight does nothing.
                if let Some(mut end) = self.held_send_end.take() {
                    end.close();
                    self.emit(self.supervisor_event(Kind::EndClosed { end: PipeEnd::Send }));
                }
                Ok(())
            }
            Command::WrongWay(id) => {
                if self.live_pid(id).is_some() {
                    self.control.slot(id as usize).request_wrong_way();
                }
                Ok(())
            }
            Command::SetLock(on) => {
                self.set_lock(on);
                Ok(())
            }
            Command::SetPolicy(role, policy) => {
                self.set_policy(role, policy);
                Ok(())
            }
            Command::HoldParent(on) => {
                self.hold_parent(on);
                Ok(())
            }
        };
        if let Err((tried, e)) = result {
            self.failed(tried, &e);
        }
    }

    /// Every counter takes the lock (or stops taking it) from its next
    /// increment; counters added later too.
    fn set_lock(&mut self, on: bool) {
        if self.objects.value.is_none() {
            return;
        }
        self.lock = on;
        for r in &self.running {
            self.control.slot(r.id as usize).set_lock(on);
        }
        self.emit(self.supervisor_event(Kind::LockSet { on }));
    }

    /// Every process of `role` calls with `policy` from its next put (get);
    /// processes added later too. Only a queue's writers and readers have
    /// one.
    fn set_policy(&mut self, role: Role, policy: Policy) {
        if self.objects.queue.is_none() || !self.policies.contains_key(&role) {
            return;
        }
        self.policies.insert(role, policy);
        let ids: Vec<ProcId> = self
            .shared
            .table
            .lock()
            .map(|t| t.iter().filter(|c| c.role == role).map(|c| c.id).collect())
            .unwrap_or_default();
        for id in ids {
            self.control.slot(id as usize).set_policy(policy);
        }
        self.emit(self.supervisor_event(Kind::PolicySet { role, policy }));
    }

    pub(super) fn signal(&mut self, id: ProcId, sig: Sig) {
        let Some(pid) = self.live_pid(id) else {
            return;
        };
        let signal = match sig {
            Sig::Kill => Signal::SIGKILL,
            Sig::Term => Signal::SIGTERM,
        };
        self.mark_stopping(id);
        let _ = spawn::signal_group(pid, signal);
        if signal != Signal::SIGKILL {
            // A stopped process acts on the signal only once continued.
            let _ = spawn::signal_group(pid, Signal::SIGCONT);
        }
        self.emit(self.supervisor_event(Kind::Kill {
            target: pid,
            signal: signal as i32,
        }));
    }

    fn live_pid(&self, id: ProcId) -> Option<i32> {
        self.running
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.child.id() as i32)
    }

    fn mark_stopping(&self, id: ProcId) {
        if let Ok(mut t) = self.shared.table.lock()
            && let Some(c) = t.iter_mut().find(|c| c.id == id)
            && c.life == Life::Running
        {
            c.life = Life::Stopping;
        }
    }

    fn stop_newest(&mut self, role: Role) {
        let newest = self.shared.table.lock().ok().and_then(|t| {
            t.iter()
                .rev()
                .find(|c| c.role == role && c.life == Life::Running)
                .map(|c| c.id)
        });
        if let Some(id) = newest
            && let Some(pid) = self.live_pid(id)
        {
            self.mark_stopping(id);
            self.control.slot(id as usize).request_stop();
            let _ = spawn::signal_group(pid, Signal::SIGCONT);
        }
    }

    fn push_scales(&self) {
        for r in &self.running {
            let s = self.scales.get(&r.id).copied().unwrap_or(1.0);
            self.control
                .slot(r.id as usize)
                .set_delay_scale(self.slow_motion * s);
        }
    }

    /// Closes every gate so children park between operations (outside any
    /// lock), gives them a moment to get there, then stops them.
    fn freeze(&mut self) {
        if self.frozen {
            return;
        }
        self.frozen = true;
        self.shared.frozen.store(true, Ordering::Release);
        for r in &self.running {
            self.control.slot(r.id as usize).close_gate();
        }
        let deadline = Instant::now() + Duration::from_millis(300);
        while Instant::now() < deadline {
            let settled = self.running.iter().all(|r| {
                matches!(
                    self.control.slot(r.id as usize).phase(),
                    Phase::Parked | Phase::Sleeping | Phase::Exiting | Phase::Blocked
                )
            });
            if settled {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        for r in &self.running {
            let _ = spawn::signal_group(r.child.id() as i32, Signal::SIGSTOP);
        }
        self.emit(self.supervisor_event(Kind::Frozen));
    }

    fn resume(&mut self) {
        if !self.frozen {
            return;
        }
        self.frozen = false;
        self.shared.frozen.store(false, Ordering::Release);
        self.stepping.clear();
        for r in &self.running {
            self.control.slot(r.id as usize).open_gate();
            let _ = spawn::signal_group(r.child.id() as i32, Signal::SIGCONT);
        }
        self.emit(self.supervisor_event(Kind::Resumed));
    }

    /// Stops again each stepped process whose step is over: it began its
    /// operation and came to rest (parked at the gate, asleep, blocked), or
    /// it was blocked when stepped and stayed so for [`STEP_TRY`]. A process another's
    /// step wakes is then still stopped: it moves only when stepped itself.
    fn restop_stepped(&mut self) {
        if !self.frozen {
            self.stepping.clear();
            return;
        }
        let control = &self.control;
        self.stepping.retain(|s| {
            let slot = control.slot(s.id as usize);
            let phase = slot.phase();
            let at_rest = matches!(
                phase,
                Phase::Parked | Phase::Blocked | Phase::Sleeping | Phase::Exiting
            );
            // Sleeping its delay is on the way to the operation, not after it.
            let moved = slot.started() != s.started;
            let stuck = phase == Phase::Blocked
                && s.phase == Phase::Blocked
                && s.since.elapsed() >= STEP_TRY;
            let over = at_rest && moved || stuck;
            if over {
                let _ = spawn::signal_group(s.pid, Signal::SIGSTOP);
            }
            !over
        });
    }

    /// Stops every child with the one stop policy, then repairs what they
    /// left: no child outlives the run, and with every child gone no lock
    /// can keep a repair waiting.
    fn stop_all(&mut self) {
        self.held_send_end = None;
        for r in &self.running {
            self.control.slot(r.id as usize).open_gate();
        }
        // The process the parent is joining is its join's to reap: it is
        // sent SIGTERM with the others and waited for after them.
        let joining = self.parent.joining();
        if let Some(pid) = self.joining_pid() {
            let _ = spawn::signal_group(pid, Signal::SIGTERM);
            let _ = spawn::signal_group(pid, Signal::SIGCONT);
        }
        let deadline = Instant::now() + GRACE;
        let children: Vec<(ProcId, Child)> = std::mem::take(&mut self.running)
            .into_iter()
            .filter(|r| Some(r.id) != joining)
            .map(|r| (r.id, r.child))
            .collect();
        let ids: HashMap<u32, ProcId> = children.iter().map(|(id, c)| (c.id(), *id)).collect();
        let mut ended = Vec::new();
        spawn::stop_children(
            children.into_iter().map(|(_, c)| c).collect(),
            GRACE,
            |c, exit| ended.push((ids.get(&c.id()).copied().unwrap_or(0), c.id() as i32, exit)),
        );
        for (id, pid, exit) in ended {
            self.ended(id, pid, exit);
        }
        self.stop_parent(deadline);
        self.retry_repairs(Some(Instant::now() + GRACE));
        self.final_observation();
    }

    /// With every child gone: the objects and the counters as they were
    /// left, so the stream ends with the exact final figures.
    fn final_observation(&self) {
        let children = self.shared.children();
        let queue = self
            .objects
            .queue
            .as_ref()
            .and_then(|q| q.observer().ok())
            .map(|o| super::sampler::queue_view(&o.snapshot(super::sampler::ITEMS)));
        let (value, cells) = match self.objects.value.as_ref() {
            Some(v) => {
                let (value, cells) = super::sampler::value_views(v, &children, &self.control);
                (Some(value), cells)
            }
            None => (None, None),
        };
        let counters = children
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
            .collect();
        self.own.send(Body::Observation(Box::new(Observation {
            t_ns: now_ns(),
            queue,
            value,
            cells,
            counters: Some(counters),
            ..Observation::default()
        })));
    }
}

/// Why something failed, as a note keeps it: the OS's errno by name
/// (`EAGAIN`, the same in every language), wherever it is in the error's
/// chain; an error without one (ipcscope's own) in its own words.
fn why(error: &(dyn std::error::Error + 'static)) -> String {
    use nix::errno::Errno;
    let name = |code: i32| match Errno::from_raw(code) {
        Errno::UnknownErrno => format!("errno {code}"),
        e => format!("{e:?}"),
    };
    let mut at = Some(error);
    while let Some(e) = at {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            if let Some(code) = io.raw_os_error() {
                return name(code);
            }
            if let Some(inner) = io.get_ref() {
                at = Some(inner);
                continue;
            }
        }
        if let Some(errno) = e.downcast_ref::<Errno>() {
            return name(*errno as i32);
        }
        at = e.source();
    }
    error.to_string()
}

#[cfg(test)]
mod tests {
    use nix::errno::Errno;

    use super::why;
    use crate::ipc::queue::QueueError;
    use crate::ipc::shm::ShmError;
    use crate::ipc::sync::LockError;

    #[test]
    fn why_names_the_os_error_by_its_errno_however_deep_and_keeps_other_errors_words() {
        let os = std::io::Error::from_raw_os_error(Errno::EAGAIN as i32);
        assert_eq!(why(&os), "EAGAIN");
        let shm = QueueError::Shm(ShmError::Os {
            op: "mmap",
            source: Errno::ENOMEM,
        });
        assert_eq!(why(&std::io::Error::other(shm)), "ENOMEM");
        assert_eq!(
            why(&QueueError::Lock(LockError::Os(Errno::EINVAL))),
            "EINVAL"
        );
        let own = QueueError::MaxsizeOutOfRange {
            maxsize: 9,
            capacity: 4,
        };
        let words = own.to_string();
        assert_eq!(why(&std::io::Error::other(own)), words);
    }
}
