//! ipcscope: real processes, a real cross-process Queue, Pipe and shared
//! Value/Array with Python `multiprocessing`'s contract, and the tools that
//! make them visible.

pub mod bench;
pub mod child;
pub mod cli;
pub mod config;
pub mod demo;
pub mod headless;
pub mod ipc;
pub mod proc;
pub mod telemetry;
