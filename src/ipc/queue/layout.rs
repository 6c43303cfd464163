//! The shared-memory layout of a queue (header, in-flight records, slots, get
//! log) and the [`View`] every handle reads it through: it checks a mapping
//! before use and keeps the capacity it checked, so a corrupt or hostile
//! header can never send an index outside the mapping.
//!
//! Every word other processes may touch while we read it is an atomic; plain
//! data (an item's 64 bytes) is stored and loaded as eight `AtomicU64`s.

use std::cell::UnsafeCell;
use std::mem::size_of;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use super::{Item, LABEL_MAX, MAX_CAPACITY, QueueError, QueuedItem, RECORDS, RECOVERY_LOG};
use crate::ipc::shm::SharedRegion;

pub(super) const MAGIC: u64 = 0x6970_6373_5155_4555;
/// 2: one commit point per operation, a get log, a 256-entry recovery log.
pub(super) const VERSION: u32 = 2;

/// An item as stored in a slot, a record or the recovery log.
#[repr(C)]
#[derive(Clone, Copy)]
pub(super) struct Slot {
    pub(super) op_seq: u64,
    pub(super) writer_seq: u64,
    pub(super) ts_ns: u64,
    pub(super) writer: u32,
    pub(super) pid: u32,
    pub(super) label_len: u8,
    pub(super) label: [u8; LABEL_MAX],
}

const _: () = assert!(size_of::<Slot>() == 64);

impl Slot {
    pub(super) const EMPTY: Slot = Slot {
        op_seq: 0,
        writer_seq: 0,
        ts_ns: 0,
        writer: 0,
        pid: 0,
        label_len: 0,
        label: [0; LABEL_MAX],
    };

    pub(super) fn from_item(item: &Item, pid: u32) -> Result<Slot, QueueError> {
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

    pub(super) fn item(&self) -> Item {
        let len = (self.label_len as usize).min(LABEL_MAX);
        Item {
            label: String::from_utf8_lossy(&self.label[..len]).into_owned(),
            writer: self.writer,
            seq: self.writer_seq,
        }
    }

    pub(super) fn queued(&self) -> QueuedItem {
        QueuedItem {
            item: self.item(),
            put_seq: self.op_seq,
            put_pid: self.pid as i32,
            put_ts_ns: self.ts_ns,
        }
    }
}

/// Shared storage for one [`Slot`]: eight words, so a reader racing a writer
/// reads stale or torn words (which it then discards), never undefined
/// behaviour.
#[repr(C, align(64))]
pub(super) struct SlotCell([AtomicU64; 8]);

const _: () = assert!(size_of::<SlotCell>() == 64);

impl SlotCell {
    pub(super) fn store(&self, slot: &Slot) {
        // SAFETY: Slot is 64 bytes of integers without padding, so it is
        // exactly eight u64 words.
        let words: [u64; 8] = unsafe { std::mem::transmute(*slot) };
        for (cell, w) in self.0.iter().zip(words) {
            cell.store(w, Ordering::Relaxed);
        }
    }

    pub(super) fn load(&self) -> Slot {
        let words: [u64; 8] = std::array::from_fn(|i| self.0[i].load(Ordering::Relaxed));
        // SAFETY: any 64 bytes are a valid Slot (integers and a byte array;
        // `item()` bounds the label length).
        unsafe { std::mem::transmute(words) }
    }
}

/// Who took the item of the slot with the same index, written under the lock
/// before the `head` store that commits the get.
#[repr(C)]
pub(super) struct GetEntry {
    pub(super) seq: AtomicU64,
    pub(super) ts_ns: AtomicU64,
    pub(super) pid: AtomicU32,
    _pad: u32,
}

#[repr(C, align(64))]
pub(super) struct Config {
    pub(super) magic: u64,
    pub(super) version: u32,
    pub(super) capacity: u32,
    pub(super) records: u32,
    /// 0 = unbounded (limit is `capacity`).
    pub(super) maxsize: AtomicU32,
}

#[repr(C, align(64))]
pub(super) struct LockedPart {
    pub(super) mutex: UnsafeCell<libc::pthread_mutex_t>,
    /// Gets committed so far; the get of index `i` commits with `head = i + 1`.
    pub(super) head: AtomicU64,
    /// Puts committed so far; the put of index `i` commits with `tail = i + 1`.
    pub(super) tail: AtomicU64,
    /// The last operation number handed out (a number whose operation died
    /// before committing is never reused).
    pub(super) op_seq: AtomicU64,
    pub(super) get_waiters: AtomicU32,
    pub(super) get_wakes: AtomicU32,
    pub(super) put_waiters: AtomicU32,
    pub(super) put_wakes: AtomicU32,
    /// Index + 1 of the record of the process inside the critical section;
    /// 0 outside it (or when the holder has no record).
    pub(super) owner: AtomicU32,
}

#[repr(C, align(64))]
pub(super) struct Word(pub(super) AtomicU32);

#[repr(C, align(64))]
pub(super) struct Counters {
    pub(super) next_label: AtomicU64,
    /// Recoveries logged so far; storing `n + 1` commits log entry `n`.
    pub(super) log_next: AtomicU64,
}

/// One recovery. Written under the lock as a seqlock: `seq` is 0 while the
/// entry is being (re)written, then log number + 1.
#[repr(C)]
pub(super) struct LogEntry {
    pub(super) seq: AtomicU64,
    pub(super) after_seq: AtomicU64,
    pub(super) ts_ns: AtomicU64,
    /// Items lost in all recoveries up to and including this one.
    pub(super) lost_total: AtomicU64,
    pub(super) by_pid: AtomicU32,
    pub(super) dead_pid: AtomicU32,
    pub(super) flags: AtomicU32,
    _pad: u32,
    pub(super) lost: SlotCell,
}

pub(super) const LOG_HELD_LOCK: u32 = 1;
pub(super) const LOG_LOST: u32 = 2;

#[repr(C)]
pub(super) struct Header {
    pub(super) config: Config,
    pub(super) locked: LockedPart,
    pub(super) not_empty: Word,
    pub(super) not_full: Word,
    pub(super) counters: Counters,
    pub(super) log: [LogEntry; RECOVERY_LOG],
}

pub(super) const IDLE: u32 = 0;
pub(super) const PUTTING: u32 = 1;
pub(super) const WAIT_NONE: u32 = 0;
pub(super) const WAIT_DATA: u32 = 1;
pub(super) const WAIT_SPACE: u32 = 2;

/// What one process is doing, so whoever repairs after its death knows.
#[repr(C, align(64))]
pub(super) struct Record {
    pub(super) pid: AtomicU32,
    /// IDLE, or PUTTING from before the put takes the lock until after its
    /// commit (a dead process still PUTTING lost `item` unless the tail
    /// reached `pending_tail`).
    pub(super) state: AtomicU32,
    pub(super) waiting: AtomicU32,
    _pad: u32,
    /// Index + 1 of the slot the put wrote; 0 before it wrote one.
    pub(super) pending_tail: AtomicU64,
    /// Log number + 1 of the recovery that settled this record, so a repair
    /// cut short by its own death is not logged twice.
    pub(super) logged: AtomicU64,
    pub(super) item: SlotCell,
}

const fn round_up(n: usize) -> usize {
    (n + 63) & !63
}
const RECORDS_OFFSET: usize = round_up(size_of::<Header>());
const SLOTS_OFFSET: usize = RECORDS_OFFSET + RECORDS * size_of::<Record>();

fn get_log_offset(capacity: usize) -> usize {
    SLOTS_OFFSET + capacity * size_of::<SlotCell>()
}

pub(super) fn region_len(capacity: usize) -> usize {
    get_log_offset(capacity) + capacity * size_of::<GetEntry>()
}

/// CLOCK_MONOTONIC in nanoseconds.
pub(super) fn now_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

/// Whether `head`/`tail` (read together, under the lock or as one consistent
/// pair) can describe a real queue of `capacity` slots.
pub(super) fn check_state(head: u64, tail: u64, capacity: u64) -> Result<(), QueueError> {
    if head > tail {
        Err(QueueError::Corrupt("head is past tail"))
    } else if tail - head > capacity {
        Err(QueueError::Corrupt("more items queued than slots"))
    } else {
        Ok(())
    }
}

/// A checked mapping of a queue. The capacity is read once, when checked,
/// and every index is taken modulo that value.
pub(super) struct View {
    mem: SharedRegion,
    cap: u64,
}

impl View {
    /// Takes a freshly built region (its header already written).
    pub(super) fn new(mem: SharedRegion) -> View {
        // SAFETY: the caller built the header in this region.
        let cap = unsafe { (*(mem.as_ptr() as *const Header)).config.capacity } as u64;
        View { mem, cap }
    }

    /// Checks the header (magic, version, record count, capacity, size) and
    /// the state (head <= tail, depth <= capacity, maxsize <= capacity, owner
    /// in range) of a region another process made.
    pub(super) fn open(mem: SharedRegion) -> Result<View, QueueError> {
        if mem.len() < SLOTS_OFFSET {
            return Err(QueueError::NotAQueue);
        }
        // SAFETY: at least a header's worth of bytes is mapped; the config
        // fields are plain integers written once by the creator.
        let (magic, version, records, capacity) = unsafe {
            let c = &(*(mem.as_ptr() as *const Header)).config;
            (
                std::ptr::read_volatile(&c.magic),
                std::ptr::read_volatile(&c.version),
                std::ptr::read_volatile(&c.records),
                std::ptr::read_volatile(&c.capacity),
            )
        };
        let cap = capacity as usize;
        if magic != MAGIC
            || version != VERSION
            || records as usize != RECORDS
            || cap == 0
            || cap > MAX_CAPACITY
            || mem.len() < region_len(cap)
        {
            return Err(QueueError::NotAQueue);
        }
        let view = View {
            mem,
            cap: cap as u64,
        };
        view.depth()?;
        let h = view.header();
        if h.config.maxsize.load(Ordering::Relaxed) as u64 > view.cap {
            return Err(QueueError::Corrupt("maxsize is larger than the capacity"));
        }
        if h.locked.owner.load(Ordering::Relaxed) as usize > RECORDS {
            return Err(QueueError::Corrupt("lock owner out of range"));
        }
        Ok(view)
    }

    pub(super) fn region(&self) -> &SharedRegion {
        &self.mem
    }

    pub(super) fn capacity(&self) -> u64 {
        self.cap
    }

    pub(super) fn header(&self) -> &Header {
        // SAFETY: checked (or built) to start with a Header.
        unsafe { &*(self.mem.as_ptr() as *const Header) }
    }

    pub(super) fn rec(&self, i: usize) -> &Record {
        assert!(i < RECORDS);
        // SAFETY: i < RECORDS and the region holds RECORDS records.
        unsafe { &*(self.mem.as_ptr().add(RECORDS_OFFSET) as *const Record).add(i) }
    }

    pub(super) fn records(&self) -> impl Iterator<Item = (usize, &Record)> {
        (0..RECORDS).map(|i| (i, self.rec(i)))
    }

    /// The slot of ring index `index` (any u64: taken modulo the capacity).
    pub(super) fn slot(&self, index: u64) -> &SlotCell {
        // SAFETY: index % cap < cap slots, all inside the checked region.
        unsafe {
            &*(self.mem.as_ptr().add(SLOTS_OFFSET) as *const SlotCell)
                .add((index % self.cap) as usize)
        }
    }

    /// The get-log entry of ring index `index`.
    pub(super) fn get_entry(&self, index: u64) -> &GetEntry {
        // SAFETY: index % cap < cap entries, all inside the checked region.
        unsafe {
            &*(self.mem.as_ptr().add(get_log_offset(self.cap as usize)) as *const GetEntry)
                .add((index % self.cap) as usize)
        }
    }

    /// The log entry of recovery number `n`.
    pub(super) fn log_entry(&self, n: u64) -> &LogEntry {
        &self.header().log[(n % RECOVERY_LOG as u64) as usize]
    }

    /// The depth, read without the lock: tail, head, tail again until the
    /// tail held still across the head read (the pair was then true at one
    /// moment). Bounded: impossible values give `Corrupt`, never a spin.
    pub(super) fn depth(&self) -> Result<usize, QueueError> {
        let l = &self.header().locked;
        for _ in 0..64 {
            let t1 = l.tail.load(Ordering::Acquire);
            let head = l.head.load(Ordering::Acquire);
            let t2 = l.tail.load(Ordering::Acquire);
            if t1 == t2 {
                check_state(head, t1, self.cap)?;
                return Ok((t1 - head) as usize);
            }
        }
        // Puts never paused: head read first is at most any later tail.
        let head = l.head.load(Ordering::Acquire);
        let tail = l.tail.load(Ordering::Acquire);
        if head > tail {
            return Err(QueueError::Corrupt("head is past tail"));
        }
        Ok((tail - head).min(self.cap) as usize)
    }

    /// The limit on the depth: maxsize, or the capacity when unbounded.
    pub(super) fn limit(&self) -> Result<u64, QueueError> {
        match self.header().config.maxsize.load(Ordering::Acquire) as u64 {
            0 => Ok(self.cap),
            m if m <= self.cap => Ok(m),
            _ => Err(QueueError::Corrupt("maxsize is larger than the capacity")),
        }
    }
}
