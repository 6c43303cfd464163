//! The model: pure state built from events (and, for the visualizer, from
//! the user's intents). No terminal, no OS, no clock, no randomness.

pub mod app;
pub mod world;
