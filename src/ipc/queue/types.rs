//! The values the queue hands out: items, what an operation did, recoveries,
//! snapshots.

/// One item as a writer hands it over: a short label, who put it, and its
/// number in that writer's sequence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Item {
    pub label: String,
    pub writer: u32,
    pub seq: u64,
}

impl Item {
    pub fn new(label: impl Into<String>, writer: u32, seq: u64) -> Self {
        Self {
            label: label.into(),
            writer,
            seq,
        }
    }
}

/// An item as it sits in the queue (or was taken out of it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedItem {
    pub item: Item,
    /// Global operation number of the put that queued it.
    pub put_seq: u64,
    pub put_pid: i32,
    /// CLOCK_MONOTONIC nanoseconds taken under the lock at the put, when the
    /// putting handle had timestamps on; 0 otherwise.
    pub put_ts_ns: u64,
}

/// What a successful put did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PutDone {
    /// Global operation number, taken under the lock.
    pub seq: u64,
    /// Queue depth right after the put.
    pub depth: usize,
    /// Whether the call slept waiting for space.
    pub waited: bool,
    /// CLOCK_MONOTONIC nanoseconds under the lock (0 unless timestamps are on).
    pub ts_ns: u64,
}

/// What a successful get returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetDone {
    pub item: QueuedItem,
    pub seq: u64,
    pub depth: usize,
    pub waited: bool,
    pub ts_ns: u64,
}

/// What a process was waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitKind {
    Data,
    Space,
}

/// One repair after a process died, by whoever performed it: a lock found
/// abandoned (`EOWNERDEAD`) or an item lost. Each is one entry of the
/// queue's recovery log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    /// Its number in the recovery log (0, 1, 2, ...).
    pub log: u64,
    /// The queue's op sequence number when it was made: it comes after the
    /// op with this number and before the next one.
    pub after_seq: u64,
    /// CLOCK_MONOTONIC nanoseconds when it was made.
    pub ts_ns: u64,
    /// The process that performed the repair.
    pub by_pid: i32,
    /// The dead process (0 when a holder died before its lock hold could be
    /// attributed).
    pub dead_pid: i32,
    /// It died holding the lock.
    pub held_lock: bool,
    /// The item it was putting, which never entered the queue.
    pub lost: Option<Item>,
}

/// An in-flight record as an observer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InFlight {
    pub pid: i32,
    pub state: InFlightState,
    pub waiting: Option<WaitKind>,
    pub item: Option<Item>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InFlightState {
    Idle,
    /// Putting `item`: it enters the queue at the tail store.
    Putting,
}

/// A consistent read of the queue by an observer, without taking the lock.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snapshot {
    pub depth: usize,
    /// 0 means unbounded (limited only by `capacity`).
    pub maxsize: usize,
    pub capacity: usize,
    /// The oldest items currently queued, head first (at most the number asked).
    pub items: Vec<QueuedItem>,
    pub puts: u64,
    pub gets: u64,
    pub op_seq: u64,
    pub recoveries: u64,
    /// Items lost with dead putters, ever.
    pub lost: u64,
    pub get_waiters: u32,
    pub put_waiters: u32,
    pub in_flight: Vec<InFlight>,
    /// The latest recoveries (at most 16), oldest first.
    pub recent_recoveries: Vec<Recovery>,
}

/// Byte offsets, from the start of the mapping, of the words a blocked
/// process sleeps on: what `/proc/<pid>/syscall` shows as the futex address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FutexOffsets {
    pub not_empty: u64,
    pub not_full: u64,
    pub lock: u64,
}
