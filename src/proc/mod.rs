//! Processes: spawning, signals, reaping and the kernel's view of them. The
//! only module that sends signals.

pub mod probe;
pub mod spawn;
