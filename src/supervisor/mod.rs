//! The supervisor: starts a scenario's real processes, changes them live,
//! stops them for sure, and exposes one ordered event stream plus the
//! kernel's view of each process. The headless printer and the visualizer
//! sit on it; neither sends a signal itself.
//!
//! Threads: an *engine* thread owns the children (it spawns them, so their
//! `PR_SET_PDEATHSIG` is tied to a thread that lives as long as the run),
//! reaps them, and carries out commands; a *telemetry* thread merges the
//! children's reports with the engine's own events; one small thread per
//! child turns its stdout/stderr into events.

mod engine;
pub mod observe;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};
use nix::sys::signal::Signal;

use crate::config::{RunConfig, Scenario};
use crate::control::Control;
use crate::ipc::queue::{QueueObserver, Snapshot};
use crate::ipc::value::SharedArray;
use crate::proc::spawn::Exit;
use crate::telemetry::collect::{Collector, Stats};
use crate::telemetry::event::{ChildId, Event, Role, now_ns};

pub use observe::{KernelRow, PipeStats};

/// A child as the supervisor knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildInfo {
    pub id: ChildId,
    pub name: String,
    pub role: Role,
    pub pid: i32,
    /// Set once reaped.
    pub exit: Option<Exit>,
    /// Asked to stop (gracefully or by a signal).
    pub stopping: bool,
}

impl ChildInfo {
    pub fn alive(&self) -> bool {
        self.exit.is_none()
    }
}

/// What the engine can be asked to do. Each acts on the real processes.
#[derive(Debug, Clone)]
pub enum Command {
    AddWriter,
    /// Stops the newest live writer gracefully, between operations.
    RemoveWriter,
    AddReader,
    RemoveReader,
    AddCounter,
    RemoveCounter,
    SetMaxsize(u32),
    /// Delay multiplier for one child, or all when `None`.
    SetDelayScale(Option<ChildId>, f64),
    /// Slow motion: multiplies every delay.
    SetSlowMotion(f64),
    /// Closes every gate (children park between operations), then SIGSTOP.
    Freeze,
    /// Opens the gates, SIGCONT.
    Resume,
    /// While frozen: lets one child perform exactly one operation.
    Step(ChildId),
    /// Sends a signal to a child's group (SIGKILL, SIGTERM, ...).
    Signal(ChildId, Signal),
    /// Asks a child to finish its operation and exit.
    Stop(ChildId),
}

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot create the shared objects: {0}")]
    Ipc(String),
    #[error("cannot start a child process: {0}")]
    Spawn(#[from] std::io::Error),
}

/// Handles the engine shares with the supervisor's callers.
pub(crate) struct Shared {
    pub table: Mutex<Vec<ChildInfo>>,
    pub frozen: Mutex<bool>,
}

/// A running scenario.
pub struct Supervisor {
    cfg: RunConfig,
    start_ns: u64,
    shared: Arc<Shared>,
    control: Arc<Control>,
    queue: Option<QueueObserver>,
    value: Option<SharedArray>,
    pipe: Option<observe::PipeWatch>,
    cmd: Option<Sender<engine::Msg>>,
    events: Receiver<Event>,
    stats: Arc<Stats>,
    engine: Option<std::thread::JoinHandle<()>>,
    collector: Collector,
    leftover: Vec<Event>,
}

impl Supervisor {
    /// Starts the scenario's processes. `window` is how long telemetry holds
    /// events to order them (longer is steadier, shorter is more immediate).
    pub fn start(cfg: &RunConfig, window: Duration) -> Result<Supervisor, StartError> {
        Self::start_with_exe(cfg, window, None)
    }

    /// As [`Supervisor::start`], with the children run from `exe` (an
    /// ipcscope binary) instead of this process's own executable: for tests,
    /// whose own executable is the test harness.
    pub fn start_with_exe(
        cfg: &RunConfig,
        window: Duration,
        exe: Option<std::path::PathBuf>,
    ) -> Result<Supervisor, StartError> {
        let start_ns = now_ns();
        let control = Arc::new(Control::new().map_err(|e| StartError::Ipc(e.to_string()))?);
        let (tel_r, tel_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)
            .map_err(|e| StartError::Ipc(format!("telemetry pipe: {e}")))?;
        // A bigger pipe buffers bursts; failing to grow it is harmless.
        let _ = nix::fcntl::fcntl(&tel_r, nix::fcntl::FcntlArg::F_SETPIPE_SZ(1 << 20));
        let (own_tx, own_rx) = crate::telemetry::collect::own_channel()?;
        let (out_tx, out_rx) = crossbeam_channel::bounded(8192);
        let stats = Arc::new(Stats::default());
        let collector = Collector::spawn(tel_r, own_rx, out_tx, window, stats.clone())?;
        let shared = Arc::new(Shared {
            table: Mutex::new(Vec::new()),
            frozen: Mutex::new(false),
        });
        let objects = engine::Objects::create(cfg).map_err(StartError::Ipc)?;
        let queue = objects.queue_observer().map_err(StartError::Ipc)?;
        let value = objects.value_reader().map_err(StartError::Ipc)?;
        let (cmd_tx, cmd_rx) = crossbeam_channel::unbounded();
        let (ready_tx, ready_rx) = crossbeam_channel::bounded(1);
        let eng = engine::Engine::new(
            cfg.clone(),
            objects,
            control.clone(),
            tel_w,
            own_tx,
            shared.clone(),
            exe,
        );
        let engine = std::thread::Builder::new()
            .name("engine".into())
            .spawn(move || eng.run(cmd_rx, ready_tx))?;
        let pipe = match ready_rx.recv() {
            Ok(Ok(pipe)) => pipe,
            Ok(Err(e)) => {
                let _ = engine.join();
                return Err(StartError::Spawn(e));
            }
            Err(_) => {
                let _ = engine.join();
                return Err(StartError::Ipc("the engine thread ended at start".into()));
            }
        };
        Ok(Supervisor {
            cfg: cfg.clone(),
            start_ns,
            shared,
            control,
            queue,
            value,
            pipe,
            cmd: Some(cmd_tx),
            events: out_rx,
            stats,
            engine: Some(engine),
            collector,
            leftover: Vec::new(),
        })
    }

    pub fn config(&self) -> &RunConfig {
        &self.cfg
    }

    /// CLOCK_MONOTONIC nanoseconds when the run started.
    pub fn start_ns(&self) -> u64 {
        self.start_ns
    }

    /// The ordered event stream.
    pub fn events(&self) -> &Receiver<Event> {
        &self.events
    }

    /// Asks the engine to act; returns at once.
    pub fn send(&self, c: Command) {
        if let Some(tx) = &self.cmd {
            let _ = tx.send(engine::Msg::Do(c));
        }
    }

    /// The children, living and ended.
    pub fn children(&self) -> Vec<ChildInfo> {
        self.shared
            .table
            .lock()
            .map(|t| t.clone())
            .unwrap_or_default()
    }

    pub fn frozen(&self) -> bool {
        self.shared.frozen.lock().map(|f| *f).unwrap_or(false)
    }

    /// Exact counters of child `id`: items done, timeouts raised.
    pub fn counters(&self, id: ChildId) -> (u64, u64) {
        let s = self.control.slot(id as usize);
        (s.done(), s.timeouts())
    }

    /// Events children had to drop because telemetry fell behind.
    pub fn dropped_events(&self) -> u64 {
        let n = self.children().len();
        (0..n).map(|i| self.control.slot(i).dropped()).sum()
    }

    pub fn telemetry(&self) -> &Stats {
        &self.stats
    }

    /// The queue as it is now (depth, items in order, counters).
    pub fn queue_snapshot(&self, max_items: usize) -> Option<Snapshot> {
        self.queue.as_ref().map(|q| q.snapshot(max_items))
    }

    /// The shared counter's value (counter scenario).
    pub fn value(&self) -> Option<i64> {
        self.value.as_ref().and_then(|v| v.get(0).ok())
    }

    /// Bytes waiting in the pipe, its capacity, and who holds each end.
    pub fn pipe_stats(&self) -> Option<PipeStats> {
        let pipe = self.pipe.as_ref()?;
        Some(observe::pipe_stats(pipe, &self.children()))
    }

    /// What the kernel says each live child is doing.
    pub fn kernel_view(&self) -> Vec<KernelRow> {
        observe::sample(&self.children(), &self.cfg.scenario, &self.control)
    }

    /// Stops every child (SIGTERM to each group, a short grace, SIGKILL,
    /// reap), then passes on every event still held. Idempotent.
    pub fn shutdown(&mut self) {
        if let Some(tx) = self.cmd.take() {
            let _ = tx.send(engine::Msg::Shutdown);
        }
        if let Some(e) = self.engine.take() {
            let _ = e.join();
        }
        let rest = self.collector.stop_draining(&self.events);
        self.leftover.extend(rest);
    }

    /// Events passed on while shutting down (after [`Supervisor::shutdown`]),
    /// in order: the last exits of the run.
    pub fn take_leftover(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.leftover)
    }

    /// The scenario this supervisor runs.
    pub fn scenario(&self) -> &Scenario {
        &self.cfg.scenario
    }
}

impl Drop for Supervisor {
    fn drop(&mut self) {
        self.shutdown();
    }
}
