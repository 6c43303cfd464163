//! `ipcscope run --headless`: the program's own output and ipcscope's
//! lines about it, in the order they happened, then a summary; ipcscope's
//! exit status is the program's (128 + N when a signal N ended it). A
//! program that can never end by itself (every process blocked) is
//! stopped, and said so; so is one past `--timeout`, or one ipcscope is
//! asked to stop (SIGINT, SIGTERM, SIGHUP).

use std::io::Write;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::Attach;
use crate::config::RunConfig;
use crate::model::Scene;
use crate::recording::Recorder;
use crate::stream::{Body, Ended, Kind, Note, ProgramNote, ProgramOp, Record};
use crate::text;

/// How long records are held to print them in order.
const WINDOW: Duration = Duration::from_millis(100);

/// Runs the program; returns ipcscope's exit code.
pub fn run(cfg: &RunConfig) -> i32 {
    run_with_exe(cfg, None)
}

/// As [`run`], the guard re-executed from `exe` (tests).
pub fn run_with_exe(cfg: &RunConfig, exe: Option<std::path::PathBuf>) -> i32 {
    text::set_lang(cfg.lang);
    let err = |e: &dyn std::fmt::Display, code| {
        let _ = writeln!(std::io::stderr(), "ipcscope: {e}");
        code
    };
    let stop = match crate::proc::signals::stop_flag() {
        Ok(s) => s,
        Err(e) => return err(&text::words().cannot_watch_signals(&e), 1),
    };
    crate::proc::spawn::registry::install_panic_hook();
    let recorders = match crate::headless::recorders(cfg) {
        Ok(r) => r,
        Err(e) => return err(&e, 2),
    };
    let mut attach = match Attach::start(cfg, WINDOW, exe) {
        Ok(a) => a,
        Err(e) => return err(&e, 2),
    };
    let mut p = Printer {
        scene: Scene::new(cfg.clone()),
        cx: text::Context::for_run(cfg),
        n: 0,
        recorders,
        closed: false,
    };
    let mut stopped = false;
    loop {
        match attach.records().recv_timeout(Duration::from_millis(50)) {
            Ok(body) => {
                let stuck = matches!(&body, Body::Event(e) if matches!(
                    &e.kind,
                    Kind::Program(ProgramOp::Note {
                        note: ProgramNote::AllBlocked { .. }
                    })
                ));
                p.take(body);
                if stuck && !stopped {
                    // Headless, nobody can unblock it: end it.
                    stopped = true;
                    attach.stop(None);
                }
            }
            Err(crossbeam_channel::RecvTimeoutError::Timeout) => {}
            Err(crossbeam_channel::RecvTimeoutError::Disconnected) => break,
        }
        if p.closed && !stopped {
            stopped = true;
            attach.stop(None);
        }
        if stop.load(Ordering::Acquire) && !stopped {
            stopped = true;
            attach.stop(Some(Kind::Note {
                note: Note::Interrupted,
            }));
        }
    }
    attach.shutdown();
    for b in attach.take_leftover() {
        p.take(b);
    }
    for r in &mut p.recorders {
        r.finish();
    }
    let lines = crate::headless::summary_lines(&p.scene);
    for l in lines {
        p.print(&l);
    }
    exit_code(attach.main_ended())
}

/// ipcscope's exit status for how the program ended.
pub fn exit_code(e: Option<Ended>) -> i32 {
    match e {
        Some(Ended::Code(c)) => c.clamp(0, 255),
        Some(Ended::Signal(s)) => 128 + s,
        None => 1,
    }
}

struct Printer {
    scene: Scene,
    cx: text::Context,
    n: u64,
    recorders: Vec<Recorder>,
    closed: bool,
}

impl Printer {
    fn take(&mut self, body: Body) {
        let rec = Record { n: self.n, body };
        self.n += 1;
        self.scene.apply(&rec);
        // Headless, a recording's gaps are not said line by line.
        for said in crate::recording::record_in(&mut self.recorders, &rec, &mut true) {
            let _ = writeln!(std::io::stderr(), "ipcscope: {said}");
        }
        if let Body::Event(ev) = &rec.body
            && let Some(line) = text::line(ev, &self.scene.world, &self.cx)
        {
            self.print(&line);
        }
    }

    fn print(&mut self, line: &str) {
        if self.closed {
            return;
        }
        let mut o = std::io::stdout().lock();
        if writeln!(o, "{line}").and_then(|_| o.flush()).is_err() {
            self.closed = true;
        }
    }
}
