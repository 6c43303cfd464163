//! ipcscope: real processes, a real cross-process Queue, Pipe and shared
//! Value/Array with Python `multiprocessing`'s contract, and the tools that
//! make them visible.

pub mod attach;
pub mod bench;
pub mod child;
/// The run's description (scenarios, settings, defaults): part of the
/// stream, so it lives there; `config` is its everyday name.
pub use stream::run as config;
pub mod cli;
pub mod control;
pub mod headless;
pub mod ipc;
pub mod lesson;
pub mod model;
pub mod outfile;
pub mod proc;
pub mod recording;
pub mod source;
pub mod stream;
pub mod supervisor;
pub mod telemetry;
pub mod term;
pub mod text;
pub mod tui;
pub mod ui;
