//! The visualizer's impure loop: input, the supervisor's events and a frame
//! tick go in; the model is updated; the screen is drawn when something
//! changed or moves. Keys are read first, so a flood of events never
//! starves them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, select};
use ratatui::crossterm::event::{
    self, Event as TermEvent, KeyEventKind, MouseButton, MouseEventKind,
};

use crate::config::RunConfig;
use crate::model::app::{App, Effect, Intent, Observation};
use crate::supervisor::Supervisor;
use crate::telemetry::trace::TraceWriter;
use crate::ui::{self, keys, layout, theme::Theme};

/// Frame period (about 30 fps) while something moves.
const FRAME: Duration = Duration::from_millis(33);
/// How often the kernel view is sampled.
const KERNEL_EVERY: Duration = Duration::from_millis(100);
/// Telemetry ordering window: short, so the view stays within ~100 ms.
const WINDOW: Duration = Duration::from_millis(25);
/// Most time spent folding in events before input is read again.
const EVENT_BUDGET: Duration = Duration::from_millis(8);

/// Runs the visualizer; returns the exit code.
pub fn run(cfg: RunConfig) -> i32 {
    if let Err(e) = crate::term::check_tty() {
        eprintln!("ipcscope: {e}");
        return 2;
    }
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [libc::SIGTERM, libc::SIGHUP, libc::SIGINT] {
        if let Err(e) = signal_hook::flag::register(sig, stop.clone()) {
            eprintln!("ipcscope: cannot watch signals: {e}");
            return 1;
        }
    }
    let mut trace = match &cfg.trace {
        Some(path) => match TraceWriter::create(path, 0) {
            Ok(t) => Some(t),
            Err(e) => {
                eprintln!(
                    "ipcscope: cannot write the trace file {}: {e}",
                    path.display()
                );
                return 1;
            }
        },
        None => None,
    };
    let mut sup = match Supervisor::start(&cfg, WINDOW) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ipcscope: {e}");
            return 1;
        }
    };
    let mut terminal = match crate::term::enter() {
        Ok(t) => t,
        Err(e) => {
            sup.shutdown();
            eprintln!("ipcscope: cannot set up the terminal: {e}");
            return 1;
        }
    };
    let result = event_loop(&mut terminal, &mut sup, cfg, &stop, &mut trace);
    sup.shutdown();
    if let Some(t) = trace.as_mut() {
        for ev in sup.take_leftover() {
            let _ = t.write(&ev);
        }
    }
    crate::term::leave();
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("ipcscope: {e}");
            1
        }
    }
}

/// Input the loop cares about.
enum Input {
    Key(ratatui::crossterm::event::KeyEvent),
    Click(u16, u16),
    Resize,
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

fn event_loop(
    terminal: &mut ratatui::DefaultTerminal,
    sup: &mut Supervisor,
    cfg: RunConfig,
    stop: &AtomicBool,
    trace: &mut Option<TraceWriter>,
) -> std::io::Result<()> {
    if let Some(t) = trace.as_mut() {
        t.set_start(sup.start_ns());
    }
    let theme = Theme::new(cfg.ascii);
    let quit_input = Arc::new(AtomicBool::new(false));
    let input = input_thread(quit_input.clone());
    let tick = crossbeam_channel::tick(FRAME);
    let mut app = App::new(cfg);
    app.set_start_ns(sup.start_ns());
    let mut started = Instant::now();
    let mut last_kernel = Instant::now() - KERNEL_EVERY;
    let mut frozen_view: Option<App> = None;
    let mut size = terminal.size()?;
    let result = loop {
        if stop.load(Ordering::Acquire) {
            break Ok(());
        }
        // Input first.
        let mut effects = Vec::new();
        while let Ok(i) = input.try_recv() {
            effects.extend(handle_input(&mut app, i, size));
        }
        // Then events, within a time budget (the rest waits for the next turn).
        let budget = Instant::now() + EVENT_BUDGET;
        while Instant::now() < budget {
            match sup.events().try_recv() {
                Ok(ev) => feed(&mut app, sup, trace, &ev)?,
                Err(_) => break,
            }
        }
        if let Some(e) = apply_effects(&mut app, sup, effects, &mut started, trace)? {
            break Ok(e);
        }
        if app.quit {
            break Ok(());
        }
        // Observe the real objects; the kernel view less often.
        let now_ms = started.elapsed().as_millis() as u64;
        app.tick(now_ms);
        let sample_kernel = last_kernel.elapsed() >= KERNEL_EVERY;
        if sample_kernel {
            last_kernel = Instant::now();
        }
        app.observe(observe(sup, sample_kernel));
        // The frozen view is what is drawn while `f` holds it.
        if app.view_frozen {
            let fv = frozen_view.get_or_insert_with(|| app.clone());
            fv.view_frozen = true;
            fv.help = app.help;
            fv.dirty = app.dirty;
        } else {
            frozen_view = None;
        }
        if app.dirty || app.animating() {
            let shown = frozen_view.as_ref().unwrap_or(&app);
            terminal.draw(|f| ui::draw(f, shown, &theme))?;
            app.dirty = false;
            size = terminal.size()?;
        }
        // Wait for something to do.
        select! {
            recv(input) -> i => if let Ok(i) = i {
                let fx = handle_input(&mut app, i, size);
                if apply_effects(&mut app, sup, fx, &mut started, trace)?.is_some() || app.quit {
                    break Ok(());
                }
            },
            recv(sup.events()) -> ev => if let Ok(ev) = ev {
                feed(&mut app, sup, trace, &ev)?;
            },
            recv(tick) -> _ => {},
        }
    };
    quit_input.store(true, Ordering::Release);
    result
}

fn handle_input(app: &mut App, i: Input, size: ratatui::layout::Size) -> Vec<Effect> {
    match i {
        Input::Key(k) => keys::intent_for(k, app.help)
            .map(|intent| app.update(intent))
            .unwrap_or_default(),
        Input::Click(x, y) => {
            let area = ratatui::layout::Rect::new(0, 0, size.width, size.height);
            match layout::areas(area) {
                Some(a) if a.processes.contains(ratatui::layout::Position::new(x, y)) => {
                    match ui::processes::row_at(app, a.processes, y) {
                        Some(id) => app.update(Intent::Select(id)),
                        None => Vec::new(),
                    }
                }
                _ => Vec::new(),
            }
        }
        Input::Resize => {
            app.dirty = true;
            Vec::new()
        }
    }
}

/// Carries out effects; `Some(())` means quit.
fn apply_effects(
    app: &mut App,
    sup: &mut Supervisor,
    effects: Vec<Effect>,
    started: &mut Instant,
    trace: &mut Option<TraceWriter>,
) -> std::io::Result<Option<()>> {
    for fx in effects {
        match fx {
            Effect::Quit => return Ok(Some(())),
            Effect::Do(c) => sup.send(c),
            Effect::Restart(cfg) => {
                sup.shutdown();
                if let Some(t) = trace.as_mut() {
                    for ev in sup.take_leftover() {
                        t.write(&ev)?;
                    }
                }
                *sup = Supervisor::start(&cfg, WINDOW).map_err(std::io::Error::other)?;
                // The trace goes on in the same file; times restart at 0.
                if let Some(t) = trace.as_mut() {
                    t.set_start(sup.start_ns());
                }
                *started = Instant::now();
                app.now_ms = 0;
                app.restarted(&cfg);
                app.set_start_ns(sup.start_ns());
                if (app.slow_motion - 1.0).abs() > f64::EPSILON {
                    sup.send(crate::supervisor::Command::SetSlowMotion(app.slow_motion));
                }
            }
        }
    }
    Ok(None)
}

/// Folds one event into the model and the trace file.
fn feed(
    app: &mut App,
    sup: &Supervisor,
    trace: &mut Option<TraceWriter>,
    ev: &crate::telemetry::event::Event,
) -> std::io::Result<()> {
    let t_ms = ev.t_ns.saturating_sub(sup.start_ns()) / 1_000_000;
    app.apply_event(ev, t_ms);
    if let Some(t) = trace.as_mut() {
        t.write(ev)?;
    }
    Ok(())
}

fn observe(sup: &Supervisor, kernel: bool) -> Observation {
    let t = sup.telemetry();
    Observation {
        queue: sup.queue_snapshot(256),
        kernel: kernel.then(|| sup.kernel_view()),
        pipe: if kernel { sup.pipe_stats() } else { None },
        value: sup.value(),
        lag_ms: t.last_lag_ns.load(Ordering::Relaxed) / 1_000_000,
        dropped: sup.dropped_events(),
        late: t.late.load(Ordering::Relaxed),
        frozen: sup.frozen(),
    }
}
