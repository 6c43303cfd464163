//! ipcscope's entry point: parse the command line and hand over to a mode.

use ipcscope::cli::{Invocation, parse_args};
use ipcscope::config::Mode;

fn main() {
    ipcscope::proc::signals::ignore_file_size_limit_signal();
    let code = match parse_args() {
        Invocation::Run(cfg) => match cfg.mode {
            Mode::Headless => ipcscope::headless::run(&cfg),
            Mode::Tui => ipcscope::tui::run(cfg),
        },
        Invocation::Lesson(run) => {
            // Headless, the scenes make a handout before the transcript.
            let cfg = run.run_config();
            match cfg.mode {
                Mode::Headless => {
                    use std::io::Write;
                    let mut out = std::io::stdout();
                    for line in ipcscope::lesson::handout(&run.lesson, run.lang) {
                        let _ = writeln!(out, "{line}");
                    }
                    ipcscope::headless::run(&cfg)
                }
                Mode::Tui => ipcscope::tui::run_lesson(cfg, run.lesson),
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
