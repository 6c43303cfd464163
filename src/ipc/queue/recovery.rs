//! Repairs after a dead process: settling its in-flight record and logging
//! the recovery.

use std::sync::atomic::Ordering;

use super::layout::*;
use super::*;

impl Queue {
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

    /// Under the lock: settles record `i` of a dead process. `in_lock` says
    /// the process died inside the critical section.
    pub(super) fn repair(&self, i: usize, in_lock: bool) -> Option<Recovery> {
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
    pub(super) fn log_recovery(&self, r: &Recovery) {
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
