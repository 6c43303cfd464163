//! The visualizer's real loop (`tui::event_loop`) on a `TestBackend`, on
//! its own thread: keys go into its input channel, and each step waits
//! until the screen shows the consequence (never a fixed sleep). A
//! scripted source stands in for the live run and records the commands it
//! is given; a replay is the real `Replay` on a recording.

mod common;

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use ipcscope::config::{Mode, QueueConfig, RunConfig, Scenario};
use ipcscope::model::{Controls, Hint, Scene, TimelineCmd};
use ipcscope::recording::{self, Recording};
use ipcscope::source::Source;
use ipcscope::source::replay::Replay;
use ipcscope::stream::{Body, Command, Event, Kind, Record, Role, RunInfo, SUPERVISOR, Sig};
use ipcscope::tui::{Input, event_loop};
use ipcscope::ui::theme::Theme;
use ratatui::backend::{Backend, ClearType, TestBackend, WindowSize};
use ratatui::buffer::{Buffer, Cell};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Position, Rect, Size};
use ratatui::{Terminal, TerminalOptions, Viewport};

const W: u16 = 100;
const H: u16 = 30;
const MS: u64 = 1_000_000;

// ------------------------------------------------------------ harness --

/// A `TestBackend` whose screen the test reads while the loop draws: each
/// flush (the end of a frame) publishes the screen's text.
struct Shared {
    inner: TestBackend,
    screen: Arc<Mutex<String>>,
    frames: Arc<AtomicU64>,
}

fn text_of(b: &Buffer) -> String {
    let mut s = String::new();
    for y in 0..b.area.height {
        for x in 0..b.area.width {
            s.push_str(b[(x, y)].symbol());
        }
        s.push('\n');
    }
    s
}

impl Backend for Shared {
    type Error = Infallible;

    fn draw<'a, I>(&mut self, content: I) -> Result<(), Infallible>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        self.inner.draw(content)
    }
    fn hide_cursor(&mut self) -> Result<(), Infallible> {
        self.inner.hide_cursor()
    }
    fn show_cursor(&mut self) -> Result<(), Infallible> {
        self.inner.show_cursor()
    }
    fn get_cursor_position(&mut self) -> Result<Position, Infallible> {
        self.inner.get_cursor_position()
    }
    fn set_cursor_position<P: Into<Position>>(&mut self, p: P) -> Result<(), Infallible> {
        self.inner.set_cursor_position(p)
    }
    fn clear(&mut self) -> Result<(), Infallible> {
        self.inner.clear()
    }
    fn clear_region(&mut self, t: ClearType) -> Result<(), Infallible> {
        self.inner.clear_region(t)
    }
    fn size(&self) -> Result<Size, Infallible> {
        self.inner.size()
    }
    fn window_size(&mut self) -> Result<WindowSize, Infallible> {
        self.inner.window_size()
    }
    fn flush(&mut self) -> Result<(), Infallible> {
        self.inner.flush()?;
        if let Ok(mut s) = self.screen.lock() {
            *s = text_of(self.inner.buffer());
        }
        self.frames.fetch_add(1, Ordering::AcqRel);
        Ok(())
    }
}

/// The loop running on its thread with `source`.
struct Running<S: Source + Send + 'static> {
    input: Sender<Input>,
    stop: Arc<AtomicBool>,
    screen: Arc<Mutex<String>>,
    frames: Arc<AtomicU64>,
    handle: Option<JoinHandle<(S, std::io::Result<()>)>>,
}

/// Starts the loop; `early` keys are in its input before its first frame.
fn start<S: Source + Send + 'static>(
    mut source: S,
    mut scene: Scene,
    mut controls: Controls,
    early: &[KeyCode],
) -> Running<S> {
    let (input, rx) = crossbeam_channel::unbounded();
    for &k in early {
        input.send(Input::Key(key(k))).unwrap();
    }
    let stop = Arc::new(AtomicBool::new(false));
    let screen = Arc::new(Mutex::new(String::new()));
    let frames = Arc::new(AtomicU64::new(0));
    let backend = Shared {
        inner: TestBackend::new(W, H),
        screen: screen.clone(),
        frames: frames.clone(),
    };
    let stop2 = stop.clone();
    let handle = std::thread::spawn(move || {
        let mut terminal = Terminal::with_options(
            backend,
            TerminalOptions {
                viewport: Viewport::Fixed(Rect::new(0, 0, W, H)),
            },
        )
        .expect("a terminal");
        let theme = Theme::new(false);
        let r = event_loop(
            &mut terminal,
            &mut source,
            &rx,
            &stop2,
            &theme,
            &mut scene,
            &mut controls,
        );
        (source, r)
    });
    Running {
        input,
        stop,
        screen,
        frames,
        handle: Some(handle),
    }
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

impl<S: Source + Send + 'static> Running<S> {
    fn press(&self, code: KeyCode) {
        self.input
            .send(Input::Key(key(code)))
            .expect("the loop reads keys");
    }

    fn send(&self, i: Input) {
        self.input.send(i).expect("the loop reads input");
    }

    fn screen(&self) -> String {
        self.screen.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Waits until the screen satisfies `f`; returns it.
    fn wait_for(&self, what: &str, f: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + common::DEADLINE;
        loop {
            let s = self.screen();
            if f(&s) {
                return s;
            }
            if self.handle.as_ref().is_some_and(|h| h.is_finished()) {
                panic!("the loop ended while waiting until {what}; the screen:\n{s}");
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting until {what}; the screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    fn wait_text(&self, text: &str) -> String {
        self.wait_for(&format!("the screen shows {text:?}"), |s| s.contains(text))
    }

    /// Waits for `n` more frames (each input redraws).
    fn frames_after(&self, n: u64) {
        let want = self.frames.load(Ordering::Acquire) + n;
        let deadline = Instant::now() + common::DEADLINE;
        while self.frames.load(Ordering::Acquire) < want {
            assert!(Instant::now() < deadline, "no frames drawn");
            self.send(Input::Resize);
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// Waits for the loop to end by itself (a quit key).
    fn ended(mut self) -> S {
        let h = self.handle.take().expect("running");
        let deadline = Instant::now() + common::DEADLINE;
        while !h.is_finished() {
            assert!(
                Instant::now() < deadline,
                "the loop did not end; the screen:\n{}",
                self.screen()
            );
            std::thread::sleep(Duration::from_millis(5));
        }
        let (source, r) = h.join().expect("the loop thread");
        r.expect("the loop ends without an error");
        source
    }

    fn still_running(&self) -> bool {
        self.handle.as_ref().is_some_and(|h| !h.is_finished())
    }

    /// Stops the loop with its stop flag (as a signal does).
    fn stop(mut self) -> S {
        self.stop.store(true, Ordering::Release);
        let h = self.handle.take().expect("running");
        let (source, r) = h.join().expect("the loop thread");
        r.expect("the loop ends without an error");
        source
    }
}

impl<S: Source + Send + 'static> Drop for Running<S> {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

// ---------------------------------------------------- a scripted source --

/// Stands in for the live run: feeds its records, records the commands it
/// is given, and echoes a few as the supervisor would (a freeze, a new
/// writer).
struct Scripted {
    pending: VecDeque<Body>,
    n: u64,
    now: u64,
    commands: Arc<Mutex<Vec<Command>>>,
}

impl Source for Scripted {
    fn advance(&mut self, scene: &mut Scene, _budget: Duration) -> bool {
        let mut changed = false;
        while let Some(body) = self.pending.pop_front() {
            let r = Record { n: self.n, body };
            self.n += 1;
            self.now = self.now.max(r.t_ns().unwrap_or(0));
            changed |= scene.apply(&r);
        }
        changed
    }

    fn command(&mut self, c: Command, _scene: &mut Scene) -> Result<(), Hint> {
        let t = self.now + MS;
        match &c {
            Command::Freeze => {
                self.pending
                    .push_back(Body::Event(Event::new(t, SUPERVISOR, 1, Kind::Frozen)))
            }
            Command::AddWriter => self
                .pending
                .push_back(spawn(t, 3, "writer-3", Role::Writer)),
            _ => {}
        }
        self.commands.lock().unwrap().push(c);
        Ok(())
    }

    fn clock_ns(&self) -> u64 {
        self.now
    }

    fn take_problem(&mut self) -> Option<String> {
        None
    }

    fn shutdown(&mut self, _scene: &mut Scene) {}
}

fn cfg() -> RunConfig {
    RunConfig::new(
        Scenario::Queue(QueueConfig::defaults(Mode::Tui)),
        Mode::Tui,
        1,
    )
}

fn spawn(t: u64, id: u16, name: &str, role: Role) -> Body {
    Body::Event(Event::new(
        t,
        id,
        1000 + id as i32,
        Kind::Spawn {
            name: name.into(),
            role,
        },
    ))
}

/// The lesson's start at `t0`: two writers and a reader, a put and its get.
fn lesson_start(t0: u64) -> Vec<Body> {
    vec![
        Body::Run(RunInfo {
            start_ns: t0,
            pid: 1,
            config: cfg(),
        }),
        spawn(t0 + MS, 0, "writer-1", Role::Writer),
        spawn(t0 + 2 * MS, 1, "writer-2", Role::Writer),
        spawn(t0 + 3 * MS, 2, "reader-1", Role::Reader),
        Body::Event(
            Event::new(t0 + 10 * MS, 0, 1000, Kind::Put)
                .with_item("url_1")
                .with_seq(1),
        ),
        Body::Event(
            Event::new(t0 + 11 * MS, 2, 1002, Kind::Get)
                .with_item("url_1")
                .with_seq(2),
        ),
    ]
}

fn scripted() -> (Scripted, Arc<Mutex<Vec<Command>>>) {
    let commands = Arc::new(Mutex::new(Vec::new()));
    let s = Scripted {
        pending: lesson_start(10_000 * MS).into(),
        n: 0,
        now: 0,
        commands: commands.clone(),
    };
    (s, commands)
}

fn wait_commands(c: &Arc<Mutex<Vec<Command>>>, what: &str, f: impl Fn(&[Command]) -> bool) {
    common::wait_until(what, || f(&c.lock().unwrap()));
}

// ------------------------------------------------------------ live keys --

#[test]
fn live_keys_become_commands_and_the_screen_shows_what_the_world_did() {
    let (source, commands) = scripted();
    let run = start(source, Scene::new(cfg()), Controls::new(&cfg(), false), &[]);
    run.wait_for("the three processes show", |s| {
        s.contains("writer-1") && s.contains("writer-2") && s.contains("reader-1")
    });

    run.press(KeyCode::Char('+'));
    wait_commands(&commands, "+ adds a writer", |c| c == [Command::AddWriter]);
    run.wait_text("writer-3");

    run.press(KeyCode::Char(' '));
    wait_commands(&commands, "space freezes", |c| {
        c.last() == Some(&Command::Freeze)
    });
    run.wait_text("FROZEN");

    // No selection: k asks for one and sends nothing.
    run.press(KeyCode::Char('k'));
    run.wait_text("Select a living process first");
    assert_eq!(commands.lock().unwrap().len(), 2);

    // The first process in display order is writer-1 (id 0).
    run.press(KeyCode::Down);
    run.press(KeyCode::Char('k'));
    wait_commands(&commands, "k kills the selected process", |c| {
        c.last() == Some(&Command::Signal(0, Sig::Kill))
    });
    assert_eq!(
        *commands.lock().unwrap(),
        [
            Command::AddWriter,
            Command::Freeze,
            Command::Signal(0, Sig::Kill)
        ]
    );

    run.press(KeyCode::Char('q'));
    let source = run.ended();
    assert!(source.pending.is_empty());
}

#[test]
fn help_opens_with_question_mark_and_esc_closes_it_without_quitting() {
    let (source, commands) = scripted();
    let run = start(source, Scene::new(cfg()), Controls::new(&cfg(), false), &[]);
    run.wait_text("reader-1");
    run.press(KeyCode::Char('?'));
    run.wait_text("Keys (? or Esc to close)");
    run.press(KeyCode::Esc);
    run.wait_for("the help closes", |s| {
        !s.contains("Keys (? or Esc to close)")
    });
    // Esc again (nothing open, nothing selected) still does not quit.
    run.press(KeyCode::Esc);
    run.frames_after(3);
    assert!(run.still_running(), "Esc quit the loop");
    run.press(KeyCode::Char('r'));
    wait_commands(&commands, "the loop still takes keys", |c| {
        c == [Command::AddReader]
    });
    run.send(Input::Key(KeyEvent::new(
        KeyCode::Char('c'),
        KeyModifiers::CONTROL,
    )));
    run.ended();
}

// --------------------------------------------------------------- replay --

/// A replay of `rec` as `ipcscope replay` sets it up.
fn replay_of(rec: Recording) -> (Replay, Scene, Controls) {
    let cfg = rec
        .records
        .iter()
        .find_map(|r| match &r.body {
            Body::Run(info) => Some(info.config.clone()),
            _ => None,
        })
        .expect("a run");
    let blank = Scene::new(cfg.clone());
    (
        Replay::new(rec, blank.clone()),
        blank,
        Controls::new(&cfg, true),
    )
}

fn corpus() -> Recording {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus/recordings/queue-lesson.jsonl");
    recording::load(&p).expect("the corpus recording")
}

/// A minute of a made-up run: a put or a get every 100 ms.
fn minute() -> Recording {
    let t0 = 50_000 * MS;
    let mut bodies = lesson_start(t0);
    for k in 0..600u64 {
        let t = t0 + 100 * MS + k * 100 * MS;
        let (id, kind) = if k % 2 == 0 {
            (0, Kind::Put)
        } else {
            (2, Kind::Get)
        };
        bodies.push(Body::Event(
            Event::new(t, id, 1000 + id as i32, kind)
                .with_item(format!("url_{}", k / 2 + 2))
                .with_seq(k + 3),
        ));
    }
    let records = bodies
        .into_iter()
        .enumerate()
        .map(|(n, body)| Record { n: n as u64, body })
        .collect();
    Recording {
        path: "minute.jsonl".into(),
        records,
    }
}

/// The "rec N/M" the timeline shows.
fn records_shown(s: &str) -> Option<(u64, u64)> {
    let at = s.find("rec ")?;
    let (n, rest) = s[at + 4..].split_once('/')?;
    let m: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some((n.parse().ok()?, m.parse().ok()?))
}

#[test]
fn in_a_replay_end_shows_the_last_state_and_dot_and_comma_step_one_event() {
    let rec = corpus();
    let total = rec.records.len() as u64;
    let events: Vec<u64> = rec
        .records
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.body, Body::Event(_)))
        .map(|(i, _)| i as u64)
        .collect();
    let (last, second) = (events[events.len() - 1], events[events.len() - 2]);
    let (replay, scene, controls) = replay_of(rec);
    let run = start(replay, scene, controls, &[KeyCode::End]);
    let end = format!("rec {total}/{total}");
    let s = run.wait_for("the end, paused", |s| {
        s.contains(&end) && s.contains("PAUSE")
    });
    // The last state: the reader terminated, as the transcript ends.
    let gone = "(reader-1) was terminated by SIGTERM.";
    assert!(s.contains(gone), "{s}");

    run.press(KeyCode::Char(','));
    let s = run.wait_text(&format!("rec {last}/{total}"));
    assert!(!s.contains(gone), "one event back undoes the last: {s}");
    run.press(KeyCode::Char(','));
    run.wait_text(&format!("rec {second}/{total}"));
    run.press(KeyCode::Char('.'));
    run.wait_text(&format!("rec {}/{total}", second + 1));
    run.press(KeyCode::Char('.'));
    let s = run.wait_text(&format!("rec {}/{total}", last + 1));
    assert!(s.contains(gone), "{s}");
    assert!(s.contains("PAUSE"), "{s}");
    run.stop();
}

#[test]
fn in_a_replay_space_pauses_and_plays_and_world_keys_say_it_is_a_replay() {
    let rec = minute();
    let total = rec.records.len() as u64;
    let (replay, scene, controls) = replay_of(rec);
    let run = start(replay, scene, controls, &[]);
    run.wait_for("the playhead moves", |s| {
        s.contains("PLAY x1") && records_shown(s).is_some_and(|(n, _)| n > 8)
    });
    run.press(KeyCode::Char(' '));
    let s = run.wait_text("PAUSE x1");
    let (at, of) = records_shown(&s).expect("the record count");
    assert_eq!(of, total);
    // Paused: frames go on (each input redraws), the playhead does not.
    // Playing, 300 ms would move it about three records.
    std::thread::sleep(Duration::from_millis(300));
    run.frames_after(3);
    assert_eq!(records_shown(&run.screen()), Some((at, total)));

    run.press(KeyCode::Char(' '));
    run.wait_for("it plays on", |s| {
        s.contains("PLAY x1") && records_shown(s).is_some_and(|(n, _)| n > at)
    });

    for k in ['+', 'k', 'm', 'n'] {
        run.press(KeyCode::Char(k));
        run.wait_text("This is a replay: what happened cannot be changed.");
    }
    // Speed: x0.1 to x10, and no further.
    for _ in 0..12 {
        run.press(KeyCode::Char('>'));
    }
    run.wait_text(" x10 ");
    for _ in 0..12 {
        run.press(KeyCode::Char('<'));
    }
    run.wait_text(" x0.1 ");
    run.press(KeyCode::Char('q'));
    run.ended();
}

#[test]
fn a_click_on_the_replay_timeline_seeks_there() {
    let rec = minute();
    let total = rec.records.len() as u64;
    // Where clicks land, and what they mean: the same seek on a second
    // replay of the same recording.
    let shape = ipcscope::ui::layout::Shape {
        timeline: true,
        ..Default::default()
    };
    let bar = ipcscope::ui::layout::areas_shaped(Rect::new(0, 0, W, H), shape)
        .and_then(|a| a.timeline)
        .expect("a timeline row");
    let (mut oracle, mut oracle_scene, _) = replay_of(rec.clone());
    let mut expect = |x: u16| {
        let f = ipcscope::ui::timeline::fraction_at(bar, x).expect("on the track");
        oracle
            .timeline(TimelineCmd::SeekFraction(f), &mut oracle_scene)
            .unwrap();
        oracle.position().0 as u64
    };
    let cols: Vec<u16> = (bar.x..bar.right())
        .filter(|&x| ipcscope::ui::timeline::fraction_at(bar, x).is_some())
        .collect();
    let (left, mid, right) = (cols[1], cols[cols.len() / 2], cols[cols.len() - 1]);
    let (want_mid, want_left, want_right) = (expect(mid), expect(left), expect(right));
    assert!(want_left < want_mid && want_mid < want_right);
    assert_eq!(want_right, total);

    let (replay, scene, controls) = replay_of(rec);
    // Paused at the start.
    let run = start(replay, scene, controls, &[KeyCode::Char(' ')]);
    run.wait_text("PAUSE");
    for (x, want) in [(mid, want_mid), (left, want_left), (right, want_right)] {
        run.send(Input::Click(x, bar.y));
        run.wait_text(&format!("rec {want}/{total}"));
    }
    // A click elsewhere does not seek.
    run.send(Input::Click(0, 0));
    run.frames_after(2);
    assert!(run.screen().contains(&format!("rec {total}/{total}")));
    run.stop();
}

// ------------------------------------------------- a lesson, on a real run --

/// The processes' PIDs the screen shows in the processes panel.
fn pids_on(screen: &str) -> Vec<i32> {
    screen
        .lines()
        .filter(|l| l.contains("writer-") || l.contains("reader-"))
        .filter_map(|l| {
            l.trim_start_matches(['│', ' '])
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

#[test]
fn a_lesson_on_a_real_run_steps_scenes_freezes_for_its_question_and_reveals_what_the_run_shows() {
    use ipcscope::source::live::Live;
    let lesson = ipcscope::lesson::Library::BuiltIn
        .find("queue")
        .expect("the queue lesson loads")
        .expect("there is a queue lesson")
        .lesson;
    let scenes = lesson.scenes.len();
    let cfg = RunConfig {
        scenario: lesson.scenario.clone(),
        ..cfg()
    };
    let live = Live::start_with_exe(
        &cfg,
        Duration::from_millis(25),
        Vec::new(),
        Some(common::exe().to_path_buf()),
    )
    .expect("the run starts");
    let controls = Controls::for_lesson(&cfg, lesson);
    let run = start(live, Scene::new(cfg.clone()), controls, &[]);
    run.wait_text(&format!("Scene 1/{scenes}"));
    // The program beside the stage, the parent joining its writers.
    run.wait_text("Program: queue_demo.py");
    let first = run.wait_for("the processes are on the screen", |s| pids_on(s).len() == 3);
    let first_pids = pids_on(&first);
    // Scene 1 asks what the parent does, the world frozen: it is blocked
    // in pw1.join(); once a writer ends, the run shows the answer.
    run.wait_text("P■ 44");
    run.press(KeyCode::Char('2'));
    run.wait_text("Right: 2.");

    // Scene 2 restarts the run and asks: the real world freezes.
    run.press(KeyCode::PageDown);
    run.wait_text(&format!("Scene 2/{scenes}"));
    let asked = run.wait_for("the question freezes the new run", |s| {
        let pids = pids_on(s);
        s.contains("FROZEN")
            && s.contains("Answer with 1-3")
            && pids.len() == 3
            && pids.iter().all(|p| !first_pids.contains(p))
    });
    assert!(
        pids_on(&asked).iter().all(|p| !first_pids.contains(p)),
        "scene 2's setup restarted the run:\n{asked}"
    );
    // The class answers 1 (wrong): the world runs until the reader has got
    // the six urls, and the caption says so, with why.
    run.press(KeyCode::Char('1'));
    run.wait_text("The class chose 1");
    let shown = run.wait_text("Not 1: the run shows 2.");
    assert!(shown.contains("first in, first out"), "{shown}");
    assert!(!shown.contains("FROZEN"), "{shown}");

    // Back, and forward again: scene 2's setup again (a new run, frozen);
    // the teacher skips the question and the run still shows the answer.
    run.press(KeyCode::PageUp);
    run.wait_text(&format!("Scene 1/{scenes}"));
    let second_pids = pids_on(&asked);
    run.press(KeyCode::PageDown);
    run.wait_for("scene 2 is asked again, on a new run", |s| {
        let pids = pids_on(s);
        s.contains(&format!("Scene 2/{scenes}"))
            && s.contains("Answer with 1-3")
            && pids.len() == 3
            && pids.iter().all(|p| !second_pids.contains(p))
    });
    run.press(KeyCode::Char('s'));
    run.wait_text("Question skipped");
    run.wait_text("The run shows 2.");

    // Scene 3: the reader is left in get(); the right answer.
    run.press(KeyCode::PageDown);
    run.wait_text(&format!("Scene 3/{scenes}"));
    run.wait_text("Answer with 1-3");
    run.press(KeyCode::Char('2'));
    run.wait_text("Right: 2.");

    // The last scene: the parent terminates the reader, for real.
    for _ in 3..scenes {
        run.press(KeyCode::PageDown);
    }
    run.wait_text("last scene");
    run.wait_text("terminated by SIGTERM");
    run.press(KeyCode::Char('q'));
    let mut live = run.ended();
    live.shutdown(&mut Scene::new(cfg));
}
