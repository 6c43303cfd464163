//! Telemetry: how what the children do travels to the supervisor without
//! ever stalling them (the wire), and how the supervisor merges it with its
//! own records into one ordered stream (the collector).

pub mod clock;
pub mod collect;
pub mod wire;

pub use clock::now_ns;
