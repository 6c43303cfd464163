//! The attach source: a watched Python program (`ipcscope run`), as the
//! visualizer's loop sees it. Records are numbered here, folded into the
//! scene and handed to the recorders, as the live source does; commands go
//! to the program's processes (freeze and resume its whole tree, a signal
//! to one process, slow motion through the instrumentation's page, a
//! restart runs it again). The rest cannot act on someone else's program:
//! the controls say so before a command is made.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use super::Source;
use crate::attach::{Attach, StartError};
use crate::config::RunConfig;
use crate::model::{Hint, Scene};
use crate::recording::Recorder;
use crate::stream::{Body, Command, Record};
use crate::telemetry::now_ns;

/// A watched program.
pub struct AttachSource {
    run: Attach,
    cfg: RunConfig,
    window: Duration,
    exe: Option<PathBuf>,
    recorders: Vec<Recorder>,
    n: u64,
    slow_motion: f64,
    told_gaps: bool,
    problems: Vec<String>,
}

impl AttachSource {
    /// Starts the program of `cfg` (the guard run from `exe`, or this
    /// process's own executable).
    pub fn start(
        cfg: &RunConfig,
        window: Duration,
        recorders: Vec<Recorder>,
        exe: Option<PathBuf>,
    ) -> Result<AttachSource, StartError> {
        Ok(AttachSource {
            run: Attach::start(cfg, window, exe.clone())?,
            cfg: cfg.clone(),
            window,
            exe,
            recorders,
            n: 0,
            slow_motion: 1.0,
            told_gaps: false,
            problems: Vec::new(),
        })
    }

    /// Records taken so far.
    pub fn records(&self) -> u64 {
        self.n
    }

    /// How the program's main process ended, once it has.
    pub fn main_ended(&self) -> Option<crate::stream::Ended> {
        self.run.main_ended()
    }

    fn take(&mut self, scene: &mut Scene, body: Body) -> bool {
        let rec = Record { n: self.n, body };
        self.n += 1;
        let say = crate::recording::record_in(&mut self.recorders, &rec, &mut self.told_gaps);
        self.problems.extend(say);
        scene.apply(&rec)
    }

    fn restart(&mut self, scene: &mut Scene) -> Result<(), Hint> {
        self.shutdown(scene);
        self.run =
            Attach::start(&self.cfg, self.window, self.exe.clone()).map_err(|e| Hint::Failed {
                what: e.to_string(),
            })?;
        if (self.slow_motion - 1.0).abs() > f64::EPSILON {
            self.run.send(Command::SetSlowMotion(self.slow_motion));
        }
        Ok(())
    }
}

impl Source for AttachSource {
    fn advance(&mut self, scene: &mut Scene, budget: Duration) -> bool {
        let until = Instant::now() + budget;
        let mut changed = false;
        while Instant::now() < until {
            match self.run.records().try_recv() {
                Ok(body) => changed |= self.take(scene, body),
                Err(_) => break,
            }
        }
        changed
    }

    fn command(&mut self, c: Command, scene: &mut Scene) -> Result<(), Hint> {
        match c {
            Command::Restart(_) => self.restart(scene),
            Command::SetSlowMotion(f) => {
                self.slow_motion = f;
                self.run.send(c);
                Ok(())
            }
            c => {
                self.run.send(c);
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
        self.run.shutdown();
        for body in self.run.take_leftover() {
            self.take(scene, body);
        }
    }
}

impl Drop for AttachSource {
    fn drop(&mut self) {
        self.run.shutdown();
        for r in &mut self.recorders {
            r.finish();
        }
    }
}
