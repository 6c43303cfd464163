//! ipcscope's entry point: parse the command line and hand over to a mode.

use ipcscope::cli::{Invocation, parse_args};
use ipcscope::config::Mode;
use ipcscope::lesson::menu::Choice;

fn main() {
    ipcscope::proc::signals::ignore_file_size_limit_signal();
    let code = match parse_args() {
        Invocation::Run(cfg) if matches!(cfg.scenario, ipcscope::config::Scenario::Program(_)) => {
            match cfg.mode {
                Mode::Headless => ipcscope::attach::headless::run(&cfg),
                Mode::Tui => ipcscope::tui::run_program(cfg),
            }
        }
        Invocation::Run(cfg) => match cfg.mode {
            Mode::Headless => ipcscope::headless::run(&cfg),
            Mode::Tui => ipcscope::tui::run(cfg),
        },
        Invocation::Lesson(run) => {
            // Headless, the scenes' captions in the transcript make a handout.
            let cfg = run.run_config();
            match cfg.mode {
                Mode::Headless => ipcscope::headless::lesson(&cfg, &run.lesson),
                Mode::Tui => ipcscope::tui::run_lesson(cfg, run.lesson),
            }
        }
        Invocation::LessonMenu(opts) => {
            // Not on a terminal (a pipe, a script): the listing, never a
            // menu waiting for keys.
            if ipcscope::term::check_tty().is_err() {
                let list = opts.listing();
                ipcscope::lesson::list(&list.library, list.lang)
            } else {
                match ipcscope::tui::choose_lesson(&opts) {
                    Ok(Choice::Open(lesson)) => {
                        let run = opts.run(*lesson);
                        ipcscope::tui::run_lesson(run.run_config(), run.lesson)
                    }
                    Ok(Choice::Quit) => 0,
                    Err(code) => code,
                }
            }
        }
        Invocation::LessonList(opts) => ipcscope::lesson::list(&opts.library, opts.lang),
        Invocation::LessonCheck(opts) => ipcscope::lesson::check(&opts.file, opts.lang),
        Invocation::Replay(opts) => ipcscope::headless::replay(&opts),
        Invocation::Export(opts) => ipcscope::recording::export::run(&opts),
        Invocation::Bench(opts) => match ipcscope::bench::run(&opts) {
            Ok(_) => 0,
            Err(e) => {
                use std::io::Write;
                let _ = writeln!(std::io::stderr(), "ipcscope bench: {e}");
                1
            }
        },
        Invocation::Child(role) => ipcscope::child::run(role),
    };
    std::process::exit(code);
}
