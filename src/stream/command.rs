//! What the model can ask of the world: commands go back to the source
//! (the live supervisor carries them out on the real processes; a replay
//! says the past cannot change).

use super::event::ProcId;
use crate::stream::run::RunConfig;

/// The signals the visualizer sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sig {
    Kill,
    Term,
}

/// A change to the real processes.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    AddWriter,
    /// Stops the newest live writer gracefully, between operations.
    RemoveWriter,
    AddReader,
    RemoveReader,
    AddCounter,
    RemoveCounter,
    SetMaxsize(u32),
    /// Delay multiplier for one process.
    SetDelayScale(ProcId, f64),
    /// Slow motion: multiplies every delay.
    SetSlowMotion(f64),
    /// Every child parks between operations, then SIGSTOP.
    Freeze,
    /// Opens the gates, SIGCONT.
    Resume,
    /// While frozen: lets one process perform exactly one operation.
    Step(ProcId),
    /// Sends a signal to a process (its group).
    Signal(ProcId, Sig),
    /// Stops this run and starts this one.
    Restart(Box<RunConfig>),
    /// The parent closes its copy of the pipe's send end (`x`).
    CloseParentEnd,
    /// The process tries the wrong direction on its one-way pipe end (at
    /// its next operation) and reports the error Python raises.
    WrongWay(ProcId),
    /// The counters take the Value's lock (or stop taking it) from their
    /// next increment, without a restart.
    SetLock(bool),
    /// The processes of a role (writers: puts; readers: gets) call with
    /// this policy from their next call, without a restart; processes
    /// added later too.
    SetPolicy(super::event::Role, crate::stream::run::Policy),
    /// The parent waits before its `terminate()` (true) until told to go
    /// on (false): a lesson holds it there for the class.
    HoldParent(bool),
}
