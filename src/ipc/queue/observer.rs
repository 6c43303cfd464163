//! The read-only observer: depth, snapshots of the queued items, in-flight
//! records and recent recoveries, all read without taking the lock, so it
//! never disturbs the processes using the queue. Its op log is in
//! `oplog.rs`.

use std::mem::offset_of;
use std::os::fd::OwnedFd;
use std::sync::atomic::{Ordering, fence};

use super::layout::*;
use super::recovery::{lost_total, read_log};
use super::{FutexOffsets, InFlight, InFlightState, QueueError, Snapshot, WaitKind};
use crate::ipc::shm::SharedRegion;

/// Recoveries a snapshot carries (the op log has them all).
const RECENT_RECOVERIES: u64 = 16;

/// A read-only mapping of a queue: reads depth, the queued items in order
/// and the op log without taking the lock.
pub struct QueueObserver {
    pub(super) view: View,
}

impl QueueObserver {
    /// Opens an observer on a queue memfd (read-only mapping), after
    /// checking its header and state.
    pub fn from_fd(fd: OwnedFd) -> Result<QueueObserver, QueueError> {
        Self::open(SharedRegion::from_fd(fd, false)?)
    }

    pub(super) fn open(mem: SharedRegion) -> Result<QueueObserver, QueueError> {
        Ok(QueueObserver {
            view: View::open(mem)?,
        })
    }

    /// The depth (0 when the memory is corrupt).
    pub fn depth(&self) -> usize {
        self.view.depth().unwrap_or(0)
    }

    pub fn maxsize(&self) -> usize {
        self.view.header().config.maxsize.load(Ordering::Relaxed) as usize
    }

    pub fn capacity(&self) -> usize {
        self.view.capacity() as usize
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
        let h = self.view.header();
        let cap = self.view.capacity();
        // Head first: a sane queue never shows it past a later tail.
        let head = h.locked.head.load(Ordering::Acquire);
        let tail = h.locked.tail.load(Ordering::Acquire);
        let mut items = Vec::new();
        let mut depth = 0;
        if head <= tail {
            let end = tail.min(head + (max_items as u64).min(cap));
            let slots: Vec<Slot> = (head..end).map(|i| self.view.slot(i).load()).collect();
            fence(Ordering::Acquire);
            // Items got while we copied are no longer queued; the slots of
            // those still queued cannot have been reused.
            let head2 = h.locked.head.load(Ordering::Acquire).min(tail);
            let skip = (head2 - head) as usize;
            items = slots.iter().skip(skip).map(Slot::queued).collect();
            depth = ((tail - head2).min(cap)) as usize;
        }
        let log_next = h.counters.log_next.load(Ordering::Acquire);
        Snapshot {
            depth,
            maxsize: self.maxsize(),
            capacity: self.capacity(),
            items,
            // head and tail only grow: they count every get and put ever.
            puts: tail,
            gets: head,
            op_seq: h.locked.op_seq.load(Ordering::Relaxed),
            recoveries: log_next,
            lost: lost_total(&self.view),
            get_waiters: h.locked.get_waiters.load(Ordering::Relaxed),
            put_waiters: h.locked.put_waiters.load(Ordering::Relaxed),
            in_flight: self.in_flight(),
            recent_recoveries: (log_next.saturating_sub(RECENT_RECOVERIES)..log_next)
                .filter_map(|n| read_log(&self.view, n))
                .collect(),
        }
    }

    fn in_flight(&self) -> Vec<InFlight> {
        self.view
            .records()
            .filter_map(|(_, rec)| {
                let pid = rec.pid.load(Ordering::Acquire);
                if pid == 0 {
                    return None;
                }
                let state = match rec.state.load(Ordering::Acquire) {
                    PUTTING => InFlightState::Putting,
                    _ => InFlightState::Idle,
                };
                let waiting = match rec.waiting.load(Ordering::Acquire) {
                    WAIT_DATA => Some(WaitKind::Data),
                    WAIT_SPACE => Some(WaitKind::Space),
                    _ => None,
                };
                // A racy copy, for display only.
                let item = (state == InFlightState::Putting).then(|| rec.item.load().item());
                Some(InFlight {
                    pid: pid as i32,
                    state,
                    waiting,
                    item,
                })
            })
            .collect()
    }
}
