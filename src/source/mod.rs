//! Where the model's records come from: the seam between the world and the
//! model. **Live** runs the real processes (the supervisor) and records the
//! stream as it goes; **Replay** plays a recording back with a timeline;
//! **Attach** watches a real Python program (`ipcscope run`), its
//! instrumentation reporting in the same wire format. The visualizer's loop is generic over this
//! trait and cannot tell them apart.

pub mod attach;
pub mod live;
pub mod replay;

use std::time::Duration;

use crate::model::{Hint, Scene, Timeline, TimelineCmd};
use crate::stream::Command;

/// A source of records, and the way commands go back to the world.
pub trait Source {
    /// Folds into `scene` the records that are due — what arrived (live),
    /// or what the playhead passed (replay) — spending at most `budget`.
    /// Returns whether the scene changed.
    fn advance(&mut self, scene: &mut Scene, budget: Duration) -> bool;

    /// Carries out a command on the world; a replay answers with a hint
    /// (the past cannot change).
    fn command(&mut self, c: Command, scene: &mut Scene) -> Result<(), Hint>;

    /// Steers a replay's timeline (rebuilding `scene` when it seeks); a live
    /// run (the default) answers with a hint.
    fn timeline(&mut self, _t: TimelineCmd, _scene: &mut Scene) -> Result<(), Hint> {
        Err(Hint::NotAReplay)
    }

    /// The timeline to draw, for a replay (a live run has none).
    fn timeline_view(&self) -> Option<Timeline> {
        None
    }

    /// The view's clock (CLOCK_MONOTONIC ns): now, or the playhead.
    fn clock_ns(&self) -> u64;

    /// A problem to tell the user once (e.g. a recording that could not be
    /// written).
    fn take_problem(&mut self) -> Option<String>;

    /// Stops whatever runs (idempotent).
    fn shutdown(&mut self, scene: &mut Scene);
}
