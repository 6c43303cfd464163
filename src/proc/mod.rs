//! Processes: spawning, signals, reaping and the kernel's view of them. The
//! only module that sends signals, registers signal handlers, or reads
//! /proc.

pub mod fds;
pub mod probe;
pub mod signals;
pub mod spawn;
pub mod tree;
