//! From what a watched program's processes report (the instrumentation's
//! JSON lines), what the guard says (how each process ended) and what
//! /proc shows (processes appearing and vanishing) to the stream's events:
//! each process gets a number in the run (the main one 0), each object a
//! number (a Pipe two, one per end), each source file a number; the first
//! time a file is named its text is read into a `source` event. Taken in
//! time order, so a flush never precedes its put.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::proc::probe::FutexMap;
use crate::stream::{
    At, Body, Ended, Event, Kind, ObjKind, ObjectId, ObjectInfo, ProcId, ProgramNote, ProgramOp,
    Role, SUPERVISOR,
};

/// Most processes of one program followed at once (the rest still end
/// with it).
pub const MAX_FOLLOWED: usize = 256;
/// Longest source file read into the stream.
const MAX_SOURCE: u64 = 512 * 1024;

/// How an object's key names its object number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// One number (a queue, a value, one end of a duplex pipe).
    Exactly(ObjectId),
    /// Both ends of a one-way pipe share the key: a send is on the second
    /// end (`base + 1`), a recv on the first (`base`).
    OneWay(ObjectId),
}

/// What /proc can tell of an object: its OS pipe or socket, and which end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Inode {
    pub obj: ObjectId,
    pub ino: u64,
    /// `None`: an OS pipe whose read fds hold end 0 and write fds end 1
    /// (a queue's pipe, a one-way Pipe); `Some(e)`: a socket that is end e.
    pub end: Option<u8>,
}

/// A process the run follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Followed {
    pub id: ProcId,
    pub pid: i32,
    pub ended: bool,
    /// Its parent's pid, when known.
    pub ppid: i32,
}

/// The translator's state for one run.
pub struct Translator {
    cwd: PathBuf,
    pub main_pid: Option<i32>,
    pub procs: HashMap<i32, Followed>,
    next_proc: u16,
    /// Names a parent gave children not yet seen (`started` before `hello`).
    names: HashMap<i32, String>,
    keys: HashMap<String, Rule>,
    next_obj: u16,
    pub inodes: Vec<Inode>,
    files: HashMap<String, u16>,
    pub futex: HashMap<i32, FutexMap>,
    /// Reports the program's processes could not write (their pipe full).
    pub dropped: u64,
    told_too_many: bool,
    told_python: bool,
    /// How the main process ended, once it has.
    pub main_ended: Option<Ended>,
    /// Lines that were not JSON reports.
    pub garbled: u64,
    /// Each queue's items put, flushed and got, for those a killed writer
    /// loses (Q10b).
    lost: super::lost::Lost,
}

impl Translator {
    pub fn new(cwd: &Path) -> Translator {
        Translator {
            cwd: cwd.to_path_buf(),
            main_pid: None,
            procs: HashMap::new(),
            next_proc: 0,
            names: HashMap::new(),
            keys: HashMap::new(),
            next_obj: 1,
            inodes: Vec::new(),
            files: HashMap::new(),
            futex: HashMap::new(),
            dropped: 0,
            told_too_many: false,
            told_python: false,
            main_ended: None,
            garbled: 0,
            lost: Default::default(),
        }
    }

    /// The program's own file is file 0 (announced before anything runs).
    pub fn announce_main(&mut self, t: u64, path: &str, out: &mut Vec<Body>) {
        let abs = self.absolute(path);
        self.file(t, &abs, out);
    }

    fn absolute(&self, path: &str) -> String {
        let p = Path::new(path);
        let abs = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.cwd.join(p)
        };
        normalize(&abs)
    }

    /// The number of a source file, announcing it (with its text) the
    /// first time.
    fn file(&mut self, t: u64, path: &str, out: &mut Vec<Body>) -> u16 {
        if let Some(&n) = self.files.get(path) {
            return n;
        }
        let n = self.files.len() as u16;
        self.files.insert(path.to_string(), n);
        let text = std::fs::metadata(path)
            .ok()
            .filter(|m| m.is_file() && m.len() <= MAX_SOURCE)
            .and_then(|_| std::fs::read_to_string(path).ok());
        let ev = Event::new(
            t,
            SUPERVISOR,
            0,
            Kind::Program(ProgramOp::Source {
                file: n,
                path: path.to_string(),
                text,
            }),
        );
        out.push(Body::Event(ev));
        n
    }

    /// The followed process with `pid`, made known (a `spawn` event) if it
    /// is new; `None` past [`MAX_FOLLOWED`].
    pub fn proc(
        &mut self,
        t: u64,
        pid: i32,
        ppid: i32,
        name: Option<&str>,
        out: &mut Vec<Body>,
    ) -> Option<ProcId> {
        if let Some(p) = self.procs.get(&pid) {
            return Some(p.id);
        }
        if self.procs.values().filter(|p| !p.ended).count() >= MAX_FOLLOWED {
            if !self.told_too_many {
                self.told_too_many = true;
                out.push(note(
                    t,
                    ProgramNote::TooManyProcesses {
                        limit: MAX_FOLLOWED as u32,
                    },
                ));
            }
            return None;
        }
        let id = self.next_proc;
        self.next_proc = self.next_proc.wrapping_add(1);
        let name = if Some(pid) == self.main_pid {
            "MainProcess".to_string()
        } else {
            name.map(str::to_string)
                .or_else(|| self.names.remove(&pid))
                .unwrap_or_else(|| format!("python-{pid}"))
        };
        self.procs.insert(
            pid,
            Followed {
                id,
                pid,
                ended: false,
                ppid,
            },
        );
        // A forked child starts with its parent's memory: its locks' and
        // semaphores' addresses are its parent's.
        if let Some(m) = self.futex.get(&ppid).cloned() {
            self.futex.entry(pid).or_insert(m);
        }
        out.push(Body::Event(Event::new(
            t,
            id,
            pid,
            Kind::Spawn {
                name,
                role: Role::Program,
            },
        )));
        Some(id)
    }

    /// A process ended: its `exit` event, once.
    pub fn ended(&mut self, t: u64, pid: i32, how: Ended, out: &mut Vec<Body>) {
        if Some(pid) == self.main_pid && self.main_ended.is_none() {
            self.main_ended = Some(how);
        }
        let Some(p) = self.procs.get_mut(&pid) else {
            return;
        };
        if p.ended {
            return;
        }
        p.ended = true;
        out.push(Body::Event(Event::new(
            t,
            p.id,
            pid,
            Kind::Exit { ended: how },
        )));
        let killed = matches!(how, Ended::Signal(_));
        for n in self.lost.ended(pid, killed) {
            out.push(note(t, n));
        }
    }

    /// A line from the guard: the main process's pid, how a process ended,
    /// or why the program could not start.
    pub fn status(&mut self, t: u64, v: &Value, out: &mut Vec<Body>) -> Option<String> {
        if let Some(e) = v.get("error").and_then(Value::as_str) {
            return Some(e.to_string());
        }
        if let Some(pid) = int(v, "main") {
            let pid = pid as i32;
            self.main_pid = Some(pid);
            self.proc(t, pid, 0, None, out);
            return None;
        }
        let pid = int(v, "pid")? as i32;
        let how = match (int(v, "code"), int(v, "signal")) {
            (Some(c), _) => Ended::Code(c as i32),
            (_, Some(s)) => Ended::Signal(s as i32),
            _ => return None,
        };
        self.ended(t, pid, how, out);
        None
    }

    /// One report of the instrumentation, as events.
    pub fn report(&mut self, v: &Value, out: &mut Vec<Body>) {
        let (Some(t), Some(pid), Some(ev)) = (
            int(v, "t_ns").map(|t| t as u64),
            int(v, "pid").map(|p| p as i32),
            v.get("ev").and_then(Value::as_str),
        ) else {
            self.garbled += 1;
            return;
        };
        let ppid = int(v, "ppid").unwrap_or(0) as i32;
        match ev {
            "hello" => {
                let argv: Vec<&str> = v
                    .get("argv")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                let name = helper_name(&argv);
                self.proc(t, pid, ppid, name, out);
                if Some(pid) == self.main_pid && !self.told_python {
                    self.told_python = true;
                    let python = str_of(v, "version");
                    out.push(note(t, ProgramNote::Started { python, pid }));
                }
                return;
            }
            "dropped" => {
                self.dropped += int(v, "n").unwrap_or(0) as u64;
                return;
            }
            "started" => {
                if let (Some(child), Some(name)) =
                    (int(v, "child"), v.get("name").and_then(Value::as_str))
                {
                    self.names.insert(child as i32, name.to_string());
                }
            }
            _ => {}
        }
        let Some(id) = self.proc(t, pid, ppid, None, out) else {
            return;
        };
        let at = self.at(t, v, out);
        let key = v.get("obj").and_then(Value::as_str).unwrap_or("");
        let item = v.get("item").and_then(Value::as_str);
        let depth = int(v, "depth").map(|d| d.clamp(0, u32::MAX as i64) as u32);
        let e = |kind: Kind, obj: ObjectId| {
            let mut e = Event::new(t, id, pid, kind).with_at(at);
            e.obj = obj;
            e.item = item.map(str::to_string);
            e.depth = depth;
            e
        };
        let op = |o: ProgramOp| Kind::Program(o);
        let kind_on =
            |this: &mut Translator, kind: Kind, key: &str, send: bool, out: &mut Vec<Body>| {
                let obj = this.obj(key, send, t, pid, id, out);
                (kind, obj)
            };
        let (kind, obj) = match ev {
            "object" => {
                self.object(t, pid, id, v, at, out);
                return;
            }
            "futex" => {
                self.futexes(pid, v);
                return;
            }
            "put" if v.get("direct").and_then(Value::as_bool) == Some(true) => {
                kind_on(self, Kind::Put, key, true, out)
            }
            "put" => kind_on(self, Kind::Put, key, true, out),
            "put_wait" => kind_on(self, Kind::PutWait, key, true, out),
            "put_full" => kind_on(self, Kind::FULL, key, true, out),
            "get" => kind_on(self, Kind::Get, key, false, out),
            "get_wait" => kind_on(self, Kind::GetWait, key, false, out),
            "get_empty" => kind_on(self, Kind::EMPTY, key, false, out),
            "flushed" => kind_on(
                self,
                op(ProgramOp::Flushed {
                    bytes: int(v, "bytes").unwrap_or(0) as u64,
                }),
                key,
                true,
                out,
            ),
            "send" => kind_on(self, Kind::Send, key, true, out),
            "recv" => kind_on(self, Kind::Recv, key, false, out),
            "recv_wait" => kind_on(self, Kind::RecvWait, key, false, out),
            "recv_eof" => kind_on(self, Kind::RecvEof, key, false, out),
            "poll_wait" => kind_on(self, op(ProgramOp::PollWait), key, false, out),
            "polled" => kind_on(
                self,
                op(ProgramOp::Polled {
                    ready: v.get("ready").and_then(Value::as_bool).unwrap_or(false),
                }),
                key,
                false,
                out,
            ),
            "closed" => {
                let sends = v.get("sends").and_then(Value::as_bool) == Some(true);
                let obj = self.obj(key, sends, t, pid, id, out);
                (op(ProgramOp::Closed { end: None }), obj)
            }
            "raised" => {
                let call = str_of(v, "op");
                let send = matches!(call.as_str(), "put" | "send");
                kind_on(
                    self,
                    op(ProgramOp::Raised {
                        call,
                        error: str_of(v, "error"),
                    }),
                    key,
                    send,
                    out,
                )
            }
            "shared" => kind_on(
                self,
                op(ProgramOp::Shared {
                    reads: int(v, "reads").unwrap_or(0) as u64,
                    writes: int(v, "writes").unwrap_or(0) as u64,
                    locks: int(v, "locks").unwrap_or(0) as u64,
                    value: str_of(v, "value"),
                }),
                key,
                false,
                out,
            ),
            "many" => {
                let what = str_of(v, "op");
                let send = matches!(what.as_str(), "put" | "flushed" | "send");
                kind_on(
                    self,
                    op(ProgramOp::Many {
                        what,
                        n: int(v, "n").unwrap_or(0).max(0) as u64,
                    }),
                    key,
                    send,
                    out,
                )
            }
            "started" => (
                op(ProgramOp::Started {
                    child: int(v, "child").unwrap_or(0) as i32,
                    name: str_of(v, "name"),
                    target: str_of(v, "target"),
                    method: str_of(v, "method"),
                }),
                0,
            ),
            "join_wait" => (
                op(ProgramOp::JoinWait {
                    child: int(v, "child").unwrap_or(0) as i32,
                }),
                0,
            ),
            "joined" => (
                op(ProgramOp::Joined {
                    child: int(v, "child").unwrap_or(0) as i32,
                    code: int(v, "code").map(|c| c as i32),
                }),
                0,
            ),
            "begin" => (
                op(ProgramOp::Begin {
                    name: str_of(v, "name"),
                    target: str_of(v, "target"),
                }),
                0,
            ),
            "sleep" => (
                op(ProgramOp::Sleep {
                    secs: v.get("secs").and_then(Value::as_f64).unwrap_or(0.0),
                }),
                0,
            ),
            "exiting" => (
                op(ProgramOp::Finishing {
                    buffered: int(v, "buffered").unwrap_or(0) as u64,
                }),
                0,
            ),
            "kill" => (
                Kind::Kill {
                    target: int(v, "target").unwrap_or(0) as i32,
                    signal: int(v, "signal").unwrap_or(0) as i32,
                },
                0,
            ),
            "ended" => {
                let code = int(v, "code").unwrap_or(0) as i32;
                self.ended(t, pid, Ended::Code(code), out);
                return;
            }
            "reaped" => {
                let (Some(child), Some(code)) = (int(v, "child"), int(v, "code")) else {
                    return;
                };
                let how = if code < 0 {
                    Ended::Signal(-code as i32)
                } else {
                    Ended::Code(code as i32)
                };
                self.ended(t, child as i32, how, out);
                return;
            }
            "note" => {
                let fd = int(v, "fd").unwrap_or(-1) as i32;
                let note_ = match v.get("what").and_then(Value::as_str) {
                    Some("fd_closed") => ProgramNote::ReportFd {
                        pid,
                        fd,
                        reused: false,
                    },
                    Some("fd_reused") => ProgramNote::ReportFd {
                        pid,
                        fd,
                        reused: true,
                    },
                    Some("old_python") => ProgramNote::OldPython {
                        version: str_of(v, "version"),
                    },
                    _ => ProgramNote::HookFailed {
                        what: str_of(v, "error"),
                    },
                };
                (op(ProgramOp::Note { note: note_ }), 0)
            }
            _ => {
                self.garbled += 1;
                return;
            }
        };
        for n in self.account(ev, v, pid, obj) {
            out.push(note(t, n));
        }
        out.push(Body::Event(e(kind, obj)));
    }

    /// A queue's operation in its account of items put, flushed and got;
    /// the items a killed writer lost, once a get waits for them.
    fn account(&mut self, ev: &str, v: &Value, pid: i32, obj: ObjectId) -> Vec<ProgramNote> {
        let l = &mut self.lost;
        let n = || int(v, "n").unwrap_or(0).max(0) as u64;
        match (ev, v.get("op").and_then(Value::as_str)) {
            // A SimpleQueue has no feeder: its puts go straight in.
            ("put", _) if v.get("direct").and_then(Value::as_bool) != Some(true) => {
                l.put(pid, obj, 1)
            }
            ("flushed", _) => l.flushed(pid, obj, 1),
            ("get", _) => l.got(obj, 1),
            ("get_empty", _) | ("raised", Some("get")) => l.gave_up(obj),
            ("get_wait", _) => return l.waits(obj, int(v, "sem").map(|s| s.max(0) as u64)),
            ("many", Some("put")) => l.put(pid, obj, n()),
            ("many", Some("flushed")) => l.flushed(pid, obj, n()),
            ("many", Some("get")) => l.got(obj, n()),
            _ => {}
        }
        Vec::new()
    }

    /// Where in the program a report was: its file's number and the line.
    fn at(&mut self, t: u64, v: &Value, out: &mut Vec<Body>) -> Option<At> {
        let file = v.get("file").and_then(Value::as_str)?;
        let line = int(v, "line")? as u32;
        let abs = self.absolute(file);
        Some(At(self.file(t, &abs, out), line))
    }

    /// The object number for `key` (`send`: the op puts in, for a one-way
    /// pipe's ends); an object never announced is made known as it is met.
    fn obj(
        &mut self,
        key: &str,
        send: bool,
        t: u64,
        pid: i32,
        id: ProcId,
        out: &mut Vec<Body>,
    ) -> ObjectId {
        if key.is_empty() {
            return 0;
        }
        let rule = match self.keys.get(key) {
            Some(r) => *r,
            None => {
                // Made where ipcscope did not see it (a Listener's
                // connection, a report lost): known from now on.
                let kind = match key.as_bytes()[0] {
                    b'q' => ObjKind::Queue,
                    b'v' => ObjKind::Value,
                    _ => ObjKind::Connection,
                };
                let base = self.new_obj(kind);
                let ino = key[1..].parse().unwrap_or(0);
                let rule = if kind == ObjKind::Connection {
                    self.inodes.push(Inode {
                        obj: base,
                        ino,
                        end: Some(0),
                    });
                    Rule::Exactly(base)
                } else {
                    if kind == ObjKind::Queue {
                        self.inodes.push(Inode {
                            obj: base,
                            ino,
                            end: None,
                        });
                    }
                    Rule::Exactly(base)
                };
                self.keys.insert(key.to_string(), rule);
                let info = ObjectInfo {
                    kind,
                    name: String::new(),
                    maxsize: 0,
                    duplex: kind == ObjKind::Connection,
                    typecode: None,
                    size: None,
                    lock: false,
                };
                let mut ev = Event::new(t, id, pid, Kind::Program(ProgramOp::Object { info }));
                ev.obj = base;
                out.push(Body::Event(ev));
                rule
            }
        };
        match rule {
            Rule::Exactly(o) => o,
            Rule::OneWay(base) if send => base + 1,
            Rule::OneWay(base) => base,
        }
    }

    fn new_obj(&mut self, kind: ObjKind) -> ObjectId {
        let base = self.next_obj;
        let n = if kind.is_pipe() { 2 } else { 1 };
        self.next_obj = self.next_obj.saturating_add(n);
        base
    }

    /// A shared object made: its number(s), keys, inodes and futex words.
    fn object(
        &mut self,
        t: u64,
        pid: i32,
        id: ProcId,
        v: &Value,
        at: Option<At>,
        out: &mut Vec<Body>,
    ) {
        let key = v.get("obj").and_then(Value::as_str).unwrap_or("");
        if key.is_empty() || self.keys.contains_key(key) {
            return;
        }
        let kind = match v.get("type").and_then(Value::as_str) {
            Some("Queue") => ObjKind::Queue,
            Some("JoinableQueue") => ObjKind::JoinableQueue,
            Some("SimpleQueue") => ObjKind::SimpleQueue,
            Some("Pipe") => ObjKind::Pipe,
            Some("Value") => ObjKind::Value,
            Some("Array") => ObjKind::Array,
            _ => ObjKind::Connection,
        };
        let base = self.new_obj(kind);
        let ino = |k: &str| k.get(1..).and_then(|s| s.parse().ok()).unwrap_or(0u64);
        if kind.is_pipe() {
            let ends: Vec<&str> = v
                .get("ends")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            match ends.as_slice() {
                [a, b] if a == b => {
                    self.keys.insert(a.to_string(), Rule::OneWay(base));
                    self.inodes.push(Inode {
                        obj: base,
                        ino: ino(a),
                        end: None,
                    });
                }
                [a, b] => {
                    self.keys.insert(a.to_string(), Rule::Exactly(base));
                    self.keys.insert(b.to_string(), Rule::Exactly(base + 1));
                    self.inodes.push(Inode {
                        obj: base,
                        ino: ino(a),
                        end: Some(0),
                    });
                    self.inodes.push(Inode {
                        obj: base,
                        ino: ino(b),
                        end: Some(1),
                    });
                }
                _ => {
                    self.keys.insert(key.to_string(), Rule::Exactly(base));
                }
            }
        } else {
            self.keys.insert(key.to_string(), Rule::Exactly(base));
            if kind.is_queue() {
                self.inodes.push(Inode {
                    obj: base,
                    ino: ino(key),
                    end: None,
                });
            }
        }
        self.futexes(pid, v);
        let info = ObjectInfo {
            kind,
            name: str_of(v, "name"),
            maxsize: int(v, "maxsize").unwrap_or(0).clamp(0, u32::MAX as i64) as u32,
            duplex: v.get("duplex").and_then(Value::as_bool).unwrap_or(false),
            typecode: v
                .get("typecode")
                .and_then(Value::as_str)
                .map(str::to_string),
            size: int(v, "size").map(|s| s.clamp(0, u32::MAX as i64) as u32),
            lock: v.get("lock").and_then(Value::as_bool).unwrap_or(false),
        };
        let mut ev = Event::new(t, id, pid, Kind::Program(ProgramOp::Object { info })).with_at(at);
        ev.obj = base;
        out.push(Body::Event(ev));
    }

    /// The futex words a process's locks and semaphores wait on.
    fn futexes(&mut self, pid: i32, v: &Value) {
        let Some(f) = v.get("futex").and_then(Value::as_object) else {
            return;
        };
        let m = self.futex.entry(pid).or_default();
        for (what, addr) in f {
            let Some(a) = addr.as_u64().filter(|&a| a != 0) else {
                continue;
            };
            let list = match what.as_str() {
                "space" => &mut m.not_full,
                _ => &mut m.lock,
            };
            if !list.contains(&a) {
                list.push(a);
            }
        }
    }

    /// A pipe or socket /proc shows the program's processes sharing, that
    /// no report named (without instrumentation): an object of its own.
    pub fn discovered(&mut self, t: u64, ino: u64, socket: bool, out: &mut Vec<Body>) {
        let key = format!("c{ino}");
        if self.keys.contains_key(&key) {
            return;
        }
        let base = self.new_obj(ObjKind::Connection);
        self.keys.insert(key, Rule::Exactly(base));
        self.inodes.push(Inode {
            obj: base,
            ino,
            end: if socket { Some(0) } else { None },
        });
        let what = if socket { "socket" } else { "pipe" };
        let info = ObjectInfo {
            kind: ObjKind::Connection,
            name: format!("{what}:[{ino}]"),
            maxsize: 0,
            duplex: socket,
            typecode: None,
            size: None,
            lock: false,
        };
        let mut ev = Event::new(t, SUPERVISOR, 0, Kind::Program(ProgramOp::Object { info }));
        ev.obj = base;
        out.push(Body::Event(ev));
    }

    /// The followed processes not known to have ended.
    pub fn live(&self) -> Vec<(ProcId, i32)> {
        let mut v: Vec<(ProcId, i32)> = self
            .procs
            .values()
            .filter(|p| !p.ended)
            .map(|p| (p.id, p.pid))
            .collect();
        v.sort_unstable();
        v
    }

    /// The pid of process `id`.
    pub fn pid_of(&self, id: ProcId) -> Option<i32> {
        self.procs.values().find(|p| p.id == id).map(|p| p.pid)
    }

    /// Whether the program reported any multiprocessing at all.
    pub fn used_multiprocessing(&self) -> bool {
        !self.keys.is_empty() || self.procs.len() > 1
    }

    /// Keys of objects (for tests).
    pub fn known_keys(&self) -> HashSet<String> {
        self.keys.keys().cloned().collect()
    }
}

/// multiprocessing's own helper processes, by their command line.
pub fn helper_name(argv: &[&str]) -> Option<&'static str> {
    let all = argv.join(" ");
    if all.contains("multiprocessing.forkserver") {
        Some("forkserver")
    } else if all.contains("multiprocessing.resource_tracker") {
        Some("resource_tracker")
    } else {
        None
    }
}

/// A note from ipcscope.
pub fn note(t: u64, note: ProgramNote) -> Body {
    Body::Event(Event::new(
        t,
        SUPERVISOR,
        0,
        Kind::Program(ProgramOp::Note { note }),
    ))
}

fn int(v: &Value, k: &str) -> Option<i64> {
    v.get(k).and_then(Value::as_i64)
}

fn str_of(v: &Value, k: &str) -> String {
    v.get(k)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// `a/./b/../c` as `a/c` (no symbolic links followed: as Python's
/// `os.path.abspath` does).
fn normalize(p: &Path) -> String {
    let mut parts: Vec<&std::ffi::OsStr> = Vec::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                parts.pop();
            }
            std::path::Component::CurDir => {}
            std::path::Component::RootDir => {}
            c => parts.push(c.as_os_str()),
        }
    }
    let mut s = String::new();
    for part in parts {
        s.push('/');
        s.push_str(&part.to_string_lossy());
    }
    if s.is_empty() { "/".into() } else { s }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(out: &[Body]) -> Vec<&Event> {
        out.iter()
            .filter_map(|b| match b {
                Body::Event(e) => Some(e),
                _ => None,
            })
            .collect()
    }

    fn feed(t: &mut Translator, lines: &[&str]) -> Vec<Body> {
        let mut out = Vec::new();
        for l in lines {
            t.report(&serde_json::from_str(l).unwrap(), &mut out);
        }
        out
    }

    #[test]
    fn a_queue_is_one_object_and_its_ops_name_it_and_their_line() {
        let mut t = Translator::new(Path::new("/w"));
        let mut out = Vec::new();
        t.status(1, &serde_json::json!({"main": 10}), &mut out);
        let out = feed(
            &mut t,
            &[
                r#"{"t_ns":2,"pid":10,"ev":"hello","obj":"","ppid":1,"version":"3.11.7","argv":["python3","p.py"]}"#,
                r#"{"t_ns":3,"pid":10,"ev":"object","obj":"q77","type":"Queue","maxsize":2,"name":"q","futex":{"space":4096,"lock":8192},"file":"/w/p.py","line":5}"#,
                r#"{"t_ns":4,"pid":11,"ev":"put","obj":"q77","item":"'a'","depth":1,"file":"/w/p.py","line":9}"#,
            ],
        );
        let evs = events(&out);
        let put = evs.iter().find(|e| e.kind == Kind::Put).unwrap();
        assert_eq!((put.obj, put.item.as_deref()), (1, Some("'a'")));
        assert_eq!(put.at, Some(At(0, 9)));
        // The queue's pipe is followed in /proc; its semaphore tells a put
        // waiting for space.
        assert_eq!(t.inodes[0].ino, 77);
        assert_eq!(t.futex[&10].not_full, [4096]);
        // The child was made known before its put.
        assert!(
            evs.iter()
                .any(|e| matches!(&e.kind, Kind::Spawn { .. }) && e.pid == 11)
        );
    }

    #[test]
    fn a_one_way_pipe_takes_two_numbers_and_send_and_recv_use_their_ends() {
        let mut t = Translator::new(Path::new("/w"));
        let out = feed(
            &mut t,
            &[
                r#"{"t_ns":3,"pid":10,"ev":"object","obj":"c5","type":"Pipe","duplex":false,"ends":["c5","c5"],"name":"r,s"}"#,
                r#"{"t_ns":4,"pid":11,"ev":"send","obj":"c5","item":"'x'"}"#,
                r#"{"t_ns":5,"pid":12,"ev":"recv","obj":"c5","item":"'x'"}"#,
                r#"{"t_ns":6,"pid":13,"ev":"object","obj":"c8","type":"Pipe","duplex":true,"ends":["c8","c9"],"name":"a,b"}"#,
                r#"{"t_ns":7,"pid":13,"ev":"send","obj":"c9","item":"1"}"#,
            ],
        );
        let evs = events(&out);
        let on = |k: Kind| evs.iter().find(|e| e.kind == k).unwrap().obj;
        assert_eq!((on(Kind::Send), on(Kind::Recv)), (2, 1));
        let sends: Vec<u16> = evs
            .iter()
            .filter(|e| e.kind == Kind::Send)
            .map(|e| e.obj)
            .collect();
        assert_eq!(sends, [2, 4], "the duplex pipe is 3 and 4");
    }

    #[test]
    fn a_process_ends_once_whoever_says_it_first() {
        let mut t = Translator::new(Path::new("/w"));
        let mut out = Vec::new();
        t.proc(1, 20, 10, Some("Process-1"), &mut out);
        feed(
            &mut t,
            &[r#"{"t_ns":5,"pid":20,"ev":"ended","obj":"","code":3}"#],
        );
        let mut more = Vec::new();
        t.status(6, &serde_json::json!({"pid": 20, "signal": 9}), &mut more);
        assert!(more.is_empty(), "{more:?}");
    }

    #[test]
    fn paths_are_made_absolute_without_following_links() {
        assert_eq!(normalize(Path::new("/a/./b/../c.py")), "/a/c.py");
    }
}
