//! The command line (clap) — being rewritten.

use crate::bench::BenchOptions;
use crate::child::Role;
use crate::config::RunConfig;

/// What the command line asks for.
#[derive(Debug)]
pub enum Invocation {
    Run(RunConfig),
    Bench(BenchOptions),
    Child(Role),
}

pub fn parse_args() -> Invocation {
    unimplemented!()
}
