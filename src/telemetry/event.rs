//! The event: one thing a process did, as reported by it (or by the
//! supervisor). The ordered stream of these is the only input of the
//! headless printer, the trace writer and the model, and it is serializable
//! so a recorded run can be replayed into the same model.

use serde::{Deserialize, Serialize};

/// Which child (an index into the run's control block) an event is about.
/// The supervisor itself is [`SUPERVISOR`].
pub type ChildId = u16;
pub const SUPERVISOR: ChildId = u16::MAX;

/// What a process is there for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Writer,
    Reader,
    Sender,
    Receiver,
    Counter,
    Supervisor,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Reader => "reader",
            Role::Sender => "sender",
            Role::Receiver => "receiver",
            Role::Counter => "counter",
            Role::Supervisor => "supervisor",
        }
    }
}

/// What happened. The names are the trace file's `ev` values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "ev", rename_all = "snake_case")]
pub enum Kind {
    /// A child started (emitted by the supervisor, with its name and role).
    Spawn {
        name: String,
        role: Role,
    },
    /// A child ended (reaped by the supervisor).
    Exit {
        code: Option<i32>,
        signal: Option<i32>,
    },
    /// About to block in put: the queue is full.
    PutWait,
    Put,
    /// A put timed out: `queue.Full` raised (the writer retries the item).
    PutFull,
    /// About to block in get: the queue is empty.
    GetWait,
    Get,
    /// A get timed out: `queue.Empty` raised (the reader tries again).
    GetEmpty,
    Send,
    /// About to block in send: the pipe buffer is full.
    SendWait,
    Recv,
    /// About to block in recv: nothing in the pipe.
    RecvWait,
    /// recv raised EOFError: every copy of the send end is closed.
    RecvEof,
    /// A process found the lock's holder dead and repaired the queue
    /// (`dead` is the dead holder's pid; `lost` the item lost with it).
    LockRecovered {
        dead: i32,
        lost: Option<String>,
    },
    /// After a child died: what it left was repaired by the supervisor.
    Recovered {
        dead: i32,
        lost: Option<String>,
    },
    /// The supervisor sent a signal to a child.
    Kill {
        target: i32,
        signal: i32,
    },
    /// A counter's progress: its increments so far and the value it saw.
    Count {
        done: u64,
        value: i64,
    },
    /// A child is about to exit on its own (finished, or asked to stop).
    Exiting,
    /// The supervisor's note on why a process would wait forever.
    Stuck {
        reason: String,
    },
    /// A line a child printed (stdout/stderr are captured, never shown raw),
    /// or a note from the supervisor.
    Output {
        text: String,
    },
}

impl Kind {
    /// The trace file's `ev` name.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Spawn { .. } => "spawn",
            Kind::Exit { .. } => "exit",
            Kind::PutWait => "put_wait",
            Kind::Put => "put",
            Kind::PutFull => "put_full",
            Kind::GetWait => "get_wait",
            Kind::Get => "get",
            Kind::GetEmpty => "get_empty",
            Kind::Send => "send",
            Kind::SendWait => "send_wait",
            Kind::Recv => "recv",
            Kind::RecvWait => "recv_wait",
            Kind::RecvEof => "recv_eof",
            Kind::LockRecovered { .. } => "lock_recovered",
            Kind::Recovered { .. } => "recovered",
            Kind::Kill { .. } => "kill",
            Kind::Count { .. } => "count",
            Kind::Exiting => "exiting",
            Kind::Stuck { .. } => "stuck",
            Kind::Output { .. } => "output",
        }
    }
}

/// One event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// CLOCK_MONOTONIC nanoseconds (the same clock in every process). For
    /// queue operations it was read under the queue lock, so a put is always
    /// before the get of the same item.
    pub t_ns: u64,
    pub child: ChildId,
    pub pid: i32,
    #[serde(flatten)]
    pub kind: Kind,
    /// The item's label, where there is one.
    pub item: Option<String>,
    /// Queue depth right after the event, where known.
    pub depth: Option<u32>,
    /// The queue's global operation number, for puts and gets.
    pub seq: Option<u64>,
}

impl Event {
    pub fn new(t_ns: u64, child: ChildId, pid: i32, kind: Kind) -> Event {
        Event {
            t_ns,
            child,
            pid,
            kind,
            item: None,
            depth: None,
            seq: None,
        }
    }

    pub fn with_item(mut self, item: impl Into<String>) -> Event {
        self.item = Some(item.into());
        self
    }

    pub fn with_depth(mut self, depth: u32) -> Event {
        self.depth = Some(depth);
        self
    }

    pub fn with_seq(mut self, seq: u64) -> Event {
        self.seq = Some(seq);
        self
    }
}

/// CLOCK_MONOTONIC now, in nanoseconds.
pub fn now_ns() -> u64 {
    let t = nix::time::clock_gettime(nix::time::ClockId::CLOCK_MONOTONIC)
        .unwrap_or_else(|_| nix::sys::time::TimeSpec::new(0, 0));
    t.tv_sec() as u64 * 1_000_000_000 + t.tv_nsec() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_round_trip_through_json() {
        let e = Event::new(
            5,
            1,
            42,
            Kind::Exit {
                code: None,
                signal: Some(9),
            },
        )
        .with_item("url_1");
        let s = serde_json::to_string(&e).unwrap();
        assert!(s.contains("\"ev\":\"exit\""), "{s}");
        assert_eq!(serde_json::from_str::<Event>(&s).unwrap(), e);
    }

    #[test]
    fn kind_names_match_the_serialized_tag() {
        for k in [Kind::PutWait, Kind::GetEmpty, Kind::RecvEof, Kind::Exiting] {
            let s = serde_json::to_value(Event::new(0, 0, 0, k.clone())).unwrap();
            assert_eq!(s["ev"], k.name());
        }
    }
}
