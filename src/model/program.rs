//! A watched Python program's side of the world (`ipcscope run`): its
//! source files, its shared objects (each queue, pipe and value, told apart
//! by object number) with what is inside them, and for each process the
//! line it is on and what it waits for beyond a put or a get (a child, a
//! sleep, a poll). Pure: folded from events and observations like the rest
//! of the world, so a replay shows the same.
//!
//! Object numbers: a queue or a value has one; a Pipe has two, one per end
//! (its first connection's, then its second's), so an event's `obj` says
//! which end it used. A message sent on end `e` travels to the other end.

use std::collections::{BTreeMap, VecDeque};

use super::code::Program;
use super::world::Proc;
use crate::stream::{
    At, Event, Holder, Kind, ObjKind, ObjectId, ObjectInfo, ObjectView, ProcId, ProgramNote,
    ProgramOp, Role,
};

/// Most items followed one by one in one place (a feeder buffer, a pipe);
/// beyond it they are counted.
pub const FOLLOWED: usize = 256;

/// One of the program's source files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub text: Option<String>,
}

/// Items in order, the newest [`FOLLOWED`] by label, the rest counted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Items {
    pub labels: VecDeque<String>,
    pub uncounted: u64,
}

impl Items {
    fn push(&mut self, label: &str) {
        self.labels.push_back(label.to_string());
        if self.labels.len() > FOLLOWED {
            self.labels.pop_front();
            self.uncounted += 1;
        }
    }

    /// Takes the item labelled so (the oldest of that label), else one of
    /// those only counted; false when neither is there.
    fn take(&mut self, label: Option<&str>) -> bool {
        if let Some(i) = label.and_then(|l| self.labels.iter().position(|x| x == l)) {
            self.labels.remove(i);
            return true;
        }
        if self.uncounted > 0 {
            self.uncounted -= 1;
            return true;
        }
        false
    }

    /// As [`Items::take`], else the oldest (a report was lost).
    fn take_or_oldest(&mut self, label: Option<&str>) -> bool {
        self.take(label) || self.labels.pop_front().is_some()
    }

    /// Takes `n` items not told one by one: those only counted first, then
    /// the oldest labelled.
    fn take_many(&mut self, n: u64) {
        let counted = n.min(self.uncounted);
        self.uncounted -= counted;
        let rest = ((n - counted) as usize).min(self.labels.len());
        self.labels.drain(..rest);
    }

    pub fn len(&self) -> u64 {
        self.labels.len() as u64 + self.uncounted
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One shared object of the program.
#[derive(Debug, Clone, PartialEq)]
pub struct Obj {
    pub id: ObjectId,
    pub info: ObjectInfo,
    /// Who made it, and where.
    pub by: ProcId,
    pub at: Option<At>,
    /// Queue: items put (into a feeder buffer), flushed (into the pipe),
    /// got; `queue.Full` / `queue.Empty` raised.
    pub puts: u64,
    pub flushed: u64,
    pub gets: u64,
    pub full: u64,
    pub empty: u64,
    /// Queue: items lost in a killed writer's feeder buffer (Q10b), as
    /// ipcscope's note named them.
    pub lost: u64,
    /// Queue: each process's feeder buffer (put, not yet in the pipe).
    pub buffers: BTreeMap<ProcId, Items>,
    /// Queue: in the pipe, oldest first. Pipe: per direction (the sending
    /// end's number), in the pipe.
    pub inside: [Items; 2],
    /// Pipe: messages sent from each end, and received at each end.
    pub sent: [u64; 2],
    pub received: [u64; 2],
    /// Pipe: `EOFError` was raised at this end.
    pub eof: [bool; 2],
    /// Value / Array: per process, its reads, writes and lock acquisitions.
    pub tallies: BTreeMap<ProcId, (u64, u64, u64)>,
    /// Value / Array: the value last seen.
    pub value: String,
    /// Closed by (queue: `close()`; pipe: a copy of an end closed).
    pub closes: u32,
    /// Other exceptions raised by its operations.
    pub raised: u64,
    /// Who used it: per process, items it put in (put, sent) and took out
    /// (got, received).
    pub users: BTreeMap<ProcId, (u64, u64)>,
    /// The kernel's view: bytes in its OS pipe, its capacity, who holds
    /// each end.
    pub bytes: Option<u64>,
    pub capacity: Option<u64>,
    pub holders: [Vec<Holder>; 2],
}

impl Obj {
    fn new(id: ObjectId, info: ObjectInfo, by: ProcId, at: Option<At>) -> Obj {
        Obj {
            id,
            info,
            by,
            at,
            puts: 0,
            flushed: 0,
            gets: 0,
            full: 0,
            empty: 0,
            lost: 0,
            buffers: BTreeMap::new(),
            inside: [Items::default(), Items::default()],
            sent: [0; 2],
            received: [0; 2],
            eof: [false; 2],
            tallies: BTreeMap::new(),
            value: String::new(),
            closes: 0,
            raised: 0,
            users: BTreeMap::new(),
            bytes: None,
            capacity: None,
            holders: [Vec::new(), Vec::new()],
        }
    }

    /// Items put and not yet got (nor lost): in feeder buffers and in the
    /// pipe.
    pub fn depth(&self) -> u64 {
        self.puts
            .saturating_sub(self.gets)
            .saturating_sub(self.lost)
    }

    /// Items in feeder buffers (all processes).
    pub fn buffered(&self) -> u64 {
        self.buffers.values().map(Items::len).sum()
    }

    /// The name to show: what the program calls it, else its kind and number.
    pub fn title(&self) -> String {
        let kind = self.info.kind.python();
        if self.info.name.is_empty() {
            format!("{kind} #{}", self.id)
        } else {
            format!("{} = {kind}", self.info.name)
        }
    }

    /// Increments a value's tallies hold in all (its writes).
    pub fn writes(&self) -> u64 {
        self.tallies.values().map(|t| t.1).sum()
    }
}

/// What a process is doing beyond the common activities (blocked in put,
/// get, send, recv).
#[derive(Debug, Clone, PartialEq)]
pub enum Doing {
    Running,
    /// In `time.sleep(secs)`.
    Sleeping {
        secs: f64,
        since_ns: u64,
    },
    /// In `p.join()`, waiting for this child.
    Joining {
        child: i32,
        since_ns: u64,
    },
    /// In `poll(timeout)`.
    Polling {
        since_ns: u64,
    },
    /// Its target returned; its feeders still hold this many items.
    Finishing {
        buffered: u64,
    },
}

/// What the program's side knows of a process.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcInfo {
    /// The line of its last operation.
    pub at: Option<At>,
    pub doing: Doing,
    /// Its multiprocessing name (`Process-1`) and target (`write`).
    pub target: String,
    /// Who started it (its pid), and how (`fork`, `spawn`, `forkserver`).
    pub parent: Option<i32>,
    pub method: String,
    /// The object it waits on (blocked in put, get, recv, poll).
    pub on: Option<ObjectId>,
}

impl Default for ProcInfo {
    fn default() -> ProcInfo {
        ProcInfo {
            at: None,
            doing: Doing::Running,
            target: String::new(),
            parent: None,
            method: String::new(),
            on: None,
        }
    }
}

/// What a live process of a watched program waits for, as its reports
/// and the kernel's view show it: the parts of a stuck program's "why".
#[derive(Debug, Clone, PartialEq)]
pub enum Wait {
    /// In `join()`, for this child (its pid) to end.
    Join { child: i32 },
    /// In `recv()` on `end` of `pipe`: a message can only come through the
    /// other end, which these processes (pids, from /proc) still hold.
    Recv {
        pipe: ObjectId,
        end: u8,
        holders: Vec<i32>,
    },
    /// In `get()` on an empty queue.
    Get { obj: ObjectId },
    /// In `put()` on a full queue.
    Put { obj: ObjectId },
    /// In `send()` on a full pipe end.
    Send { pipe: ObjectId, end: u8 },
    /// Its target returned with items still in its feeder buffer for the
    /// queue `obj`: it cannot end until they are in the pipe (Python joins
    /// the feeder thread at exit).
    Flush { obj: ObjectId },
}

/// What each live process of the program waits for (pid, wait), in the
/// order the processes started; a process not waiting is left out.
pub fn waits(procs: &[Proc], pw: &ProgramWorld) -> Vec<(i32, Wait)> {
    use super::world::Activity;
    let mut out = Vec::new();
    for p in procs.iter().filter(|p| p.alive()) {
        let info = pw.info(p.id);
        let on = info.and_then(|i| i.on);
        let wait = match (&p.activity, info.map(|i| &i.doing), on) {
            (Activity::WaitingToRecv { .. }, _, Some(obj)) => {
                let (pipe, end) = pw.end_of(obj);
                let mut holders: Vec<i32> = pw
                    .objects
                    .get(&pipe)
                    .map(|o| o.holders[1 - end as usize].iter().map(|h| h.pid).collect())
                    .unwrap_or_default();
                holders.sort_unstable();
                holders.dedup();
                Wait::Recv { pipe, end, holders }
            }
            (Activity::WaitingToSend { .. }, _, Some(obj)) => {
                let (pipe, end) = pw.end_of(obj);
                Wait::Send { pipe, end }
            }
            (Activity::WaitingToGet { .. }, _, Some(obj)) => Wait::Get { obj },
            (Activity::WaitingToPut { .. }, _, Some(obj)) => Wait::Put { obj },
            (_, Some(Doing::Joining { child, .. }), _) => Wait::Join { child: *child },
            // Its feeder's queue: where its buffer still holds items.
            (_, Some(Doing::Finishing { buffered }), _) if *buffered > 0 => {
                let Some(obj) = pw
                    .objects
                    .values()
                    .find(|o| {
                        o.buffers
                            .get(&p.id)
                            .is_some_and(|b| !b.labels.is_empty() || b.uncounted > 0)
                    })
                    .map(|o| o.id)
                else {
                    continue;
                };
                Wait::Flush { obj }
            }
            _ => continue,
        };
        out.push((p.pid, wait));
    }
    out
}

/// What each blocked process of the program waits for and from whom (the
/// wait-for view): a join from the child, a recv from the holders of the
/// pipe's other end, a send from the holders of the other end (they could
/// receive), a get from the holders of the queue's writing end, a put from
/// those of its reading end — and whether it waits forever, settled by
/// [`crate::model::waits::settle`] (a join on a child blocked forever is
/// forever too). Before the kernel has shown who holds an end, every other
/// live process of the program could: never forever on a guess. A wait
/// too `brief` to show (in a flood) is left out: that process is at work.
pub fn wait_for(
    procs: &[Proc],
    pw: &ProgramWorld,
    brief: impl Fn(&Proc) -> bool,
) -> Vec<crate::model::waits::WaitFor> {
    use crate::model::waits::{Need, WaitFor, settle};
    // The live processes by pid, once (there may be hundreds).
    let live: BTreeMap<i32, &Proc> = procs
        .iter()
        .filter(|p| p.alive())
        .map(|p| (p.pid, p))
        .collect();
    let mut all: Vec<WaitFor> = waits(procs, pw)
        .into_iter()
        .filter_map(|(pid, wait)| {
            let p = *live.get(&pid).filter(|p| !brief(p))?;
            let side = |obj: ObjectId, end: u8| other_side(&live, pw, p, obj, end);
            let (need, from) = match wait {
                // A child not followed, or already ended: nothing to name.
                Wait::Join { child } => {
                    let c = live.get(&child)?;
                    (Need::End, vec![crate::model::waits::Provider::Proc(c.id)])
                }
                Wait::Recv { pipe, end, .. } => (Need::Message, side(pipe, 1 - end)),
                Wait::Send { pipe, end } => (Need::Room, side(pipe, 1 - end)),
                // A queue's ends: 0 reads, 1 writes.
                Wait::Get { obj } => (Need::Data, side(obj, 1)),
                Wait::Put { obj } => (Need::Space, side(obj, 0)),
                Wait::Flush { obj } => (Need::Flush, side(obj, 0)),
            };
            Some(WaitFor {
                who: p.id,
                need,
                from,
                forever: false,
            })
        })
        .collect();
    settle(&mut all, procs);
    all
}

/// A deadlock in the wait-for view `waits` (as [`wait_for`] settled it):
/// processes each waiting forever for the next, the first again at the
/// end (`[main, child, main]`); `None` when the forever waits form no
/// cycle (they wait for nobody, or for someone who ended).
pub fn deadlock(waits: &[crate::model::waits::WaitFor]) -> Option<Vec<ProcId>> {
    use crate::model::waits::Provider;
    let forever = |id: ProcId| waits.iter().find(|w| w.who == id && w.forever);
    // The first provider that waits forever itself.
    let next = |id: ProcId| {
        forever(id)?.from.iter().find_map(|f| match f {
            Provider::Proc(q) if forever(*q).is_some() => Some(*q),
            _ => None,
        })
    };
    for start in waits.iter().filter(|w| w.forever) {
        let mut path = vec![start.who];
        while let Some(n) = next(*path.last()?) {
            if let Some(i) = path.iter().position(|&p| p == n) {
                let mut cycle = path.split_off(i);
                cycle.push(n);
                return Some(cycle);
            }
            path.push(n);
        }
    }
    None
}

/// Who could serve `p` through `end` of `obj`: its live holders as the
/// kernel showed them (`p` itself as itself; multiprocessing's helpers
/// never use a program's object), else every other live process.
fn other_side(
    live: &BTreeMap<i32, &Proc>,
    pw: &ProgramWorld,
    p: &Proc,
    obj: ObjectId,
    end: u8,
) -> Vec<crate::model::waits::Provider> {
    use crate::model::waits::Provider;
    let holders = pw
        .object(obj)
        .map(|o| o.holders[end as usize].as_slice())
        .unwrap_or_default();
    let mut from: Vec<Provider> = if holders.is_empty() {
        live.values()
            .filter(|q| q.id != p.id && !helper(q))
            .map(|q| Provider::Proc(q.id))
            .collect()
    } else {
        holders
            .iter()
            .filter_map(|h| live.get(&h.pid).filter(|q| !helper(q)))
            .map(|q| {
                if q.id == p.id {
                    Provider::Itself
                } else {
                    Provider::Proc(q.id)
                }
            })
            .collect()
    };
    from.sort();
    from.dedup();
    from
}

/// multiprocessing's own helper processes (the forkserver, the resource
/// tracker).
fn helper(p: &Proc) -> bool {
    matches!(p.name.as_str(), "forkserver" | "resource_tracker")
}

/// The watched program's side of the world.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProgramWorld {
    pub files: BTreeMap<u16, SourceFile>,
    pub objects: BTreeMap<ObjectId, Obj>,
    /// A pipe's second end's number -> the pipe's.
    pub second_ends: BTreeMap<ObjectId, ObjectId>,
    pub procs: BTreeMap<ProcId, ProcInfo>,
    /// The program's main file (the one run), shown beside the stage.
    pub main: Option<Program>,
    /// The interpreter's version, as the instrumentation said.
    pub python: String,
    /// ipcscope's notes so far.
    pub notes: Vec<ProgramNote>,
    /// Operations reported (the program used multiprocessing).
    pub ops: u64,
}

impl ProgramWorld {
    /// The object and end an event's object number names: a pipe's second
    /// end is its pipe's number + 1.
    pub fn end_of(&self, obj: ObjectId) -> (ObjectId, u8) {
        match self.second_ends.get(&obj) {
            Some(&pipe) => (pipe, 1),
            None => (obj, 0),
        }
    }

    pub fn object(&self, obj: ObjectId) -> Option<&Obj> {
        self.objects.get(&self.end_of(obj).0)
    }

    pub fn info(&self, id: ProcId) -> Option<&ProcInfo> {
        self.procs.get(&id)
    }

    /// The file `at` is in, if announced.
    pub fn file(&self, at: At) -> Option<&SourceFile> {
        self.files.get(&at.file())
    }

    /// `prog.py:23`, the file's name without its folder.
    pub fn place(&self, at: At) -> String {
        let name = self
            .file(at)
            .map(|f| f.path.rsplit('/').next().unwrap_or(&f.path).to_string())
            .unwrap_or_else(|| "?".into());
        format!("{name}:{}", at.line())
    }

    /// An operation of `ev`'s process on `obj`: counted, the process shown
    /// running (or waiting on it, `waits`), and a use tallied (into it,
    /// out of it). The object, if the program made it known.
    fn used(
        &mut self,
        ev: &Event,
        obj: ObjectId,
        waits: bool,
        (into, out_of): (bool, bool),
    ) -> Option<&mut Obj> {
        self.ops += 1;
        self.running(ev.child);
        if waits {
            self.waits_on(ev.child, ev.obj);
        }
        let o = self.objects.get_mut(&obj)?;
        let use_ = o.users.entry(ev.child).or_default();
        use_.0 += u64::from(into);
        use_.1 += u64::from(out_of);
        Some(o)
    }

    /// Folds one event in (called by the world for every event).
    pub fn apply(&mut self, ev: &Event) {
        if let Some(at) = ev.at {
            self.procs.entry(ev.child).or_default().at = Some(at);
        }
        let (obj, end) = self.end_of(ev.obj);
        let item = ev.item.as_deref();
        match &ev.kind {
            Kind::Spawn {
                role: Role::Program,
                ..
            } => {
                self.procs.entry(ev.child).or_default();
            }
            Kind::Program(op) => self.op(ev, op),
            Kind::Put
            | Kind::Get
            | Kind::PutWait
            | Kind::GetWait
            | Kind::PutFull { .. }
            | Kind::GetEmpty { .. } => {
                let waits = matches!(ev.kind, Kind::PutWait | Kind::GetWait);
                let Some(o) =
                    self.used(ev, obj, waits, (ev.kind == Kind::Put, ev.kind == Kind::Get))
                else {
                    return;
                };
                match ev.kind {
                    Kind::Put => {
                        o.puts += 1;
                        if o.info.kind == ObjKind::SimpleQueue {
                            o.flushed += 1;
                            o.inside[0].push(item.unwrap_or(""));
                        } else {
                            o.buffers
                                .entry(ev.child)
                                .or_default()
                                .push(item.unwrap_or(""));
                        }
                    }
                    Kind::Get => {
                        o.gets += 1;
                        // Its flush may not have been told (a dropped
                        // report): then it is in a buffer.
                        let took =
                            o.inside[0].take(item) || o.buffers.values_mut().any(|b| b.take(item));
                        if !took {
                            o.inside[0].take_or_oldest(item);
                        }
                    }
                    Kind::PutFull { .. } => o.full += 1,
                    Kind::GetEmpty { .. } => o.empty += 1,
                    _ => {}
                }
            }
            Kind::Send | Kind::Recv | Kind::SendWait | Kind::RecvWait | Kind::RecvEof => {
                let waits = matches!(ev.kind, Kind::SendWait | Kind::RecvWait);
                let Some(o) = self.used(
                    ev,
                    obj,
                    waits,
                    (ev.kind == Kind::Send, ev.kind == Kind::Recv),
                ) else {
                    return;
                };
                let e = end as usize;
                match ev.kind {
                    Kind::Send => {
                        o.sent[e] += 1;
                        o.inside[e].push(item.unwrap_or(""));
                    }
                    Kind::Recv => {
                        o.received[e] += 1;
                        o.inside[1 - e].take_or_oldest(item);
                    }
                    Kind::RecvEof => o.eof[e] = true,
                    _ => {}
                }
            }
            Kind::Exit { .. } => {
                if let Some(p) = self.procs.get_mut(&ev.child) {
                    p.doing = Doing::Running;
                }
                // What its feeders held is gone with it.
                for o in self.objects.values_mut() {
                    o.buffers.remove(&ev.child);
                }
            }
            _ => {}
        }
    }

    fn running(&mut self, id: ProcId) {
        let p = self.procs.entry(id).or_default();
        p.doing = Doing::Running;
        p.on = None;
    }

    fn waits_on(&mut self, id: ProcId, obj: ObjectId) {
        self.procs.entry(id).or_default().on = Some(obj);
    }

    fn op(&mut self, ev: &Event, op: &ProgramOp) {
        let (obj, end) = self.end_of(ev.obj);
        let t = ev.t_ns;
        match op {
            ProgramOp::Source { file, path, text } => {
                if self.files.is_empty() {
                    self.main = text.as_ref().map(|text| Program {
                        file: path.rsplit('/').next().unwrap_or(path).to_string(),
                        text: text.clone(),
                        lines: Default::default(),
                    });
                }
                self.files.insert(
                    *file,
                    SourceFile {
                        path: path.clone(),
                        text: text.clone(),
                    },
                );
            }
            ProgramOp::Object { info } => {
                self.ops += 1;
                if info.kind.is_pipe() {
                    self.second_ends.insert(ev.obj + 1, ev.obj);
                }
                self.objects
                    .insert(ev.obj, Obj::new(ev.obj, info.clone(), ev.child, ev.at));
            }
            ProgramOp::Flushed { .. } => {
                if let Some(o) = self.objects.get_mut(&obj) {
                    o.flushed += 1;
                    let label = ev.item.as_deref();
                    let from = o.buffers.entry(ev.child).or_default();
                    if !from.take(label) && o.flushed > o.puts {
                        // Flushed before its put was told: it was put.
                        o.puts += 1;
                    }
                    o.inside[0].push(label.unwrap_or(""));
                }
            }
            ProgramOp::Closed { .. } => {
                if let Some(o) = self.objects.get_mut(&obj) {
                    o.closes += 1;
                }
            }
            ProgramOp::Raised { .. } => {
                self.running(ev.child);
                if let Some(o) = self.objects.get_mut(&obj) {
                    o.raised += 1;
                }
            }
            ProgramOp::PollWait => {
                self.procs.entry(ev.child).or_default().doing = Doing::Polling { since_ns: t };
                self.waits_on(ev.child, ev.obj);
            }
            ProgramOp::Polled { .. } => self.running(ev.child),
            ProgramOp::Shared {
                reads,
                writes,
                locks,
                value,
            } => {
                self.ops += 1;
                if let Some(o) = self.objects.get_mut(&obj) {
                    o.tallies.insert(ev.child, (*reads, *writes, *locks));
                    o.users.insert(ev.child, (*writes, *reads));
                    o.value = value.clone();
                }
            }
            ProgramOp::Started { child, method, .. } => {
                self.ops += 1;
                let _ = (child, method);
            }
            ProgramOp::JoinWait { child } => {
                self.procs.entry(ev.child).or_default().doing = Doing::Joining {
                    child: *child,
                    since_ns: t,
                };
            }
            ProgramOp::Joined { .. } => self.running(ev.child),
            ProgramOp::Begin { target, .. } => {
                self.procs.entry(ev.child).or_default().target = target.clone();
            }
            ProgramOp::Sleep { secs } => {
                self.procs.entry(ev.child).or_default().doing = Doing::Sleeping {
                    secs: *secs,
                    since_ns: t,
                };
            }
            ProgramOp::Finishing { buffered } => {
                self.procs.entry(ev.child).or_default().doing = Doing::Finishing {
                    buffered: *buffered,
                };
            }
            ProgramOp::Stderr { .. } => {}
            ProgramOp::Many { what, n } => self.many(ev, obj, end, what, *n),
            ProgramOp::Note { note } => {
                if let ProgramNote::Started { python, .. } = note {
                    self.python = python.clone();
                }
                // Every item put is got, still queued, or lost: the puts a
                // killed writer never told are counted with the loss.
                if let ProgramNote::LostInFeeder { obj, n, untold, .. } = note
                    && let Some(o) = self.objects.get_mut(obj)
                {
                    o.puts += untold;
                    o.lost += n;
                }
                self.notes.push(note.clone());
            }
        }
        let _ = end;
    }

    /// Operations counted in a flood, not told one by one.
    fn many(&mut self, ev: &Event, obj: ObjectId, end: u8, op: &str, n: u64) {
        self.ops += n;
        let Some(o) = self.objects.get_mut(&obj) else {
            return;
        };
        let e = end as usize;
        let use_ = o.users.entry(ev.child).or_default();
        match op {
            "put" | "send" => use_.0 += n,
            "get" | "recv" => use_.1 += n,
            _ => {}
        }
        match op {
            "put" => {
                o.puts += n;
                if o.info.kind == ObjKind::SimpleQueue {
                    o.flushed += n;
                    o.inside[0].uncounted += n;
                } else {
                    o.buffers.entry(ev.child).or_default().uncounted += n;
                }
            }
            "flushed" => {
                o.flushed += n;
                o.buffers.entry(ev.child).or_default().take_many(n);
                o.inside[0].uncounted += n;
            }
            "get" => {
                o.gets += n;
                o.inside[0].take_many(n);
            }
            "send" => {
                o.sent[e] += n;
                o.inside[e].uncounted += n;
            }
            "recv" => {
                o.received[e] += n;
                o.inside[1 - e].take_many(n);
            }
            _ => {}
        }
    }

    /// Takes in the kernel's view of the objects.
    pub fn observe(&mut self, views: &[ObjectView]) -> bool {
        let mut changed = false;
        for v in views {
            if let Some(o) = self.objects.get_mut(&v.obj) {
                changed |= o.bytes != v.bytes || o.holders != v.ends;
                o.bytes = v.bytes;
                o.capacity = v.capacity;
                o.holders = v.ends.clone();
            }
        }
        changed
    }
}

/// Where each live process of a watched program is in its main file (file
/// 0): the line of its last operation, blocked when it waits there (in a
/// put, a get, a recv, a join, a poll).
pub fn markers(scene: &super::scene::Scene) -> Vec<super::code::Marker> {
    let w = &scene.world;
    w.procs
        .iter()
        .filter(|p| p.alive())
        .filter_map(|p| {
            let info = w.program.info(p.id)?;
            let at = info.at.filter(|a| a.file() == 0)?;
            let blocked = p.activity.blocked_since().is_some()
                || matches!(info.doing, Doing::Joining { .. } | Doing::Polling { .. });
            Some(super::code::Marker {
                line: at.line(),
                who: short_name(p),
                proc: Some(p.id),
                blocked,
                held: false,
            })
        })
        .collect()
}

/// A process's short name beside the program's lines: `M` (the main
/// process), `P1` (`Process-1`), or the first letters of its own name.
pub fn short_name(p: &Proc) -> String {
    let name = p.name.as_str();
    if name == "MainProcess" {
        return "M".into();
    }
    if let Some(n) = name.strip_prefix("Process-") {
        return format!("P{n}");
    }
    match name {
        "forkserver" => "fs".into(),
        "resource_tracker" => "rt".into(),
        _ => name.chars().take(3).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(t: u64, child: ProcId, obj: ObjectId, kind: Kind) -> Event {
        let mut e = Event::new(t, child, 100 + child as i32, kind);
        e.obj = obj;
        e
    }

    fn queue(kind: ObjKind) -> Kind {
        Kind::Program(ProgramOp::Object {
            info: ObjectInfo {
                kind,
                name: "q".into(),
                maxsize: 0,
                duplex: false,
                typecode: None,
                size: None,
                lock: false,
            },
        })
    }

    #[test]
    fn a_put_sits_in_the_feeder_buffer_until_flushed_then_in_the_pipe_until_got() {
        let mut w = ProgramWorld::default();
        w.apply(&ev(1, 0, 1, queue(ObjKind::Queue)));
        w.apply(&ev(2, 1, 1, Kind::Put).with_item("'a'"));
        w.apply(&ev(3, 1, 1, Kind::Put).with_item("'b'"));
        let q = w.object(1).unwrap();
        assert_eq!((q.buffered(), q.inside[0].len(), q.depth()), (2, 0, 2));
        w.apply(&ev(4, 1, 1, Kind::Program(ProgramOp::Flushed { bytes: 20 })).with_item("'a'"));
        let q = w.object(1).unwrap();
        assert_eq!((q.buffered(), q.inside[0].len()), (1, 1));
        w.apply(&ev(5, 2, 1, Kind::Get).with_item("'a'"));
        let q = w.object(1).unwrap();
        assert_eq!((q.buffered(), q.inside[0].len(), q.depth()), (1, 0, 1));
        // The process dies: what its feeder held is gone.
        w.apply(&ev(
            6,
            1,
            0,
            Kind::Exit {
                ended: crate::stream::Ended::Signal(9),
            },
        ));
        assert_eq!(w.object(1).unwrap().buffered(), 0);
    }

    #[test]
    fn a_pipe_has_a_number_per_end_and_a_message_goes_to_the_other_end() {
        let mut w = ProgramWorld::default();
        let mut pipe = queue(ObjKind::Pipe);
        if let Kind::Program(ProgramOp::Object { info }) = &mut pipe {
            info.duplex = true;
        }
        w.apply(&ev(1, 0, 3, pipe));
        assert_eq!(w.end_of(4), (3, 1));
        w.apply(&ev(2, 1, 3, Kind::Send).with_item("'x'"));
        assert_eq!(w.object(3).unwrap().inside[0].len(), 1);
        w.apply(&ev(3, 2, 4, Kind::Recv).with_item("'x'"));
        let p = w.object(4).unwrap();
        assert_eq!((p.sent, p.received, p.inside[0].len()), ([1, 0], [0, 1], 0));
    }

    #[test]
    fn a_flood_told_as_counts_keeps_the_queue_exact() {
        let mut w = ProgramWorld::default();
        w.apply(&ev(1, 0, 1, queue(ObjKind::Queue)));
        w.apply(&ev(2, 1, 1, Kind::Put).with_item("'a'"));
        let many = |what: &str, n| {
            Kind::Program(ProgramOp::Many {
                what: what.into(),
                n,
            })
        };
        w.apply(&ev(3, 1, 1, many("put", 999)));
        let q = w.object(1).unwrap();
        assert_eq!((q.puts, q.buffered(), q.depth()), (1000, 1000, 1000));
        w.apply(&ev(4, 1, 1, many("flushed", 1000)));
        let q = w.object(1).unwrap();
        assert_eq!((q.buffered(), q.inside[0].len()), (0, 1000));
        w.apply(&ev(5, 2, 1, many("get", 600)));
        let q = w.object(1).unwrap();
        assert_eq!((q.gets, q.inside[0].len(), q.depth()), (600, 400, 400));
        assert_eq!(q.users[&1].0, 1000);
        assert_eq!(q.users[&2].1, 600);
    }

    #[test]
    fn waits_name_the_join_and_the_holders_of_the_other_end_a_recv_waits_for() {
        use crate::model::world::World;
        use crate::stream::{Holder, ObjectView};
        let mut w = World::new(0);
        for (id, pid, name) in [(0, 100, "MainProcess"), (1, 101, "Process-1")] {
            w.apply(&Event::new(
                1,
                id,
                pid,
                Kind::Spawn {
                    name: name.into(),
                    role: Role::Program,
                },
            ));
        }
        let mut pipe = queue(ObjKind::Pipe);
        if let Kind::Program(ProgramOp::Object { info }) = &mut pipe {
            info.duplex = true;
        }
        w.apply(&ev(2, 0, 3, pipe));
        w.apply(&ev(
            3,
            0,
            0,
            Kind::Program(ProgramOp::JoinWait { child: 101 }),
        ));
        // Process-1 waits on the pipe's second end (3 + 1).
        w.apply(&ev(4, 1, 4, Kind::RecvWait));
        let holder = |pid| Holder { pid, proc: None };
        w.program.observe(&[ObjectView {
            obj: 3,
            bytes: None,
            capacity: None,
            ends: [
                vec![holder(101), holder(100), holder(101)],
                vec![holder(101)],
            ],
        }]);
        assert_eq!(
            waits(&w.procs, &w.program),
            [
                (100, Wait::Join { child: 101 }),
                (
                    101,
                    Wait::Recv {
                        pipe: 3,
                        end: 1,
                        holders: vec![100, 101]
                    }
                )
            ]
        );
    }

    /// MainProcess (100) and Process-1 (101), followed, in a world.
    fn two_procs() -> crate::model::world::World {
        let mut w = crate::model::world::World::new(0);
        for (id, pid, name) in [(0, 100, "MainProcess"), (1, 101, "Process-1")] {
            w.apply(&Event::new(
                1,
                id,
                pid,
                Kind::Spawn {
                    name: name.into(),
                    role: Role::Program,
                },
            ));
        }
        w
    }

    /// The forgotten close: the main process joins Process-1, which waits
    /// in `recv()` on a pipe whose other end only the two of them hold.
    #[test]
    fn a_join_on_a_child_stuck_in_recv_on_an_end_only_they_hold_makes_both_wait_forever() {
        use crate::model::waits::{Need, Provider, WaitFor};
        use crate::stream::ObjectView;
        let mut w = two_procs();
        let mut pipe = queue(ObjKind::Pipe);
        if let Kind::Program(ProgramOp::Object { info }) = &mut pipe {
            info.duplex = true;
        }
        w.apply(&ev(2, 0, 3, pipe));
        w.apply(&ev(
            3,
            0,
            0,
            Kind::Program(ProgramOp::JoinWait { child: 101 }),
        ));
        w.apply(&ev(4, 1, 4, Kind::RecvWait));
        let holder = |id: ProcId| Holder {
            pid: 100 + id as i32,
            proc: Some(id),
        };
        let mut views = [ObjectView {
            obj: 3,
            bytes: Some(0),
            capacity: None,
            ends: [vec![holder(0), holder(1)], vec![holder(1)]],
        }];
        w.program.observe(&views);
        assert_eq!(
            wait_for(&w.procs, &w.program, |_| false),
            [
                WaitFor {
                    who: 0,
                    need: Need::End,
                    from: vec![Provider::Proc(1)],
                    forever: true,
                },
                WaitFor {
                    who: 1,
                    need: Need::Message,
                    from: vec![Provider::Proc(0), Provider::Itself],
                    forever: true,
                },
            ]
        );
        // Once the main process stops joining, it could send: not forever.
        w.apply(&ev(
            5,
            0,
            0,
            Kind::Program(ProgramOp::Joined {
                child: 101,
                code: None,
            }),
        ));
        let waits = wait_for(&w.procs, &w.program, |_| false);
        assert_eq!((waits.len(), waits[0].forever), (1, false), "{waits:?}");
        // Its copy closed, only the receiver's own is left: forever.
        views[0].ends[0] = vec![holder(1)];
        w.program.observe(&views);
        let waits = wait_for(&w.procs, &w.program, |_| false);
        assert_eq!(waits[0].from, [Provider::Itself]);
        assert!(waits[0].forever);
    }

    /// Q10b: ipcscope's note names items lost in a killed writer's feeder
    /// buffer (with puts it was never told): put = got + queued + lost.
    #[test]
    fn a_lost_in_feeder_note_keeps_every_put_got_queued_or_lost() {
        let mut w = ProgramWorld::default();
        w.apply(&ev(1, 0, 1, queue(ObjKind::Queue)));
        let many = |what: &str, n| {
            Kind::Program(ProgramOp::Many {
                what: what.into(),
                n,
            })
        };
        w.apply(&ev(2, 1, 1, many("put", 100)));
        w.apply(&ev(3, 1, 1, many("flushed", 40)));
        w.apply(&ev(4, 2, 1, many("get", 53)));
        let lost = ProgramNote::LostInFeeder {
            pid: 101,
            obj: 1,
            n: 1947,
            untold: 1900,
        };
        w.apply(&ev(5, 2, 0, Kind::Program(ProgramOp::Note { note: lost })));
        let q = w.object(1).unwrap();
        assert_eq!((q.puts, q.gets, q.lost, q.depth()), (2000, 53, 1947, 0));
    }

    #[test]
    fn deadlock_names_the_cycle_of_forever_waits_and_none_without_one() {
        use crate::model::waits::{Need, Provider, WaitFor};
        let wait = |who, from: Vec<Provider>, forever| WaitFor {
            who,
            need: Need::Message,
            from,
            forever,
        };
        // The forgotten close: main joins 2, 2 waits for main or itself.
        let view = [
            wait(0, vec![Provider::Proc(2)], true),
            wait(2, vec![Provider::Proc(0), Provider::Itself], true),
        ];
        assert_eq!(deadlock(&view), Some(vec![0, 2, 0]));
        // A chain into a cycle: only the cycle is named.
        let view = [
            wait(5, vec![Provider::Proc(1)], true),
            wait(1, vec![Provider::Proc(3)], true),
            wait(3, vec![Provider::Proc(1)], true),
        ];
        assert_eq!(deadlock(&view), Some(vec![1, 3, 1]));
        // Forever for nobody, or not forever: no deadlock.
        assert_eq!(deadlock(&[wait(1, vec![Provider::Itself], true)]), None);
        let view = [
            wait(0, vec![Provider::Proc(2)], false),
            wait(2, vec![Provider::Proc(0)], false),
        ];
        assert_eq!(deadlock(&view), None);
    }

    #[test]
    fn a_get_with_a_live_putter_is_not_forever_and_is_once_the_putter_is_gone() {
        use crate::model::waits::{Need, Provider};
        use crate::stream::ObjectView;
        let mut w = two_procs();
        w.apply(&ev(2, 0, 1, queue(ObjKind::Queue)));
        w.apply(&ev(3, 0, 1, Kind::GetWait));
        let holder = |id: ProcId| Holder {
            pid: 100 + id as i32,
            proc: Some(id),
        };
        // Both hold both ends of the queue's pipe; Process-1 runs.
        let both = vec![holder(0), holder(1)];
        w.program.observe(&[ObjectView {
            obj: 1,
            bytes: Some(0),
            capacity: None,
            ends: [both.clone(), both],
        }]);
        let waits = wait_for(&w.procs, &w.program, |_| false);
        assert_eq!(
            (waits[0].need, &waits[0].from[..], waits[0].forever),
            (
                Need::Data,
                &[Provider::Proc(1), Provider::Itself][..],
                false
            )
        );
        w.apply(&ev(
            4,
            1,
            0,
            Kind::Exit {
                ended: crate::stream::Ended::Code(0),
            },
        ));
        let waits = wait_for(&w.procs, &w.program, |_| false);
        assert_eq!(waits[0].from, [Provider::Itself]);
        assert!(waits[0].forever, "nobody left to put");
    }

    #[test]
    fn before_the_kernel_shows_the_holders_every_other_live_process_could_send() {
        use crate::model::waits::Provider;
        let mut w = two_procs();
        let mut pipe = queue(ObjKind::Pipe);
        if let Kind::Program(ProgramOp::Object { info }) = &mut pipe {
            info.duplex = true;
        }
        w.apply(&ev(2, 0, 3, pipe));
        w.apply(&ev(3, 1, 4, Kind::RecvWait));
        let waits = wait_for(&w.procs, &w.program, |_| false);
        assert_eq!(waits[0].from, [Provider::Proc(0)]);
        assert!(!waits[0].forever);
    }

    #[test]
    fn the_line_and_what_a_process_waits_for_follow_its_reports() {
        let mut w = ProgramWorld::default();
        let join = Kind::Program(ProgramOp::JoinWait { child: 7 });
        w.apply(&ev(10, 0, 0, join).with_at(Some(At(0, 44))));
        let p = w.info(0).unwrap();
        assert_eq!(p.at, Some(At(0, 44)));
        assert_eq!(
            p.doing,
            Doing::Joining {
                child: 7,
                since_ns: 10
            }
        );
    }
}
