//! The cross-process Queue (model: `multiprocessing.Queue`): a ring of
//! fixed-size slots in one shared memfd, guarded by a robust process-shared
//! mutex, with futex sequence words for blocking. This file owns the public
//! types and the operations of a [`Queue`] handle.
//!
//! Layout of the region (`layout.rs`): a header (config, the locked part, the
//! two futex words on their own cache lines, counters, a recovery log), then
//! [`RECORDS`] per-process in-flight records, then `capacity` slots, then a
//! get log of one small entry per slot.
//!
//! Crash safety: one commit point per operation. A put happens at its `tail`
//! store, a get at its `head` store, nothing else. An item that entered the
//! queue is got exactly once (possibly by a process that dies right after:
//! that is a get, not a loss) or is still queued, so puts == gets + depth,
//! always. The only loss is an item whose putter died before its tail store:
//! it never entered the queue, and the recovery names it. A holder killed
//! inside the lock hands the next locker `EOWNERDEAD`; the repair
//! (`recovery.rs`) settles the dead holder's in-flight record, logs the
//! recovery, rebuilds the wake-up accounting and wakes every sleeper. A
//! process killed outside the lock is settled by [`Queue::recover_process`],
//! which the supervisor calls after reaping it.
//!
//! Wake-ups. A blocked getter registers as a waiter under the lock, reads the
//! `not_empty` word, unlocks and sleeps on it. A put that commits bumps the
//! word and wakes one sleeper, but only while there are more registered
//! waiters than wakes already sent, so a busy writer makes no syscall per
//! item. Symmetric for `not_full`. A process that dies between counting a
//! wake as sent and sending it would leave a sleeper asleep: every repair
//! therefore recounts the waiters from the records and wakes all sleepers.
//!
//! Observers (`observer.rs`) read the depth, the queued items and an op log
//! of every put, get and recovery without taking the lock.

mod kill;
mod layout;
mod lock;
mod observer;
mod oplog;
mod recovery;
#[cfg(test)]
mod tests;
mod types;

use std::os::fd::{BorrowedFd, OwnedFd};
use std::sync::atomic::{Ordering, fence};

use super::shm::{SharedRegion, ShmError};
use super::sync::{self, LockError};
#[doc(hidden)]
pub use kill::KillPoint;
use layout::*;
use lock::Wait;
pub use observer::QueueObserver;
pub use oplog::{OpBatch, OpCursor, QueueOp};
pub use types::*;

/// Longest item label, in bytes (`url_123456` fits easily).
pub const LABEL_MAX: usize = 31;
/// Physical slots in a queue made by [`Queue::new`]. An unbounded queue
/// (maxsize <= 0) blocks when this many items wait, and says so.
pub const DEFAULT_CAPACITY: usize = 65_536;
/// Largest physical capacity accepted.
pub const MAX_CAPACITY: usize = 1 << 20;
/// Processes (handles) that can use one queue at once.
pub const RECORDS: usize = 256;
/// Recoveries the shared log keeps (older ones are counted as missed by a
/// reader that comes too late).
pub const RECOVERY_LOG: usize = 256;
/// Longest accepted timeout, in seconds (about 30 years).
pub const MAX_TIMEOUT_SECS: f64 = 1e9;
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
    #[error("queue memory is corrupt: {0}")]
    Corrupt(&'static str),
    #[error("all {RECORDS} in-flight records are in use: too many processes on one queue")]
    TooManyProcesses,
    #[error("this handle is a read-only observer")]
    ReadOnly,
    #[error("timed out waiting for the queue lock (its holder may be stopped); try again later")]
    LockTimeout,
    #[error(transparent)]
    Shm(#[from] ShmError),
    #[error(transparent)]
    Lock(#[from] LockError),
}

// ----------------------------------------------------------------- queue --

/// A process's handle on a queue. Create one with [`Queue::new`], pass
/// [`Queue::fd`] to a child, and open it there with [`Queue::from_fd`].
pub struct Queue {
    view: View,
    record: Option<usize>,
    closed: bool,
    timestamps: bool,
    waits: u64,
    recovered: Vec<Recovery>,
    pid: u32,
    /// A repair happened under the current lock hold: wake every sleeper
    /// once the lock is released.
    wake_all: bool,
    /// Test hook: what to do when the operation reaches a point.
    stop: Option<(KillPoint, fn())>,
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
        Ok(Self::wrap(View::new(mem)))
    }

    /// Opens a queue from an fd inherited from its creator, after checking
    /// its header and state ([`QueueError::NotAQueue`],
    /// [`QueueError::Corrupt`]).
    pub fn from_fd(fd: OwnedFd) -> Result<Queue, QueueError> {
        Ok(Self::wrap(View::open(SharedRegion::from_fd(fd, true)?)?))
    }

    /// Another handle on the same queue in this process (its own record).
    pub fn try_clone(&self) -> Result<Queue, QueueError> {
        Ok(Self::wrap(View::open(self.view.region().try_clone()?)?))
    }

    fn wrap(view: View) -> Queue {
        Queue {
            view,
            record: None,
            closed: false,
            timestamps: false,
            waits: 0,
            recovered: Vec::new(),
            pid: std::process::id(),
            wake_all: false,
            stop: None,
        }
    }

    /// Where this handle maps the queue in this process's address space.
    pub fn map_base(&self) -> u64 {
        self.view.region().as_ptr() as u64
    }

    /// The memfd to hand to a child process.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.view.region().fd()
    }

    /// A read-only observer of this queue.
    pub fn observer(&self) -> Result<QueueObserver, QueueError> {
        QueueObserver::open(self.view.region().map_readonly()?)
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

    pub fn capacity(&self) -> usize {
        self.view.capacity() as usize
    }

    /// The maxsize set (0: unbounded).
    pub fn maxsize(&self) -> usize {
        self.view.header().config.maxsize.load(Ordering::Relaxed) as usize
    }

    /// The depth at which puts block: maxsize, or the physical capacity when
    /// unbounded.
    pub fn limit(&self) -> usize {
        self.view.limit().unwrap_or(self.view.capacity()) as usize
    }

    /// Exact number of items queued (Q6: Python's is approximate). A corrupt
    /// queue reads as empty (its operations fail with
    /// [`QueueError::Corrupt`]).
    pub fn qsize(&self) -> usize {
        self.view.depth().unwrap_or(0)
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
        self.view
            .header()
            .counters
            .next_label
            .fetch_add(1, Ordering::Relaxed)
    }

    /// Sets where [`Queue::next_label_number`] continues from.
    pub fn set_next_label_number(&self, n: u64) {
        self.view
            .header()
            .counters
            .next_label
            .store(n, Ordering::Relaxed);
    }

    /// Total recoveries performed on this queue by anyone.
    pub fn recoveries(&self) -> u64 {
        self.view.header().counters.log_next.load(Ordering::Acquire)
    }

    /// Changes maxsize while processes use the queue. Lowering it below the
    /// depth makes puts wait until the depth drops; raising it wakes them.
    pub fn set_maxsize(&mut self, maxsize: i64) -> Result<(), QueueError> {
        let max = check_maxsize(maxsize, self.capacity())?;
        self.enter(None)?;
        let h = self.view.header();
        h.config.maxsize.store(max, Ordering::Release);
        let waiters = h.locked.put_waiters.load(Ordering::Relaxed);
        let wake = waiters > 0;
        if wake {
            h.locked.put_wakes.store(waiters, Ordering::Relaxed);
            h.not_full.0.fetch_add(1, Ordering::Release);
        }
        self.leave();
        if wake {
            sync::futex_wake(&self.view.header().not_full.0, i32::MAX);
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

    /// `put(item, block, timeout)` (Q3): waits for space as Python does;
    /// `queue.Full` on timeout, at once when `block` is false or timeout <= 0.
    /// The item enters the queue at the `tail` store, the put's only commit.
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
            let rec = self.view.rec(r);
            rec.item.store(&slot);
            rec.pending_tail.store(0, Ordering::Relaxed);
            rec.state.store(PUTTING, Ordering::Release);
        }
        self.reach(KillPoint::PutBeforeLock);
        let mut waited = false;
        loop {
            if let Err(e) = self.enter(wait.deadline()) {
                self.view.rec(r).state.store(IDLE, Ordering::Release);
                return Err(match e {
                    QueueError::LockTimeout => QueueError::Full,
                    e => e,
                });
            }
            self.reach(KillPoint::PutAfterLock);
            let h = self.view.header();
            let head = h.locked.head.load(Ordering::Relaxed);
            let tail = h.locked.tail.load(Ordering::Relaxed);
            let room = check_state(head, tail, self.view.capacity())
                .and_then(|()| self.view.limit())
                .map(|limit| tail - head < limit);
            match room {
                Ok(true) => {
                    let (seq, ts_ns) = self.write_slot(r, &slot, tail);
                    self.reach(KillPoint::PutAfterSlotWrite);
                    let h = self.view.header();
                    h.locked.tail.store(tail + 1, Ordering::Release); // commit
                    self.reach(KillPoint::PutAfterCommit);
                    self.view.rec(r).state.store(IDLE, Ordering::Release);
                    self.reach(KillPoint::PutAfterRecordState);
                    let wake = self.grant_wake(WaitKind::Data);
                    self.reach(KillPoint::PutAfterGrantWake);
                    self.leave();
                    self.reach(KillPoint::PutAfterUnlock);
                    if wake {
                        sync::futex_wake(&self.view.header().not_empty.0, 1);
                    }
                    self.reach(KillPoint::PutAfterWake);
                    return Ok(PutDone {
                        seq,
                        depth: (tail + 1 - head) as usize,
                        waited,
                        ts_ns,
                    });
                }
                Ok(false) if !wait.expired() => {}
                Ok(false) | Err(_) => {
                    self.view.rec(r).state.store(IDLE, Ordering::Release);
                    self.leave();
                    return Err(room.err().unwrap_or(QueueError::Full));
                }
            }
            let word = self.register_wait(r, WaitKind::Space);
            self.reach(KillPoint::PutAfterRegisterWait);
            self.leave();
            self.reach(KillPoint::PutAfterUnlockBeforeSleep);
            waited = true;
            self.waits += 1;
            self.sleep(&self.view.header().not_full.0, word, wait);
        }
    }

    /// `get(block, timeout)` (Q4): one deadline covers the lock and the data;
    /// `queue.Empty` on timeout, at once when `block` is false or timeout <= 0.
    /// The item leaves the queue at the `head` store, the get's only commit.
    pub fn get(&mut self, block: bool, timeout: Option<f64>) -> Result<GetDone, QueueError> {
        self.check_open()?;
        let wait = Wait::parse(block, timeout)?;
        let r = self.claim_record()?;
        let mut waited = false;
        loop {
            if let Err(e) = self.enter(wait.deadline()) {
                return Err(match e {
                    QueueError::LockTimeout => QueueError::Empty,
                    e => e,
                });
            }
            self.reach(KillPoint::GetAfterLock);
            let h = self.view.header();
            let head = h.locked.head.load(Ordering::Relaxed);
            let tail = h.locked.tail.load(Ordering::Relaxed);
            if let Err(e) = check_state(head, tail, self.view.capacity()) {
                self.leave();
                return Err(e);
            }
            if tail > head {
                let (slot, seq, ts_ns) = self.log_get(head);
                self.reach(KillPoint::GetAfterGetLog);
                let h = self.view.header();
                h.locked.head.store(head + 1, Ordering::Release); // commit
                self.reach(KillPoint::GetAfterCommit);
                let wake = self.grant_wake(WaitKind::Space);
                self.reach(KillPoint::GetAfterGrantWake);
                self.leave();
                self.reach(KillPoint::GetAfterUnlock);
                if wake {
                    sync::futex_wake(&self.view.header().not_full.0, 1);
                }
                self.reach(KillPoint::GetAfterWake);
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
            let word = self.register_wait(r, WaitKind::Data);
            self.reach(KillPoint::GetAfterRegisterWait);
            self.leave();
            self.reach(KillPoint::GetAfterUnlockBeforeSleep);
            waited = true;
            self.waits += 1;
            self.sleep(&self.view.header().not_empty.0, word, wait);
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
        let (seq, ts_ns) = self.next_seq();
        self.view
            .rec(r)
            .pending_tail
            .store(tail + 1, Ordering::Relaxed);
        // An observer that reads any of the new words also sees the tail
        // that let this put reuse the slot (see observer.rs).
        fence(Ordering::Release);
        self.view.slot(tail).store(&Slot {
            op_seq: seq,
            ts_ns,
            ..*slot
        });
        (seq, ts_ns)
    }

    /// Under the lock, with an item at `head`: numbers the get, reads the
    /// item and writes the get log entry, not yet committed (the caller's
    /// `head` store commits it).
    fn log_get(&self, head: u64) -> (Slot, u64, u64) {
        let (seq, ts_ns) = self.next_seq();
        let slot = self.view.slot(head).load();
        let e = self.view.get_entry(head);
        // As in write_slot: a reader of the new entry also sees this head.
        fence(Ordering::Release);
        e.seq.store(seq, Ordering::Relaxed);
        e.ts_ns.store(ts_ns, Ordering::Relaxed);
        e.pid.store(self.pid, Ordering::Relaxed);
        (slot, seq, ts_ns)
    }

    /// Under the lock: the next operation number, and the time when
    /// timestamps are on (0 otherwise).
    fn next_seq(&self) -> (u64, u64) {
        let l = &self.view.header().locked;
        let seq = l.op_seq.load(Ordering::Relaxed) + 1;
        l.op_seq.store(seq, Ordering::Relaxed);
        (seq, if self.timestamps { now_ns() } else { 0 })
    }

    /// Test hook: runs the action set for `point` (see [`KillPoint`]). One
    /// predictable branch when no hook is set.
    #[inline(always)]
    fn reach(&self, point: KillPoint) {
        if let Some((at, action)) = self.stop
            && at == point
        {
            action();
        }
    }

    fn check_open(&self) -> Result<(), QueueError> {
        if self.closed {
            Err(QueueError::Closed)
        } else if !self.view.region().writable() {
            Err(QueueError::ReadOnly)
        } else {
            Ok(())
        }
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        if self.view.region().writable() {
            self.release_record();
        }
    }
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
