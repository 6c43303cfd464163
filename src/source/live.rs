//! The live source: the supervisor running real processes. Records are
//! numbered here, folded into the scene, and handed to the recorders and
//! to the tap (the headless transcript sees each one there).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::Source;
use crate::config::RunConfig;
use crate::model::{Hint, Scene};
use crate::recording::Recorder;
use crate::stream::{Body, Command, Note, Record};
use crate::supervisor::{StartError, Supervisor};
use crate::telemetry::now_ns;

/// Sees each record just after it is folded into the scene (whatever
/// folds it: [`Source::advance`], a restart, the shutdown), so a line
/// about it can be told on the scene it made.
pub trait Tap {
    fn folded(&mut self, scene: &Scene, rec: &Record);
}

/// No tap: the visualizer draws the scene instead.
impl Tap for () {
    fn folded(&mut self, _scene: &Scene, _rec: &Record) {}
}

/// The live run, its records shown to `T`.
pub struct Live<T: Tap = ()> {
    sup: Supervisor,
    window: Duration,
    /// The ipcscope binary the children run from (`None`: this process's own).
    exe: Option<PathBuf>,
    recorders: Vec<Recorder>,
    n: u64,
    /// Slow motion last asked for (kept across restarts).
    slow_motion: f64,
    /// The parent is held before its `terminate()` (kept across restarts).
    hold_parent: bool,
    /// Whether a recording falling behind has been told.
    told_gaps: bool,
    problems: Vec<String>,
    tap: T,
}

impl Live {
    /// Starts `cfg`'s processes; `window` is the telemetry ordering window.
    pub fn start(
        cfg: &RunConfig,
        window: Duration,
        recorders: Vec<Recorder>,
    ) -> Result<Live, StartError> {
        Self::start_with_exe(cfg, window, recorders, None)
    }

    /// As [`Live::start`], with the children (also after a restart) run
    /// from `exe`: for tests, whose own executable is the test harness.
    pub fn start_with_exe(
        cfg: &RunConfig,
        window: Duration,
        recorders: Vec<Recorder>,
        exe: Option<PathBuf>,
    ) -> Result<Live, StartError> {
        Live::tapped(cfg, window, recorders, exe, ())
    }
}

impl<T: Tap> Live<T> {
    /// As [`Live::start_with_exe`], every record shown to `tap` once
    /// folded.
    pub fn tapped(
        cfg: &RunConfig,
        window: Duration,
        recorders: Vec<Recorder>,
        exe: Option<PathBuf>,
        tap: T,
    ) -> Result<Live<T>, StartError> {
        Ok(Live {
            sup: Supervisor::start_with_exe(cfg, window, exe.clone())?,
            window,
            exe,
            recorders,
            n: 0,
            slow_motion: 1.0,
            hold_parent: false,
            told_gaps: false,
            problems: Vec::new(),
            tap,
        })
    }

    pub fn tap(&mut self) -> &mut T {
        &mut self.tap
    }

    /// Waits up to `timeout` for a record to be ready (takes none).
    pub fn wait(&self, timeout: Duration) {
        let mut sel = crossbeam_channel::Select::new();
        sel.recv(self.sup.records());
        let _ = sel.ready_timeout(timeout);
    }

    /// Adds the parent's note to the stream, in time order.
    pub fn note(&self, note: Note) {
        self.sup.note(note);
    }

    /// Finishes the recordings (after [`Source::shutdown`]): each file's
    /// path and the records it had to leave out.
    pub fn finish_recordings(&mut self) -> Vec<(PathBuf, u64)> {
        self.recorders
            .iter_mut()
            .map(|r| {
                r.finish();
                (r.path().to_path_buf(), r.dropped)
            })
            .collect()
    }

    /// Records taken from the run so far (numbered, folded and recorded).
    pub fn records(&self) -> u64 {
        self.n
    }

    fn take(&mut self, scene: &mut Scene, body: Body) -> bool {
        let rec = Record { n: self.n, body };
        self.n += 1;
        let say = crate::recording::record_in(&mut self.recorders, &rec, &mut self.told_gaps);
        self.problems.extend(say);
        let changed = scene.apply(&rec);
        self.tap.folded(scene, &rec);
        changed
    }

    fn restart(&mut self, cfg: &RunConfig, scene: &mut Scene) -> Result<(), Hint> {
        self.shutdown(scene);
        self.sup = Supervisor::start_with_exe(cfg, self.window, self.exe.clone()).map_err(|e| {
            Hint::Failed {
                what: e.to_string(),
            }
        })?;
        if (self.slow_motion - 1.0).abs() > f64::EPSILON {
            self.sup.send(Command::SetSlowMotion(self.slow_motion));
        }
        if self.hold_parent {
            self.sup.send(Command::HoldParent(true));
        }
        Ok(())
    }
}

impl<T: Tap> Source for Live<T> {
    fn advance(&mut self, scene: &mut Scene, budget: Duration) -> bool {
        let until = Instant::now() + budget;
        let mut changed = false;
        while Instant::now() < until {
            match self.sup.records().try_recv() {
                Ok(body) => changed |= self.take(scene, body),
                Err(_) => break,
            }
        }
        changed
    }

    fn command(&mut self, c: Command, scene: &mut Scene) -> Result<(), Hint> {
        match c {
            Command::Restart(cfg) => self.restart(&cfg, scene),
            Command::SetSlowMotion(f) => {
                self.slow_motion = f;
                self.sup.send(c);
                Ok(())
            }
            Command::HoldParent(on) => {
                self.hold_parent = on;
                self.sup.send(c);
                Ok(())
            }
            c => {
                self.sup.send(c);
                Ok(())
            }
        }
    }

    fn clock_ns(&self) -> u64 {
        now_ns()
    }

    fn take_problem(&mut self) -> Option<String> {
        self.problems.pop()
    }

    fn shutdown(&mut self, scene: &mut Scene) {
        self.sup.shutdown();
        for body in self.sup.take_leftover() {
            self.take(scene, body);
        }
    }
}

impl<T: Tap> Drop for Live<T> {
    fn drop(&mut self) {
        self.sup.shutdown();
        for r in &mut self.recorders {
            r.finish();
        }
    }
}
