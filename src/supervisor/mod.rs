//! The supervisor: starts a scenario's real processes, changes them live,
//! stops them for sure, and yields the run as one ordered stream of records
//! (events, observations of the real objects and the kernel, ticks). The
//! headless printer and the visualizer sit on it; neither sends a signal
//! itself.
//!
//! Threads: an *engine* thread owns the children (it spawns them, so their
//! `PR_SET_PDEATHSIG` is tied to a thread that lives as long as the run),
//! reaps them, and carries out commands; a *sampler* thread reads the real
//! objects and the kernel's view off the UI thread; a *telemetry* thread
//! merges the children's reports, the queue's op log and the supervisor's
//! own records into the stream; one small thread per child turns its
//! stdout/stderr into events.

mod children;
mod engine;
mod oplog;
mod parent;
mod sampler;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crossbeam_channel::{Receiver, Sender};

use crate::config::{RunConfig, Scenario};
use crate::control::Control;
use crate::stream::{Body, Command, Ended, Event, Kind, Note, ProcId, Role, RunInfo, SUPERVISOR};
use crate::telemetry::collect::{Collector, OwnSender, Stats};
use crate::telemetry::now_ns;

/// Where a child is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Life {
    Running,
    /// Asked to stop (gracefully or by a signal), not reaped yet.
    Stopping,
    /// Reaped.
    Ended(Ended),
}

/// A child as the supervisor knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildInfo {
    pub id: ProcId,
    pub name: String,
    pub role: Role,
    pub pid: i32,
    pub life: Life,
}

impl ChildInfo {
    pub fn alive(&self) -> bool {
        !matches!(self.life, Life::Ended(_))
    }
}

/// Why a run could not start. Displays in the current language (the
/// system's words inside stay as they are).
#[derive(Debug)]
pub enum StartError {
    Ipc(String),
    Spawn(std::io::Error),
}

impl From<std::io::Error> for StartError {
    fn from(e: std::io::Error) -> StartError {
        StartError::Spawn(e)
    }
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let t = crate::text::words();
        f.write_str(&match self {
            StartError::Ipc(why) => t.cannot_create_shared(why),
            StartError::Spawn(e) => t.cannot_start_child(e),
        })
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Spawn(e) => Some(e),
            StartError::Ipc(_) => None,
        }
    }
}

/// Handles the engine shares with the supervisor's callers.
pub(crate) struct Shared {
    pub table: Mutex<Vec<ChildInfo>>,
    /// The thread id of the parent's thread waiting in `join()` (0: none),
    /// so the sampler reads the parent's state in the kernel as a child's.
    pub joiner_tid: std::sync::atomic::AtomicI32,
    /// The world is frozen: the parent, reading the queue itself, waits.
    pub frozen: AtomicBool,
}

impl Shared {
    pub fn children(&self) -> Vec<ChildInfo> {
        self.table.lock().map(|t| t.clone()).unwrap_or_default()
    }
}

/// A running scenario.
pub struct Supervisor {
    cfg: RunConfig,
    start_ns: u64,
    shared: Arc<Shared>,
    cmd: Option<Sender<engine::Msg>>,
    records: Receiver<Body>,
    stats: Arc<Stats>,
    engine: Option<std::thread::JoinHandle<()>>,
    sampler: Option<(Arc<AtomicBool>, std::thread::JoinHandle<()>)>,
    collector: Collector,
    own: OwnSender,
    leftover: Vec<Body>,
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
        own_tx.send(Body::Run(RunInfo {
            start_ns,
            pid: std::process::id() as i32,
            config: cfg.clone(),
        }));
        let (out_tx, out_rx) = crossbeam_channel::bounded(8192);
        let stats = Arc::new(Stats::default());
        let objects = children::Objects::create(cfg).map_err(StartError::Ipc)?;
        let feeds = objects.feeds(&control).map_err(StartError::Ipc)?;
        let collector = Collector::spawn(tel_r, own_rx, feeds, out_tx, window, stats.clone())?;
        let shared = Arc::new(Shared {
            table: Mutex::new(Vec::new()),
            joiner_tid: std::sync::atomic::AtomicI32::new(0),
            frozen: AtomicBool::new(false),
        });
        let mut looks = sampler::Looks::new(cfg, &objects).map_err(StartError::Ipc)?;
        let (cmd_tx, cmd_rx) = crossbeam_channel::unbounded();
        let (ready_tx, ready_rx) = crossbeam_channel::bounded(1);
        let eng = engine::Engine::new(
            cfg.clone(),
            objects,
            control.clone(),
            tel_w,
            own_tx.clone(),
            shared.clone(),
            exe,
        );
        let engine = std::thread::Builder::new()
            .name("engine".into())
            .spawn(move || eng.run(cmd_rx, ready_tx))?;
        match ready_rx.recv() {
            Ok(Ok(pipe)) => looks.pipe = pipe,
            Ok(Err(e)) => {
                let _ = engine.join();
                return Err(StartError::Spawn(e));
            }
            Err(_) => {
                let _ = engine.join();
                return Err(StartError::Ipc("the engine thread ended at start".into()));
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        let own_note = own_tx.clone();
        let sampler = sampler::spawn(
            looks,
            control,
            shared.clone(),
            stats.clone(),
            own_tx,
            stop.clone(),
        )?;
        Ok(Supervisor {
            cfg: cfg.clone(),
            start_ns,
            shared,
            cmd: Some(cmd_tx),
            records: out_rx,
            stats,
            engine: Some(engine),
            sampler: Some((stop, sampler)),
            collector,
            own: own_note,
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

    /// The run's stream, in order (the first record describes the run).
    pub fn records(&self) -> &Receiver<Body> {
        &self.records
    }

    /// Asks the engine to act on the real processes; returns at once.
    pub fn send(&self, c: Command) {
        if let Some(tx) = &self.cmd {
            let _ = tx.send(engine::Msg::Do(c));
        }
    }

    /// The children, living and ended.
    pub fn children(&self) -> Vec<ChildInfo> {
        self.shared.children()
    }

    /// Adds the supervisor's note to the stream, in time order.
    pub fn note(&self, note: Note) {
        let pid = std::process::id() as i32;
        self.own
            .event(Event::new(now_ns(), SUPERVISOR, pid, Kind::Note { note }));
    }

    pub fn telemetry(&self) -> &Stats {
        &self.stats
    }

    /// Stops every child (the one stop policy: SIGTERM to each group, a
    /// short grace, SIGKILL, reap), then passes on every record still held.
    /// Idempotent; returns within the grace period whatever a child does.
    pub fn shutdown(&mut self) {
        if let Some((stop, join)) = self.sampler.take() {
            stop.store(true, Ordering::Release);
            let _ = join.join();
        }
        if let Some(tx) = self.cmd.take() {
            let _ = tx.send(engine::Msg::Shutdown);
        }
        if let Some(e) = self.engine.take() {
            let _ = e.join();
        }
        let rest = self.collector.stop_draining(&self.records);
        self.leftover.extend(rest);
    }

    /// Records passed on while shutting down (after [`Supervisor::shutdown`]),
    /// in order: the last exits of the run.
    pub fn take_leftover(&mut self) -> Vec<Body> {
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
