//! The replay source: a recording played back into the same model, with a
//! timeline. Seeking is exact: the scene at a point is rebuilt from the
//! nearest checkpoint (a copy of the scene taken every few thousand
//! records while loading) plus the records after it, so it equals what the
//! live model held there.

use std::time::{Duration, Instant};

use super::Source;
use crate::model::timeline::Mark;
use crate::model::{Hint, Scene, Timeline, TimelineCmd};
use crate::recording::Recording;
use crate::stream::{Body, Command, Ended, Kind, Record};

/// A checkpoint every this many records (by default).
pub const CHECKPOINT_EVERY: usize = 4096;
/// Seeking with the arrow keys moves this far.
pub const SEEK_STEP_NS: u64 = 5_000_000_000;
/// Playback speeds, slowest to fastest.
const SPEEDS: [f64; 9] = [0.1, 0.25, 0.5, 1.0, 1.5, 2.0, 4.0, 6.0, 10.0];

/// A recording being replayed.
pub struct Replay {
    records: Vec<Record>,
    /// The stream's clock after each record (its running maximum time).
    times: Vec<u64>,
    /// (index of the first record not yet applied, the scene at that point).
    checkpoints: Vec<(usize, Scene)>,
    /// Records between checkpoints.
    every: usize,
    marks: std::sync::Arc<Vec<(u64, Mark)>>,
    /// Records applied to the scene so far.
    pos: usize,
    /// The playhead (CLOCK_MONOTONIC ns of the recording).
    at_ns: u64,
    playing: bool,
    speed: f64,
    /// Wall time the playhead last moved.
    last_wall: Instant,
}

impl Replay {
    /// Prepares a recording for replay: its clock, marks and checkpoints.
    /// `blank` is the scene before the first record.
    pub fn new(rec: Recording, blank: Scene) -> Replay {
        Self::with_checkpoints_every(rec, blank, CHECKPOINT_EVERY)
    }

    /// As [`Replay::new`], with a checkpoint every `every` records (at
    /// least 1): tests use a small interval to seek across many checkpoints
    /// of a short real run.
    pub fn with_checkpoints_every(rec: Recording, blank: Scene, every: usize) -> Replay {
        let every = every.max(1);
        let records = rec.records;
        let mut times = Vec::with_capacity(records.len());
        let mut t = records.iter().find_map(|r| r.t_ns()).unwrap_or(0);
        let mut marks = Vec::new();
        let mut checkpoints = Vec::new();
        let mut scene = blank;
        for (i, r) in records.iter().enumerate() {
            if i % every == 0 {
                checkpoints.push((i, scene.clone()));
            }
            scene.apply(r);
            t = t.max(r.t_ns().unwrap_or(t));
            times.push(t);
            if let Body::Event(ev) = &r.body
                && let Some(m) = mark_of(&ev.kind)
            {
                marks.push((ev.t_ns, m));
            }
        }
        let at_ns = times.first().copied().unwrap_or(0);
        Replay {
            records,
            times,
            checkpoints,
            every,
            marks: std::sync::Arc::new(marks),
            pos: 0,
            at_ns,
            playing: true,
            speed: 1.0,
            last_wall: Instant::now(),
        }
    }

    fn start_ns(&self) -> u64 {
        self.times.first().copied().unwrap_or(0)
    }

    fn end_ns(&self) -> u64 {
        self.times.last().copied().unwrap_or(0)
    }

    /// Records whose clock is at or before `t`: how many to apply.
    fn index_at(&self, t: u64) -> usize {
        self.times.partition_point(|&x| x <= t)
    }

    /// Rebuilds `scene` with exactly the first `index` records applied.
    pub fn seek_index(&mut self, index: usize, scene: &mut Scene) {
        let index = index.min(self.records.len());
        if index < self.pos || index - self.pos > self.every {
            let k = self.checkpoints.partition_point(|(i, _)| *i <= index);
            // The nearest checkpoint at or before `index`; going forwards,
            // only if it is ahead of where the scene already is.
            if let Some((i, s)) = k.checked_sub(1).and_then(|k| self.checkpoints.get(k))
                && (index < self.pos || *i > self.pos)
            {
                *scene = s.clone();
                self.pos = *i;
            }
        }
        while self.pos < index {
            scene.apply(&self.records[self.pos]);
            self.pos += 1;
        }
    }

    /// Moves the playhead to `t` and the scene with it.
    pub fn seek_time(&mut self, t: u64, scene: &mut Scene) {
        let t = t.clamp(self.start_ns(), self.end_ns());
        self.at_ns = t;
        let index = self.index_at(t);
        self.seek_index(index, scene);
    }

    /// Index of the next (or, backwards, the last applied) event record.
    fn event_from(&self, forward: bool) -> Option<usize> {
        let is_event = |r: &Record| matches!(r.body, Body::Event(_));
        if forward {
            (self.pos..self.records.len()).find(|&i| is_event(&self.records[i]))
        } else {
            (0..self.pos).rev().find(|&i| is_event(&self.records[i]))
        }
    }

    fn set_speed(&mut self, faster: bool) {
        let i = SPEEDS
            .iter()
            .position(|&s| s >= self.speed - 1e-9)
            .unwrap_or(3);
        let j = if faster {
            (i + 1).min(SPEEDS.len() - 1)
        } else {
            i.saturating_sub(1)
        };
        self.speed = SPEEDS[j];
    }

    /// Records applied so far, of all.
    pub fn position(&self) -> (usize, usize) {
        (self.pos, self.records.len())
    }
}

/// What a timeline mark shows for an event, if anything.
fn mark_of(k: &Kind) -> Option<Mark> {
    match k {
        Kind::PutWait | Kind::GetWait | Kind::SendWait | Kind::RecvWait => Some(Mark::Block),
        Kind::PutFull { .. } | Kind::GetEmpty { .. } => Some(Mark::Raised),
        Kind::RecvEof => Some(Mark::Eof),
        Kind::Kill { .. }
        | Kind::Exit {
            ended: Ended::Signal(_),
        } => Some(Mark::Kill),
        Kind::Recovered { .. } => Some(Mark::Recovery),
        Kind::Note { note } if note.is_stuck() => Some(Mark::Stuck),
        _ => None,
    }
}

impl Source for Replay {
    fn advance(&mut self, scene: &mut Scene, _budget: Duration) -> bool {
        let now = Instant::now();
        let wall = now.duration_since(self.last_wall);
        self.last_wall = now;
        if !self.playing {
            return false;
        }
        let step = (wall.as_nanos() as f64 * self.speed) as u64;
        let before = self.pos;
        self.at_ns = (self.at_ns + step).min(self.end_ns());
        let index = self.index_at(self.at_ns);
        self.seek_index(index, scene);
        if self.at_ns >= self.end_ns() {
            self.playing = false;
        }
        // The playhead moving is itself a change on screen (the timeline).
        self.pos != before || step > 0
    }

    fn command(&mut self, _c: Command, _scene: &mut Scene) -> Result<(), Hint> {
        Err(Hint::Replay)
    }

    fn timeline(&mut self, t: TimelineCmd, scene: &mut Scene) -> Result<(), Hint> {
        self.last_wall = Instant::now();
        match t {
            TimelineCmd::PlayPause => {
                if !self.playing && self.at_ns >= self.end_ns() {
                    self.seek_time(self.start_ns(), scene);
                }
                self.playing = !self.playing;
            }
            TimelineCmd::StepForward | TimelineCmd::StepBack => {
                self.playing = false;
                let forward = t == TimelineCmd::StepForward;
                if let Some(i) = self.event_from(forward) {
                    let target = if forward { i + 1 } else { i };
                    self.seek_index(target, scene);
                    self.at_ns = match self.pos.checked_sub(1) {
                        Some(k) => self.times[k],
                        None => self.start_ns(),
                    };
                }
            }
            TimelineCmd::SeekBy(secs) => {
                let d = (secs.abs() * 1e9) as u64;
                let t = if secs < 0.0 {
                    self.at_ns.saturating_sub(d)
                } else {
                    self.at_ns.saturating_add(d)
                };
                self.seek_time(t, scene);
            }
            TimelineCmd::SeekStart => self.seek_time(self.start_ns(), scene),
            TimelineCmd::SeekEnd => self.seek_time(self.end_ns(), scene),
            TimelineCmd::SeekFraction(f) => {
                let span = self.end_ns() - self.start_ns();
                let t = self.start_ns() + (span as f64 * f.clamp(0.0, 1.0)) as u64;
                self.seek_time(t, scene);
            }
            TimelineCmd::Faster => self.set_speed(true),
            TimelineCmd::Slower => self.set_speed(false),
        }
        Ok(())
    }

    fn timeline_view(&self) -> Option<Timeline> {
        Some(Timeline {
            at_ns: self.at_ns,
            start_ns: self.start_ns(),
            end_ns: self.end_ns(),
            position: self.pos as u64,
            total: self.records.len() as u64,
            playing: self.playing,
            speed: self.speed,
            marks: self.marks.clone(),
        })
    }

    fn clock_ns(&self) -> u64 {
        self.at_ns
    }

    fn take_problem(&mut self) -> Option<String> {
        None
    }

    fn shutdown(&mut self, _scene: &mut Scene) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Mode, QueueConfig, RunConfig, Scenario};
    use crate::stream::{Event, Role, RunInfo};

    fn cfg() -> RunConfig {
        RunConfig::new(
            Scenario::Queue(QueueConfig::defaults(Mode::Tui)),
            Mode::Tui,
            1,
        )
    }

    /// A made-up run of `n` puts, one per ms.
    fn recording(n: u64) -> Recording {
        let ms = 1_000_000;
        let mut records = vec![Record {
            n: 0,
            body: Body::Run(RunInfo {
                start_ns: ms,
                pid: 1,
                config: cfg(),
            }),
        }];
        records.push(Record {
            n: 1,
            body: Body::Event(Event::new(
                ms,
                0,
                10,
                Kind::Spawn {
                    name: "writer-1".into(),
                    role: Role::Writer,
                },
            )),
        });
        for k in 0..n {
            let ev = Event::new(2 * ms + k * ms, 0, 10, Kind::Put)
                .with_item(format!("url_{k}"))
                .with_seq(k + 1);
            records.push(Record {
                n: k + 2,
                body: Body::Event(ev),
            });
        }
        Recording {
            path: "x".into(),
            records,
        }
    }

    /// The scene after applying the first `k` records one by one.
    fn live_scene(rec: &Recording, k: usize) -> Scene {
        let mut s = Scene::new(cfg());
        for r in &rec.records[..k] {
            s.apply(r);
        }
        s
    }

    #[test]
    fn seeking_anywhere_gives_exactly_the_scene_the_live_model_held_there() {
        let rec = recording(10_000);
        let mut r = Replay::new(rec.clone(), Scene::new(cfg()));
        let mut scene = Scene::new(cfg());
        for k in [9000, 3, 5000, 0, 10_001, 4097, 4096, 4095, 10_002] {
            r.seek_index(k, &mut scene);
            assert_eq!(scene, live_scene(&rec, k), "at record {k}");
        }
    }

    #[test]
    fn one_event_back_and_forward_move_by_exactly_one_event() {
        let rec = recording(5);
        let mut r = Replay::new(rec.clone(), Scene::new(cfg()));
        let mut scene = Scene::new(cfg());
        r.timeline(TimelineCmd::SeekEnd, &mut scene).unwrap();
        assert_eq!(r.position().0, 7);
        r.timeline(TimelineCmd::StepBack, &mut scene).unwrap();
        assert_eq!(r.position().0, 6);
        assert_eq!(scene, live_scene(&rec, 6));
        r.timeline(TimelineCmd::StepForward, &mut scene).unwrap();
        assert_eq!(r.position().0, 7);
        assert_eq!(scene.world.queue.puts, 5);
    }

    #[test]
    fn world_commands_are_refused_in_a_replay() {
        let mut r = Replay::new(recording(1), Scene::new(cfg()));
        let mut scene = Scene::new(cfg());
        assert_eq!(r.command(Command::AddWriter, &mut scene), Err(Hint::Replay));
    }
}
