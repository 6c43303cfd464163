//! ipcscope's entry point: parse the command line and hand over to a mode.

use clap::Parser;

use ipcscope::cli::{Cli, Command};

fn main() {
    let cli = Cli::parse();
    let code = match cli.command {
        None | Some(Command::Demo) => ipcscope::demo::run(),
        Some(Command::Bench(a)) => {
            let opts = ipcscope::bench::BenchOptions {
                python: a.python,
                json: a.json,
                items: a.items,
            };
            match ipcscope::bench::run(&opts) {
                Ok(_) => 0,
                Err(e) => {
                    eprintln!("ipcscope bench: {e}");
                    1
                }
            }
        }
        Some(Command::Child { role }) => ipcscope::child::run(role),
    };
    std::process::exit(code);
}
