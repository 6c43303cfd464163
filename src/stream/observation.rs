//! Observations: what the supervisor read off the real objects and the
//! kernel at one instant — the queue's memory, the pipe's buffer and who
//! holds its ends, the shared value, each process's state in the kernel and
//! its exact counters. Sampled off the UI thread and recorded like events,
//! so a replay shows what the live run showed.

use serde::{Deserialize, Serialize};

use super::event::ProcId;

/// One reading. Parts not sampled this time are `None` and keep their
/// last reading in the model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    /// CLOCK_MONOTONIC nanoseconds when it was read.
    pub t_ns: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub queue: Option<QueueView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pipe: Option<PipeView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<ValueView>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<Vec<KernelRow>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counters: Option<Vec<ProcCounters>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telemetry: Option<TelemetryView>,
    /// An Array's cells, in order (a Value has none), read with `value`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cells: Option<Vec<CellView>>,
    /// A watched program's objects: each pipe's bytes and who holds its ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub objects: Option<Vec<ObjectView>>,
}

/// One of a watched program's queues or pipes, as the kernel shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectView {
    pub obj: super::event::ObjectId,
    /// Bytes in its OS pipe (a queue's pipe, or a Pipe's), when measurable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capacity: Option<u64>,
    /// Who holds each end: the receiving end first (a Pipe's first
    /// connection; a queue's reader), then the other.
    pub ends: [Vec<Holder>; 2],
}

/// The queue as its shared memory shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueView {
    pub depth: u32,
    /// 0: unbounded (limited by `capacity`).
    pub maxsize: u32,
    /// The physical ring.
    pub capacity: u32,
    /// Every put and get ever made (exact).
    pub puts: u64,
    pub gets: u64,
    /// The oldest items queued, head first (at most a screenful).
    pub items: Vec<QueuedView>,
    pub get_waiters: u32,
    pub put_waiters: u32,
    pub recoveries: u64,
    pub lost: u64,
}

/// One queued item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedView {
    pub label: String,
    /// The queue's operation number of the put that queued it.
    pub put_seq: u64,
    /// The process that put it.
    pub put_pid: i32,
}

/// The pipe as the kernel shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipeView {
    /// Bytes written and not yet read (headers included), when measurable.
    pub bytes: Option<u64>,
    pub capacity: Option<u64>,
    /// Who holds a copy of the send end / receive end.
    pub send_holders: Vec<Holder>,
    pub recv_holders: Vec<Holder>,
}

/// A process holding a pipe end: one of the run's, or the parent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub pid: i32,
    /// `None`: the parent (ipcscope itself).
    pub proc: Option<ProcId>,
}

/// The shared value, read in one consistent pass: `expected` is the sum of
/// increments the counters had *begun* when `value` was read, so without
/// the lock `value <= expected`, with it they differ only by increments in
/// progress, and frozen they are exact.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValueView {
    pub value: i64,
    pub expected: u64,
}

/// One cell of an Array: its value and the increments its counters made
/// (as [`ValueView`] for the whole).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellView {
    pub value: i64,
    pub expected: u64,
}

/// What the kernel says a process is doing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KernelRow {
    pub proc: ProcId,
    pub pid: i32,
    /// The state letter (R S D T Z ...), '?' when gone.
    pub state: char,
    pub wait: KernelWait,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wchan: Option<String>,
}

/// What the process is waiting for, as the kernel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KernelWait {
    /// On a CPU or ready to run.
    Running,
    /// In `nanosleep`/`clock_nanosleep`: sleeping its delay.
    Sleeping,
    /// Blocked reading (pipe, socket, poll, or the queue's `not_empty` word).
    WaitingForData,
    /// Blocked writing (full pipe or socket, or the queue's `not_full` word).
    WaitingForSpace,
    /// Blocked on the queue's (or the value's) lock word.
    WaitingForLock,
    /// Blocked on something else: the syscall name, or the wchan.
    WaitingOther(String),
    /// Stopped by a signal (T) or a tracer (t).
    Stopped,
    /// Dead and not yet reaped.
    Zombie,
    /// No such process any more.
    Gone,
}

/// A process's exact counters, from the run's control block.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcCounters {
    pub proc: ProcId,
    /// Items put / got / sent / received, or increments.
    pub done: u64,
    /// `queue.Full` / `queue.Empty` raised.
    pub timeouts: u64,
    /// Events it could not report (telemetry fell behind).
    pub dropped: u64,
}

/// How the telemetry keeps up.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TelemetryView {
    /// Delay between an event happening and being passed on (last), ms.
    pub lag_ms: u64,
    /// Events the children could not report (pipe full).
    pub dropped: u64,
    /// Events passed on after later ones.
    pub late: u64,
}
