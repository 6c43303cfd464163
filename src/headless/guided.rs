//! A lesson run headless makes a handout: the lesson's scenes are applied
//! in order on the real run by the guide the visualizer uses, each scene's
//! caption and question (with its choices, never the answer) is printed
//! where the scene starts in the transcript, and the transcript lines of
//! what happens during the scene follow under it.
//!
//! Pacing: nobody answers and nobody turns the page, so the run does.
//! - A scene with a question: the prompt and its choices are printed and
//!   the question is skipped (the run does not wait for a class). Once the
//!   run shows the answer (the guide's reveal condition, counted from the
//!   scene's start) a line says so, without saying which, and the next
//!   scene starts. After [`ANSWER_CAP`], or once the run has finished or
//!   is stuck and quiet for [`GIVE_UP`] (it can no longer show it), a line
//!   says the run has not answered, and the lesson goes on.
//! - A scene without a question: the next scene starts once the run has
//!   been quiet (no new event) for [`QUIET`], or for [`SETTLE`] once it has
//!   finished or is stuck; at most [`SCENE_CAP`] after the scene started.
//! - A scene whose setup restarts the run counts from when the new run's
//!   processes are on the scene. The restart stops the old run at once, so
//!   the old run's last lines come before the new scene's caption.
//! - After the last scene the run ends as a headless run does, the parent
//!   no longer held before its `terminate()` (the writers joined, the
//!   queue drained, the readers terminated; or the stuck
//!   receiver terminated), then the summary. An endless queue run
//!   (`items = 0`) first has its writers stopped between operations. A run
//!   that has not ended [`END_CAP`] after the last scene is stopped.
//!
//! SIGINT, SIGTERM and SIGHUP stop it the orderly way; a closed stdout
//! (`| head`) ends it quietly, its processes stopped.

use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::{Ending, Transcript, WINDOW};
use crate::config::{RunConfig, Scenario};
use crate::model::Scene;
use crate::model::guide::{Asking, Guide};
use crate::source::Source;
use crate::source::live::{Live, Tap};
use crate::stream::lesson::{Lang, Lesson};
use crate::stream::{Body, Command, Note, Record, Role};
use crate::text;

/// Longest a scene waits for the run to answer its question.
pub const ANSWER_CAP: Duration = Duration::from_secs(20);
/// A finished or stuck run this long without an event will not show an
/// answer any more.
pub const GIVE_UP: Duration = Duration::from_secs(3);
/// Longest the run takes to end after the last scene; then it is stopped.
pub const END_CAP: Duration = Duration::from_secs(15);
/// Longest a scene without a question lasts.
pub const SCENE_CAP: Duration = Duration::from_secs(10);
/// A run this long without an event has shown what the scene is about:
/// longer than the longest rest between events in the built-in lessons (a
/// reader taking one item a second), so a scene does not end mid-run.
pub const QUIET: Duration = Duration::from_millis(1500);
/// A finished or stuck run this long without an event: the scene's own
/// setup has had time to show (longer than the telemetry window).
pub const SETTLE: Duration = Duration::from_millis(400);
/// Longest wait for a record before the pacing looks again.
const TICK: Duration = Duration::from_millis(50);
/// Most time spent folding records before the pacing looks again.
const BUDGET: Duration = Duration::from_millis(20);

/// `ipcscope lesson NAME --headless`: the lesson as a handout on a real
/// run, in the configuration's language; returns the exit code.
pub fn lesson(cfg: &RunConfig, lesson: &Lesson) -> i32 {
    text::set_lang(cfg.lang);
    match run(cfg, lesson) {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "ipcscope: {e}");
            1
        }
    }
}

/// The transcript, and when the run last said something.
struct Handout {
    out: Transcript,
    last_event: Instant,
}

impl Tap for Handout {
    fn folded(&mut self, scene: &Scene, rec: &Record) {
        if matches!(rec.body, Body::Event(_)) {
            self.last_event = Instant::now();
        }
        self.out.folded(scene, rec);
    }
}

/// Where the guided run is.
enum Stage {
    /// Waiting for the run's processes to be on the scene (the visualizer
    /// waits the same way before scene 1).
    Boarding,
    /// On the guide's scene, counted from `since`; after a restart, the
    /// old run's start until the new run is on the scene.
    On {
        since: Instant,
        restarted: Option<u64>,
    },
    /// Past the last scene of an endless queue run (`items = 0`): its
    /// writers were asked to stop between operations, as a program stops
    /// its workers; the parent then ends the run. Since `since`.
    Closing { since: Instant },
    /// Past the last scene: the parent ends the run, as headless does.
    Ending { ending: Ending, since: Instant },
}

/// The guided run's parts: the live run, its scene, the guide.
struct Guided {
    live: Live<Handout>,
    scene: Scene,
    guide: Guide,
    lang: Lang,
}

fn run(cfg: &RunConfig, lesson: &Lesson) -> Result<(), Box<dyn std::error::Error>> {
    let stop = crate::proc::signals::stop_flag()?;
    crate::proc::spawn::registry::install_panic_hook();
    let recorders = super::recorders(cfg)?;
    // The first scene is the run's start: its caption comes before the
    // run's first line, its setup once the processes are on the scene.
    let mut out = Transcript::new();
    out.print(&crate::lesson::handout_title(lesson, cfg.lang));
    for line in crate::lesson::handout_scene(lesson, 0, cfg.lang) {
        out.print(&line);
    }
    let tap = Handout {
        out,
        last_event: Instant::now(),
    };
    let mut g = Guided {
        live: Live::tapped(cfg, WINDOW, recorders, None, tap)?,
        scene: Scene::new(cfg.clone()),
        guide: Guide::new(lesson.clone()),
        lang: cfg.lang,
    };
    let mut stage = Stage::Boarding;
    let mut failed = None;
    loop {
        g.live.wait(TICK);
        g.live.advance(&mut g.scene, BUDGET);
        while let Some(p) = g.live.take_problem() {
            let _ = writeln!(std::io::stderr(), "ipcscope: {p}");
        }
        if g.live.tap().out.closed {
            break;
        }
        if stop.load(Ordering::Acquire) {
            g.live.note(Note::Interrupted);
            break;
        }
        match g.step(stage, Instant::now()) {
            Ok(Some(next)) => stage = next,
            Ok(None) => break,
            Err(e) => {
                failed = Some(e);
                break;
            }
        }
    }
    g.live.shutdown(&mut g.scene);
    let gaps = g.live.finish_recordings();
    g.live.tap().out.end(&g.scene, &gaps);
    match failed {
        Some(e) => Err(e.into()),
        None => Ok(()),
    }
}

impl Guided {
    /// One look at the run: where the lesson goes from `stage` (`None`:
    /// the run has ended).
    fn step(&mut self, stage: Stage, now: Instant) -> Result<Option<Stage>, String> {
        let scene = &self.scene;
        Ok(Some(match stage {
            Stage::Boarding if scene.world.procs.is_empty() => Stage::Boarding,
            Stage::Boarding if self.guide.scenes() == 0 => self.close(now),
            Stage::Boarding => self.set_up(0)?,
            Stage::On {
                since,
                restarted: Some(old),
            } => {
                let shows = scene.start_ns != old && !scene.world.procs.is_empty();
                let restarted = (!shows && now < since + ANSWER_CAP).then_some(old);
                let since = if restarted.is_none() { now } else { since };
                Stage::On { since, restarted }
            }
            Stage::On {
                since,
                restarted: None,
            } => {
                let at = At {
                    on: now - since,
                    quiet: now - self.live.tap().last_event.max(since),
                    finished: scene.finished(),
                    stuck: scene.stuck.is_some(),
                };
                let revealed = self.guide.follow(scene);
                let pace = pace(self.guide.question().is_some(), revealed, &at);
                let n = self.guide.scene + 1;
                let said = match pace {
                    Pace::Stay => {
                        return Ok(Some(Stage::On {
                            since,
                            restarted: None,
                        }));
                    }
                    Pace::Answered => Some(text::answered_here(n, self.lang)),
                    Pace::NotAnswered => Some(text::not_answered(n, self.lang)),
                    Pace::Next => None,
                };
                if let Some(line) = said {
                    self.live.tap().out.print(&line);
                }
                if n < self.guide.scenes() {
                    self.begin(n)?
                } else {
                    self.close(now)
                }
            }
            Stage::Closing { since } => {
                let writing = scene.world.by_role(Role::Writer).any(|p| p.alive());
                if writing && now < since + END_CAP {
                    Stage::Closing { since }
                } else {
                    Stage::Ending {
                        ending: Ending::Running,
                        since,
                    }
                }
            }
            Stage::Ending { ending, since } => {
                let (ending, acts) = ending.step(scene);
                for c in acts {
                    let _ = self.live.command(c, &mut self.scene);
                }
                if matches!(ending, Ending::Done) || now >= since + END_CAP {
                    return Ok(None);
                }
                Stage::Ending { ending, since }
            }
        }))
    }

    /// Starts scene `i` (from 1): its setup is carried out, then its
    /// caption and question are printed. A restart is carried out at once
    /// (the old run stopped, its last records folded and printed), so
    /// those lines come before the caption; whatever else the setup asks
    /// shows after it.
    fn begin(&mut self, i: usize) -> Result<Stage, String> {
        let stage = self.set_up(i)?;
        for line in crate::lesson::handout_scene(&self.guide.lesson, i, self.lang) {
            self.live.tap().out.print(&line);
        }
        Ok(stage)
    }

    /// Carries out scene `i`'s setup.
    fn set_up(&mut self, i: usize) -> Result<Stage, String> {
        let cmds = setup(&mut self.guide, i, &self.scene);
        let old = self.scene.start_ns;
        let restarts = cmds.iter().any(|c| matches!(c, Command::Restart(_)));
        for c in cmds {
            self.live
                .command(c, &mut self.scene)
                .map_err(|h| text::hint(&h))?;
        }
        Ok(Stage::On {
            since: Instant::now(),
            restarted: restarts.then_some(old),
        })
    }

    /// Past the last scene: the parent is no longer held before its
    /// `terminate()`; an endless queue run has its writers stopped first;
    /// any run then ends as headless ends it.
    fn close(&mut self, now: Instant) -> Stage {
        let reading = self.scene.world.by_role(Role::Reader).any(|p| p.alive());
        if reading {
            let _ = self
                .live
                .command(Command::HoldParent(false), &mut self.scene);
        }
        let endless = matches!(&self.scene.cfg.scenario, Scenario::Queue(q) if q.items == 0);
        let writers = self
            .scene
            .world
            .by_role(Role::Writer)
            .filter(|p| p.alive())
            .count();
        if endless && writers > 0 {
            for _ in 0..writers {
                let _ = self.live.command(Command::RemoveWriter, &mut self.scene);
            }
            return Stage::Closing { since: now };
        }
        Stage::Ending {
            ending: Ending::Running,
            since: now,
        }
    }
}

/// What starting scene `i` asks of the run, its question skipped: the
/// freeze that would hold the world for a class's answer and the resume
/// of the skip cancel out.
fn setup(guide: &mut Guide, i: usize, scene: &Scene) -> Vec<Command> {
    let mut cmds = guide.start(i, scene);
    if guide.asking == Asking::Open {
        let resume = guide.skip();
        if cmds.last() == Some(&Command::Freeze) && resume == [Command::Resume] {
            cmds.pop();
        } else {
            cmds.extend(resume);
        }
    }
    cmds
}

/// How a scene stands, as the pacing sees it.
#[derive(Debug, Clone, Copy)]
struct At {
    /// Since the scene started (or its new run came on the scene).
    on: Duration,
    /// Since the last event, or since the scene started if later.
    quiet: Duration,
    finished: bool,
    stuck: bool,
}

/// What the pacing does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pace {
    Stay,
    /// The run has shown the answer: say so, next scene.
    Answered,
    /// The run has not shown it in time (or has finished): say so, next.
    NotAnswered,
    Next,
}

/// The pacing policy (see the module's doc).
fn pace(question: bool, revealed: bool, at: &At) -> Pace {
    let still = at.finished || at.stuck;
    if question {
        if revealed {
            Pace::Answered
        } else if at.on >= ANSWER_CAP || still && at.quiet >= GIVE_UP {
            Pace::NotAnswered
        } else {
            Pace::Stay
        }
    } else if at.on >= SCENE_CAP || at.quiet >= QUIET || still && at.quiet >= SETTLE {
        Pace::Next
    } else {
        Pace::Stay
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::lesson::{Action, Op, Question, Reveal, Text};
    use crate::stream::run::{Mode, QueueConfig, Scenario};
    use crate::stream::{Role, RunInfo, Sig};

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn at(on: u64, quiet: u64) -> At {
        At {
            on: ms(on),
            quiet: ms(quiet),
            finished: false,
            stuck: false,
        }
    }

    #[test]
    fn a_question_waits_for_its_answer_up_to_the_cap() {
        assert_eq!(pace(true, false, &at(5_000, 5_000)), Pace::Stay);
        assert_eq!(pace(true, true, &at(100, 0)), Pace::Answered);
        assert_eq!(pace(true, false, &at(20_000, 0)), Pace::NotAnswered);
        let stuck = At {
            stuck: true,
            ..at(3_000, 2_900)
        };
        assert_eq!(
            pace(true, false, &stuck),
            Pace::Stay,
            "not quiet long enough"
        );
        let stuck = At {
            quiet: ms(3_000),
            ..stuck
        };
        assert_eq!(pace(true, false, &stuck), Pace::NotAnswered);
        let finished = At {
            finished: true,
            ..at(3_000, 3_000)
        };
        assert_eq!(pace(true, false, &finished), Pace::NotAnswered);
        assert_eq!(pace(true, false, &at(3_000, 3_000)), Pace::Stay, "running");
    }

    #[test]
    fn a_scene_without_a_question_moves_on_when_the_run_is_quiet() {
        assert_eq!(pace(false, false, &at(3_000, 1_400)), Pace::Stay);
        assert_eq!(pace(false, false, &at(3_000, 1_500)), Pace::Next);
        assert_eq!(pace(false, false, &at(10_000, 0)), Pace::Next, "capped");
        let finished = At {
            finished: true,
            ..at(500, 100)
        };
        assert_eq!(pace(false, false, &finished), Pace::Stay, "not settled");
        let settled = At {
            quiet: ms(400),
            ..finished
        };
        assert_eq!(pace(false, false, &settled), Pace::Next);
        let stuck = At {
            stuck: true,
            ..at(500, 400)
        };
        assert_eq!(pace(false, false, &stuck), Pace::Next);
    }

    fn t(s: &str) -> Text {
        Text {
            en: s.into(),
            zh: s.into(),
        }
    }

    fn cfg() -> RunConfig {
        RunConfig {
            scenario: Scenario::Queue(QueueConfig::defaults(Mode::Headless)),
            seed: 1,
            mode: Mode::Headless,
            trace: None,
            record: None,
            ascii: false,
            classroom: false,
            lang: Default::default(),
        }
    }

    #[test]
    fn a_question_is_skipped_without_freezing_the_run() {
        let question = Question {
            prompt: t("?"),
            choices: vec![t("a"), t("b")],
            answer: 1,
            reveal: Reveal::Blocks {
                role: Role::Reader,
                op: Op::Get,
            },
            why: Some(t("because")),
            by_hand: false,
        };
        let lesson = Lesson {
            name: "x".into(),
            title: t("X"),
            program_file: "x.py".into(),
            program: "print()\n".into(),
            scenario: cfg().scenario,
            lines: Default::default(),
            scenes: vec![crate::stream::lesson::Scene {
                caption: t("one"),
                setup: vec![Action::Maxsize(1), Action::Terminate(Role::Reader)],
                question: Some(question),
            }],
        };
        let mut scene = Scene::new(cfg());
        scene.apply(&Record {
            n: 0,
            body: Body::Run(RunInfo {
                start_ns: 1,
                pid: 1,
                config: cfg(),
            }),
        });
        let spawn = crate::stream::Event::new(
            2,
            3,
            103,
            crate::stream::Kind::Spawn {
                name: "reader-1".into(),
                role: Role::Reader,
            },
        );
        scene.apply(&Record {
            n: 1,
            body: Body::Event(spawn),
        });
        let mut guide = Guide::new(lesson);
        assert_eq!(
            setup(&mut guide, 0, &scene),
            [
                Command::HoldParent(true),
                Command::SetMaxsize(1),
                Command::Signal(3, Sig::Term)
            ]
        );
        assert_eq!(guide.asking, Asking::Watching(None));
    }
}
