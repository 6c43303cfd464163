//! The read-only observer: snapshots of a queue taken without its lock.

use std::mem::offset_of;
use std::os::fd::OwnedFd;
use std::sync::atomic::Ordering;

use super::layout::*;
use super::*;

/// A read-only mapping of a queue: reads depth and the queued items in order
/// without taking the lock, so it never disturbs the processes using it.
pub struct QueueObserver {
    pub(super) mem: SharedRegion,
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
