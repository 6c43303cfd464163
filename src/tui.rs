//! The visualizer's impure loop: input, the source's records and a frame
//! tick go in; the scene and the controls are updated; the screen is drawn
//! when something changed or moves. Keys are read first, so a flood of
//! records never starves them. Generic over the source (live, replay) and
//! over ratatui's backend, so tests drive the real loop on a `TestBackend`.
//! Also the lesson menu's loop ([`choose_lesson`]), which ends before the
//! lesson chosen starts.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crossbeam_channel::{Receiver, select};
use ratatui::backend::Backend;
use ratatui::crossterm::event::{
    self, Event as TermEvent, KeyEvent, KeyEventKind, MouseButton, MouseEventKind,
};
use ratatui::layout::{Position, Rect};
use ratatui::{Terminal, TerminalOptions, Viewport};

use crate::config::{Lang, RunConfig};
use crate::lesson::menu::{Choice, Menu, MenuIntent};
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
/// How often the lesson menu looks at the stop flag while no key comes.
const MENU_TICK: Duration = Duration::from_millis(100);

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

/// Watches someone's Python program (`ipcscope run`): its source beside
/// the stage, each process on its line; returns the exit code (the
/// program's own is told on screen).
pub fn run_program(cfg: RunConfig) -> i32 {
    crate::text::set_lang(cfg.lang);
    let mut controls = Controls::new(&cfg, false);
    controls.set_classroom(cfg.classroom);
    controls.code = true;
    if let Err(e) = crate::term::check_tty() {
        return fail(&e, 2);
    }
    let stop = match crate::proc::signals::stop_flag() {
        Ok(s) => s,
        Err(e) => return fail(&words().cannot_watch_signals(&e), 1),
    };
    let recorders = match crate::headless::recorders(&cfg) {
        Ok(r) => r,
        Err(e) => return fail(&e.to_string(), 2),
    };
    let source = match crate::source::attach::AttachSource::start(&cfg, WINDOW, recorders, None) {
        Ok(s) => s,
        Err(e) => return fail(&e.to_string(), 2),
    };
    let scene = Scene::new(cfg.clone());
    on_terminal(source, scene, controls, cfg.ascii, &stop)
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

/// Shows the lessons of `library` in a menu, speaking `lang`, until one is
/// chosen or the menu is left (q, Esc, Ctrl-C, a signal); the terminal is
/// restored either way. `Err` is the exit code, its reason printed: a
/// folder that cannot be read (2), no terminal (2), a terminal that cannot
/// be set up (1).
pub fn choose_lesson(opts: &crate::cli::LessonMenuOptions) -> Result<Choice, i32> {
    crate::text::set_lang(opts.lang);
    let mut menu = Menu::load(&opts.library).map_err(|e| fail(&e.to_string(), 2))?;
    crate::term::check_tty().map_err(|e| fail(&e, 2))?;
    let stop = crate::proc::signals::stop_flag()
        .map_err(|e| fail(&words().cannot_watch_signals(&e), 1))?;
    let mut terminal =
        crate::term::enter().map_err(|e| fail(&words().cannot_set_up_terminal(&e), 1))?;
    let quit_input = Arc::new(AtomicBool::new(false));
    let (input, reader) = input_thread(quit_input.clone());
    let theme = Theme::new(opts.ascii).with_contrast(opts.classroom);
    let chosen = menu_loop(
        &mut terminal,
        &mut menu,
        &input,
        &stop,
        &theme,
        opts.classroom,
    );
    // The reader ends before a lesson starts its own, so it takes no key
    // meant for the lesson.
    quit_input.store(true, Ordering::Release);
    if let Some(r) = reader {
        let _ = r.join();
    }
    crate::term::leave();
    chosen.map_err(|e| fail(&e.to_string(), 1))
}

/// The menu's loop: draws the menu when something changed, applies each
/// key and click, until a choice; `stop` (a signal) or the input gone
/// chooses nothing.
pub fn menu_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    menu: &mut Menu,
    input: &Receiver<Input>,
    stop: &AtomicBool,
    theme: &Theme,
    classroom: bool,
) -> std::io::Result<Choice>
where
    B::Error: Send + Sync + 'static,
{
    let tick = crossbeam_channel::tick(MENU_TICK);
    let mut dirty = true;
    loop {
        if stop.load(Ordering::Acquire) {
            return Ok(Choice::Quit);
        }
        if dirty {
            terminal
                .draw(|f| ui::menu::render(menu, theme, f.area(), f.buffer_mut()))
                .map_err(std::io::Error::other)?;
            dirty = false;
        }
        select! {
            recv(input) -> i => {
                let Ok(i) = i else {
                    return Ok(Choice::Quit);
                };
                dirty = true;
                let intent = match i {
                    Input::Key(k) => keys::menu_intent_for(k, classroom),
                    Input::Click(x, y) => {
                        let s = terminal.size().map_err(std::io::Error::other)?;
                        let area = Rect::new(0, 0, s.width, s.height);
                        ui::menu::row_at(menu, area, x, y).map(MenuIntent::Select)
                    }
                    Input::Resize => None,
                };
                if let Some(c) = intent.and_then(|i| menu.on(i)) {
                    return Ok(c);
                }
            },
            recv(tick) -> _ => {},
        }
    }
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
    let (input, _reader) = input_thread(quit_input.clone());
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

/// Reads terminal input on its own thread (key presses and left clicks)
/// until `quit` is raised (it looks every 100 ms) or the receiver is gone.
fn input_thread(quit: Arc<AtomicBool>) -> (Receiver<Input>, Option<JoinHandle<()>>) {
    let (tx, rx) = crossbeam_channel::unbounded();
    let reader = std::thread::Builder::new()
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
    (rx, reader)
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

#[cfg(test)]
mod tests {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

    use super::*;

    fn key(c: KeyCode) -> Input {
        Input::Key(KeyEvent::new(c, KeyModifiers::NONE))
    }

    /// Runs the menu's loop on a 100x30 `TestBackend` over `inputs` (the
    /// input then gone); its choice and the last screen drawn.
    fn menu_after(inputs: Vec<Input>, stop: bool) -> (Choice, String) {
        let mut menu = Menu::load(&crate::lesson::Library::BuiltIn).unwrap();
        let mut terminal = test_terminal(100, 30).unwrap();
        let (tx, rx) = crossbeam_channel::unbounded();
        for i in inputs {
            tx.send(i).unwrap();
        }
        drop(tx);
        let stop = AtomicBool::new(stop);
        let chosen =
            menu_loop(&mut terminal, &mut menu, &rx, &stop, &Theme::plain(), false).unwrap();
        let screen = crate::ui::testkit::buffer_text(terminal.backend().buffer());
        (chosen, screen)
    }

    fn opened(c: Choice) -> String {
        match c {
            Choice::Open(l) => l.name,
            Choice::Quit => panic!("nothing was opened"),
        }
    }

    #[test]
    fn menu_loop_down_and_enter_open_the_second_lesson() {
        let (c, screen) = menu_after(vec![key(KeyCode::Down), key(KeyCode::Enter)], false);
        assert_eq!(opened(c), "maxsize");
        assert!(screen.contains("▸  2 maxsize"), "{screen}");
    }

    #[test]
    fn menu_loop_quits_on_q_esc_ctrl_c_a_signal_or_no_input() {
        let ctrl_c = Input::Key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        for quit in [key(KeyCode::Char('q')), key(KeyCode::Esc), ctrl_c] {
            let (c, _) = menu_after(
                vec![key(KeyCode::Down), quit.clone(), key(KeyCode::Enter)],
                false,
            );
            assert_eq!(c, Choice::Quit, "{quit:?}");
        }
        let (c, _) = menu_after(vec![key(KeyCode::Enter)], true);
        assert_eq!(c, Choice::Quit, "a signal before any key");
        let (c, screen) = menu_after(vec![key(KeyCode::End)], false);
        assert_eq!(c, Choice::Quit, "the input gone");
        assert!(screen.contains("▸ 12 join_before_drain"), "{screen}");
    }

    #[test]
    fn menu_loop_click_selects_the_row_drawn_there() {
        // The list's frame, its headings, then lesson 1 on row 2.
        let (c, _) = menu_after(vec![Input::Click(10, 5), key(KeyCode::Enter)], false);
        assert_eq!(opened(c), "pipe");
        let (c, _) = menu_after(
            vec![Input::Click(10, 0), Input::Resize, key(KeyCode::Enter)],
            false,
        );
        assert_eq!(opened(c), "queue", "a click on the frame selects nothing");
    }
}
