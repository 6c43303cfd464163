//! Repairs after a dead process, by whoever performs them: settling its
//! in-flight record (naming an item it was putting and never committed),
//! logging the recovery, and rebuilding the wake-up accounting so no sleeper
//! is left asleep.
//!
//! A recovery is logged only when something was repaired: a lock found
//! abandoned (`EOWNERDEAD`) or an item lost. A process that held nothing and
//! had nothing in flight (a reader terminated while asleep in `get`) leaves
//! only its waiter registration and record, which are released silently.

use std::sync::atomic::{Ordering, fence};
use std::time::Instant;

use super::layout::*;
use super::{Queue, QueueError, Recovery};

/// Recoveries a handle keeps for [`Queue::take_recoveries`] (all of them
/// are in the shared log too).
const KEEP_RECOVERED: usize = 1024;

impl Queue {
    /// Repairs what the dead process `pid` left: its waiter registration,
    /// its record and any item it was putting but had not committed. Call it
    /// after reaping `pid`. Waits for the lock until `deadline` (forever when
    /// `None`); on [`QueueError::LockTimeout`] (a holder is stopped, say)
    /// nothing was changed: call again later.
    ///
    /// Returns the recovery when something was repaired (the lock `pid`
    /// died holding, or an item lost), `None` otherwise. Either way it
    /// recounts the waiters and wakes every sleeper, since a process that
    /// died between counting a wake as sent and sending it leaves no other
    /// trace.
    pub fn recover_process(
        &mut self,
        pid: i32,
        deadline: Option<Instant>,
    ) -> Result<Option<Recovery>, QueueError> {
        let before = self.recovered.len();
        self.enter(deadline)?;
        // It may have died holding the lock: then `enter` just repaired it.
        let mut found = self.recovered[before..]
            .iter()
            .position(|r| r.dead_pid == pid)
            .map(|i| self.recovered.remove(before + i));
        for i in 0..super::RECORDS {
            if Some(i) == self.record || self.view.rec(i).pid.load(Ordering::Acquire) != pid as u32
            {
                continue;
            }
            if let Some(r) = self.settle(i, false) {
                found = found.or(Some(r));
            }
        }
        self.rebuild_waiters();
        self.leave();
        Ok(found)
    }

    /// Under a lock just taken with `EOWNERDEAD`: settles the dead holder's
    /// record, logs the recovery, rebuilds the wake-up accounting and marks
    /// the lock consistent.
    pub(super) fn repair_dead_holder(&mut self) {
        let l = &self.view.header().locked;
        let owner = l.owner.load(Ordering::Acquire) as usize;
        // From here on a death of ours is ours to blame, not the old owner's.
        let ours = self.record.map_or(0, |r| r as u32 + 1);
        l.owner.store(ours, Ordering::Release);
        let dead = (1..=super::RECORDS)
            .contains(&owner)
            .then(|| owner - 1)
            .filter(|&i| Some(i) != self.record);
        let rec = match dead {
            Some(i) => self.settle(i, true),
            // Died between taking the lock and naming itself: the state it
            // guards is untouched; who it was is unknown.
            None => Some(self.log_recovery(0, true, None, None)),
        };
        if self.recovered.len() >= KEEP_RECOVERED {
            self.recovered.remove(0); // nobody takes them: keep the latest
        }
        self.recovered.extend(rec);
        self.rebuild_waiters();
        let m = self.view.header().locked.mutex.get();
        // SAFETY: we hold the lock and repaired the state it guards.
        unsafe { crate::ipc::sync::mark_consistent(m) };
    }

    /// Under the lock: settles record `i` of a dead process. `held_lock`
    /// says it died inside the critical section. Returns the recovery when
    /// there was something to repair.
    fn settle(&mut self, i: usize, held_lock: bool) -> Option<Recovery> {
        let rec = self.view.rec(i);
        let dead_pid = rec.pid.load(Ordering::Acquire) as i32;
        // Its registration is dropped; the caller recounts the waiters.
        rec.waiting.store(WAIT_NONE, Ordering::Release);
        let lost = (rec.state.load(Ordering::Acquire) == PUTTING)
            .then(|| {
                // The put happened iff its tail store did: the tail reached
                // the index + 1 it wrote (nobody else moved the tail since:
                // it died holding the lock, or before it wrote anything).
                let pending = rec.pending_tail.load(Ordering::Relaxed);
                let tail = self.view.header().locked.tail.load(Ordering::Relaxed);
                let committed = pending != 0 && tail >= pending;
                (!committed).then(|| rec.item.load())
            })
            .flatten();
        let logged = rec.logged.load(Ordering::Acquire);
        let log_next = self.view.header().counters.log_next.load(Ordering::Relaxed);
        // A repairer that died after logging this record but before
        // clearing it: it is logged already.
        let already = logged != 0 && logged <= log_next;
        let result = ((held_lock || lost.is_some()) && !already)
            .then(|| self.log_recovery(dead_pid, held_lock, lost, Some(i)));
        let rec = self.view.rec(i);
        rec.state.store(IDLE, Ordering::Release);
        rec.pending_tail.store(0, Ordering::Relaxed);
        rec.pid.store(0, Ordering::Release);
        result
    }

    /// Under the lock: appends a recovery to the log (committed by the
    /// `log_next` store) and returns it.
    fn log_recovery(
        &self,
        dead_pid: i32,
        held_lock: bool,
        lost: Option<Slot>,
        record: Option<usize>,
    ) -> Recovery {
        let h = self.view.header();
        let n = h.counters.log_next.load(Ordering::Relaxed);
        if let Some(i) = record {
            self.view.rec(i).logged.store(n + 1, Ordering::Release);
        }
        let lost_before = match n {
            0 => 0,
            _ => self
                .view
                .log_entry(n - 1)
                .lost_total
                .load(Ordering::Relaxed),
        };
        let after_seq = h.locked.op_seq.load(Ordering::Relaxed);
        let ts_ns = now_ns();
        let mut flags = if held_lock { LOG_HELD_LOCK } else { 0 };
        if lost.is_some() {
            flags |= LOG_LOST;
        }
        let e = self.view.log_entry(n);
        e.seq.store(0, Ordering::Relaxed);
        // Readers that see any new field also see `seq == 0` (a seqlock).
        fence(Ordering::Release);
        e.after_seq.store(after_seq, Ordering::Relaxed);
        e.ts_ns.store(ts_ns, Ordering::Relaxed);
        e.lost_total
            .store(lost_before + lost.is_some() as u64, Ordering::Relaxed);
        e.by_pid.store(self.pid, Ordering::Relaxed);
        e.dead_pid.store(dead_pid as u32, Ordering::Relaxed);
        e.flags.store(flags, Ordering::Relaxed);
        e.lost.store(&lost.unwrap_or(Slot::EMPTY));
        e.seq.store(n + 1, Ordering::Release);
        h.counters.log_next.store(n + 1, Ordering::Release); // commit
        Recovery {
            log: n,
            after_seq,
            ts_ns,
            by_pid: self.pid as i32,
            dead_pid,
            held_lock,
            lost: lost.map(|s| s.item()),
        }
    }

    /// Under the lock, after any repair: the waiter counts become what the
    /// records say, no wake counts as sent, both words move (so a process
    /// about to sleep does not), and every sleeper is woken after unlocking.
    fn rebuild_waiters(&mut self) {
        let (mut data, mut space) = (0, 0);
        for (_, rec) in self.view.records() {
            match rec.waiting.load(Ordering::Acquire) {
                WAIT_DATA => data += 1,
                WAIT_SPACE => space += 1,
                _ => {}
            }
        }
        let h = self.view.header();
        h.locked.get_waiters.store(data, Ordering::Relaxed);
        h.locked.put_waiters.store(space, Ordering::Relaxed);
        h.locked.get_wakes.store(0, Ordering::Relaxed);
        h.locked.put_wakes.store(0, Ordering::Relaxed);
        h.not_empty.0.fetch_add(1, Ordering::Release);
        h.not_full.0.fetch_add(1, Ordering::Release);
        self.wake_all = true;
    }
}

/// Reads recovery number `n` from the log without the lock; `None` when it
/// was overwritten (or is being written).
pub(super) fn read_log(view: &View, n: u64) -> Option<Recovery> {
    let e = view.log_entry(n);
    if e.seq.load(Ordering::Acquire) != n + 1 {
        return None;
    }
    let after_seq = e.after_seq.load(Ordering::Relaxed);
    let ts_ns = e.ts_ns.load(Ordering::Relaxed);
    let by_pid = e.by_pid.load(Ordering::Relaxed) as i32;
    let dead_pid = e.dead_pid.load(Ordering::Relaxed) as i32;
    let flags = e.flags.load(Ordering::Relaxed);
    let lost = e.lost.load();
    fence(Ordering::Acquire);
    if e.seq.load(Ordering::Relaxed) != n + 1 {
        return None;
    }
    Some(Recovery {
        log: n,
        after_seq,
        ts_ns,
        by_pid,
        dead_pid,
        held_lock: flags & LOG_HELD_LOCK != 0,
        lost: (flags & LOG_LOST != 0).then(|| lost.item()),
    })
}

/// Items lost in all recoveries so far (read from the newest log entry).
pub(super) fn lost_total(view: &View) -> u64 {
    for _ in 0..16 {
        let n = view.header().counters.log_next.load(Ordering::Acquire);
        if n == 0 {
            return 0;
        }
        let e = view.log_entry(n - 1);
        let total = e.lost_total.load(Ordering::Relaxed);
        fence(Ordering::Acquire);
        if e.seq.load(Ordering::Relaxed) == n {
            return total;
        }
    }
    0
}
