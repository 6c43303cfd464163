//! The cross-process Queue (model: `multiprocessing.Queue`): a ring of
//! fixed-size slots in one shared memfd, guarded by a robust process-shared
//! mutex, with futex sequence words for blocking.
//!
//! Layout of the region: a `Header` (config, the locked part, the two futex
//! words on their own cache lines, counters, a recovery log), then
//! [`RECORDS`] per-process in-flight records, then `capacity` slots.
//!
//! Crash safety. Every change made under the lock has one commit store (the
//! `tail` store for a put, the `head` store for a get); the process's
//! in-flight record says what it was doing. A holder killed at any point
//! leaves either the old state or the new one, and the next locker (told
//! `EOWNERDEAD` by the kernel) reads the dead holder's record, decides which,
//! names the item lost with it, counts the recovery and logs it. Nothing is
//! ever duplicated. A process killed while *blocked* holds no lock: the
//! supervisor calls [`Queue::recover_process`] after reaping it to release its
//! waiter registration and name any item it had taken but not reported.
//!
//! Wake-ups. A blocked getter registers as a waiter under the lock, reads the
//! `not_empty` word, unlocks and sleeps on it. A put that commits bumps the
//! word and wakes one sleeper, but only while there are more registered
//! waiters than wakes already sent, so a busy writer makes no syscall per
//! item. Symmetric for `not_full`.

use std::os::fd::{BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::shm::{SharedRegion, ShmError};
use super::sync::{self, LockError, Locked, Wake};

/// Longest item label, in bytes (`url_123456` fits easily).
pub const LABEL_MAX: usize = 31;
/// Physical slots in a queue made by [`Queue::new`]. An unbounded queue
/// (maxsize <= 0) blocks when this many items wait, and says so.
pub const DEFAULT_CAPACITY: usize = 65_536;
/// Largest physical capacity accepted.
pub const MAX_CAPACITY: usize = 1 << 20;
/// Processes (handles) that can use one queue at once.
pub const RECORDS: usize = 256;
/// Longest accepted timeout, in seconds (about 30 years).
pub const MAX_TIMEOUT_SECS: f64 = 1e9;
const RECOVERY_LOG: usize = 16;
const MAGIC: u64 = 0x6970_6373_5155_4555;
const VERSION: u32 = 1;
/// The name the memfd shows in `/proc/<pid>/maps` (`/memfd:ipcscope-queue`).
pub const MEMFD_NAME: &str = "ipcscope-queue";

/// Errors of queue operations. `Full` and `Empty` keep Python's names (Q12).
#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("queue.Full")]
    Full,
    #[error("queue.Empty")]
    Empty,
    #[error("queue is closed")]
    Closed,
    #[error(
        "maxsize {maxsize} is out of range: at most {capacity} (the queue's physical capacity); 0 or less means unbounded"
    )]
    MaxsizeOutOfRange { maxsize: i64, capacity: usize },
    #[error("capacity {0} is out of range: 1 to {MAX_CAPACITY} slots")]
    CapacityOutOfRange(usize),
    #[error("invalid timeout {0}: must be a finite number of seconds up to {MAX_TIMEOUT_SECS}")]
    BadTimeout(f64),
    #[error("label {label:?} is {} bytes long; at most {LABEL_MAX} bytes fit in a slot", label.len())]
    LabelTooLong { label: String },
    #[error("not an ipcscope queue (bad magic, version or size)")]
    NotAQueue,
    #[error("all {RECORDS} in-flight records are in use: too many processes on one queue")]
    TooManyProcesses,
    #[error("this handle is a read-only observer")]
    ReadOnly,
    #[error(transparent)]
    Shm(#[from] ShmError),
    #[error(transparent)]
    Lock(#[from] LockError),
}

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

/// Where [`Queue::hold_lock_forever`] stops (test hook).
#[doc(hidden)]
#[derive(Debug, Clone)]
pub enum HoldPhase {
    /// The slot is written, the tail not yet committed.
    PutBeforeCommit(Item),
    /// The head is committed: the item is taken, not reported.
    GetAfterCommit,
    /// Just holding the lock.
    Idle,
}

/// How an item was lost with a dead process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LostKind {
    /// It was being put and never entered the queue.
    NotPut,
    /// It was taken out of the queue and never reported.
    Taken,
}

/// What a process was waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaitKind {
    Data,
    Space,
}

/// One repair after a process died: the consequence the screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovery {
    pub pid: i32,
    /// It died holding the lock (the next locker repaired it).
    pub held_lock: bool,
    /// It died registered as a waiter; the registration was released.
    pub released_wait: Option<WaitKind>,
    pub lost: Option<(LostKind, Item)>,
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
    Putting,
    Taking,
    /// Taken out of the queue, not yet reported by its process.
    Got,
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
    pub lost: u64,
    pub get_waiters: u32,
    pub put_waiters: u32,
    pub in_flight: Vec<InFlight>,
    /// The latest recoveries, oldest first, each with its log number.
    pub recent_recoveries: Vec<(u64, Recovery)>,
}

/// Byte offsets, from the start of the mapping, of the words a blocked
/// process sleeps on: what `/proc/<pid>/syscall` shows as the futex address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FutexOffsets {
    pub not_empty: u64,
    pub not_full: u64,
    pub lock: u64,
}

mod layout;
mod observer;
mod recovery;
#[cfg(test)]
mod tests;

use layout::*;
pub use observer::QueueObserver;

/// How long a call may wait, read as Python reads `block` and `timeout`.
#[derive(Debug, Clone, Copy)]
enum Wait {
    Now,
    Until(Instant),
    Forever,
}

impl Wait {
    fn parse(block: bool, timeout: Option<f64>) -> Result<Wait, QueueError> {
        if !block {
            return Ok(Wait::Now);
        }
        match timeout {
            None => Ok(Wait::Forever),
            Some(t) if !t.is_finite() || t > MAX_TIMEOUT_SECS => Err(QueueError::BadTimeout(t)),
            Some(t) if t <= 0.0 => Ok(Wait::Now),
            Some(t) => Ok(Wait::Until(Instant::now() + Duration::from_secs_f64(t))),
        }
    }

    fn deadline(self) -> Option<Instant> {
        match self {
            Wait::Until(d) => Some(d),
            _ => None,
        }
    }

    fn expired(self) -> bool {
        match self {
            Wait::Now => true,
            Wait::Until(d) => Instant::now() >= d,
            Wait::Forever => false,
        }
    }
}

// ----------------------------------------------------------------- queue --

/// A process's handle on a queue. Create one with [`Queue::new`], pass
/// [`Queue::fd`] to a child, and open it there with [`Queue::from_fd`].
pub struct Queue {
    mem: SharedRegion,
    record: Option<usize>,
    closed: bool,
    timestamps: bool,
    waits: u64,
    recovered: Vec<Recovery>,
    pid: u32,
}

impl std::fmt::Debug for Queue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Queue")
            .field("capacity", &self.capacity())
            .field("maxsize", &self.maxsize())
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

impl Queue {
    /// A queue with `maxsize` (<= 0: unbounded, up to [`DEFAULT_CAPACITY`]).
    pub fn new(maxsize: i64) -> Result<Queue, QueueError> {
        Self::with_capacity(
            maxsize,
            DEFAULT_CAPACITY
                .max(maxsize.max(0) as usize)
                .min(MAX_CAPACITY),
        )
    }

    /// A queue with an explicit physical capacity (slots in the ring).
    pub fn with_capacity(maxsize: i64, capacity: usize) -> Result<Queue, QueueError> {
        if capacity == 0 || capacity > MAX_CAPACITY {
            return Err(QueueError::CapacityOutOfRange(capacity));
        }
        let max = check_maxsize(maxsize, capacity)?;
        let mem = SharedRegion::create(MEMFD_NAME, region_len(capacity))?;
        // SAFETY: the region is fresh, zero-filled, private to us so far, and
        // large enough for the header; the mutex is initialised before any
        // other process can see the region.
        unsafe {
            let h = mem.as_ptr() as *mut Header;
            (*h).config.version = VERSION;
            (*h).config.capacity = capacity as u32;
            (*h).config.records = RECORDS as u32;
            (*h).config.maxsize.store(max, Ordering::Relaxed);
            sync::init_robust_mutex((*h).locked.mutex.get()).map_err(|e| ShmError::Os {
                op: "pthread_mutex_init",
                source: e,
            })?;
            (*h).config.magic = MAGIC;
        }
        Ok(Self::wrap(mem))
    }

    /// Opens a queue from an fd inherited from its creator.
    pub fn from_fd(fd: OwnedFd) -> Result<Queue, QueueError> {
        let mem = SharedRegion::from_fd(fd, true)?;
        validate(&mem)?;
        Ok(Self::wrap(mem))
    }

    /// Another handle on the same queue in this process (its own record).
    pub fn try_clone(&self) -> Result<Queue, QueueError> {
        Ok(Self::wrap(self.mem.try_clone()?))
    }

    fn wrap(mem: SharedRegion) -> Queue {
        Queue {
            mem,
            record: None,
            closed: false,
            timestamps: false,
            waits: 0,
            recovered: Vec::new(),
            pid: std::process::id(),
        }
    }

    /// Where this handle maps the queue in this process's address space.
    pub fn map_base(&self) -> u64 {
        self.mem.as_ptr() as u64
    }

    /// The memfd to hand to a child process.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.mem.fd()
    }

    /// A read-only observer of this queue.
    pub fn observer(&self) -> Result<QueueObserver, QueueError> {
        Ok(QueueObserver {
            mem: self.mem.map_readonly()?,
        })
    }

    /// Takes a CLOCK_MONOTONIC timestamp under the lock at each put and get
    /// (costs a few nanoseconds; telemetry orders events by it).
    pub fn set_timestamps(&mut self, on: bool) {
        self.timestamps = on;
    }

    /// How many times this handle slept waiting for data or space.
    pub fn waits(&self) -> u64 {
        self.waits
    }

    /// Recoveries this handle performed (it found a dead lock holder) since
    /// the last call.
    pub fn take_recoveries(&mut self) -> Vec<Recovery> {
        std::mem::take(&mut self.recovered)
    }

    fn header(&self) -> &Header {
        // SAFETY: the region was validated (or built) to start with a Header.
        unsafe { &*(self.mem.as_ptr() as *const Header) }
    }

    fn rec(&self, i: usize) -> &Record {
        debug_assert!(i < RECORDS);
        // SAFETY: i < RECORDS and the region holds RECORDS records.
        unsafe { &*(self.mem.as_ptr().add(RECORDS_OFFSET) as *const Record).add(i) }
    }

    fn slot(&self, index: u64) -> *mut Slot {
        let cap = self.capacity() as u64;
        // SAFETY: index % cap < capacity slots.
        unsafe { (self.mem.as_ptr().add(SLOTS_OFFSET) as *mut Slot).add((index % cap) as usize) }
    }

    pub fn capacity(&self) -> usize {
        self.header().config.capacity as usize
    }

    /// The maxsize set (0: unbounded).
    pub fn maxsize(&self) -> usize {
        self.header().config.maxsize.load(Ordering::Relaxed) as usize
    }

    /// The depth at which puts block: maxsize, or the physical capacity when
    /// unbounded.
    pub fn limit(&self) -> usize {
        match self.maxsize() {
            0 => self.capacity(),
            m => m,
        }
    }

    /// Exact number of items queued (Q6: Python's is approximate).
    pub fn qsize(&self) -> usize {
        depth_of(self.header())
    }

    pub fn empty(&self) -> bool {
        self.qsize() == 0
    }

    pub fn full(&self) -> bool {
        self.qsize() >= self.limit()
    }

    /// Hands out the next number of a shared label counter (for unlimited
    /// runs: url_7, url_8, ... across all writers).
    pub fn next_label_number(&self) -> u64 {
        self.header()
            .counters
            .next_label
            .fetch_add(1, Ordering::Relaxed)
    }

    /// Sets where [`Queue::next_label_number`] continues from.
    pub fn set_next_label_number(&self, n: u64) {
        self.header()
            .counters
            .next_label
            .store(n, Ordering::Relaxed);
    }

    /// Total recoveries performed on this queue by anyone.
    pub fn recoveries(&self) -> u64 {
        self.header().counters.recoveries.load(Ordering::Relaxed)
    }

    /// Changes maxsize while processes use the queue. Lowering it below the
    /// depth makes puts wait until the depth drops; raising it wakes them.
    pub fn set_maxsize(&mut self, maxsize: i64) -> Result<(), QueueError> {
        let max = check_maxsize(maxsize, self.capacity())?;
        self.enter(None)?;
        let h = self.header();
        h.config.maxsize.store(max, Ordering::Release);
        let waiters = h.locked.put_waiters.load(Ordering::Relaxed);
        let wake = waiters > 0;
        if wake {
            h.locked.put_wakes.store(waiters, Ordering::Relaxed);
            h.not_full.0.fetch_add(1, Ordering::Release);
        }
        self.leave();
        if wake {
            sync::futex_wake(&self.header().not_full.0, i32::MAX);
        }
        Ok(())
    }

    /// Closes this process's handle (Q8): later put/get fail; twice is fine.
    pub fn close(&mut self) {
        if !self.closed {
            self.closed = true;
            self.release_record();
        }
    }

    pub fn is_closed(&self) -> bool {
        self.closed
    }

    /// Declares the item from the last get reported, so a later kill of this
    /// process does not count it as lost.
    pub fn mark_reported(&mut self) {
        if let Some(r) = self.record {
            let rec = self.rec(r);
            if rec.state.load(Ordering::Relaxed) == GOT {
                rec.state.store(IDLE, Ordering::Release);
            }
        }
    }

    /// `put(item, block, timeout)` (Q3): waits for space as Python does;
    /// `queue.Full` on timeout, at once when `block` is false or timeout <= 0.
    pub fn put(
        &mut self,
        item: &Item,
        block: bool,
        timeout: Option<f64>,
    ) -> Result<PutDone, QueueError> {
        self.check_open()?;
        let slot = Slot::from_item(item, self.pid)?;
        let wait = Wait::parse(block, timeout)?;
        let r = self.claim_record()?;
        {
            let rec = self.rec(r);
            // SAFETY: our own record; only we write it outside recovery, and
            // recovery only runs on dead processes' records.
            unsafe { *rec.item.get() = slot };
            rec.pending_seq.store(0, Ordering::Relaxed);
            rec.state.store(PUTTING, Ordering::Release);
        }
        let mut waited = false;
        loop {
            if let Err(e) = self.enter(wait.deadline()) {
                self.rec(r).state.store(IDLE, Ordering::Release);
                return Err(match e {
                    QueueError::Lock(LockError::Timeout) => QueueError::Full,
                    e => e,
                });
            }
            let h = self.header();
            let head = h.locked.head.load(Ordering::Relaxed);
            let tail = h.locked.tail.load(Ordering::Relaxed);
            let limit = self.limit() as u64;
            if tail - head < limit {
                let (seq, ts_ns) = self.write_slot(r, &slot, tail);
                h.locked.tail.store(tail + 1, Ordering::Release); // commit
                self.rec(r).state.store(IDLE, Ordering::Release);
                let wake =
                    self.grant_wake(&h.locked.get_waiters, &h.locked.get_wakes, &h.not_empty);
                self.leave();
                if wake {
                    sync::futex_wake(&self.header().not_empty.0, 1);
                }
                return Ok(PutDone {
                    seq,
                    depth: (tail + 1 - head) as usize,
                    waited,
                    ts_ns,
                });
            }
            if wait.expired() {
                self.rec(r).state.store(IDLE, Ordering::Release);
                self.leave();
                return Err(QueueError::Full);
            }
            let word = self.register_wait(r, WAIT_SPACE);
            self.leave();
            waited = true;
            self.waits += 1;
            self.sleep(&self.header().not_full.0, word, wait);
        }
    }

    /// `get(block, timeout)` (Q4): one deadline covers the lock and the data;
    /// `queue.Empty` on timeout, at once when `block` is false or timeout <= 0.
    pub fn get(&mut self, block: bool, timeout: Option<f64>) -> Result<GetDone, QueueError> {
        self.check_open()?;
        let wait = Wait::parse(block, timeout)?;
        let r = self.claim_record()?;
        // A new operation: the previous get's item counts as reported.
        self.rec(r).state.store(IDLE, Ordering::Release);
        let mut waited = false;
        loop {
            if let Err(e) = self.enter(wait.deadline()) {
                return Err(match e {
                    QueueError::Lock(LockError::Timeout) => QueueError::Empty,
                    e => e,
                });
            }
            let h = self.header();
            let head = h.locked.head.load(Ordering::Relaxed);
            let tail = h.locked.tail.load(Ordering::Relaxed);
            if tail > head {
                let (slot, seq, ts_ns) = self.take_slot(r, head);
                let wake = self.grant_wake(&h.locked.put_waiters, &h.locked.put_wakes, &h.not_full);
                self.leave();
                if wake {
                    sync::futex_wake(&self.header().not_full.0, 1);
                }
                return Ok(GetDone {
                    item: slot.queued(),
                    seq,
                    depth: (tail - head - 1) as usize,
                    waited,
                    ts_ns,
                });
            }
            if wait.expired() {
                self.leave();
                return Err(QueueError::Empty);
            }
            let word = self.register_wait(r, WAIT_DATA);
            self.leave();
            waited = true;
            self.waits += 1;
            self.sleep(&self.header().not_empty.0, word, wait);
        }
    }

    pub fn put_nowait(&mut self, item: &Item) -> Result<PutDone, QueueError> {
        self.put(item, false, None)
    }

    pub fn get_nowait(&mut self) -> Result<GetDone, QueueError> {
        self.get(false, None)
    }

    // ------------------------------------------------------- internals --

    /// Under the lock: numbers the put and writes its slot at `tail`, not yet
    /// committed (the caller's `tail` store commits it).
    fn write_slot(&self, r: usize, slot: &Slot, tail: u64) -> (u64, u64) {
        let h = self.header();
        let seq = h.locked.op_seq.load(Ordering::Relaxed) + 1;
        h.locked.op_seq.store(seq, Ordering::Relaxed);
        let ts_ns = if self.timestamps { now_ns() } else { 0 };
        self.rec(r).pending_seq.store(seq, Ordering::Relaxed);
        // SAFETY: slot `tail` is outside [head, tail): nobody reads it until
        // the commit; we hold the lock.
        unsafe {
            *self.slot(tail) = Slot {
                op_seq: seq,
                ts_ns,
                ..*slot
            };
        }
        (seq, ts_ns)
    }

    /// Under the lock, with an item at `head`: numbers the get, records the
    /// item in record `r`, commits the `head` store; the record says GOT.
    fn take_slot(&self, r: usize, head: u64) -> (Slot, u64, u64) {
        let h = self.header();
        let seq = h.locked.op_seq.load(Ordering::Relaxed) + 1;
        h.locked.op_seq.store(seq, Ordering::Relaxed);
        let ts_ns = if self.timestamps { now_ns() } else { 0 };
        // SAFETY: slot `head` is inside [head, tail), committed by its putter;
        // we hold the lock.
        let slot = unsafe { *self.slot(head) };
        let rec = self.rec(r);
        // SAFETY: our own record.
        unsafe { *rec.item.get() = slot };
        rec.pending_seq.store(seq, Ordering::Relaxed);
        rec.head_before.store(head, Ordering::Relaxed);
        rec.state.store(TAKING, Ordering::Release);
        h.locked.head.store(head + 1, Ordering::Release); // commit
        rec.state.store(GOT, Ordering::Release);
        (slot, seq, ts_ns)
    }

    /// Test hook: takes the lock, stops at `phase` inside the critical
    /// section, calls `on_held`, and sleeps until killed. The cross-process
    /// tests kill it there to prove recovery.
    #[doc(hidden)]
    pub fn hold_lock_forever(
        &mut self,
        phase: HoldPhase,
        on_held: impl FnOnce(),
    ) -> Result<std::convert::Infallible, QueueError> {
        self.check_open()?;
        let r = self.claim_record()?;
        if let HoldPhase::PutBeforeCommit(item) = &phase {
            let slot = Slot::from_item(item, self.pid)?;
            let rec = self.rec(r);
            // SAFETY: our own record.
            unsafe { *rec.item.get() = slot };
            rec.pending_seq.store(0, Ordering::Relaxed);
            rec.state.store(PUTTING, Ordering::Release);
        }
        self.enter(None)?;
        let h = self.header();
        let head = h.locked.head.load(Ordering::Relaxed);
        let tail = h.locked.tail.load(Ordering::Relaxed);
        match &phase {
            HoldPhase::PutBeforeCommit(_) => {
                // SAFETY: our own record.
                let slot = unsafe { *self.rec(r).item.get() };
                self.write_slot(r, &slot, tail);
            }
            HoldPhase::GetAfterCommit if tail > head => {
                self.take_slot(r, head);
            }
            HoldPhase::GetAfterCommit => {
                self.leave();
                return Err(QueueError::Empty);
            }
            HoldPhase::Idle => {}
        }
        on_held();
        loop {
            std::thread::sleep(Duration::from_secs(3600));
        }
    }

    fn check_open(&self) -> Result<(), QueueError> {
        if self.closed {
            Err(QueueError::Closed)
        } else if !self.mem.writable() {
            Err(QueueError::ReadOnly)
        } else {
            Ok(())
        }
    }

    fn claim_record(&mut self) -> Result<usize, QueueError> {
        if let Some(r) = self.record {
            return Ok(r);
        }
        for i in 0..RECORDS {
            let rec = self.rec(i);
            if rec
                .pid
                .compare_exchange(0, self.pid, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                rec.state.store(IDLE, Ordering::Relaxed);
                rec.waiting.store(WAIT_NONE, Ordering::Relaxed);
                self.record = Some(i);
                return Ok(i);
            }
        }
        Err(QueueError::TooManyProcesses)
    }

    fn release_record(&mut self) {
        let Some(r) = self.record.take() else { return };
        let rec = self.rec(r);
        if rec.waiting.load(Ordering::Acquire) != WAIT_NONE {
            // A registration left by a timed-out re-lock: undo it under the
            // lock, but never hang in a destructor.
            self.record = Some(r);
            let deadline = Instant::now() + Duration::from_secs(1);
            if self.enter(Some(deadline)).is_err() {
                self.record = None;
                return; // left for recover_process
            }
            self.leave();
            self.record = None;
        }
        let rec = self.rec(r);
        rec.state.store(IDLE, Ordering::Release);
        rec.pid.store(0, Ordering::Release);
    }

    /// Takes the lock (repairing after a dead holder) and undoes any waiter
    /// registration this handle left behind.
    fn enter(&mut self, deadline: Option<Instant>) -> Result<(), QueueError> {
        let h = self.header();
        let m = h.locked.mutex.get();
        // SAFETY: the mutex was initialised by the creator of the region.
        let how = unsafe { sync::lock(m, deadline) }?;
        if how == Locked::OwnerDied {
            let owner = h.locked.owner.load(Ordering::Acquire) as usize;
            let mut rec = Recovery {
                pid: 0,
                held_lock: true,
                released_wait: None,
                lost: None,
            };
            if owner > 0 && owner <= RECORDS {
                rec.pid = self.rec(owner - 1).pid.load(Ordering::Acquire) as i32;
                if let Some(r) = self.repair(owner - 1, true) {
                    rec = r;
                }
                self.rec(owner - 1).pid.store(0, Ordering::Release);
            }
            self.log_recovery(&rec);
            self.recovered.push(rec);
            // SAFETY: we hold the lock and repaired the state it guards.
            unsafe { sync::mark_consistent(m) };
        }
        let h = self.header();
        if let Some(r) = self.record {
            h.locked.owner.store(r as u32 + 1, Ordering::Release);
            let rec = self.rec(r);
            match rec.waiting.swap(WAIT_NONE, Ordering::AcqRel) {
                WAIT_DATA => unregister(&h.locked.get_waiters, &h.locked.get_wakes),
                WAIT_SPACE => unregister(&h.locked.put_waiters, &h.locked.put_wakes),
                _ => {}
            }
        }
        Ok(())
    }

    fn leave(&self) {
        let h = self.header();
        h.locked.owner.store(0, Ordering::Release);
        // SAFETY: we hold the lock (taken in `enter`).
        unsafe { sync::unlock(h.locked.mutex.get()) };
    }

    /// Under the lock: registers record `r` as waiting and returns the word
    /// value to sleep on.
    fn register_wait(&self, r: usize, kind: u32) -> u32 {
        let h = self.header();
        let (waiters, word) = if kind == WAIT_DATA {
            (&h.locked.get_waiters, &h.not_empty.0)
        } else {
            (&h.locked.put_waiters, &h.not_full.0)
        };
        waiters.fetch_add(1, Ordering::Relaxed);
        self.rec(r).waiting.store(kind, Ordering::Release);
        word.load(Ordering::Acquire)
    }

    /// Under the lock, after a commit: whether to wake one sleeper (only
    /// while registered waiters outnumber wakes already sent).
    fn grant_wake(&self, waiters: &AtomicU32, wakes: &AtomicU32, word: &Word) -> bool {
        let w = waiters.load(Ordering::Relaxed);
        let sent = wakes.load(Ordering::Relaxed);
        if w > sent {
            wakes.store(sent + 1, Ordering::Relaxed);
            word.0.fetch_add(1, Ordering::Release);
            true
        } else {
            false
        }
    }

    fn sleep(&self, word: &AtomicU32, expected: u32, wait: Wait) {
        let timeout = match wait {
            Wait::Until(d) => Some(d.saturating_duration_since(Instant::now())),
            _ => None,
        };
        if timeout.is_some_and(|t| t.is_zero()) {
            return;
        }
        match sync::futex_wait(word, expected, timeout) {
            Wake::Woken | Wake::Changed | Wake::TimedOut | Wake::Interrupted => {}
        }
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        if self.mem.writable() {
            self.release_record();
        }
    }
}

fn unregister(waiters: &AtomicU32, wakes: &AtomicU32) {
    let w = waiters.load(Ordering::Relaxed).saturating_sub(1);
    waiters.store(w, Ordering::Relaxed);
    let s = wakes.load(Ordering::Relaxed).saturating_sub(1).min(w);
    wakes.store(s, Ordering::Relaxed);
}

fn check_maxsize(maxsize: i64, capacity: usize) -> Result<u32, QueueError> {
    if maxsize <= 0 {
        Ok(0)
    } else if maxsize as u64 > capacity as u64 {
        Err(QueueError::MaxsizeOutOfRange { maxsize, capacity })
    } else {
        Ok(maxsize as u32)
    }
}
