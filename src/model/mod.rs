//! The model: pure state built from the stream's records (the scene) and
//! the user's intents (the controls). No terminal, no OS, no clock, no
//! randomness: its only inputs are records, intents and the time as a
//! number. Its `use` lines name only the stream, std and its own files
//! (a test keeps it so).

pub mod code;
pub mod controls;
pub mod digest;
pub mod flights;
pub mod guide;
pub mod kernel;
pub mod notice;
pub mod parent;
pub mod policy;
pub mod program;
pub mod race;
pub mod scene;
pub mod timeline;
pub mod waits;
pub mod world;

pub use controls::{Controls, Effect, Hint, Intent, ScenarioKind, TimelineCmd};
pub use scene::Scene;
pub use timeline::Timeline;

/// What one frame draws: the scene (live, replayed, or the frozen view's
/// copy), the user's controls, the view's clock for animations, and the
/// replay's timeline when there is one.
#[derive(Clone, Copy)]
pub struct View<'a> {
    pub scene: &'a Scene,
    pub controls: &'a Controls,
    /// CLOCK_MONOTONIC ns the frame is drawn at (the playhead in a replay).
    pub now_ns: u64,
    pub timeline: Option<&'a Timeline>,
}

impl View<'_> {
    /// The scenario being shown.
    pub fn scenario(&self) -> ScenarioKind {
        ScenarioKind::of(&self.scene.cfg.scenario)
    }
}

#[cfg(test)]
mod tests {
    /// The model's `use` lines name only the stream module, std and its own
    /// files: no OS, terminal or supervisor type can creep in.
    #[test]
    fn the_model_depends_only_on_the_stream_std_and_itself() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model");
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for line in text.lines().map(str::trim) {
                let Some(rest) = line.strip_prefix("use ") else {
                    continue;
                };
                let ok = [
                    "std::",
                    "super::",
                    "self::",
                    "crate::stream",
                    "crate::config",
                ]
                .iter()
                .any(|p| rest.starts_with(p))
                    || rest.starts_with("crate::model");
                assert!(ok, "{}: `{line}`", path.display());
            }
        }
    }
}
