//! The stream: the one input of the model. A run is a sequence of
//! [`Record`]s — the run's description, events (what a process did),
//! observations (what the supervisor read off the real objects and the
//! kernel) and ticks (time passing) — each numbered in one global order.
//! The live supervisor, a recording on disk and (later) an instrumented
//! Python program all produce the same records, so the model cannot tell
//! them apart. Pure data: no OS, no clock.

pub mod command;
pub mod event;
pub mod lesson;
pub mod observation;
pub mod program;
pub mod record;
pub mod run;

pub use command::{Command, Sig};
pub use event::{Attempt, PipeCall, PipeEnd, WaitLink};
pub use event::{
    Ended, Event, Kind, Note, ObjectId, ProcId, Role, SIGKILL, SIGTERM, SUPERVISOR, Stuck,
};
pub use observation::{
    CellView, Holder, KernelRow, KernelWait, ObjectView, Observation, PipeView, ProcCounters,
    QueueView, QueuedView, TelemetryView, ValueView,
};
pub use program::{At, ObjKind, ObjectInfo, ProgramConfig, ProgramNote, ProgramOp};
pub use record::{Body, Record, RunInfo};
