//! Test-only hooks: kill points, named places in a put and a get (between
//! every two stores of the commit, wake and wait paths) where a handle can be
//! made to die, so the cross-process tests prove recovery at each of them;
//! and a way to make the memory corrupt.

use std::sync::atomic::Ordering;

use super::Queue;

/// A point of a put or a get. `Put*` points are reached only by `put`,
/// `Get*` points only by `get`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KillPoint {
    /// The record says "putting" (with the item); the lock is not taken yet.
    PutBeforeLock,
    /// The lock is taken (and the record named as its owner).
    PutAfterLock,
    /// The item is in its slot, numbered; the tail is not stored yet.
    PutAfterSlotWrite,
    /// The tail store committed the put.
    PutAfterCommit,
    /// The record says idle again.
    PutAfterRecordState,
    /// A wake for a waiting getter is counted as sent and the word bumped.
    PutAfterGrantWake,
    /// The lock is released; the futex wake is not sent yet.
    PutAfterUnlock,
    /// The futex wake was sent (when one was granted).
    PutAfterWake,
    /// The queue was full: registered as a waiter, still holding the lock.
    PutAfterRegisterWait,
    /// Registered as a waiter, lock released, not asleep yet.
    PutAfterUnlockBeforeSleep,
    /// The lock is taken (and the record named as its owner).
    GetAfterLock,
    /// The get is numbered and its get log entry written; head not stored.
    GetAfterGetLog,
    /// The head store committed the get.
    GetAfterCommit,
    /// A wake for a waiting putter is counted as sent and the word bumped.
    GetAfterGrantWake,
    /// The lock is released; the futex wake is not sent yet.
    GetAfterUnlock,
    /// The futex wake was sent (when one was granted).
    GetAfterWake,
    /// The queue was empty: registered as a waiter, still holding the lock.
    GetAfterRegisterWait,
    /// Registered as a waiter, lock released, not asleep yet.
    GetAfterUnlockBeforeSleep,
}

impl KillPoint {
    pub const ALL: [KillPoint; 18] = [
        KillPoint::PutBeforeLock,
        KillPoint::PutAfterLock,
        KillPoint::PutAfterSlotWrite,
        KillPoint::PutAfterCommit,
        KillPoint::PutAfterRecordState,
        KillPoint::PutAfterGrantWake,
        KillPoint::PutAfterUnlock,
        KillPoint::PutAfterWake,
        KillPoint::PutAfterRegisterWait,
        KillPoint::PutAfterUnlockBeforeSleep,
        KillPoint::GetAfterLock,
        KillPoint::GetAfterGetLog,
        KillPoint::GetAfterCommit,
        KillPoint::GetAfterGrantWake,
        KillPoint::GetAfterUnlock,
        KillPoint::GetAfterWake,
        KillPoint::GetAfterRegisterWait,
        KillPoint::GetAfterUnlockBeforeSleep,
    ];

    /// `"put"` or `"get"`.
    pub fn op(self) -> &'static str {
        if (self as usize) < KillPoint::GetAfterLock as usize {
            "put"
        } else {
            "get"
        }
    }

    /// The point's name within its operation (`after-commit`).
    pub fn name(self) -> &'static str {
        use KillPoint::*;
        match self {
            PutBeforeLock => "before-lock",
            PutAfterLock | GetAfterLock => "after-lock",
            PutAfterSlotWrite => "after-slot-write",
            GetAfterGetLog => "after-get-log",
            PutAfterCommit | GetAfterCommit => "after-commit",
            PutAfterRecordState => "after-record-state",
            PutAfterGrantWake | GetAfterGrantWake => "after-grant-wake",
            PutAfterUnlock | GetAfterUnlock => "after-unlock",
            PutAfterWake | GetAfterWake => "after-wake",
            PutAfterRegisterWait | GetAfterRegisterWait => "after-register-wait",
            PutAfterUnlockBeforeSleep | GetAfterUnlockBeforeSleep => "after-unlock-before-sleep",
        }
    }

    /// The point named `name` of operation `op` (`"put"`/`"get"`).
    pub fn find(op: &str, name: &str) -> Option<KillPoint> {
        KillPoint::ALL
            .into_iter()
            .find(|p| p.op() == op && p.name() == name)
    }

    /// Whether the point is reached inside the lock.
    pub fn holds_lock(self) -> bool {
        use KillPoint::*;
        matches!(
            self,
            PutAfterLock
                | PutAfterSlotWrite
                | PutAfterCommit
                | PutAfterRecordState
                | PutAfterGrantWake
                | PutAfterRegisterWait
                | GetAfterLock
                | GetAfterGetLog
                | GetAfterCommit
                | GetAfterGrantWake
                | GetAfterRegisterWait
        )
    }

    /// Whether the operation committed before this point.
    pub fn committed(self) -> bool {
        use KillPoint::*;
        matches!(
            self,
            PutAfterCommit
                | PutAfterRecordState
                | PutAfterGrantWake
                | PutAfterUnlock
                | PutAfterWake
                | GetAfterCommit
                | GetAfterGrantWake
                | GetAfterUnlock
                | GetAfterWake
        )
    }

    /// Whether the point is on the path that waits (the queue was full for
    /// a put, empty for a get).
    pub fn waits(self) -> bool {
        use KillPoint::*;
        matches!(
            self,
            PutAfterRegisterWait
                | PutAfterUnlockBeforeSleep
                | GetAfterRegisterWait
                | GetAfterUnlockBeforeSleep
        )
    }
}

fn die() {
    // SAFETY: raising a signal has no memory-safety preconditions; SIGKILL
    // ends the whole process here, as an outside `kill -9` would.
    unsafe { libc::raise(libc::SIGKILL) };
}

impl Queue {
    /// Test hook: this handle's process dies by SIGKILL when an operation
    /// reaches `point`.
    #[doc(hidden)]
    pub fn kill_at(&mut self, point: Option<KillPoint>) {
        self.stop = point.map(|p| (p, die as fn()));
    }

    /// Test hook: overwrites `head` and `tail` as corrupt or hostile memory
    /// might hold them.
    #[doc(hidden)]
    pub fn debug_set_indices(&self, head: u64, tail: u64) {
        let l = &self.view.header().locked;
        l.head.store(head, Ordering::Release);
        l.tail.store(tail, Ordering::Release);
    }

    /// Test hook: calls `action` when an operation reaches `point` (a role
    /// that holds the lock until killed passes one that never returns).
    #[doc(hidden)]
    pub fn pause_at(&mut self, point: KillPoint, action: fn()) {
        self.stop = Some((point, action));
    }
}
