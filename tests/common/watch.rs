//! A live run watched as the visualizer watches it: a real supervisor and
//! the scene its stream builds, folded in record by record, with waits on
//! conditions and events under one generous deadline.

use std::time::{Duration, Instant};

use ipcscope::config::{Mode, RunConfig, Scenario};
use ipcscope::model::Scene;
use ipcscope::stream::{Body, Event, Record};
use ipcscope::supervisor::Supervisor;

use super::{DEADLINE, exe};

/// A headless run of `scenario` with `seed` (no trace, no record).
pub fn headless(scenario: Scenario, seed: u64) -> RunConfig {
    RunConfig::new(scenario, Mode::Headless, seed)
}

/// A supervisor and the scene its stream builds, as the visualizer has it.
pub struct Watch {
    pub sup: Supervisor,
    pub scene: Scene,
    n: u64,
    /// Every event folded in, in stream order.
    pub events: Vec<Event>,
}

impl Watch {
    pub fn start(cfg: &RunConfig) -> Watch {
        let sup =
            Supervisor::start_with_exe(cfg, Duration::from_millis(20), Some(exe().to_path_buf()))
                .expect("start supervisor");
        Watch {
            sup,
            scene: Scene::new(cfg.clone()),
            n: 0,
            events: Vec::new(),
        }
    }

    /// Folds in the next record (waiting up to `left` for it).
    pub fn pump(&mut self, left: Duration) -> Option<Record> {
        let body = self.sup.records().recv_timeout(left).ok()?;
        Some(self.take(body))
    }

    pub fn take(&mut self, body: Body) -> Record {
        let rec = Record { n: self.n, body };
        self.n += 1;
        self.scene.apply(&rec);
        if let Body::Event(e) = &rec.body {
            self.events.push(e.clone());
        }
        rec
    }

    /// Folds in records until `f` holds for the scene.
    pub fn until(&mut self, what: &str, f: impl Fn(&Scene) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        while !f(&self.scene) {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting until {what}");
            self.pump(left.min(Duration::from_millis(100)));
        }
    }

    /// Folds in records until an event matching `f` comes.
    pub fn event(&mut self, what: &str, f: impl Fn(&Event) -> bool) -> Event {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            assert!(!left.is_zero(), "timed out waiting for {what}");
            if let Some(Record {
                body: Body::Event(ev),
                ..
            }) = self.pump(left)
                && f(&ev)
            {
                return ev;
            }
        }
    }

    /// Stream time passes `ms` milliseconds (ticks and samples go on).
    pub fn quiet(&mut self, ms: u64) {
        let at = self.scene.now_ns;
        self.until("time to pass", |s| s.now_ns > at + ms * 1_000_000);
    }

    /// Stops every child and folds in the rest of the stream (what the run
    /// said while stopping, the final readings).
    pub fn finish(&mut self) {
        self.sup.shutdown();
        for body in self.sup.take_leftover() {
            self.take(body);
        }
    }
}
