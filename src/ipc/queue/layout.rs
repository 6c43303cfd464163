//! The shared-memory layout of a queue: header, in-flight records, slots.

use std::cell::UnsafeCell;
use std::mem::size_of;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use super::*;

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
    pub(super) head: AtomicU64,
    pub(super) tail: AtomicU64,
    pub(super) op_seq: AtomicU64,
    pub(super) get_waiters: AtomicU32,
    pub(super) get_wakes: AtomicU32,
    pub(super) put_waiters: AtomicU32,
    pub(super) put_wakes: AtomicU32,
    /// Index + 1 of the record of the process inside the critical section;
    /// 0 outside it.
    pub(super) owner: AtomicU32,
}

#[repr(C, align(64))]
pub(super) struct Word(pub(super) AtomicU32);

#[repr(C, align(64))]
pub(super) struct Counters {
    pub(super) recoveries: AtomicU64,
    pub(super) lost: AtomicU64,
    pub(super) next_label: AtomicU64,
    pub(super) log_next: AtomicU64,
}

#[repr(C)]
pub(super) struct LogEntry {
    /// Log number + 1 once written; 0 while empty or being rewritten.
    pub(super) seq: AtomicU64,
    pub(super) pid: u32,
    pub(super) flags: u32,
    pub(super) slot: UnsafeCell<Slot>,
}

pub(super) const LOG_HELD_LOCK: u32 = 1;
pub(super) const LOG_WAIT_DATA: u32 = 2;
pub(super) const LOG_WAIT_SPACE: u32 = 4;
pub(super) const LOG_LOST_NOT_PUT: u32 = 8;
pub(super) const LOG_LOST_TAKEN: u32 = 16;

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
pub(super) const TAKING: u32 = 2;
pub(super) const GOT: u32 = 3;
pub(super) const WAIT_NONE: u32 = 0;
pub(super) const WAIT_DATA: u32 = 1;
pub(super) const WAIT_SPACE: u32 = 2;

#[repr(C, align(64))]
pub(super) struct Record {
    pub(super) pid: AtomicU32,
    pub(super) state: AtomicU32,
    pub(super) waiting: AtomicU32,
    pub(super) _pad: u32,
    pub(super) pending_seq: AtomicU64,
    pub(super) head_before: AtomicU64,
    pub(super) item: UnsafeCell<Slot>,
}

pub(super) const fn round_up(n: usize) -> usize {
    (n + 63) & !63
}
pub(super) const RECORDS_OFFSET: usize = round_up(size_of::<Header>());
pub(super) const SLOTS_OFFSET: usize = RECORDS_OFFSET + RECORDS * size_of::<Record>();

pub(super) fn region_len(capacity: usize) -> usize {
    SLOTS_OFFSET + capacity * size_of::<Slot>()
}

pub(super) fn now_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: valid out-pointer.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

pub(super) fn validate(mem: &SharedRegion) -> Result<(), QueueError> {
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

pub(super) fn depth_of(h: &Header) -> usize {
    // Read tail first: head only grows, so head <= tail holds for what we read.
    loop {
        let tail = h.locked.tail.load(Ordering::Acquire);
        let head = h.locked.head.load(Ordering::Acquire);
        if head <= tail {
            return (tail - head) as usize;
        }
    }
}
