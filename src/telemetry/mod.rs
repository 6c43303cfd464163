//! Telemetry: what children report, how it travels without ever stalling
//! them, and how the supervisor merges it into one ordered event stream.

pub mod collect;
pub mod event;
pub mod trace;
pub mod wire;
