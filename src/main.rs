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
