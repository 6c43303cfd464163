//! The queue's op log as a feed of the stream: every put and get is read
//! from the queue's memory at its commit (one commit point per operation,
//! so an item is never both delivered and lost), and every repair after a
//! dead process, whoever made it, from the queue's recovery log. What went
//! by too fast to read is counted, never shown wrong.

use std::collections::HashMap;
use std::sync::Arc;

use crate::control::{Control, SLOTS};
use crate::ipc::queue::{OpCursor, QueueObserver, QueueOp};
use crate::stream::{Event, Kind, ProcId, SUPERVISOR};
use crate::telemetry::collect::Feed;
use crate::telemetry::now_ns;

/// Most ops read per poll (the rest wait for the next one).
const BATCH: usize = 16_384;
/// Unread ops beyond which the feed skips to the present (counting what it
/// skipped): the stream stays current under a flood instead of replaying
/// the past ever later.
const BEHIND: u64 = 2 * BATCH as u64;

pub(crate) struct QueueFeed {
    queue: QueueObserver,
    cursor: OpCursor,
    control: Arc<Control>,
    /// pid -> the run's process id, learnt from the control block (each
    /// child writes its pid there before it touches the queue).
    procs: HashMap<i32, ProcId>,
}

impl QueueFeed {
    pub fn new(queue: QueueObserver, control: Arc<Control>) -> QueueFeed {
        let cursor = queue.cursor_from_start();
        QueueFeed {
            queue,
            cursor,
            control,
            procs: HashMap::new(),
        }
    }

    fn proc_of(&mut self, pid: i32) -> ProcId {
        if pid <= 0 {
            return SUPERVISOR;
        }
        if let Some(&id) = self.procs.get(&pid) {
            return id;
        }
        let found = (0..SLOTS).find(|&i| self.control.slot(i).pid() == pid);
        match found {
            Some(i) => {
                self.procs.insert(pid, i as ProcId);
                i as ProcId
            }
            None => SUPERVISOR,
        }
    }
}

impl Feed for QueueFeed {
    fn poll(&mut self, out: &mut Vec<Event>) {
        let batch = self.queue.read_ops(&mut self.cursor, BATCH);
        let stamp = |ts: u64| if ts == 0 { now_ns() } else { ts };
        for op in batch.ops {
            let ev = match op {
                QueueOp::Put {
                    seq,
                    ts_ns,
                    pid,
                    item,
                } => Event::new(stamp(ts_ns), self.proc_of(pid), pid, Kind::Put)
                    .with_item(item.label)
                    .with_seq(seq),
                QueueOp::Get {
                    ts_ns,
                    pid,
                    item,
                    put_seq,
                    ..
                } => Event::new(stamp(ts_ns), self.proc_of(pid), pid, Kind::Get)
                    .with_item(item.label)
                    .with_seq(put_seq),
                QueueOp::Recovered {
                    ts_ns,
                    by_pid,
                    dead_pid,
                    held_lock,
                    lost,
                    ..
                } => Event::new(
                    stamp(ts_ns),
                    self.proc_of(dead_pid),
                    dead_pid,
                    Kind::Recovered {
                        dead: dead_pid,
                        by: by_pid,
                        held_lock,
                        lost: lost.map(|i| i.label),
                    },
                ),
            };
            out.push(ev);
        }
        let (mut missed_puts, mut missed_gets) = (batch.missed_puts, batch.missed_gets);
        if self.queue.backlog(&self.cursor) > BEHIND {
            let (p, g) = self.queue.skip_to_now(&mut self.cursor);
            missed_puts += p;
            missed_gets += g;
        }
        if missed_puts + missed_gets > 0 {
            out.push(Event::new(
                now_ns(),
                SUPERVISOR,
                std::process::id() as i32,
                Kind::Missed {
                    puts: missed_puts,
                    gets: missed_gets,
                },
            ));
        }
    }
}
