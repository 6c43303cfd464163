//! The event: one thing a process did, as it reported it, as the queue's
//! own memory recorded it (puts, gets, recoveries), or as the supervisor
//! did it (spawn, exit, signals, settings). This enum is the one list of
//! event kinds: the wire, the recording, the transcript and the model all
//! derive from it.

use serde::{Deserialize, Serialize};

use super::run::{Policy, Then, Wait};

/// Which process of the run an event is about: stable for the whole run
/// (an index into the run's control block). The supervisor is
/// [`SUPERVISOR`].
pub type ProcId = u16;
pub const SUPERVISOR: ProcId = u16::MAX;

/// Which shared object an event is about (the queue, the pipe, the value).
/// A run has one object today, number 0.
pub type ObjectId = u16;

/// What a process is there for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Writer,
    Reader,
    Sender,
    Receiver,
    Counter,
    Supervisor,
    /// A process of a watched Python program (`ipcscope run`).
    Program,
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
            Role::Program => "program",
        }
    }
}

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ended {
    /// It exited with this code.
    Code(i32),
    /// A signal (by number) ended it.
    Signal(i32),
}

/// The signal numbers the transcript names (Linux numbering).
pub const SIGKILL: i32 = 9;
pub const SIGTERM: i32 = 15;

/// A note from the supervisor about the run as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Note {
    /// SIGINT/SIGTERM/SIGHUP or quit: the processes are being stopped.
    Interrupted,
    /// The readers did not drain the queue in time; `left` items remain.
    DrainTimeout { left: u64 },
    /// The receiver has waited `waited_ms` with no sender left and would
    /// wait forever: the parent still holds a copy of the send end.
    ForgottenSendEnd { receiver: i32, waited_ms: u64 },
    /// No live process can ever make progress: `why` says what each waits for.
    NoProgress { why: Stuck },
    /// A command could not be carried out, in the OS's (English) words:
    /// as recordings made before [`Note::Failed`] have it.
    CouldNotDo { what: String },
    /// The supervisor could not do what it tried: `tried` says what, so
    /// every language can say it; `error` says why, as the OS names it
    /// (`EAGAIN`, the same in every language), or, for an error that is
    /// ipcscope's own, in its words.
    Failed { tried: Attempt, error: String },
    /// A limit refused a command (e.g. too many processes on one queue).
    AtLimit { limit: u32 },
    /// A command to start a process was refused: the run has started
    /// `slots` processes over its life (ended ones too), as many as its
    /// control block has slots for.
    NoSlotLeft { slots: u32 },
    /// The receiver has waited `waited_ms` with no sender left and would
    /// wait forever: it holds a copy of the send end itself (inherited and
    /// never closed, as a forked child holds it); `parent_too`: the parent
    /// holds one as well.
    OwnSendEnd {
        receiver: i32,
        parent_too: bool,
        waited_ms: u64,
    },
    /// A cycle of waits that no process can break: each one waits in recv
    /// for a message only the next one could send (both ends of a duplex
    /// pipe calling recv first).
    Deadlock { chain: Vec<WaitLink> },
    /// The parent waits in `join()` for writer `writer` (its pid), which
    /// cannot end: items it put have not gone into the pipe (still in its
    /// buffer with `--python-feeder`, or the one its `put` waits with),
    /// the pipe is full, and only the parent would read it, after the
    /// join: joined before drained, a deadlock.
    JoinBeforeDrain {
        writer: i32,
        name: String,
        /// With Python's feeder: the queue stands for its pipe, and what
        /// waits is the writer's buffer.
        #[serde(default)]
        feeder: bool,
    },
    /// (`--python-feeder`) Writer `writer` died with `n` items its `put`
    /// had returned for still in its feeder buffer (its own counts, in
    /// shared memory): they never reached the pipe and are lost with it.
    BufferLost { writer: i32, name: String, n: u64 },
}

/// What the supervisor tried, when it could not do it ([`Note::Failed`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attempt {
    /// Start one more process of `role` (a key asked for a writer, a reader
    /// or a counter).
    Start { role: Role },
    /// Set the queue's maxsize to `maxsize` (0: unbounded).
    SetMaxsize { maxsize: u32 },
    /// Repair what process `pid` left in the queue when it died.
    Repair { pid: i32 },
    /// The parent's `join()` on process `pid`: the thread that waits in
    /// wait4 could not start (the process is reaped all the same).
    Join { pid: i32 },
    /// The parent's reading of the queue (it has no reader process): its
    /// thread or its handle on the queue could not be made.
    Read,
}

/// One link of a chain of waits: `name` (`pid`) waits in recv for a
/// message that only `on_name` (`on`) could send.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitLink {
    pub pid: i32,
    pub name: String,
    pub on: i32,
    pub on_name: String,
}

/// Which end of the pipe: the one the sender sends on, or the one the
/// receiver receives on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PipeEnd {
    Send,
    Recv,
}

/// A call on a pipe end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PipeCall {
    Send,
    Recv,
}

impl Note {
    /// Whether this note says the run cannot go on by itself.
    pub fn is_stuck(&self) -> bool {
        matches!(
            self,
            Note::ForgottenSendEnd { .. }
                | Note::NoProgress { .. }
                | Note::OwnSendEnd { .. }
                | Note::Deadlock { .. }
                | Note::JoinBeforeDrain { .. }
        )
    }
}

/// Why nobody can make progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stuck {
    /// Writers wait for space and no reader is left to make any.
    FullNoReader,
    /// Readers wait for data and no writer is left to put any.
    EmptyNoWriter,
}

/// What happened. The names are the recording's `ev` values.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "ev", rename_all = "snake_case")]
pub enum Kind {
    /// A child started (emitted by the supervisor, with its name and role).
    Spawn { name: String, role: Role },
    /// A child ended (reaped by the supervisor).
    Exit { ended: Ended },
    /// About to block in put: the queue is full.
    PutWait,
    /// (`--python-feeder`) `put` returned: the item is in the writer's own
    /// buffer, which its feeder thread flushes into the pipe (the `Put`
    /// that follows is its entry into the pipe). `seq`: the writer's
    /// count of items put.
    Buffered,
    /// (`--python-feeder`) The writer is done and, before it can exit,
    /// waits for its feeder thread to flush the `left` items still in its
    /// buffer (Python joins the feeder thread at exit).
    FlushWait { left: u32 },
    /// The item entered the queue (read from the queue's memory: its commit).
    Put,
    /// A put raised `queue.Full`: its timeout passed, or it was called
    /// with `block=False` or a timeout of 0 on a full queue. `wait`: how
    /// it was called (a recording made before it was told has none: the
    /// run's timeout); `then`: what the writer does next (retries the
    /// item, or gives it up and goes on).
    PutFull {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wait: Option<Wait>,
        #[serde(default)]
        then: Then,
    },
    /// About to block in get: the queue is empty.
    GetWait,
    /// The item left the queue (read from the queue's memory: its commit).
    Get,
    /// A get raised `queue.Empty`, as a put raises `queue.Full`; `then`:
    /// the reader gets again, or gives up (stops reading and ends).
    GetEmpty {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wait: Option<Wait>,
        #[serde(default)]
        then: Then,
    },
    /// A message went into the pipe (`seq`: its number in that direction;
    /// stamped before the write started; after a `send_wait`, the event's
    /// `done_ns` says when the write returned).
    Send,
    /// About to block in send: the pipe buffer is full.
    SendWait,
    /// A message came out of the pipe (`seq` as for its send; stamped after
    /// the read ended).
    Recv,
    /// About to block in recv: nothing in the pipe.
    RecvWait,
    /// recv raised EOFError: every copy of the send end is closed.
    RecvEof,
    /// What a dead process left was repaired: by `by` (a process that found
    /// the lock's holder dead, or the supervisor after reaping it). `lost`
    /// is the item it was putting, which never entered the queue.
    Recovered {
        dead: i32,
        by: i32,
        held_lock: bool,
        lost: Option<String>,
    },
    /// The supervisor sent a signal to a child.
    Kill { target: i32, signal: i32 },
    /// A counter's progress: its increments so far and the value it saw.
    Count { done: u64, value: i64 },
    /// A child is about to exit on its own (finished, or asked to stop).
    Exiting,
    /// Asked to stop while waiting to put `item`: the item never entered
    /// the queue.
    GaveUp,
    /// A line a child printed (stdout/stderr are captured, never shown raw).
    Output { text: String },
    /// The supervisor's note on the run.
    Note { note: Note },
    /// Every child parked between operations and stopped (SIGSTOP).
    Frozen,
    /// Every child continued.
    Resumed,
    /// While frozen, the process may perform one operation.
    Stepped,
    /// The queue's maxsize was changed live (0: unbounded).
    MaxsizeSet { maxsize: u32 },
    /// A process's delays are scaled by `scale` (the event's process).
    DelayScaled { scale: f64 },
    /// Slow motion: every delay is multiplied by `factor`.
    SlowMotion { factor: f64 },
    /// Ops the queue recorded that the supervisor could not read in time
    /// (a flood): counted, never shown wrong.
    Missed { puts: u64, gets: u64 },
    /// (A watched Python program) what its processes do that the kinds
    /// above do not say: `{"ev": "program", "op": ...}`.
    Program(super::program::ProgramOp),
    /// The receiver sent a reply back through its own end (`--echo`;
    /// `seq`: its number in that direction; stamped before the write;
    /// `done_ns` as for a send).
    Reply,
    /// The sender received a reply (`seq` as for its reply; stamped after
    /// the read ended).
    GotReply,
    /// A copy of a pipe end was closed: by a child, the end its role does
    /// not use (`--close-unused`); by the supervisor, the parent's copy of
    /// the send end (`x`).
    EndClosed { end: PipeEnd },
    /// A process called `call` on a one-way end that cannot do it, and
    /// Python's error was raised (`error`: its message, e.g. "connection
    /// is write-only"); the process carries on.
    WrongWay { call: PipeCall, error: String },
    /// A counter's step `tmp = v.value` (`tmp = arr[cell]`): it read
    /// `value` into its register; `locked`: this increment holds the lock.
    ValueRead { cell: u32, value: i64, locked: bool },
    /// A counter's step `tmp += 1`: its register is now `register`.
    ValueAdd { register: i64 },
    /// A counter's step `v.value = tmp`: it stored `value` in `cell`, which
    /// held `old` just before (one atomic exchange reads what the store
    /// replaced). `old` > `value - 1`: it overwrote `old - value + 1`
    /// updates made since its read. A locked increment releases the lock
    /// here.
    ValueWrite { cell: u32, value: i64, old: i64 },
    /// A counter is about to wait for the Value's lock, held by process
    /// `holder` (0: not known).
    LockWait { holder: i32 },
    /// A counter took the Value's lock (`with v.get_lock():`).
    LockTaken,
    /// A counter took the Value's lock from process `dead` (its pid; 0:
    /// not known), which died holding it. Python's lock would stay taken
    /// and every other process would wait forever; ours is a robust lock
    /// and recovers (reported whether the run is paced or not).
    LockRecovered { dead: i32 },
    /// The counters take the lock (`on`) from their next increment, or no
    /// longer take it (the supervisor, live).
    LockSet { on: bool },
    /// The processes of `role` (writers: their puts; readers: their gets)
    /// call with this policy from their next call (the supervisor, live).
    PolicySet { role: Role, policy: Policy },
    /// The parent (`__main__`) calls `join()` on process `target` (its
    /// pid): it waits in wait4 until that process ends.
    Join { target: i32 },
    /// The parent's `join()` on `target` returned: it has ended and the
    /// parent reaped it.
    Joined { target: i32 },
    /// The parent waits before its `terminate()` (`on`) until the teacher
    /// (the lesson) has it go on, or goes on by itself (`on: false`).
    ParentHold { on: bool },
}

impl Kind {
    /// `queue.Full` as a recording made before policies tells it: the
    /// run's timeout, then a retry.
    pub const FULL: Kind = Kind::PutFull {
        wait: None,
        then: Then::Retry,
    };
    /// `queue.Empty` likewise.
    pub const EMPTY: Kind = Kind::GetEmpty {
        wait: None,
        then: Then::Retry,
    };

    /// The recording's `ev` name.
    pub fn name(&self) -> &'static str {
        match self {
            Kind::Spawn { .. } => "spawn",
            Kind::Exit { .. } => "exit",
            Kind::PutWait => "put_wait",
            Kind::Buffered => "buffered",
            Kind::FlushWait { .. } => "flush_wait",
            Kind::Put => "put",
            Kind::PutFull { .. } => "put_full",
            Kind::GetWait => "get_wait",
            Kind::Get => "get",
            Kind::GetEmpty { .. } => "get_empty",
            Kind::Send => "send",
            Kind::SendWait => "send_wait",
            Kind::Recv => "recv",
            Kind::RecvWait => "recv_wait",
            Kind::RecvEof => "recv_eof",
            Kind::Recovered { .. } => "recovered",
            Kind::Kill { .. } => "kill",
            Kind::Count { .. } => "count",
            Kind::Exiting => "exiting",
            Kind::GaveUp => "gave_up",
            Kind::Output { .. } => "output",
            Kind::Note { .. } => "note",
            Kind::Frozen => "frozen",
            Kind::Resumed => "resumed",
            Kind::Stepped => "stepped",
            Kind::MaxsizeSet { .. } => "maxsize_set",
            Kind::DelayScaled { .. } => "delay_scaled",
            Kind::SlowMotion { .. } => "slow_motion",
            Kind::Missed { .. } => "missed",
            Kind::Program(_) => "program",
            Kind::Reply => "reply",
            Kind::GotReply => "got_reply",
            Kind::EndClosed { .. } => "end_closed",
            Kind::WrongWay { .. } => "wrong_way",
            Kind::ValueRead { .. } => "value_read",
            Kind::ValueAdd { .. } => "value_add",
            Kind::ValueWrite { .. } => "value_write",
            Kind::LockWait { .. } => "lock_wait",
            Kind::LockTaken => "lock_taken",
            Kind::LockRecovered { .. } => "lock_recovered",
            Kind::LockSet { .. } => "lock_set",
            Kind::PolicySet { .. } => "policy_set",
            Kind::Join { .. } => "join",
            Kind::Joined { .. } => "joined",
            Kind::ParentHold { .. } => "parent_hold",
        }
    }

    /// The frequent kinds a flood is made of (rare ones, such as exits and
    /// recoveries, are always listed).
    pub fn is_routine(&self) -> bool {
        matches!(
            self,
            Kind::Put
                | Kind::Get
                | Kind::Send
                | Kind::Recv
                | Kind::PutWait
                | Kind::Buffered
                | Kind::GetWait
                | Kind::SendWait
                | Kind::RecvWait
                | Kind::PutFull { .. }
                | Kind::GetEmpty { .. }
                | Kind::Count { .. }
                | Kind::Reply
                | Kind::GotReply
                | Kind::ValueRead { .. }
                | Kind::ValueAdd { .. }
                | Kind::ValueWrite { .. }
                | Kind::LockWait { .. }
                | Kind::LockTaken
        ) || matches!(self, Kind::Program(op) if op.is_routine())
    }

    /// Whether the item moved into the object (in) or out of it (out).
    pub fn flow(&self) -> Option<Flow> {
        match self {
            Kind::Put | Kind::Send | Kind::Reply => Some(Flow::In),
            Kind::Get | Kind::Recv | Kind::GotReply => Some(Flow::Out),
            _ => None,
        }
    }
}

/// Which way an item moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    In,
    Out,
}

/// One event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// CLOCK_MONOTONIC nanoseconds (the same clock in every process). Puts
    /// and gets carry the time read under the queue lock, so a put is always
    /// before the get of the same item; a send is stamped before its write
    /// starts and a recv after its read ends.
    pub t_ns: u64,
    /// The process the event is about.
    #[serde(rename = "proc")]
    pub child: ProcId,
    pub pid: i32,
    /// The object it is about.
    #[serde(default)]
    pub obj: ObjectId,
    #[serde(flatten)]
    pub kind: Kind,
    /// The item's label, where there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Queue depth right after the event, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<u32>,
    /// The queue's global operation number (puts and gets), or the
    /// message's number in its direction (sends and recvs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// Where in a watched program's source the operation was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<super::program::At>,
    /// A send or reply that waited (a `send_wait` before it): when its
    /// write returned, so when the wait ended (`t_ns` is when the write
    /// started). None otherwise, and in recordings made before it was told.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_ns: Option<u64>,
}

impl Event {
    pub fn new(t_ns: u64, child: ProcId, pid: i32, kind: Kind) -> Event {
        Event {
            t_ns,
            child,
            pid,
            obj: 0,
            kind,
            item: None,
            depth: None,
            seq: None,
            at: None,
            done_ns: None,
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

    pub fn with_at(mut self, at: Option<super::program::At>) -> Event {
        self.at = at;
        self
    }

    pub fn with_done(mut self, done_ns: u64) -> Event {
        self.done_ns = Some(done_ns);
        self
    }
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
                ended: Ended::Signal(9),
            },
        )
        .with_item("url_1");
        let s = serde_json::to_string(&e).unwrap();
        assert!(s.contains("\"ev\":\"exit\""), "{s}");
        assert_eq!(serde_json::from_str::<Event>(&s).unwrap(), e);
    }

    #[test]
    fn kind_names_match_the_serialized_tag() {
        for k in [
            Kind::PutWait,
            Kind::GetEmpty {
                wait: Some(Wait::Nowait),
                then: Then::GiveUp,
            },
            Kind::PolicySet {
                role: Role::Writer,
                policy: Policy {
                    wait: Wait::Timeout(0.5),
                    then: Then::Retry,
                },
            },
            Kind::RecvEof,
            Kind::Exiting,
            Kind::Frozen,
            Kind::MaxsizeSet { maxsize: 2 },
            Kind::Note {
                note: Note::DrainTimeout { left: 3 },
            },
            Kind::Recovered {
                dead: 1,
                by: 2,
                held_lock: true,
                lost: None,
            },
            Kind::ValueRead {
                cell: 1,
                value: 5,
                locked: false,
            },
            Kind::ValueAdd { register: 6 },
            Kind::ValueWrite {
                cell: 0,
                value: 6,
                old: 6,
            },
            Kind::LockWait { holder: 42 },
            Kind::LockTaken,
            Kind::LockRecovered { dead: 41 },
            Kind::LockSet { on: true },
            Kind::Join { target: 7 },
            Kind::Joined { target: 7 },
            Kind::ParentHold { on: true },
        ] {
            let s = serde_json::to_value(Event::new(0, 0, 0, k.clone())).unwrap();
            assert_eq!(s["ev"], k.name());
        }
    }

    #[test]
    fn a_full_recorded_before_policies_reads_as_a_retry_with_the_runs_timeout() {
        let old = r#"{"t_ns":1,"proc":0,"pid":3,"ev":"put_full","item":"url_1"}"#;
        let e: Event = serde_json::from_str(old).unwrap();
        assert_eq!(
            e.kind,
            Kind::PutFull {
                wait: None,
                then: Then::Retry
            }
        );
        let new = Event::new(
            1,
            0,
            3,
            Kind::PutFull {
                wait: Some(Wait::Timeout(0.0)),
                then: Then::GiveUp,
            },
        );
        let s = serde_json::to_string(&new).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&s).unwrap(), new, "{s}");
    }

    #[test]
    fn an_older_recordings_could_not_do_note_still_reads_and_a_failed_one_keeps_what_and_why() {
        // As recordings made before `failed` have it: the OS's English words.
        let old = r#"{"t_ns":5,"proc":65535,"pid":9,"ev":"note","note":{"could_not_do":{"what":"Resource temporarily unavailable (os error 11)"}}}"#;
        let e: Event = serde_json::from_str(old).unwrap();
        assert_eq!(
            e.kind,
            Kind::Note {
                note: Note::CouldNotDo {
                    what: "Resource temporarily unavailable (os error 11)".into()
                }
            }
        );
        let failed = Event::new(
            5,
            SUPERVISOR,
            9,
            Kind::Note {
                note: Note::Failed {
                    tried: Attempt::Start { role: Role::Writer },
                    error: "EAGAIN".into(),
                },
            },
        );
        let s = serde_json::to_string(&failed).unwrap();
        assert!(
            s.contains(
                r#""note":{"failed":{"tried":{"start":{"role":"writer"}},"error":"EAGAIN"}}"#
            ),
            "{s}"
        );
        assert_eq!(serde_json::from_str::<Event>(&s).unwrap(), failed);
    }

    #[test]
    fn absent_optional_fields_are_left_out_and_read_back_as_none() {
        let e = Event::new(1, 2, 3, Kind::GetWait);
        let s = serde_json::to_string(&e).unwrap();
        assert!(!s.contains("item") && !s.contains("depth"), "{s}");
        assert_eq!(serde_json::from_str::<Event>(&s).unwrap(), e);
    }
}
