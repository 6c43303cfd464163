//! The op log an observer reads without the lock: every put (its slot), every
//! get (the get log entry of the same index, plus the slot for the item) and
//! every recovery (the recovery log), merged in op order.
//!
//! The rings wrap: the slot of index `i` is rewritten by the put of index
//! `i + capacity`, which can start once `tail == i + capacity` and
//! `head > i`; the get entry of index `i` by the get of index
//! `i + capacity`, which can start once `head == i + capacity`. Writers
//! issue a release fence before rewriting; a reader copies, issues an
//! acquire fence and re-reads `head`/`tail`: if a rewrite could have begun,
//! the copy is discarded and counted as missed. Nothing is returned wrong.
//!
//! Order. Operations commit in op-number order (numbered and committed in
//! one lock hold), so a batch is a prefix of the history when it stops
//! before the first operation it could not see: the ends are read as
//! `log_next`, `head`, `tail`, then `head` and `log_next` again, and an
//! operation that committed in between (a get at the old head, a recovery at
//! the old log end) caps the op numbers this batch may return.

use std::sync::atomic::{Ordering, fence};

use super::observer::QueueObserver;
use super::recovery::read_log;
use super::{Item, RECOVERY_LOG};

/// Where an op log reader is: the next put index, the next get index and the
/// next recovery log number to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpCursor {
    put: u64,
    get: u64,
    log: u64,
}

/// One entry of the op log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueueOp {
    /// An item entered the queue (its tail store committed).
    Put {
        seq: u64,
        ts_ns: u64,
        pid: i32,
        item: Item,
    },
    /// An item left the queue (its head store committed).
    Get {
        seq: u64,
        ts_ns: u64,
        pid: i32,
        item: Item,
        put_seq: u64,
        put_pid: i32,
    },
    /// A repair after a dead process, by whoever performed it.
    Recovered {
        log: u64,
        after_seq: u64,
        ts_ns: u64,
        by_pid: i32,
        dead_pid: i32,
        held_lock: bool,
        lost: Option<Item>,
    },
}

impl QueueOp {
    /// Where the op sorts: puts and gets by their number, a recovery right
    /// after the op numbered `after_seq`.
    fn key(&self) -> (u64, u64) {
        match self {
            QueueOp::Put { seq, .. } | QueueOp::Get { seq, .. } => (*seq, 0),
            QueueOp::Recovered { after_seq, log, .. } => (*after_seq, 1 + log),
        }
    }
}

/// What one [`QueueObserver::read_ops`] call returns.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct OpBatch {
    pub ops: Vec<QueueOp>,
    /// Puts overwritten (the ring wrapped) before they were read.
    pub missed_puts: u64,
    pub missed_gets: u64,
    pub missed_recoveries: u64,
}

impl QueueObserver {
    /// Starts at op 0 of a fresh queue (every op ever made is reported).
    pub fn cursor_from_start(&self) -> OpCursor {
        OpCursor::default()
    }

    /// Starts at the current state (earlier ops are not reported).
    pub fn cursor_now(&self) -> OpCursor {
        let h = self.view.header();
        let log = h.counters.log_next.load(Ordering::Acquire);
        let get = h.locked.head.load(Ordering::Acquire);
        let put = h.locked.tail.load(Ordering::Acquire);
        OpCursor {
            put,
            get: get.min(put),
            log,
        }
    }

    /// Puts and gets committed since `cursor` and not yet read.
    pub fn backlog(&self, cursor: &OpCursor) -> u64 {
        let now = self.cursor_now();
        now.put.saturating_sub(cursor.put) + now.get.saturating_sub(cursor.get)
    }

    /// Moves `cursor` past every put and get committed so far, returning
    /// how many of each it passed over unread: for a reader that fell behind
    /// a flood and would rather stay current than read the past. Recoveries
    /// are never passed over (the next batch returns them first).
    pub fn skip_to_now(&self, cursor: &mut OpCursor) -> (u64, u64) {
        let now = self.cursor_now();
        let skipped = (
            now.put.saturating_sub(cursor.put),
            now.get.saturating_sub(cursor.get),
        );
        cursor.put = cursor.put.max(now.put);
        cursor.get = cursor.get.max(now.get);
        skipped
    }

    /// Every op committed since `cursor`, at most `max`, in op order (puts
    /// and gets by `seq`; a recovery right after the op numbered
    /// `after_seq`); advances the cursor. Ops overwritten before they were
    /// read (the ring wrapped) are counted as missed, never returned wrong.
    pub fn read_ops(&self, cursor: &mut OpCursor, max: usize) -> OpBatch {
        let h = self.view.header();
        let cap = self.view.capacity();
        let log_end = h.counters.log_next.load(Ordering::Acquire);
        let head = h.locked.head.load(Ordering::Acquire);
        let tail = h.locked.tail.load(Ordering::Acquire);
        let head_after = h.locked.head.load(Ordering::Acquire);
        let log_after = h.counters.log_next.load(Ordering::Acquire);
        let mut batch = OpBatch::default();
        if head > tail {
            return batch; // corrupt: nothing here can be trusted
        }
        cursor.put = cursor.put.min(tail);
        cursor.get = cursor.get.min(head);
        cursor.log = cursor.log.min(log_end);

        // The highest op number this batch may return (see the module doc).
        let mut limit = u64::MAX;
        if head_after != head {
            limit = self.get_seq(head).map_or(0, |s| s.saturating_sub(1));
        }
        if log_after != log_end {
            limit = limit.min(read_log(&self.view, log_end).map_or(0, |r| r.after_seq));
        }

        // What the rings have certainly overwritten.
        let put_floor = tail.saturating_sub(cap);
        if cursor.put < put_floor {
            batch.missed_puts += put_floor - cursor.put;
            cursor.put = put_floor;
        }
        let get_floor = put_floor.min(head);
        if cursor.get < get_floor {
            batch.missed_gets += get_floor - cursor.get;
            cursor.get = get_floor;
        }
        let log_floor = log_end.saturating_sub(RECOVERY_LOG as u64);
        if cursor.log < log_floor {
            batch.missed_recoveries += log_floor - cursor.log;
            cursor.log = log_floor;
        }

        let (mut put, mut get, mut log) = (None, None, None);
        while batch.ops.len() < max {
            while put.is_none() && cursor.put < tail {
                put = self.read_put(cursor.put);
                if put.is_none() {
                    batch.missed_puts += 1;
                    cursor.put += 1;
                }
            }
            while get.is_none() && cursor.get < head {
                get = self.read_get(cursor.get);
                if get.is_none() {
                    batch.missed_gets += 1;
                    cursor.get += 1;
                }
            }
            while log.is_none() && cursor.log < log_end {
                log = read_log(&self.view, cursor.log).map(recovered);
                if log.is_none() {
                    batch.missed_recoveries += 1;
                    cursor.log += 1;
                }
            }
            let next = [&mut put, &mut get, &mut log]
                .into_iter()
                .filter(|op| op.is_some())
                .min_by_key(|op| op.as_ref().map(QueueOp::key));
            let Some(next) = next else { break };
            if next.as_ref().is_some_and(|op| op.key().0 > limit) {
                break;
            }
            let op = next.take().expect("filtered to Some");
            match op {
                QueueOp::Put { .. } => cursor.put += 1,
                QueueOp::Get { .. } => cursor.get += 1,
                QueueOp::Recovered { .. } => cursor.log += 1,
            }
            batch.ops.push(op);
        }
        batch
    }

    /// The put of index `i`, or `None` when its slot may have been reused.
    fn read_put(&self, i: u64) -> Option<QueueOp> {
        let s = self.view.slot(i).load();
        fence(Ordering::Acquire);
        let l = &self.view.header().locked;
        let head = l.head.load(Ordering::Relaxed);
        let tail = l.tail.load(Ordering::Relaxed);
        let intact = head <= i || tail < i + self.view.capacity();
        intact.then(|| QueueOp::Put {
            seq: s.op_seq,
            ts_ns: s.ts_ns,
            pid: s.pid as i32,
            item: s.item(),
        })
    }

    /// The get of index `i` (committed), or `None` when its entry or the
    /// slot of its item may have been reused.
    fn read_get(&self, i: u64) -> Option<QueueOp> {
        let e = self.view.get_entry(i);
        let seq = e.seq.load(Ordering::Relaxed);
        let ts_ns = e.ts_ns.load(Ordering::Relaxed);
        let pid = e.pid.load(Ordering::Relaxed) as i32;
        let s = self.view.slot(i).load();
        fence(Ordering::Acquire);
        let l = &self.view.header().locked;
        let head = l.head.load(Ordering::Relaxed);
        let tail = l.tail.load(Ordering::Relaxed);
        let cap = self.view.capacity();
        let intact = head < i + cap && tail < i + cap;
        intact.then(|| QueueOp::Get {
            seq,
            ts_ns,
            pid,
            item: s.item(),
            put_seq: s.op_seq,
            put_pid: s.pid as i32,
        })
    }

    /// The op number of the committed get of index `i`, if still readable.
    fn get_seq(&self, i: u64) -> Option<u64> {
        let seq = self.view.get_entry(i).seq.load(Ordering::Relaxed);
        fence(Ordering::Acquire);
        let head = self.view.header().locked.head.load(Ordering::Relaxed);
        (head < i + self.view.capacity()).then_some(seq)
    }
}

fn recovered(r: super::Recovery) -> QueueOp {
    QueueOp::Recovered {
        log: r.log,
        after_seq: r.after_seq,
        ts_ns: r.ts_ns,
        by_pid: r.by_pid,
        dead_pid: r.dead_pid,
        held_lock: r.held_lock,
        lost: r.lost,
    }
}
