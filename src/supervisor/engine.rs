//! The engine thread: owns the children and the shared objects, spawns,
//! reaps, and carries out commands. Everything that changes a process goes
//! through here.

use std::collections::HashMap;
use std::io::BufRead;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender};

use crate::telemetry::collect::OwnSender;
use nix::sys::signal::Signal;

use super::observe::PipeWatch;
use super::{ChildInfo, Command, Shared};
use crate::config::{QueueConfig, RunConfig, Scenario};
use crate::control::{Control, Phase, SLOTS};
use crate::ipc::pipe::{Connection, pipe};
use crate::ipc::queue::{Queue, QueueObserver};
use crate::ipc::value::SharedArray;
use crate::proc::spawn::{self, Exit, Output, Spec, registry};
use crate::telemetry::event::{ChildId, Event, Kind, Role, SUPERVISOR, now_ns};

pub(crate) enum Msg {
    Do(Command),
    Shutdown,
}

/// How long children get to exit after SIGTERM before SIGKILL.
const GRACE: Duration = Duration::from_millis(500);
/// Children run a little nicer than the supervisor: with many busy
/// children on two cores the screen and the keys still answer.
const CHILD_NICE: i32 = 10;
/// How often children are checked for exit.
const REAP_EVERY: Duration = Duration::from_millis(20);

/// The scenario's shared objects, owned by the engine.
pub(crate) struct Objects {
    queue: Option<Queue>,
    pipe_ends: Option<(Connection, Connection)>,
    value: Option<SharedArray>,
}

impl Objects {
    pub fn create(cfg: &RunConfig) -> Result<Objects, String> {
        let mut o = Objects {
            queue: None,
            pipe_ends: None,
            value: None,
        };
        match &cfg.scenario {
            Scenario::Queue(q) => {
                let queue = Queue::new(q.maxsize as i64).map_err(|e| e.to_string())?;
                // Shared numbers continue after every initial writer's block.
                queue.set_next_label_number(q.writers as u64 * block(q) + 1);
                o.queue = Some(queue);
            }
            Scenario::Pipe(p) => {
                o.pipe_ends = Some(pipe(p.duplex).map_err(|e| e.to_string())?);
            }
            Scenario::Counter(_) => {
                o.value = Some(SharedArray::value(true).map_err(|e| e.to_string())?);
            }
        }
        Ok(o)
    }

    pub fn queue_observer(&self) -> Result<Option<QueueObserver>, String> {
        self.queue
            .as_ref()
            .map(|q| q.observer().map_err(|e| e.to_string()))
            .transpose()
    }

    pub fn value_reader(&self) -> Result<Option<SharedArray>, String> {
        self.value
            .as_ref()
            .map(|v| {
                let fd = nix::unistd::dup(v.fd()).map_err(|e| e.to_string())?;
                SharedArray::from_fd(fd).map_err(|e| e.to_string())
            })
            .transpose()
    }
}

/// Labels in each initial writer's own block: its items, or the lesson's 3
/// before an unlimited writer takes shared numbers.
fn block(q: &QueueConfig) -> u64 {
    if q.items > 0 {
        q.items
    } else {
        QueueConfig::LESSON_ITEMS
    }
}

struct Running {
    id: ChildId,
    child: Child,
}

pub(crate) struct Engine {
    cfg: RunConfig,
    objects: Objects,
    control: Arc<Control>,
    tel_w: OwnedFd,
    own: OwnSender,
    shared: Arc<Shared>,
    exe: std::path::PathBuf,
    running: Vec<Running>,
    /// The parent's forgotten copy of the send end (`--forget-close`).
    held_send_end: Option<Connection>,
    counts: HashMap<Role, u32>,
    slow_motion: f64,
    scales: HashMap<ChildId, f64>,
    frozen: bool,
}

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
        Engine {
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
        }
        self.stop_all();
    }

    // ------------------------------------------------------------ spawn --

    fn spawn_initial(&mut self) -> std::io::Result<Option<PipeWatch>> {
        match self.cfg.scenario.clone() {
            Scenario::Queue(q) => {
                for _ in 0..q.writers {
                    self.spawn_writer(true)?;
                }
                for _ in 0..q.readers {
                    self.spawn_reader()?;
                }
                Ok(None)
            }
            Scenario::Pipe(p) => {
                let (recv_end, send_end) = self
                    .objects
                    .pipe_ends
                    .take()
                    .ok_or_else(|| std::io::Error::other("pipe already used"))?;
                let rfd = recv_end.raw_fd().unwrap_or(-1);
                let sfd = send_end.raw_fd().unwrap_or(-1);
                let inode = |c: &Connection| c.inode().unwrap_or(0);
                let watch_base = (inode(&recv_end), inode(&send_end));
                let duplex = p.duplex.then(|| "--duplex".to_string());
                let mut sargs = vec!["--fd".into(), sfd.to_string()];
                sargs.extend(duplex.clone());
                sargs.extend(["--messages".into(), p.messages.to_string()]);
                sargs.extend(["--delay".into(), p.delay.to_string()]);
                let sender =
                    self.spawn_child(Role::Sender, "sender".into(), "sender", sargs, &[sfd])?;
                let mut rargs = vec!["--fd".into(), rfd.to_string()];
                rargs.extend(duplex);
                rargs.extend(["--delay".into(), p.reader_delay.to_string()]);
                let receiver =
                    self.spawn_child(Role::Receiver, "receiver".into(), "receiver", rargs, &[rfd])?;
                drop(recv_end);
                if p.forget_close {
                    self.held_send_end = Some(send_end);
                } else {
                    drop(send_end);
                }
                Ok(Some(PipeWatch {
                    duplex: p.duplex,
                    recv_inode: watch_base.0,
                    send_inode: watch_base.1,
                    recv_fd: rfd,
                    send_fd: sfd,
                    receiver,
                    sender,
                    parent_holds_send: p.forget_close,
                }))
            }
            Scenario::Counter(c) => {
                for _ in 0..c.procs {
                    self.spawn_counter()?;
                }
                Ok(None)
            }
        }
    }

    fn next_number(&mut self, role: Role) -> u32 {
        let n = self.counts.entry(role).or_insert(0);
        *n += 1;
        *n
    }

    fn spawn_writer(&mut self, initial: bool) -> std::io::Result<ChildId> {
        let Scenario::Queue(q) = self.cfg.scenario.clone() else {
            return Err(std::io::Error::other("no queue in this scenario"));
        };
        let fd = self.queue_fd()?;
        let k = self.next_number(Role::Writer);
        let b = block(&q);
        let (first, own_block) = if initial {
            ((k as u64 - 1) * b + 1, b)
        } else {
            (1, 0)
        };
        let mut args = vec![
            "--queue-fd".to_string(),
            fd.to_string(),
            "--writer".into(),
            k.to_string(),
            "--items".into(),
            q.items.to_string(),
            "--first".into(),
            first.to_string(),
            "--block".into(),
            own_block.to_string(),
            "--delay".into(),
            q.delay.to_string(),
        ];
        if let Some(t) = q.put_timeout {
            args.extend(["--put-timeout".into(), t.to_string()]);
        }
        self.spawn_child(Role::Writer, format!("writer-{k}"), "writer", args, &[fd])
    }

    fn spawn_reader(&mut self) -> std::io::Result<ChildId> {
        let Scenario::Queue(q) = self.cfg.scenario.clone() else {
            return Err(std::io::Error::other("no queue in this scenario"));
        };
        let fd = self.queue_fd()?;
        let k = self.next_number(Role::Reader);
        let mut args = vec![
            "--queue-fd".to_string(),
            fd.to_string(),
            "--delay".into(),
            q.reader_delay.to_string(),
        ];
        if let Some(t) = q.get_timeout {
            args.extend(["--get-timeout".into(), t.to_string()]);
        }
        self.spawn_child(Role::Reader, format!("reader-{k}"), "reader", args, &[fd])
    }

    fn spawn_counter(&mut self) -> std::io::Result<ChildId> {
        let Scenario::Counter(c) = self.cfg.scenario.clone() else {
            return Err(std::io::Error::other("no shared value in this scenario"));
        };
        let fd = self
            .objects
            .value
            .as_ref()
            .map(|v| v.fd().as_raw_fd())
            .ok_or_else(|| std::io::Error::other("no shared value"))?;
        let k = self.next_number(Role::Counter);
        let mut args = vec![
            "--value-fd".to_string(),
            fd.to_string(),
            "--procs".into(),
            c.procs.to_string(),
            "--increments".into(),
            c.increments.to_string(),
        ];
        if c.lock {
            args.push("--lock".into());
        }
        self.spawn_child(
            Role::Counter,
            format!("counter-{k}"),
            "counter",
            args,
            &[fd],
        )
    }

    fn queue_fd(&self) -> std::io::Result<RawFd> {
        self.objects
            .queue
            .as_ref()
            .map(|q| q.fd().as_raw_fd())
            .ok_or_else(|| std::io::Error::other("no queue"))
    }

    /// Starts `ipcscope __child <sub> ...` in slot `id` and reports it.
    fn spawn_child(
        &mut self,
        role: Role,
        name: String,
        sub: &str,
        role_args: Vec<String>,
        keep: &[RawFd],
    ) -> std::io::Result<ChildId> {
        let id = self.running_table_len();
        if id >= SLOTS {
            return Err(std::io::Error::other(format!(
                "a run can start at most {SLOTS} processes"
            )));
        }
        let id = id as ChildId;
        let slot = self.control.slot(id as usize);
        slot.set_delay_scale(self.slow_motion * self.scales.get(&id).copied().unwrap_or(1.0));
        if self.frozen {
            slot.close_gate();
        }
        let (out_r, out_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
        let cfd = self.control.fd().as_raw_fd();
        let tfd = self.tel_w.as_raw_fd();
        let mut args = vec![
            "__child".to_string(),
            sub.to_string(),
            "--control-fd".into(),
            cfd.to_string(),
            "--slot".into(),
            id.to_string(),
            "--telemetry-fd".into(),
            tfd.to_string(),
            "--seed".into(),
            self.cfg.seed.wrapping_add(id as u64).to_string(),
        ];
        args.extend(role_args);
        let mut spec = Spec::new(args)
            .keep_fd(cfd)
            .keep_fd(tfd)
            .stdout(Output::Fd(out_w.as_raw_fd()))
            .stderr(Output::Fd(out_w.as_raw_fd()))
            .nice(CHILD_NICE);
        for &fd in keep {
            spec = spec.keep_fd(fd);
        }
        let t = now_ns();
        let child = spawn::spawn(&self.exe, &spec)?;
        drop(out_w);
        let pid = child.id() as i32;
        self.forward_output(id, pid, out_r);
        if let Ok(mut table) = self.shared.table.lock() {
            table.push(ChildInfo {
                id,
                name: name.clone(),
                role,
                pid,
                exit: None,
                stopping: false,
            });
        }
        self.running.push(Running { id, child });
        self.emit(Event::new(t, id, pid, Kind::Spawn { name, role }));
        Ok(id)
    }

    fn running_table_len(&self) -> usize {
        self.shared.table.lock().map(|t| t.len()).unwrap_or(SLOTS)
    }

    /// Turns a child's printed lines into events.
    fn forward_output(&self, id: ChildId, pid: i32, r: OwnedFd) {
        let own = self.own.clone();
        let _ = std::thread::Builder::new()
            .name(format!("output-{id}"))
            .spawn(move || {
                let reader = std::io::BufReader::new(std::fs::File::from(r));
                for line in reader.lines() {
                    let Ok(text) = line else { break };
                    let ev = Event::new(now_ns(), id, pid, Kind::Output { text });
                    if !own.send(ev) {
                        break;
                    }
                }
            });
    }

    fn emit(&self, ev: Event) {
        self.own.send(ev);
    }

    fn note(&self, text: String) {
        self.emit(Event::new(
            now_ns(),
            SUPERVISOR,
            std::process::id() as i32,
            Kind::Output { text },
        ));
    }

    // ------------------------------------------------------------- reap --

    fn reap(&mut self) {
        let mut ended = Vec::new();
        for r in &mut self.running {
            if let Ok(Some(st)) = r.child.try_wait() {
                ended.push((r.id, r.child.id() as i32, Exit::from_status(st)));
            }
        }
        for (id, pid, exit) in ended {
            self.ended(id, pid, exit);
        }
    }

    fn ended(&mut self, id: ChildId, pid: i32, exit: Exit) {
        registry::remove(pid);
        self.running.retain(|r| r.id != id);
        if let Ok(mut table) = self.shared.table.lock()
            && let Some(c) = table.iter_mut().find(|c| c.id == id)
        {
            c.exit = Some(exit);
        }
        let (code, signal) = match exit {
            Exit::Code(c) => (Some(c), None),
            Exit::Signal(s) => (None, Some(s)),
        };
        self.emit(Event::new(now_ns(), id, pid, Kind::Exit { code, signal }));
        if let Some(q) = self.objects.queue.as_mut() {
            match q.recover_process(pid, Some(Instant::now() + Duration::from_millis(200))) {
                Ok(Some(rec)) => {
                    let lost = rec.lost.map(|item| item.label);
                    self.emit(Event::new(
                        now_ns(),
                        id,
                        pid,
                        Kind::Recovered { dead: pid, lost },
                    ));
                }
                Ok(None) => {}
                Err(e) => self.note(format!("could not repair what {pid} left: {e}")),
            }
        }
    }

    // ---------------------------------------------------------- commands --

    fn apply(&mut self, c: Command) {
        let result = match c {
            Command::AddWriter => self.spawn_writer(false).map(drop),
            Command::AddReader => self.spawn_reader().map(drop),
            Command::AddCounter => self.spawn_counter().map(drop),
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
                Some(q) => q.set_maxsize(n as i64).map_err(std::io::Error::other),
                None => Ok(()),
            },
            Command::SetDelayScale(target, s) => {
                match target {
                    Some(id) => {
                        self.scales.insert(id, s);
                    }
                    None => {
                        for r in &self.running {
                            self.scales.insert(r.id, s);
                        }
                    }
                }
                self.push_scales();
                Ok(())
            }
            Command::SetSlowMotion(f) => {
                self.slow_motion = f;
                self.push_scales();
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
                    self.control.slot(id as usize).step();
                    let _ = spawn::signal_group(pid, Signal::SIGCONT);
                }
                Ok(())
            }
            Command::Signal(id, sig) => {
                if let Some(pid) = self.live_pid(id) {
                    self.mark_stopping(id);
                    let _ = spawn::signal_group(pid, sig);
                    if sig != Signal::SIGKILL && sig != Signal::SIGSTOP {
                        // A stopped process acts on the signal only once continued.
                        let _ = spawn::signal_group(pid, Signal::SIGCONT);
                    }
                    self.emit(Event::new(
                        now_ns(),
                        SUPERVISOR,
                        std::process::id() as i32,
                        Kind::Kill {
                            target: pid,
                            signal: sig as i32,
                        },
                    ));
                }
                Ok(())
            }
            Command::Stop(id) => {
                self.request_stop(id);
                Ok(())
            }
        };
        if let Err(e) = result {
            self.note(format!("could not do that: {e}"));
        }
    }

    fn live_pid(&self, id: ChildId) -> Option<i32> {
        self.running
            .iter()
            .find(|r| r.id == id)
            .map(|r| r.child.id() as i32)
    }

    fn mark_stopping(&self, id: ChildId) {
        if let Ok(mut t) = self.shared.table.lock()
            && let Some(c) = t.iter_mut().find(|c| c.id == id)
        {
            c.stopping = true;
        }
    }

    fn stop_newest(&mut self, role: Role) {
        let newest = self.shared.table.lock().ok().and_then(|t| {
            t.iter()
                .rev()
                .find(|c| c.role == role && c.alive() && !c.stopping)
                .map(|c| c.id)
        });
        if let Some(id) = newest {
            self.request_stop(id);
        }
    }

    fn request_stop(&mut self, id: ChildId) {
        if let Some(pid) = self.live_pid(id) {
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
        if let Ok(mut f) = self.shared.frozen.lock() {
            *f = true;
        }
    }

    fn resume(&mut self) {
        if !self.frozen {
            return;
        }
        self.frozen = false;
        for r in &self.running {
            self.control.slot(r.id as usize).open_gate();
            let _ = spawn::signal_group(r.child.id() as i32, Signal::SIGCONT);
        }
        if let Ok(mut f) = self.shared.frozen.lock() {
            *f = false;
        }
    }

    /// SIGTERM to every group, a short grace, SIGKILL, reap: no child
    /// outlives the run.
    fn stop_all(&mut self) {
        self.held_send_end = None;
        let pids: Vec<(ChildId, i32)> = self
            .running
            .iter()
            .map(|r| (r.id, r.child.id() as i32))
            .collect();
        for &(id, pid) in &pids {
            self.control.slot(id as usize).open_gate();
            let _ = spawn::signal_group(pid, Signal::SIGTERM);
            let _ = spawn::signal_group(pid, Signal::SIGCONT);
        }
        let deadline = Instant::now() + GRACE;
        while !self.running.is_empty() && Instant::now() < deadline {
            self.reap();
            std::thread::sleep(Duration::from_millis(5));
        }
        for r in &self.running {
            let _ = spawn::signal_group(r.child.id() as i32, Signal::SIGKILL);
            let _ = spawn::signal(r.child.id() as i32, Signal::SIGKILL);
        }
        let mut left: Vec<Running> = std::mem::take(&mut self.running);
        for r in &mut left {
            let pid = r.child.id() as i32;
            let exit = r
                .child
                .wait()
                .map(Exit::from_status)
                .unwrap_or(Exit::Signal(libc::SIGKILL));
            self.ended(r.id, pid, exit);
        }
    }
}
