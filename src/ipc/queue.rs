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

use std::cell::UnsafeCell;
use std::mem::{offset_of, size_of};
use std::os::fd::{BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
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

// ---------------------------------------------------------------- layout --

#[repr(C)]
#[derive(Clone, Copy)]
struct Slot {
    op_seq: u64,
    writer_seq: u64,
    ts_ns: u64,
    writer: u32,
    pid: u32,
    label_len: u8,
    label: [u8; LABEL_MAX],
}

const _: () = assert!(size_of::<Slot>() == 64);

impl Slot {
    const EMPTY: Slot = Slot {
        op_seq: 0,
        writer_seq: 0,
        ts_ns: 0,
        writer: 0,
        pid: 0,
        label_len: 0,
        label: [0; LABEL_MAX],
    };

    fn from_item(item: &Item, pid: u32) -> Result<Slot, QueueError> {
        let bytes = item.label.as_bytes();
        if bytes.len() > LABEL_MAX {
            return Err(QueueError::LabelTooLong {
                label: item.label.clone(),
            });
        }
        let mut slot = Slot {
            writer_seq: item.seq,
            writer: item.writer,
            pid,
            label_len: bytes.len() as u8,
            ..Slot::EMPTY
        };
        slot.label[..bytes.len()].copy_from_slice(bytes);
        Ok(slot)
    }

    fn item(&self) -> Item {
        let len = (self.label_len as usize).min(LABEL_MAX);
        Item {
            label: String::from_utf8_lossy(&self.label[..len]).into_owned(),
            writer: self.writer,
            seq: self.writer_seq,
        }
    }

    fn queued(&self) -> QueuedItem {
        QueuedItem {
            item: self.item(),
            put_seq: self.op_seq,
            put_pid: self.pid as i32,
            put_ts_ns: self.ts_ns,
        }
    }
}

#[repr(C, align(64))]
struct Config {
    magic: u64,
    version: u32,
    capacity: u32,
    records: u32,
    /// 0 = unbounded (limit is `capacity`).
    maxsize: AtomicU32,
}

#[repr(C, align(64))]
struct LockedPart {
    mutex: UnsafeCell<libc::pthread_mutex_t>,
    head: AtomicU64,
    tail: AtomicU64,
    op_seq: AtomicU64,
    get_waiters: AtomicU32,
    get_wakes: AtomicU32,
    put_waiters: AtomicU32,
    put_wakes: AtomicU32,
    /// Index + 1 of the record of the process inside the critical section;
    /// 0 outside it.
    owner: AtomicU32,
}

#[repr(C, align(64))]
struct Word(AtomicU32);

#[repr(C, align(64))]
struct Counters {
    recoveries: AtomicU64,
    lost: AtomicU64,
    next_label: AtomicU64,
    log_next: AtomicU64,
}

#[repr(C)]
struct LogEntry {
    /// Log number + 1 once written; 0 while empty or being rewritten.
    seq: AtomicU64,
    pid: u32,
    flags: u32,
    slot: UnsafeCell<Slot>,
}

const LOG_HELD_LOCK: u32 = 1;
const LOG_WAIT_DATA: u32 = 2;
const LOG_WAIT_SPACE: u32 = 4;
const LOG_LOST_NOT_PUT: u32 = 8;
const LOG_LOST_TAKEN: u32 = 16;

#[repr(C)]
struct Header {
    config: Config,
    locked: LockedPart,
    not_empty: Word,
    not_full: Word,
    counters: Counters,
    log: [LogEntry; RECOVERY_LOG],
}

const IDLE: u32 = 0;
const PUTTING: u32 = 1;
const TAKING: u32 = 2;
const GOT: u32 = 3;
const WAIT_NONE: u32 = 0;
const WAIT_DATA: u32 = 1;
const WAIT_SPACE: u32 = 2;

#[repr(C, align(64))]
struct Record {
    pid: AtomicU32,
    state: AtomicU32,
    waiting: AtomicU32,
    _pad: u32,
    pending_seq: AtomicU64,
    head_before: AtomicU64,
    item: UnsafeCell<Slot>,
}

const fn round_up(n: usize) -> usize {
    (n + 63) & !63
}
const RECORDS_OFFSET: usize = round_up(size_of::<Header>());
const SLOTS_OFFSET: usize = RECORDS_OFFSET + RECORDS * size_of::<Record>();

fn region_len(capacity: usize) -> usize {
    SLOTS_OFFSET + capacity * size_of::<Slot>()
}

fn now_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

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

    /// Repairs what a dead process left: its waiter registration and any item
    /// it was putting or had taken without reporting. Call it after reaping
    /// `pid`. Returns `None` when it left nothing to repair.
    pub fn recover_process(&mut self, pid: i32) -> Result<Option<Recovery>, QueueError> {
        self.enter(None)?;
        let mut merged: Option<Recovery> = None;
        for i in 0..RECORDS {
            if Some(i) == self.record || self.rec(i).pid.load(Ordering::Acquire) != pid as u32 {
                continue;
            }
            if let Some(rec) = self.repair(i, false) {
                merged = Some(match merged {
                    None => rec,
                    Some(mut m) => {
                        m.released_wait = m.released_wait.or(rec.released_wait);
                        m.lost = m.lost.or(rec.lost);
                        m
                    }
                });
            }
            self.rec(i).pid.store(0, Ordering::Release);
        }
        if let Some(r) = &merged {
            self.log_recovery(r);
        }
        self.leave();
        Ok(merged)
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

    /// Under the lock: settles record `i` of a dead process. `in_lock` says
    /// the process died inside the critical section.
    fn repair(&self, i: usize, in_lock: bool) -> Option<Recovery> {
        let h = self.header();
        let rec = self.rec(i);
        let pid = rec.pid.load(Ordering::Acquire) as i32;
        let released_wait = match rec.waiting.swap(WAIT_NONE, Ordering::AcqRel) {
            WAIT_DATA => {
                unregister(&h.locked.get_waiters, &h.locked.get_wakes);
                Some(WaitKind::Data)
            }
            WAIT_SPACE => {
                unregister(&h.locked.put_waiters, &h.locked.put_wakes);
                Some(WaitKind::Space)
            }
            _ => None,
        };
        // SAFETY: the record's owner is dead; we hold the lock.
        let slot = unsafe { *rec.item.get() };
        let lost = match rec.state.load(Ordering::Acquire) {
            PUTTING => {
                let pending = rec.pending_seq.load(Ordering::Relaxed);
                let head = h.locked.head.load(Ordering::Relaxed);
                let tail = h.locked.tail.load(Ordering::Relaxed);
                // SAFETY: in-bounds slot read under the lock.
                let committed = pending != 0
                    && tail > head
                    && unsafe { (*self.slot(tail - 1)).op_seq } == pending;
                (!committed).then_some(LostKind::NotPut)
            }
            TAKING => {
                let taken = h.locked.head.load(Ordering::Relaxed)
                    != rec.head_before.load(Ordering::Relaxed);
                taken.then_some(LostKind::Taken)
            }
            GOT => Some(LostKind::Taken),
            _ => None,
        };
        rec.state.store(IDLE, Ordering::Release);
        if lost.is_none() && released_wait.is_none() && !in_lock {
            return None;
        }
        if lost.is_some() {
            h.counters.lost.fetch_add(1, Ordering::Relaxed);
        }
        Some(Recovery {
            pid,
            held_lock: in_lock,
            released_wait,
            lost: lost.map(|k| (k, slot.item())),
        })
    }

    /// Under the lock: counts a recovery and appends it to the log.
    fn log_recovery(&self, r: &Recovery) {
        let h = self.header();
        h.counters.recoveries.fetch_add(1, Ordering::Relaxed);
        let n = h.counters.log_next.fetch_add(1, Ordering::Relaxed);
        let e = &h.log[(n % RECOVERY_LOG as u64) as usize];
        e.seq.store(0, Ordering::Release);
        let mut flags = 0;
        if r.held_lock {
            flags |= LOG_HELD_LOCK;
        }
        match r.released_wait {
            Some(WaitKind::Data) => flags |= LOG_WAIT_DATA,
            Some(WaitKind::Space) => flags |= LOG_WAIT_SPACE,
            None => {}
        }
        let mut slot = Slot::EMPTY;
        if let Some((kind, item)) = &r.lost {
            flags |= if *kind == LostKind::NotPut {
                LOG_LOST_NOT_PUT
            } else {
                LOG_LOST_TAKEN
            };
            if let Ok(s) = Slot::from_item(item, 0) {
                slot = s;
            }
        }
        // SAFETY: the log entry is written only under the lock; readers
        // validate it with `seq`.
        unsafe {
            let p = e as *const LogEntry as *mut LogEntry;
            (*p).pid = r.pid as u32;
            (*p).flags = flags;
            *(*p).slot.get() = slot;
        }
        e.seq.store(n + 1, Ordering::Release);
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

fn validate(mem: &SharedRegion) -> Result<(), QueueError> {
    if mem.len() < SLOTS_OFFSET {
        return Err(QueueError::NotAQueue);
    }
    // SAFETY: at least a header's worth of bytes is mapped.
    let h = unsafe { &*(mem.as_ptr() as *const Header) };
    let cap = h.config.capacity as usize;
    if h.config.magic != MAGIC
        || h.config.version != VERSION
        || h.config.records as usize != RECORDS
        || cap == 0
        || cap > MAX_CAPACITY
        || mem.len() < region_len(cap)
    {
        return Err(QueueError::NotAQueue);
    }
    Ok(())
}

fn depth_of(h: &Header) -> usize {
    // Read tail first: head only grows, so head <= tail holds for what we read.
    loop {
        let tail = h.locked.tail.load(Ordering::Acquire);
        let head = h.locked.head.load(Ordering::Acquire);
        if head <= tail {
            return (tail - head) as usize;
        }
    }
}

// -------------------------------------------------------------- observer --

/// A read-only mapping of a queue: reads depth and the queued items in order
/// without taking the lock, so it never disturbs the processes using it.
pub struct QueueObserver {
    mem: SharedRegion,
}

impl QueueObserver {
    /// Opens an observer on a queue memfd (read-only mapping).
    pub fn from_fd(fd: OwnedFd) -> Result<QueueObserver, QueueError> {
        let mem = SharedRegion::from_fd(fd, false)?;
        validate(&mem)?;
        Ok(QueueObserver { mem })
    }

    fn header(&self) -> &Header {
        // SAFETY: validated at construction.
        unsafe { &*(self.mem.as_ptr() as *const Header) }
    }

    pub fn depth(&self) -> usize {
        depth_of(self.header())
    }

    pub fn maxsize(&self) -> usize {
        self.header().config.maxsize.load(Ordering::Relaxed) as usize
    }

    pub fn capacity(&self) -> usize {
        self.header().config.capacity as usize
    }

    /// Where the futex words sit in a mapping of this queue.
    pub fn futex_offsets() -> FutexOffsets {
        FutexOffsets {
            not_empty: offset_of!(Header, not_empty) as u64,
            not_full: offset_of!(Header, not_full) as u64,
            lock: (offset_of!(Header, locked) + offset_of!(LockedPart, mutex)) as u64,
        }
    }

    /// A consistent picture: the first `max_items` queued items (head first),
    /// counters, in-flight records and recent recoveries.
    pub fn snapshot(&self, max_items: usize) -> Snapshot {
        let h = self.header();
        let cap = self.capacity() as u64;
        let base = self.mem.as_ptr();
        let mut items = Vec::new();
        let (depth, head_final) = loop {
            items.clear();
            let tail = h.locked.tail.load(Ordering::Acquire);
            let head = h.locked.head.load(Ordering::Acquire);
            if head > tail {
                continue;
            }
            let end = tail.min(head + max_items as u64);
            for i in head..end {
                // SAFETY: in-bounds read of a committed slot (i < tail, loaded
                // with Acquire after the putter's Release commit).
                let s = unsafe {
                    std::ptr::read_volatile(
                        (base.add(SLOTS_OFFSET) as *const Slot).add((i % cap) as usize),
                    )
                };
                items.push(s);
            }
            // A slot may have been reused while we copied only if the ring
            // wrapped past it: then head has moved beyond tail - cap.
            let head2 = h.locked.head.load(Ordering::Acquire);
            let tail2 = h.locked.tail.load(Ordering::Acquire);
            let stale_before = head2.max(tail2.saturating_sub(cap));
            let skip = stale_before.saturating_sub(head) as usize;
            if skip > 0 {
                items.drain(..skip.min(items.len()));
            }
            break ((tail - head.max(stale_before).min(tail)) as usize, head);
        };
        let _ = head_final;
        let in_flight = (0..RECORDS)
            .filter_map(|i| {
                // SAFETY: i < RECORDS within the validated region.
                let rec = unsafe { &*(base.add(RECORDS_OFFSET) as *const Record).add(i) };
                let pid = rec.pid.load(Ordering::Acquire);
                if pid == 0 {
                    return None;
                }
                let state = match rec.state.load(Ordering::Acquire) {
                    PUTTING => InFlightState::Putting,
                    TAKING => InFlightState::Taking,
                    GOT => InFlightState::Got,
                    _ => InFlightState::Idle,
                };
                let waiting = match rec.waiting.load(Ordering::Acquire) {
                    WAIT_DATA => Some(WaitKind::Data),
                    WAIT_SPACE => Some(WaitKind::Space),
                    _ => None,
                };
                // SAFETY: racy copy of plain bytes; used for display only.
                let slot = unsafe { std::ptr::read_volatile(rec.item.get()) };
                let item = (state != InFlightState::Idle).then(|| slot.item());
                Some(InFlight {
                    pid: pid as i32,
                    state,
                    waiting,
                    item,
                })
            })
            .collect();
        Snapshot {
            depth,
            maxsize: self.maxsize(),
            capacity: self.capacity(),
            items: items.iter().map(Slot::queued).collect(),
            // head and tail only grow: they count every get and put ever.
            puts: h.locked.tail.load(Ordering::Relaxed),
            gets: h.locked.head.load(Ordering::Relaxed),
            op_seq: h.locked.op_seq.load(Ordering::Relaxed),
            recoveries: h.counters.recoveries.load(Ordering::Relaxed),
            lost: h.counters.lost.load(Ordering::Relaxed),
            get_waiters: h.locked.get_waiters.load(Ordering::Relaxed),
            put_waiters: h.locked.put_waiters.load(Ordering::Relaxed),
            in_flight,
            recent_recoveries: self.recent_recoveries(),
        }
    }

    fn recent_recoveries(&self) -> Vec<(u64, Recovery)> {
        let h = self.header();
        let mut out: Vec<(u64, Recovery)> = h
            .log
            .iter()
            .filter_map(|e| {
                let s1 = e.seq.load(Ordering::Acquire);
                if s1 == 0 {
                    return None;
                }
                // SAFETY: racy copy validated by re-reading `seq`.
                let (pid, flags, slot) = unsafe {
                    (
                        std::ptr::read_volatile(&e.pid),
                        std::ptr::read_volatile(&e.flags),
                        std::ptr::read_volatile(e.slot.get()),
                    )
                };
                if e.seq.load(Ordering::Acquire) != s1 {
                    return None;
                }
                let lost = if flags & LOG_LOST_NOT_PUT != 0 {
                    Some((LostKind::NotPut, slot.item()))
                } else if flags & LOG_LOST_TAKEN != 0 {
                    Some((LostKind::Taken, slot.item()))
                } else {
                    None
                };
                let released_wait = if flags & LOG_WAIT_DATA != 0 {
                    Some(WaitKind::Data)
                } else if flags & LOG_WAIT_SPACE != 0 {
                    Some(WaitKind::Space)
                } else {
                    None
                };
                Some((
                    s1 - 1,
                    Recovery {
                        pid: pid as i32,
                        held_lock: flags & LOG_HELD_LOCK != 0,
                        released_wait,
                        lost,
                    },
                ))
            })
            .collect();
        out.sort_by_key(|(n, _)| *n);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(n: u64) -> Item {
        Item::new(format!("url_{n}"), 1, n)
    }

    #[test]
    fn q7_items_come_out_in_put_order() {
        let mut q = Queue::new(0).unwrap();
        for n in 1..=5 {
            q.put(&item(n), true, None).unwrap();
        }
        for n in 1..=5 {
            assert_eq!(q.get(true, None).unwrap().item.item, item(n));
        }
    }

    #[test]
    fn q2_maxsize_zero_or_negative_is_unbounded_up_to_capacity() {
        let mut q = Queue::with_capacity(-3, 4).unwrap();
        assert_eq!(q.maxsize(), 0);
        for n in 0..4 {
            q.put_nowait(&item(n)).unwrap();
        }
        assert!(matches!(q.put_nowait(&item(9)), Err(QueueError::Full)));
        assert_eq!(q.limit(), 4);
    }

    #[test]
    fn q3_put_nonblocking_on_full_raises_full_without_waiting() {
        let mut q = Queue::new(1).unwrap();
        q.put(&item(1), true, None).unwrap();
        assert!(matches!(
            q.put(&item(2), false, Some(5.0)),
            Err(QueueError::Full)
        ));
        assert!(matches!(
            q.put(&item(2), true, Some(0.0)),
            Err(QueueError::Full)
        ));
        assert!(matches!(
            q.put(&item(2), true, Some(-1.0)),
            Err(QueueError::Full)
        ));
        assert!(matches!(q.put_nowait(&item(2)), Err(QueueError::Full)));
        assert_eq!(q.waits(), 0);
    }

    #[test]
    fn q4_get_nonblocking_on_empty_raises_empty_without_waiting() {
        let mut q = Queue::new(0).unwrap();
        assert!(matches!(q.get(false, Some(5.0)), Err(QueueError::Empty)));
        assert!(matches!(q.get(true, Some(0.0)), Err(QueueError::Empty)));
        assert!(matches!(q.get(true, Some(-0.5)), Err(QueueError::Empty)));
        assert!(matches!(q.get_nowait(), Err(QueueError::Empty)));
        assert_eq!(q.waits(), 0);
    }

    #[test]
    fn q6_qsize_empty_full_are_exact() {
        let mut q = Queue::new(2).unwrap();
        assert!(q.empty() && !q.full());
        q.put_nowait(&item(1)).unwrap();
        assert_eq!(q.qsize(), 1);
        assert!(!q.empty());
        q.put_nowait(&item(2)).unwrap();
        assert!(q.full());
    }

    #[test]
    fn q8_close_is_per_handle_and_idempotent() {
        let mut a = Queue::new(0).unwrap();
        let mut b = a.try_clone().unwrap();
        a.close();
        a.close();
        assert!(matches!(a.put_nowait(&item(1)), Err(QueueError::Closed)));
        assert!(matches!(a.get_nowait(), Err(QueueError::Closed)));
        b.put_nowait(&item(1)).unwrap();
        assert_eq!(b.get_nowait().unwrap().item.item, item(1));
    }

    #[test]
    fn bad_input_gives_clear_errors() {
        assert!(matches!(
            Queue::with_capacity(10, 4),
            Err(QueueError::MaxsizeOutOfRange {
                maxsize: 10,
                capacity: 4
            })
        ));
        assert!(matches!(
            Queue::with_capacity(0, 0),
            Err(QueueError::CapacityOutOfRange(0))
        ));
        let mut q = Queue::new(0).unwrap();
        assert!(matches!(
            q.put(&item(1), true, Some(f64::NAN)),
            Err(QueueError::BadTimeout(_))
        ));
        assert!(matches!(
            q.get(true, Some(f64::INFINITY)),
            Err(QueueError::BadTimeout(_))
        ));
        let long = Item::new("x".repeat(LABEL_MAX + 1), 1, 1);
        let err = q.put_nowait(&long).unwrap_err();
        assert!(matches!(err, QueueError::LabelTooLong { .. }));
        assert!(err.to_string().contains("at most 31 bytes"));
        assert!(matches!(
            q.set_maxsize(1 << 30),
            Err(QueueError::MaxsizeOutOfRange { .. })
        ));
    }

    #[test]
    fn every_operation_gets_a_growing_global_sequence_number() {
        let mut q = Queue::new(0).unwrap();
        let p1 = q.put_nowait(&item(1)).unwrap();
        let p2 = q.put_nowait(&item(2)).unwrap();
        let g1 = q.get_nowait().unwrap();
        assert!(p1.seq < p2.seq && p2.seq < g1.seq);
        assert_eq!(g1.item.put_seq, p1.seq);
        assert_eq!(g1.depth, 1);
        assert_eq!(p2.depth, 2);
    }

    #[test]
    fn observer_sees_queued_items_in_order() {
        let mut q = Queue::new(3).unwrap();
        let obs = q.observer().unwrap();
        for n in 1..=3 {
            q.put_nowait(&item(n)).unwrap();
        }
        q.get_nowait().unwrap();
        let snap = obs.snapshot(100);
        assert_eq!(snap.depth, 2);
        assert_eq!(snap.maxsize, 3);
        let labels: Vec<_> = snap.items.iter().map(|i| i.item.label.as_str()).collect();
        assert_eq!(labels, ["url_2", "url_3"]);
        assert_eq!((snap.puts, snap.gets), (3, 1));
    }

    #[test]
    fn raising_maxsize_lets_a_blocked_put_through() {
        let mut q = Queue::new(1).unwrap();
        q.put_nowait(&item(1)).unwrap();
        let mut q2 = q.try_clone().unwrap();
        let t = std::thread::spawn(move || q2.put(&item(2), true, Some(30.0)).map(|d| d.waited));
        let obs = q.observer().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while obs.snapshot(0).put_waiters == 0 {
            assert!(Instant::now() < deadline, "put never blocked");
            std::thread::yield_now();
        }
        q.set_maxsize(2).unwrap();
        assert!(t.join().unwrap().unwrap());
        assert_eq!(q.qsize(), 2);
    }

    #[test]
    fn lowering_maxsize_below_depth_makes_puts_wait() {
        let mut q = Queue::new(4).unwrap();
        for n in 0..3 {
            q.put_nowait(&item(n)).unwrap();
        }
        q.set_maxsize(2).unwrap();
        assert!(matches!(q.put_nowait(&item(9)), Err(QueueError::Full)));
        q.get_nowait().unwrap();
        q.get_nowait().unwrap();
        q.put_nowait(&item(9)).unwrap();
    }

    #[test]
    fn recover_process_names_an_item_taken_but_not_reported() {
        let mut q = Queue::new(0).unwrap();
        let mut other = q.try_clone().unwrap();
        q.put_nowait(&item(1)).unwrap();
        other.get_nowait().unwrap();
        // Pretend `other`'s process died: its record keeps the item.
        let r = other.record.unwrap();
        other.record = None;
        let fake_pid = 999_999;
        q.rec(r).pid.store(fake_pid, Ordering::Release);
        let rec = q.recover_process(fake_pid as i32).unwrap().unwrap();
        assert_eq!(rec.lost, Some((LostKind::Taken, item(1))));
        assert_eq!(q.recoveries(), 1);
        let snap = q.observer().unwrap().snapshot(10);
        assert_eq!(snap.recent_recoveries.len(), 1);
        assert_eq!(snap.lost, 1);
    }

    #[test]
    fn futex_offsets_are_distinct_cache_lines() {
        let o = QueueObserver::futex_offsets();
        assert_ne!(o.not_empty / 64, o.not_full / 64);
        assert_ne!(o.lock / 64, o.not_empty / 64);
    }
}
