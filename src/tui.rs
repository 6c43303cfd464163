//! The visualizer's impure loop: input, the source's records and a frame
//! tick go in; the scene and the controls are updated; the screen is drawn
//! when something changed or moves. Keys are read first, so a flood of
//! records never starves them. Generic over the source (live, replay) and
//! over ratatui's backend, so tests drive the real loop on a `TestBackend`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossbeam_channel::{Receiver, select};
use ratatui::backend::Backend;
use ratatui::crossterm::event::{
    self, Event as TermEvent, KeyEvent, KeyEventKind, MouseButton, MouseEventKind,
};
use ratatui::layout::{Position, Rect};
use ratatui::{Terminal, TerminalOptions, Viewport};

use crate::config::{Lang, RunConfig};
use crate::model::{Controls, Effect, Hint, Intent, Scene, TimelineCmd, View};
use crate::source::Source;
use crate::source::live::Live;
use crate::source::replay::Replay;
use crate::text::words;
use crate::ui::{self, keys, layout, theme::Theme};

/// Frame period (about 30 fps) while something moves.
const FRAME: Duration = Duration::from_millis(33);
/// Telemetry ordering window: short, so the view stays within ~100 ms.
const WINDOW: Duration = Duration::from_millis(25);
/// Most time spent folding in records before input is read again.
const BUDGET: Duration = Duration::from_millis(8);

/// Input the loop cares about.
#[derive(Debug, Clone)]
pub enum Input {
    Key(KeyEvent),
    Click(u16, u16),
    Resize,
}

/// Runs the visualizer on the live scenario, in the configuration's
/// language; returns the exit code.
pub fn run(cfg: RunConfig) -> i32 {
    let mut controls = Controls::new(&cfg, false);
    controls.programs = crate::lesson::programs();
    run_live(cfg, controls)
}

/// Teaches `lesson` on its live scenario (`cfg`): the caption bar, the
/// program beside the stage, scene keys; returns the exit code.
pub fn run_lesson(cfg: RunConfig, lesson: crate::stream::lesson::Lesson) -> i32 {
    let controls = Controls::for_lesson(&cfg, lesson);
    run_live(cfg, controls)
}

fn run_live(cfg: RunConfig, mut controls: Controls) -> i32 {
    crate::text::set_lang(cfg.lang);
    controls.set_classroom(cfg.classroom);
    if let Err(e) = crate::term::check_tty() {
        return fail(&e, 2);
    }
    // Watched before any child starts: a signal from now on stops the run
    // the orderly way.
    let stop = match crate::proc::signals::stop_flag() {
        Ok(s) => s,
        Err(e) => return fail(&words().cannot_watch_signals(&e), 1),
    };
    let recorders = match crate::headless::recorders(&cfg) {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string(), 2),
    };
    let live = match Live::start(&cfg, WINDOW, recorders) {
        Ok(s) => s,
        Err(e) => return fail(&e.to_string(), 1),
    };
    let scene = Scene::new(cfg.clone());
    on_terminal(live, scene, controls, cfg.ascii, &stop)
}

/// Runs the visualizer on a recording, in `lang` (whatever the recorded
/// run spoke); returns the exit code. A recording without a run is refused
/// before the terminal is looked at, so a bad file gets the same error as
/// with `--headless`.
pub fn run_replay(rec: crate::recording::Recording, ascii: bool, lang: Lang) -> i32 {
    crate::text::set_lang(lang);
    let Some(cfg) = rec.records.iter().find_map(|r| match &r.body {
        crate::stream::Body::Run(info) => Some(info.config.clone()),
        _ => None,
    }) else {
        return fail(&words().no_run(&rec.path), 2);
    };
    if let Err(e) = crate::term::check_tty() {
        return fail(&e, 2);
    }
    let stop = match crate::proc::signals::stop_flag() {
        Ok(s) => s,
        Err(e) => return fail(&words().cannot_watch_signals(&e), 1),
    };
    let blank = Scene::new(cfg.clone());
    let replay = Replay::new(rec, blank.clone());
    let controls = Controls::new(&cfg, true);
    on_terminal(replay, blank, controls, ascii, &stop)
}

fn fail(msg: &str, code: i32) -> i32 {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "ipcscope: {msg}");
    code
}

/// Sets up the terminal, runs the loop, restores the terminal.
fn on_terminal<S: Source>(
    mut source: S,
    mut scene: Scene,
    controls: Controls,
    ascii: bool,
    stop: &AtomicBool,
) -> i32 {
    let mut terminal = match crate::term::enter() {
        Ok(t) => t,
        Err(e) => {
            source.shutdown(&mut scene);
            return fail(&words().cannot_set_up_terminal(&e), 1);
        }
    };
    let quit_input = Arc::new(AtomicBool::new(false));
    let input = input_thread(quit_input.clone());
    let theme = Theme::new(ascii);
    let mut controls = controls;
    let result = event_loop(
        &mut terminal,
        &mut source,
        &input,
        stop,
        &theme,
        &mut scene,
        &mut controls,
    );
    quit_input.store(true, Ordering::Release);
    source.shutdown(&mut scene);
    crate::term::leave();
    match result {
        Ok(_) => 0,
        Err(e) => fail(&e.to_string(), 1),
    }
}

/// Reads terminal input on its own thread (key presses and left clicks).
fn input_thread(quit: Arc<AtomicBool>) -> Receiver<Input> {
    let (tx, rx) = crossbeam_channel::unbounded();
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            while !quit.load(Ordering::Acquire) {
                match event::poll(Duration::from_millis(100)) {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(_) => break,
                }
                let msg = match event::read() {
                    Ok(TermEvent::Key(k)) if k.kind == KeyEventKind::Press => Input::Key(k),
                    Ok(TermEvent::Mouse(m))
                        if m.kind == MouseEventKind::Down(MouseButton::Left) =>
                    {
                        Input::Click(m.column, m.row)
                    }
                    Ok(TermEvent::Resize(..)) => Input::Resize,
                    Ok(_) => continue,
                    Err(_) => break,
                };
                if tx.send(msg).is_err() {
                    break;
                }
            }
        })
        .ok();
    rx
}

/// A terminal for tests: a `TestBackend` of `w`x`h`, fixed size.
pub fn test_terminal(w: u16, h: u16) -> std::io::Result<Terminal<ratatui::backend::TestBackend>> {
    Terminal::with_options(
        ratatui::backend::TestBackend::new(w, h),
        TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, w, h)),
        },
    )
    .map_err(std::io::Error::other)
}

/// The loop: until quit (a key, or `stop` raised by a signal) or the input
/// is gone.
pub fn event_loop<B: Backend, S: Source>(
    terminal: &mut Terminal<B>,
    source: &mut S,
    input: &Receiver<Input>,
    stop: &AtomicBool,
    theme: &Theme,
    scene: &mut Scene,
    controls: &mut Controls,
) -> std::io::Result<()>
where
    B::Error: Send + Sync + 'static,
{
    let tick = crossbeam_channel::tick(FRAME);
    let mut frozen_view: Option<Scene> = None;
    let mut dirty = true;
    let mut size = terminal.size().map_err(std::io::Error::other)?;
    loop {
        if stop.load(Ordering::Acquire) {
            break;
        }
        // Input first.
        let mut quit = false;
        while let Ok(i) = input.try_recv() {
            dirty = true;
            quit |= handle(i, size, source, scene, controls);
        }
        if quit {
            break;
        }
        dirty |= source.advance(scene, BUDGET);
        let now = source.clock_ns();
        // A lesson starts its first scene once the run is on the scene,
        // and reveals a question's answer once the run shows it.
        let begin = controls.start_lesson(scene);
        if !begin.is_empty() {
            dirty = true;
            apply(begin, source, scene, controls, now);
        }
        dirty |= controls.follow(scene);
        if let Some(p) = source.take_problem() {
            controls.hint(Hint::Problem { what: p }, now);
        }
        dirty |= controls.expire(now);
        // The frozen view is what is drawn while `f` holds it.
        if controls.view_frozen {
            frozen_view.get_or_insert_with(|| scene.clone());
        } else {
            frozen_view = None;
        }
        let shown = frozen_view.as_ref().unwrap_or(scene);
        let moving = shown.flights.list.iter().any(|f| f.flying(now));
        if dirty || moving {
            let timeline = source.timeline_view();
            let view = View {
                scene: shown,
                controls,
                now_ns: now,
                timeline: timeline.as_ref(),
            };
            terminal
                .draw(|f| ui::draw(f, &view, theme))
                .map_err(std::io::Error::other)?;
            size = terminal.size().map_err(std::io::Error::other)?;
            dirty = false;
        }
        // Wait for something to do.
        select! {
            recv(input) -> i => match i {
                Ok(i) => {
                    dirty = true;
                    if handle(i, size, source, scene, controls) {
                        break;
                    }
                }
                Err(_) => break,
            },
            recv(tick) -> _ => {},
        }
    }
    Ok(())
}

/// Applies one input; true means quit.
fn handle<S: Source>(
    i: Input,
    size: ratatui::layout::Size,
    source: &mut S,
    scene: &mut Scene,
    controls: &mut Controls,
) -> bool {
    let now = source.clock_ns();
    let intent = match i {
        Input::Key(k) => keys::intent_for(k, keys::Keys::of(controls)),
        Input::Click(x, y) => click(x, y, size, scene, controls, source),
        Input::Resize => None,
    };
    let Some(intent) = intent else {
        return false;
    };
    let effects = controls.update(scene, intent, now);
    apply(effects, source, scene, controls, now)
}

/// Carries out the controls' effects; true means quit.
fn apply<S: Source>(
    effects: Vec<Effect>,
    source: &mut S,
    scene: &mut Scene,
    controls: &mut Controls,
    now: u64,
) -> bool {
    for fx in effects {
        let r = match fx {
            Effect::Quit => return true,
            Effect::Do(c) => {
                let restart = matches!(c, crate::stream::Command::Restart(_));
                let r = source.command(c, scene);
                if restart && r.is_ok() {
                    controls.restarted();
                }
                r
            }
            Effect::Timeline(t) => source.timeline(t, scene),
        };
        if let Err(h) = r {
            controls.hint(h, now);
        }
    }
    false
}

/// What a left click at (x, y) means: a process row selects it, the
/// timeline seeks.
fn click<S: Source>(
    x: u16,
    y: u16,
    size: ratatui::layout::Size,
    scene: &Scene,
    controls: &Controls,
    source: &S,
) -> Option<Intent> {
    let area = Rect::new(0, 0, size.width, size.height);
    let timeline = source.timeline_view();
    let view = View {
        scene,
        controls,
        now_ns: source.clock_ns(),
        timeline: timeline.as_ref(),
    };
    let a = layout::areas_for(area, &view)?;
    let at = Position::new(x, y);
    if let Some(bar) = a.timeline
        && bar.contains(at)
    {
        let f = ui::timeline::fraction_at(bar, x)?;
        return Some(Intent::Timeline(TimelineCmd::SeekFraction(f)));
    }
    if a.processes.contains(at) {
        return ui::processes::row_at(&view, a.processes, y).map(Intent::Select);
    }
    None
}
