//! Processes: spawning, signals, reaping and the kernel's view of them.

pub mod probe;
