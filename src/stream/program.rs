//! A watched Python program (`ipcscope run -- python3 prog.py`): what such
//! a run is ([`ProgramConfig`]), where in the program's own source an
//! operation was ([`At`]), and what its processes do that the built-in
//! scenarios have no event kind for ([`ProgramOp`], carried by
//! `Kind::Program`). Its queue and pipe operations use the common kinds
//! (`put`, `get_wait`, `recv_eof`...), with `obj` naming which of the
//! program's objects.

use serde::{Deserialize, Serialize};

/// A run of someone's Python program under ipcscope.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProgramConfig {
    /// The interpreter (`python3`, `/usr/bin/python3.12`).
    pub python: String,
    /// The program as given (`prog.py`), then its arguments.
    pub argv: Vec<String>,
    /// The folder it runs in.
    pub cwd: String,
    /// The instrumentation (`assets/python`) is on; without it
    /// (`--no-instrument`) only the kernel's view is shown.
    pub instrument: bool,
    /// Stop the program (SIGTERM, then SIGKILL) after this many seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<f64>,
}

impl ProgramConfig {
    /// The program's file as given (`prog.py`).
    pub fn program(&self) -> &str {
        self.argv.first().map_or("", String::as_str)
    }

    /// Its file name (`prog.py` of `examples/prog.py`).
    pub fn file_name(&self) -> &str {
        let p = self.program();
        p.rsplit('/').next().unwrap_or(p)
    }
}

/// Where in the program an operation was: a file (numbered by a `source`
/// record) and a line, from 1. Written `[file, line]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct At(pub u16, pub u32);

impl At {
    pub fn file(self) -> u16 {
        self.0
    }

    pub fn line(self) -> u32 {
        self.1
    }
}

/// Which kind of shared object a program made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ObjKind {
    Queue,
    JoinableQueue,
    SimpleQueue,
    Pipe,
    Value,
    Array,
    /// A connection ipcscope did not see made (a Listener's, a Client's).
    Connection,
}

impl ObjKind {
    /// Python's name for it.
    pub fn python(self) -> &'static str {
        match self {
            ObjKind::Queue => "Queue",
            ObjKind::JoinableQueue => "JoinableQueue",
            ObjKind::SimpleQueue => "SimpleQueue",
            ObjKind::Pipe => "Pipe",
            ObjKind::Value => "Value",
            ObjKind::Array => "Array",
            ObjKind::Connection => "Connection",
        }
    }

    pub fn is_queue(self) -> bool {
        matches!(
            self,
            ObjKind::Queue | ObjKind::JoinableQueue | ObjKind::SimpleQueue
        )
    }

    pub fn is_pipe(self) -> bool {
        matches!(self, ObjKind::Pipe | ObjKind::Connection)
    }

    pub fn is_shared(self) -> bool {
        matches!(self, ObjKind::Value | ObjKind::Array)
    }
}

/// A shared object as the program made it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectInfo {
    pub kind: ObjKind,
    /// What the line that made it assigns to (`q`, `recv_end,send_end`),
    /// or empty.
    pub name: String,
    /// A queue's maxsize (0: unbounded).
    #[serde(default)]
    pub maxsize: u32,
    /// A pipe: both ends send and receive.
    #[serde(default)]
    pub duplex: bool,
    /// A Value's or Array's type code (`i`, `d`, `c_int`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typecode: Option<String>,
    /// An Array's length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u32>,
    /// A Value or Array with its lock (`lock=True`, the default).
    #[serde(default)]
    pub lock: bool,
}

/// What a watched program's process did that the common kinds do not say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ProgramOp {
    /// One of the program's files, numbered for [`At`], with its text when
    /// it could be read (so a replay shows the source as it ran).
    Source {
        file: u16,
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        text: Option<String>,
    },
    /// The process made a shared object (the event's `obj`).
    Object { info: ObjectInfo },
    /// The queue's feeder thread wrote the item into the queue's pipe: it
    /// left the process's buffer (stamped before the write started).
    Flushed { bytes: u64 },
    /// The process closed the queue, or its copy of a pipe end.
    Closed {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        end: Option<u8>,
    },
    /// An operation raised something other than Full, Empty or EOFError.
    Raised { call: String, error: String },
    /// About to wait in `poll(timeout)`.
    PollWait,
    /// `poll(timeout)` returned.
    Polled { ready: bool },
    /// A Value's or Array's reads, writes and lock acquisitions by this
    /// process so far, and the value it last saw.
    Shared {
        reads: u64,
        writes: u64,
        locks: u64,
        value: String,
    },
    /// The process started a child (`p.start()`).
    Started {
        child: i32,
        name: String,
        target: String,
        method: String,
    },
    /// About to wait in `p.join()` for a child.
    JoinWait { child: i32 },
    /// `p.join()` returned (`code`: the child's exit code, if it ended).
    Joined { child: i32, code: Option<i32> },
    /// A child began: its multiprocessing name and target.
    Begin { name: String, target: String },
    /// `time.sleep(secs)`.
    Sleep { secs: f64 },
    /// The child's target returned; its feeder threads still hold
    /// `buffered` items, which must reach the pipe before it can end.
    Finishing { buffered: u64 },
    /// A line the program wrote to its standard error.
    Stderr { text: String },
    /// `n` more operations `op` (`put`, `get`, `flushed`, `send`, `recv`)
    /// on the object, too many at once to report one by one (a flood):
    /// counted exactly.
    Many { what: String, n: u64 },
    /// ipcscope's note on the program.
    Note { note: ProgramNote },
}

impl ProgramOp {
    /// Its name in a recording (`op`).
    pub fn name(&self) -> &'static str {
        match self {
            ProgramOp::Source { .. } => "source",
            ProgramOp::Object { .. } => "object",
            ProgramOp::Flushed { .. } => "flushed",
            ProgramOp::Closed { .. } => "closed",
            ProgramOp::Raised { .. } => "raised",
            ProgramOp::PollWait => "poll_wait",
            ProgramOp::Polled { .. } => "polled",
            ProgramOp::Shared { .. } => "shared",
            ProgramOp::Started { .. } => "started",
            ProgramOp::JoinWait { .. } => "join_wait",
            ProgramOp::Joined { .. } => "joined",
            ProgramOp::Begin { .. } => "begin",
            ProgramOp::Sleep { .. } => "sleep",
            ProgramOp::Finishing { .. } => "finishing",
            ProgramOp::Stderr { .. } => "stderr",
            ProgramOp::Many { .. } => "many",
            ProgramOp::Note { .. } => "note",
        }
    }

    /// The CSV export's `detail` column (data for other tools: English).
    pub fn detail(&self) -> String {
        let op = self.name();
        match self {
            ProgramOp::Source { file, path, .. } => format!("{op}: file={file} path={path}"),
            ProgramOp::Object { info } => format!(
                "{op}: {} name={} maxsize={} duplex={} lock={}",
                info.kind.python(),
                info.name,
                info.maxsize,
                info.duplex,
                info.lock
            ),
            ProgramOp::Flushed { bytes } => format!("{op}: bytes={bytes}"),
            ProgramOp::Closed { end } => match end {
                Some(e) => format!("{op}: end={e}"),
                None => op.to_string(),
            },
            ProgramOp::Raised { call, error } => format!("{op}: {call}: {error}"),
            ProgramOp::PollWait => op.to_string(),
            ProgramOp::Polled { ready } => format!("{op}: ready={ready}"),
            ProgramOp::Shared {
                reads,
                writes,
                locks,
                value,
            } => format!("{op}: reads={reads} writes={writes} locks={locks} value={value}"),
            ProgramOp::Started {
                child,
                name,
                target,
                method,
            } => format!("{op}: child={child} name={name} target={target} method={method}"),
            ProgramOp::JoinWait { child } => format!("{op}: child={child}"),
            ProgramOp::Joined { child, code } => match code {
                Some(c) => format!("{op}: child={child} code={c}"),
                None => format!("{op}: child={child}"),
            },
            ProgramOp::Begin { name, target } => format!("{op}: name={name} target={target}"),
            ProgramOp::Sleep { secs } => format!("{op}: secs={secs}"),
            ProgramOp::Finishing { buffered } => format!("{op}: buffered={buffered}"),
            ProgramOp::Stderr { text } => text.clone(),
            ProgramOp::Many { what, n } => format!("{op}: {what} x{n}"),
            ProgramOp::Note { note } => format!("{op}: {note:?}"),
        }
    }

    /// Frequent operations (a flood is made of them).
    pub fn is_routine(&self) -> bool {
        matches!(
            self,
            ProgramOp::Flushed { .. }
                | ProgramOp::Shared { .. }
                | ProgramOp::Sleep { .. }
                | ProgramOp::PollWait
                | ProgramOp::Polled { .. }
                | ProgramOp::Many { .. }
        )
    }
}

/// ipcscope's notes on a watched program.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgramNote {
    /// The program started as process `pid`, run by this version of
    /// Python (as the instrumentation said it).
    Started {
        python: String,
        #[serde(default)]
        pid: i32,
    },
    /// Run with `--no-instrument`: the kernel's view only.
    NotInstrumented,
    /// The interpreter is older than the instrumentation needs.
    OldPython { version: String },
    /// A process closed (or reused) ipcscope's reporting descriptor; its
    /// reports go on through ipcscope's FIFO.
    ReportFd { pid: i32, fd: i32, reused: bool },
    /// The instrumentation could not wrap a module (Python's words).
    HookFailed { what: String },
    /// The program has more processes at once than ipcscope follows.
    TooManyProcesses { limit: u32 },
    /// The program ran past `--timeout`: it is being stopped.
    TimedOut { secs: u64 },
    /// Every process has waited this long and none can move on: it is
    /// being stopped (headless) or left to you.
    AllBlocked { waited_ms: u64 },
    /// A process ignored SIGTERM for the grace period: SIGKILL.
    IgnoredTerm { pid: i32 },
    /// Python's pitfall Q10b: `n` items process `pid` put on queue `obj`
    /// were still in its feeder buffer when it was killed: they never
    /// reached the pipe, lost (a get waits for them in vain). `untold` of
    /// them were puts not yet reported (a flood's counts died with it).
    LostInFeeder {
        pid: i32,
        obj: crate::stream::ObjectId,
        n: u64,
        #[serde(default)]
        untold: u64,
    },
    /// The program's main process ended; processes it left behind are
    /// stopped with it.
    LeftBehind { count: u32 },
    /// The program ended without using a Queue, Pipe, Value or Process.
    NoMultiprocessing,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::{Event, Kind};

    #[test]
    fn program_ops_round_trip_inside_an_event() {
        for op in [
            ProgramOp::Flushed { bytes: 24 },
            ProgramOp::PollWait,
            ProgramOp::Object {
                info: ObjectInfo {
                    kind: ObjKind::Queue,
                    name: "q".into(),
                    maxsize: 2,
                    duplex: false,
                    typecode: None,
                    size: None,
                    lock: false,
                },
            },
            ProgramOp::Note {
                note: ProgramNote::TimedOut { secs: 5 },
            },
            ProgramOp::Joined {
                child: 9,
                code: None,
            },
        ] {
            let mut e = Event::new(3, 1, 42, Kind::Program(op.clone()));
            e.at = Some(At(0, 23));
            let s = serde_json::to_string(&e).unwrap();
            assert!(s.contains("\"ev\":\"program\""), "{s}");
            assert!(s.contains(&format!("\"op\":\"{}\"", op.name())), "{s}");
            assert!(s.contains("\"at\":[0,23]"), "{s}");
            assert_eq!(serde_json::from_str::<Event>(&s).unwrap(), e, "{s}");
        }
    }
}
