//! The command line (clap): scenarios, the benchmark and the hidden child
//! roles.

use clap::{Parser, Subcommand};

use crate::child::Role;

#[derive(Debug, Parser)]
#[command(
    name = "ipcscope",
    version,
    about = "See inter-process communication: real processes, a real Queue, Pipe and shared Value, live"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// A short real demonstration: a writer and a reader process through the queue.
    Demo,
    /// Measure our Queue and Pipe (optionally against Python's multiprocessing).
    Bench(BenchArgs),
    /// Internal: run as a child process role.
    #[command(name = "__child", hide = true)]
    Child {
        #[command(subcommand)]
        role: Role,
    },
}

#[derive(Debug, clap::Args)]
pub struct BenchArgs {
    /// Also run the Python baseline (multiprocessing.Queue / Pipe) and print ratios.
    #[arg(long)]
    pub python: bool,
    /// Print one JSON object per case.
    #[arg(long)]
    pub json: bool,
    /// Items per case (default: sized per case).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    pub items: Option<u64>,
}
