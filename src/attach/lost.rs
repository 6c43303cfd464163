//! Python's pitfall Q10b: a writer killed after `put` returned but before
//! its feeder thread sent the item. The item vanishes (its slot in the
//! queue's semaphore leaks), and a `get` waiting for it waits in vain.
//! ipcscope names those items lost, once, in a note.
//!
//! Followed per queue from the reports as they are translated: each
//! process's items put and not yet flushed into the pipe, the puts and
//! gets told, the writers killed. When a get waits (the pipe is empty),
//! its report carries the semaphore's count (`sem`: items put and not got,
//! in every process, told or not): what no live feeder holds is lost.
//! The count is exact even when the killed writer's last counts (a flood
//! tells them every 100 ms) died with it: those puts are said untold.

use std::collections::HashMap;

use crate::stream::{ObjectId, ProgramNote};

/// One queue's account.
#[derive(Debug, Default)]
struct Account {
    /// Puts and gets told (one by one or counted).
    puts: u64,
    gets: u64,
    /// Per process that put on it: items put and not yet flushed, as told.
    buffered: HashMap<i32, u64>,
    /// Writers killed since the last note, with what they held (as told).
    killed: Vec<(i32, u64)>,
    /// The last writer named: a later loss is said to be theirs.
    named: Option<i32>,
    /// A get waits on it: the semaphore's count when it began.
    waiting: Option<u64>,
    /// Items named lost so far, and puts among them never told.
    lost: u64,
    untold: u64,
}

/// The accounts of a run's queues.
#[derive(Debug, Default)]
pub struct Lost {
    queues: HashMap<ObjectId, Account>,
}

impl Lost {
    /// `n` items put by `pid` into its feeder buffer.
    pub fn put(&mut self, pid: i32, obj: ObjectId, n: u64) {
        let a = self.queues.entry(obj).or_default();
        a.puts += n;
        *a.buffered.entry(pid).or_default() += n;
    }

    /// `n` items `pid`'s feeder wrote into the pipe.
    pub fn flushed(&mut self, pid: i32, obj: ObjectId, n: u64) {
        let b = self
            .queues
            .entry(obj)
            .or_default()
            .buffered
            .entry(pid)
            .or_default();
        *b = b.saturating_sub(n);
    }

    /// `n` items got: no get waits on it any more.
    pub fn got(&mut self, obj: ObjectId, n: u64) {
        let a = self.queues.entry(obj).or_default();
        a.gets += n;
        a.waiting = None;
    }

    /// A get gave up (`queue.Empty`, an exception).
    pub fn gave_up(&mut self, obj: ObjectId) {
        if let Some(a) = self.queues.get_mut(&obj) {
            a.waiting = None;
        }
    }

    /// A get waits on `obj`; `sem`: the semaphore's count. The items lost
    /// so far, if any.
    pub fn waits(&mut self, obj: ObjectId, sem: Option<u64>) -> Vec<ProgramNote> {
        let a = self.queues.entry(obj).or_default();
        a.waiting = sem;
        match sem {
            Some(sem) => settle(obj, a, sem),
            None => Vec::new(),
        }
    }

    /// `pid` ended (`killed`: by a signal): what its feeders held is gone
    /// with it; a get already waiting learns it now.
    pub fn ended(&mut self, pid: i32, killed: bool) -> Vec<ProgramNote> {
        let mut notes = Vec::new();
        let mut objs: Vec<&ObjectId> = self.queues.keys().collect();
        objs.sort_unstable();
        let objs: Vec<ObjectId> = objs.into_iter().copied().collect();
        for obj in objs {
            let Some(a) = self.queues.get_mut(&obj) else {
                continue;
            };
            let Some(held) = a.buffered.remove(&pid) else {
                continue;
            };
            if killed {
                a.killed.push((pid, held));
                if let Some(sem) = a.waiting {
                    notes.extend(settle(obj, a, sem));
                }
            }
        }
        notes
    }
}

/// With the pipe empty (a get waits) and `sem` items put and not got:
/// those no live feeder holds are lost, named once, to the writers killed.
fn settle(obj: ObjectId, a: &mut Account, sem: u64) -> Vec<ProgramNote> {
    let live: u64 = a.buffered.values().sum();
    let new = sem.saturating_sub(live).saturating_sub(a.lost);
    if new == 0 || (a.killed.is_empty() && a.named.is_none()) {
        return Vec::new();
    }
    // Puts the semaphore counts that were never told (the killed writer's
    // last counts died with it).
    let puts = (a.puts + a.untold).max(sem + a.gets);
    let untold = puts - a.puts - a.untold;
    a.lost += new;
    a.untold += untold;
    let mut shares: Vec<(i32, u64)> = Vec::new();
    let mut left = new;
    let killed = std::mem::take(&mut a.killed);
    for (i, &(pid, held)) in killed.iter().enumerate() {
        // The last one takes the rest (what no one was told of).
        let n = if i + 1 == killed.len() {
            left
        } else {
            held.min(left)
        };
        left -= n;
        shares.push((pid, n));
    }
    if shares.is_empty()
        && let Some(pid) = a.named
    {
        shares.push((pid, new));
    }
    a.named = shares.last().map(|s| s.0);
    let last = shares.len().saturating_sub(1);
    shares
        .into_iter()
        .enumerate()
        .filter(|(_, (_, n))| *n > 0)
        .map(|(i, (pid, n))| ProgramNote::LostInFeeder {
            pid,
            obj,
            n,
            untold: if i == last { untold.min(n) } else { 0 },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The flood: 2000 put, 300 flushed as told (more were: their counts
    /// died with the writer), the writer killed, 500 got, the get waits
    /// and the semaphore still counts 1500.
    #[test]
    fn a_killed_writer_s_buffered_items_are_named_lost_once_when_a_get_waits() {
        let mut l = Lost::default();
        l.put(20, 1, 2000);
        l.flushed(20, 1, 300);
        assert!(l.ended(20, true).is_empty(), "no get waits yet");
        l.got(1, 500);
        let notes = l.waits(1, Some(1500));
        assert_eq!(
            notes,
            [ProgramNote::LostInFeeder {
                pid: 20,
                obj: 1,
                n: 1500,
                untold: 0
            }]
        );
        // Named once: the next wait says nothing more.
        assert!(l.waits(1, Some(1500)).is_empty());
    }

    #[test]
    fn puts_the_killed_writer_never_told_are_lost_and_said_untold() {
        let mut l = Lost::default();
        // 100 told one by one, 1900 counted and never told.
        l.put(20, 1, 100);
        l.flushed(20, 1, 50);
        l.got(1, 53);
        // The get waits before the writer's end is known.
        assert!(l.waits(1, Some(1947)).is_empty(), "nobody was killed yet");
        let notes = l.ended(20, true);
        assert_eq!(
            notes,
            [ProgramNote::LostInFeeder {
                pid: 20,
                obj: 1,
                n: 1947,
                untold: 1900
            }]
        );
    }

    #[test]
    fn a_writer_alive_or_ended_well_loses_nothing() {
        let mut l = Lost::default();
        l.put(20, 1, 10);
        l.put(21, 1, 5);
        // 20's items still in its buffer: it lives, they may come.
        assert!(l.waits(1, Some(15)).is_empty());
        // 21 exits well (its feeder flushed, maybe untold): not lost.
        assert!(l.ended(21, false).is_empty());
        assert!(l.waits(1, Some(10)).is_empty());
    }
}
