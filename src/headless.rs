//! Headless mode: runs a scenario with real processes and prints the
//! lesson-style transcript as it happens, then a closing summary. The
//! transcript, the recording and the summary all read the one stream,
//! folded into the same scene the visualizer draws. A lesson run headless
//! ([`lesson`]) is the same transcript with the lesson's scenes applied
//! and their captions printed where they start (`guided`).

mod guided;

pub use guided::lesson;

use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::Duration;

use crate::config::{RunConfig, Scenario};
use crate::model::Scene;
use crate::outfile::What;
use crate::recording::Recorder;
use crate::source::live::Tap;
use crate::stream::{Body, Command, Event, Kind, Note, Record, Role, Sig, Stuck};
use crate::supervisor::Supervisor;
use crate::text;

/// How long telemetry holds events to print them in order.
const WINDOW: Duration = Duration::from_millis(100);

/// Runs the scenario in the configuration's language; returns the exit
/// code.
pub fn run(cfg: &RunConfig) -> i32 {
    text::set_lang(cfg.lang);
    match run_inner(cfg) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "ipcscope: {e}");
            1
        }
    }
}

/// Opens the files the run is recorded to (`--record`, `--trace`).
pub fn recorders(cfg: &RunConfig) -> Result<Vec<Recorder>, crate::outfile::OutputError> {
    let mut out = Vec::new();
    if let Some(p) = &cfg.record {
        out.push(Recorder::create(p, What::Recording)?);
    }
    if let Some(p) = &cfg.trace {
        out.push(Recorder::create(p, What::Trace)?);
    }
    Ok(out)
}

fn run_inner(cfg: &RunConfig) -> Result<(), Box<dyn std::error::Error>> {
    let stop = crate::proc::signals::stop_flag()?;
    crate::proc::spawn::registry::install_panic_hook();
    let recorders = recorders(cfg)?;
    let mut sup = Supervisor::start(cfg, WINDOW)?;
    let mut p = Printer::new(cfg, recorders);
    let mut ending = Ending::Running;
    loop {
        match sup.records().recv_timeout(Duration::from_millis(50)) {
            Ok(body) => p.take(body),
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
        }
        if p.out.closed {
            break;
        }
        if stop.load(Ordering::Acquire) {
            sup.note(Note::Interrupted);
            break;
        }
        let acts;
        (ending, acts) = ending.step(&p.scene);
        for c in acts {
            sup.send(c);
        }
        if matches!(ending, Ending::Done) {
            break;
        }
    }
    sup.shutdown();
    for body in sup.take_leftover() {
        p.take(body);
    }
    for r in &mut p.recorders {
        r.finish();
    }
    let gaps: Vec<(std::path::PathBuf, u64)> = p
        .recorders
        .iter()
        .map(|r| (r.path().to_path_buf(), r.dropped))
        .collect();
    p.out.end(&p.scene, &gaps);
    Ok(())
}

/// The transcript's line for `ev`, once folded into `scene`: told against
/// the run's settings and the queue's maxsize in force (it may have been
/// changed live).
fn transcript_line(scene: &Scene, ev: &Event) -> Option<String> {
    let cx = text::Context::for_run(&scene.cfg).with_maxsize(scene.maxsize);
    text::line(ev, &scene.world, &cx)
}

/// The transcript as it is printed, line by line, flushed: every headless
/// run prints through it.
pub(crate) struct Transcript {
    out: std::io::Stdout,
    /// Stdout was closed (`| head`): the run ends quietly.
    pub closed: bool,
}

impl Transcript {
    pub fn new() -> Transcript {
        Transcript {
            out: std::io::stdout(),
            closed: false,
        }
    }

    /// Prints a line; a closed stdout ends the run quietly, as Unix tools do.
    pub fn print(&mut self, line: &str) {
        if self.closed {
            return;
        }
        let mut o = self.out.lock();
        if writeln!(o, "{line}").and_then(|_| o.flush()).is_err() {
            self.closed = true;
        }
    }

    /// The run's end: the summary, then any recording that left records
    /// out (its path and how many). Nothing once stdout is closed.
    pub fn end(&mut self, scene: &Scene, gaps: &[(std::path::PathBuf, u64)]) {
        for l in summary_lines(scene) {
            self.print(&l);
        }
        for (path, dropped) in gaps.iter().filter(|(_, d)| *d > 0) {
            self.print(&text::words().recording_gaps_summary(path, *dropped));
        }
    }
}

/// An event's line, told on the scene it was just folded into.
impl Tap for Transcript {
    fn folded(&mut self, scene: &Scene, rec: &Record) {
        if let Body::Event(ev) = &rec.body
            && let Some(line) = transcript_line(scene, ev)
        {
            self.print(&line);
        }
    }
}

/// Folds records into the scene, records them, prints their lines.
struct Printer {
    scene: Scene,
    n: u64,
    recorders: Vec<Recorder>,
    out: Transcript,
}

impl Printer {
    fn new(cfg: &RunConfig, recorders: Vec<Recorder>) -> Printer {
        Printer {
            scene: Scene::new(cfg.clone()),
            n: 0,
            recorders,
            out: Transcript::new(),
        }
    }

    fn take(&mut self, body: Body) {
        let rec = Record { n: self.n, body };
        self.n += 1;
        self.scene.apply(&rec);
        // Headless, a recording's gaps are said in its summary, not here.
        for said in crate::recording::record_in(&mut self.recorders, &rec, &mut true) {
            let _ = writeln!(std::io::stderr(), "ipcscope: {said}");
        }
        self.out.folded(&self.scene, &rec);
    }
}

/// The closing summary, from the scene: the same figures the screen shows.
pub fn summary_lines(s: &Scene) -> Vec<String> {
    let t = text::words();
    let w = &s.world;
    if let Scenario::Program(p) = &s.cfg.scenario {
        let main = w.procs.first().and_then(|p| p.ended);
        let mut out = text::program::summary(w, p.file_name(), main);
        out.push(t.prog_telemetry_summary(w.events, s.telemetry.dropped, s.telemetry.late));
        return out;
    }
    let mut out = vec![t.summary_header()];
    match &s.cfg.scenario {
        Scenario::Queue(c) => {
            let q = &w.queue;
            let (puts, gets) = (q.puts + q.missed_puts, q.gets + q.missed_gets);
            out.push(if c.feeder {
                t.feeder_summary(q.buffered, puts, gets, s.depth(), s.maxsize)
            } else {
                t.queue_summary(puts, gets, s.depth() as usize, s.maxsize)
            });
            let labels: Vec<String> = if q.exact() {
                q.inside.items.iter().map(|t| t.label.clone()).collect()
            } else {
                s.queue
                    .as_ref()
                    .map(|v| v.items.iter().map(|i| i.label.clone()).collect())
                    .unwrap_or_default()
            };
            if !labels.is_empty() {
                out.push(t.left_in_queue(&labels));
            }
        }
        Scenario::Pipe(p) => {
            out.push(t.pipe_summary(w.pipe.sent, w.pipe.received, w.pipe.eof));
            if p.replies() {
                out.push(t.replies_summary(w.pipe.replies, w.pipe.got_replies));
            }
        }
        Scenario::Counter(c) => {
            let v = s.value.unwrap_or_default();
            out.push(text::counter_summary(v.expected, v.value, c.lock));
        }
        Scenario::Program(_) => {}
    }
    for p in &w.procs {
        let (done, timeouts) = s
            .counters_of(p.id)
            .map_or((p.done, p.timeouts), |c| (c.done, c.timeouts));
        let extra = match (timeouts, p.role) {
            (0, _) => String::new(),
            (n, Role::Writer) => t.summary_timeouts(true, n),
            (n, Role::Reader) => t.summary_timeouts(false, n),
            _ => String::new(),
        };
        out.push(t.summary_proc(
            &p.name,
            p.pid,
            (t.role_done(p.role), done),
            &extra,
            &text::ended_text(p.ended, p.said_exiting),
        ));
    }
    if !w.losses.is_empty() {
        let list: Vec<(String, String, i32)> = w
            .losses
            .iter()
            .map(|l| (l.item.clone(), l.name.clone(), l.pid))
            .collect();
        out.push(t.lost_items(&list));
    }
    let unnamed: u64 = w.unnamed_losses.values().sum();
    if unnamed > 0 {
        out.push(t.lost_unnamed(unnamed));
    }
    if w.value_lock_recoveries > 0 {
        out.push(t.value_lock_recoveries_summary(w.value_lock_recoveries));
    }
    if w.recoveries > 0 {
        out.push(t.recoveries_summary(w.recoveries));
    }
    out.push(t.telemetry_summary(w.events, s.telemetry.dropped, s.telemetry.late));
    out
}

/// How a headless run comes to its end. The parent's own program (join
/// the writers, let the readers drain the queue, terminate them) is the
/// supervisor's, in the stream as events, as the visualizer shows it; the
/// run here ends once every process has, or when the supervisor says it
/// cannot go on.
enum Ending {
    Running,
    /// A stuck receiver was terminated; waiting for it.
    Terminating,
    Done,
}

impl Ending {
    /// The next state on `s`, and what is done to get there.
    fn step(self, s: &Scene) -> (Ending, Vec<Command>) {
        if s.finished() {
            return (Ending::Done, Vec::new());
        }
        // The supervisor said the run cannot go on: end it, for the reason given.
        let stuck = s.stuck.clone();
        match (self, &s.cfg.scenario, stuck) {
            (
                Ending::Running,
                Scenario::Pipe(_),
                Some(Note::ForgottenSendEnd { .. } | Note::OwnSendEnd { .. }),
            ) => (Ending::Terminating, terminate(s, Role::Receiver)),
            // Readers waiting for data no writer is left to put: the
            // parent, past its joins, terminates them.
            (
                Ending::Running,
                Scenario::Queue(_),
                Some(Note::NoProgress {
                    why: Stuck::EmptyNoWriter,
                }),
            ) => (Ending::Running, Vec::new()),
            (
                Ending::Running,
                _,
                Some(
                    Note::NoProgress { .. } | Note::Deadlock { .. } | Note::JoinBeforeDrain { .. },
                ),
            ) => (Ending::Done, Vec::new()),
            (state, _, _) => (state, Vec::new()),
        }
    }
}

/// Terminates every living process of `role`.
fn terminate(s: &Scene, role: Role) -> Vec<Command> {
    s.world
        .by_role(role)
        .filter(|p| p.alive())
        .map(|p| Command::Signal(p.id, Sig::Term))
        .collect()
}

/// Whether an event is the supervisor's note that nobody can progress.
pub fn is_no_progress(k: &Kind) -> bool {
    matches!(
        k,
        Kind::Note {
            note: Note::NoProgress { .. }
        }
    )
}

/// `ipcscope replay FILE`: the visualizer on a recording, or (headless)
/// the recorded run's transcript and summary, as the live run printed them.
pub fn replay(opts: &crate::cli::ReplayOptions) -> i32 {
    text::set_lang(opts.lang);
    let rec = match crate::recording::load(&opts.file) {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "ipcscope: {e}");
            return 2;
        }
    };
    if !opts.headless {
        return crate::tui::run_replay(rec, opts.ascii, opts.lang);
    }
    let Some(cfg) = rec.records.iter().find_map(|r| match &r.body {
        Body::Run(info) => Some(info.config.clone()),
        _ => None,
    }) else {
        let _ = writeln!(
            std::io::stderr(),
            "ipcscope: {}",
            text::words().no_run(&opts.file)
        );
        return 2;
    };
    let mut p = Printer::new(&cfg, Vec::new());
    for r in rec.records {
        p.take(r.body);
        if p.out.closed {
            return 0;
        }
    }
    p.out.end(&p.scene, &[]);
    0
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::RunInfo;
    use crate::stream::run::{Mode, QueueConfig, Scenario};

    #[test]
    fn a_stuck_queue_run_is_left_to_the_parent_when_readers_wait_and_ended_when_writers_do() {
        let cfg = RunConfig::new(
            Scenario::Queue(QueueConfig::defaults(Mode::Headless)),
            Mode::Headless,
            1,
        );
        let mut scene = Scene::new(cfg.clone());
        let recs = [
            Body::Run(RunInfo {
                start_ns: 0,
                pid: 1,
                config: cfg,
            }),
            Body::Event(Event::new(
                1,
                0,
                101,
                Kind::Spawn {
                    name: "reader-1".into(),
                    role: Role::Reader,
                },
            )),
        ];
        for (n, body) in recs.into_iter().enumerate() {
            scene.apply(&Record { n: n as u64, body });
        }
        let stuck = |why| Note::NoProgress { why };
        // Readers waiting for data no writer can put: the parent, past its
        // joins, terminates them; the run waits for that.
        scene.stuck = Some(stuck(Stuck::EmptyNoWriter));
        let (next, acts) = Ending::Running.step(&scene);
        assert!(matches!(next, Ending::Running) && acts.is_empty());
        // Writers waiting for space nobody will make: the parent would
        // wait in join() for ever; the run ends.
        scene.stuck = Some(stuck(Stuck::FullNoReader));
        assert!(matches!(Ending::Running.step(&scene).0, Ending::Done));
    }

    #[test]
    fn a_wait_after_maxsize_was_lowered_is_told_against_the_new_maxsize() {
        let mut q = QueueConfig::defaults(Mode::Headless);
        q.maxsize = 0;
        let cfg = RunConfig::new(Scenario::Queue(q), Mode::Headless, 1);
        let mut scene = Scene::new(cfg.clone());
        let mut n = 0;
        let mut fold = |scene: &mut Scene, body: Body| {
            scene.apply(&Record { n, body });
            n += 1;
        };
        let info = RunInfo {
            start_ns: 0,
            pid: 1,
            config: cfg,
        };
        fold(&mut scene, Body::Run(info));
        let set = Event::new(
            1,
            crate::stream::SUPERVISOR,
            1,
            Kind::MaxsizeSet { maxsize: 2 },
        );
        fold(&mut scene, Body::Event(set));
        let wait = Event::new(2, 0, 4101, Kind::PutWait)
            .with_item("url_11")
            .with_depth(10);
        fold(&mut scene, Body::Event(wait.clone()));
        let line = transcript_line(&scene, &wait).unwrap();
        assert!(line.contains("holds 10, over its maxsize 2"), "{line}");
        assert!(!line.contains("ring"), "{line}");
    }
}
