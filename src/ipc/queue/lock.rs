//! The lock and the waiting: taking the robust lock (repairing after a dead
//! holder), releasing it, registering as a waiter, granting wake-ups and
//! sleeping on a futex word; and each handle's in-flight record.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use super::layout::*;
use super::{MAX_TIMEOUT_SECS, Queue, QueueError, WaitKind};
use crate::ipc::sync::{self, LockError, Locked, Wake};

/// How long a call may wait, read as Python reads `block` and `timeout`.
#[derive(Debug, Clone, Copy)]
pub(super) enum Wait {
    Now,
    Until(Instant),
    Forever,
}

impl Wait {
    pub(super) fn parse(block: bool, timeout: Option<f64>) -> Result<Wait, QueueError> {
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

    pub(super) fn deadline(self) -> Option<Instant> {
        match self {
            Wait::Until(d) => Some(d),
            _ => None,
        }
    }

    pub(super) fn expired(self) -> bool {
        match self {
            Wait::Now => true,
            Wait::Until(d) => Instant::now() >= d,
            Wait::Forever => false,
        }
    }
}

impl Queue {
    pub(super) fn claim_record(&mut self) -> Result<usize, QueueError> {
        if let Some(r) = self.record {
            return Ok(r);
        }
        for (i, rec) in self.view.records() {
            if rec
                .pid
                .compare_exchange(0, self.pid, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
            {
                rec.state.store(IDLE, Ordering::Relaxed);
                rec.waiting.store(WAIT_NONE, Ordering::Relaxed);
                rec.pending_tail.store(0, Ordering::Relaxed);
                rec.logged.store(0, Ordering::Relaxed);
                self.record = Some(i);
                return Ok(i);
            }
        }
        Err(QueueError::TooManyProcesses)
    }

    pub(super) fn release_record(&mut self) {
        let Some(r) = self.record else { return };
        if self.view.rec(r).waiting.load(Ordering::Acquire) != WAIT_NONE {
            // A registration left by a timed-out re-lock: undo it under the
            // lock (`enter` does), but never hang in a destructor.
            let deadline = Instant::now() + Duration::from_secs(1);
            if self.enter(Some(deadline)).is_err() {
                self.record = None;
                return; // left for recover_process
            }
            self.leave();
        }
        self.record = None;
        let rec = self.view.rec(r);
        rec.state.store(IDLE, Ordering::Release);
        rec.pid.store(0, Ordering::Release);
    }

    /// Takes the lock (repairing after a dead holder) and undoes any waiter
    /// registration this handle left behind.
    pub(super) fn enter(&mut self, deadline: Option<Instant>) -> Result<(), QueueError> {
        let m = self.view.header().locked.mutex.get();
        // SAFETY: the mutex was initialised by the creator of the region.
        let how = unsafe { sync::lock(m, deadline) }.map_err(|e| match e {
            LockError::Timeout => QueueError::LockTimeout,
            e => QueueError::Lock(e),
        })?;
        if how == Locked::OwnerDied {
            self.repair_dead_holder();
        }
        if let Some(r) = self.record {
            let l = &self.view.header().locked;
            l.owner.store(r as u32 + 1, Ordering::Release);
            match self.view.rec(r).waiting.swap(WAIT_NONE, Ordering::AcqRel) {
                WAIT_DATA => unregister(&l.get_waiters, &l.get_wakes),
                WAIT_SPACE => unregister(&l.put_waiters, &l.put_wakes),
                _ => {}
            }
        }
        Ok(())
    }

    /// Releases the lock; after a repair, wakes every sleeper on both words
    /// (spurious wake-ups are fine, a sleeper left asleep is not).
    pub(super) fn leave(&mut self) {
        let h = self.view.header();
        h.locked.owner.store(0, Ordering::Release);
        // SAFETY: we hold the lock (taken in `enter`).
        unsafe { sync::unlock(h.locked.mutex.get()) };
        if self.wake_all {
            self.wake_all = false;
            sync::futex_wake(&h.not_empty.0, i32::MAX);
            sync::futex_wake(&h.not_full.0, i32::MAX);
        }
    }

    /// Under the lock: registers record `r` as waiting and returns the word
    /// value to sleep on.
    pub(super) fn register_wait(&self, r: usize, kind: WaitKind) -> u32 {
        let h = self.view.header();
        let (waiters, word, code) = match kind {
            WaitKind::Data => (&h.locked.get_waiters, &h.not_empty.0, WAIT_DATA),
            WaitKind::Space => (&h.locked.put_waiters, &h.not_full.0, WAIT_SPACE),
        };
        waiters.fetch_add(1, Ordering::Relaxed);
        self.view.rec(r).waiting.store(code, Ordering::Release);
        word.load(Ordering::Acquire)
    }

    /// Under the lock, after a commit: whether to wake one sleeper waiting
    /// for `kind` (only while registered waiters outnumber wakes already
    /// sent); counts the wake as sent and bumps the word.
    pub(super) fn grant_wake(&self, kind: WaitKind) -> bool {
        let h = self.view.header();
        let (waiters, wakes, word) = match kind {
            WaitKind::Data => (&h.locked.get_waiters, &h.locked.get_wakes, &h.not_empty.0),
            WaitKind::Space => (&h.locked.put_waiters, &h.locked.put_wakes, &h.not_full.0),
        };
        let w = waiters.load(Ordering::Relaxed);
        let sent = wakes.load(Ordering::Relaxed);
        if w > sent {
            wakes.store(sent + 1, Ordering::Relaxed);
            word.fetch_add(1, Ordering::Release);
            true
        } else {
            false
        }
    }

    pub(super) fn sleep(&self, word: &AtomicU32, expected: u32, wait: Wait) {
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

pub(super) fn unregister(waiters: &AtomicU32, wakes: &AtomicU32) {
    let w = waiters.load(Ordering::Relaxed).saturating_sub(1);
    waiters.store(w, Ordering::Relaxed);
    let s = wakes.load(Ordering::Relaxed).saturating_sub(1).min(w);
    wakes.store(s, Ordering::Relaxed);
}
