//! What the kernel shows of a watched program, needing no instrumentation:
//! which processes are in its tree (new ones, ended ones, how a zombie
//! ended), what each is waiting for (`/proc/PID/{stat,syscall,wchan}`, a
//! futex told apart by the program's semaphore and lock addresses), and for
//! each queue's and pipe's OS pipe or socket, who holds each end and how
//! many bytes wait in it (`FIONREAD` on a momentary copy of a holder's
//! descriptor). Looked at every 100 ms off the UI thread.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::proc::probe::{self, FutexMap};
use crate::proc::{fds, tree};
use crate::stream::{Ended, Holder, KernelRow, KernelWait, ObjectView, ProcId};

use super::translate::{Inode, Translator};

/// What one look found, for the translator to take in stream order.
#[derive(Debug, Default)]
pub struct Look {
    /// Processes in the tree not followed yet: (pid, ppid, a name from its
    /// command line).
    pub seen: Vec<(i32, i32, Option<String>)>,
    /// Followed processes that ended (how, when a zombie said).
    pub gone: Vec<(i32, Option<Ended>)>,
    pub kernel: Vec<KernelRow>,
    pub objects: Vec<ObjectView>,
    /// Pipes and sockets the program's processes hold that no object
    /// names (without instrumentation: what /proc alone shows).
    pub unnamed: Vec<(u64, bool)>,
    /// Every followed process is blocked (none running or sleeping).
    pub all_blocked: bool,
}

/// The sampler's memory between looks.
#[derive(Debug, Default)]
pub struct Sampler {
    /// Followed pids missing from /proc, and for how many looks.
    missing: HashMap<i32, u32>,
    /// Pids in the tree that never reported, and for how many looks (a
    /// process is followed once it has lived a while: an interpreter's
    /// launcher spawns helpers that come and go).
    unreported: HashMap<i32, u32>,
    /// Inodes ipcscope's own plumbing uses (the program's stdout and
    /// stderr, the reports FIFO): never the program's objects.
    pub own: HashSet<u64>,
}

/// Looks a followed pid may be missing before it is said to have ended
/// with nothing known of how.
const MISSING_LOOKS: u32 = 10;

/// Looks a process must have lived, not reporting, before it is followed.
const SETTLE_LOOKS: u32 = 3;

impl Sampler {
    /// A sampler that leaves ipcscope's own pipes (these inodes) out.
    pub fn new(own: HashSet<u64>) -> Sampler {
        Sampler {
            missing: HashMap::new(),
            unreported: HashMap::new(),
            own,
        }
    }

    /// One look at the tree under `guard`.
    pub fn look(&mut self, guard: i32, tr: &Translator, unnamed_pipes: bool) -> Look {
        let mut look = Look::default();
        let parents = tree::parents();
        let tree_pids = tree::descendants_in(&parents, guard);
        self.unreported.retain(|p, _| tree_pids.contains(p));
        for &pid in &tree_pids {
            if !tr.procs.contains_key(&pid) {
                let st = tree::stat(pid);
                if st.is_none_or(|s| s.state == 'Z') {
                    continue;
                }
                let n = self.unreported.entry(pid).or_insert(0);
                *n += 1;
                if *n < SETTLE_LOOKS {
                    continue;
                }
                let argv = tree::cmdline(pid);
                let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
                let ppid = parents.get(&pid).copied().unwrap_or(0);
                let name = super::translate::helper_name(&argv)
                    .map(str::to_string)
                    .or_else(|| {
                        argv.first()
                            .map(|a| format!("{}-{pid}", a.rsplit('/').next().unwrap_or(a)))
                    });
                look.seen.push((pid, ppid, name));
            }
        }
        let live = tr.live();
        let mut blocked = 0;
        let mut running = 0;
        for &(id, pid) in &live {
            let present = parents.contains_key(&pid);
            if !present {
                let n = self.missing.entry(pid).or_insert(0);
                *n += 1;
                if *n >= MISSING_LOOKS {
                    look.gone.push((pid, None));
                }
                continue;
            }
            self.missing.remove(&pid);
            if let Some(e) = tree::zombie_ended(pid) {
                look.gone.push((pid, Some(e)));
                continue;
            }
            let futex = tr.futex.get(&pid).cloned().unwrap_or_default();
            let Ok(Some(s)) = probe::read_sample(pid) else {
                continue;
            };
            let wait = classify(&s, &futex);
            match &wait {
                KernelWait::Running | KernelWait::Sleeping => running += 1,
                KernelWait::Stopped | KernelWait::Zombie | KernelWait::Gone => {}
                _ => blocked += 1,
            }
            look.kernel.push(KernelRow {
                proc: id,
                pid,
                state: s.state,
                wait,
                wchan: s.wchan.clone(),
            });
        }
        look.all_blocked = running == 0 && blocked > 0;
        let (objects, unnamed) = self.objects(tr, &live, unnamed_pipes);
        look.objects = objects;
        look.unnamed = unnamed;
        look
    }

    /// The objects' OS pipes and sockets: holders and bytes.
    fn objects(
        &self,
        tr: &Translator,
        live: &[(ProcId, i32)],
        unnamed_pipes: bool,
    ) -> (Vec<ObjectView>, Vec<(u64, bool)>) {
        // Every pipe and socket the live processes hold.
        let mut held: HashMap<u64, Vec<Held>> = HashMap::new();
        for &(id, pid) in live {
            let Ok(dir) = std::fs::read_dir(format!("/proc/{pid}/fd")) else {
                continue;
            };
            for e in dir.flatten() {
                let Some(fd) = e.file_name().to_str().and_then(|s| s.parse::<i32>().ok()) else {
                    continue;
                };
                let Ok(link) = std::fs::read_link(e.path()) else {
                    continue;
                };
                let link = link.to_string_lossy();
                let (socket, rest) = if let Some(r) = link.strip_prefix("pipe:[") {
                    (false, r)
                } else if let Some(r) = link.strip_prefix("socket:[") {
                    (true, r)
                } else {
                    continue;
                };
                let Some(ino) = rest.strip_suffix(']').and_then(|s| s.parse::<u64>().ok()) else {
                    continue;
                };
                if self.own.contains(&ino) {
                    continue;
                }
                let writable = !socket && fds::fd_writable(pid, fd);
                held.entry(ino).or_default().push(Held {
                    id,
                    pid,
                    fd,
                    writable,
                    socket,
                });
            }
        }
        let mut views: BTreeMap<u16, ObjectView> = BTreeMap::new();
        let mut named = HashSet::new();
        for &Inode { obj, ino, end } in &tr.inodes {
            named.insert(ino);
            let view = views.entry(obj).or_insert_with(|| ObjectView {
                obj,
                ..ObjectView::default()
            });
            let Some(holders) = held.get(&ino) else {
                continue;
            };
            for &Held {
                id, pid, writable, ..
            } in holders
            {
                let e = match end {
                    Some(e) => e as usize,
                    None if writable => 1,
                    None => 0,
                };
                let h = Holder {
                    pid,
                    proc: Some(id),
                };
                if !view.ends[e].contains(&h) {
                    view.ends[e].push(h);
                }
            }
            if let Some(&Held {
                pid, fd, socket, ..
            }) = holders.first()
                && let Some(copy) = fds::borrow_fd(pid, fd)
            {
                if let Some(b) = fds::bytes_waiting(&copy) {
                    view.bytes = Some(view.bytes.unwrap_or(0) + b);
                }
                if view.capacity.is_none() {
                    view.capacity = fds::capacity(&copy, socket);
                }
            }
        }
        let mut unnamed = Vec::new();
        if unnamed_pipes {
            for (ino, holders) in &held {
                let pids: HashSet<i32> = holders.iter().map(|h| h.pid).collect();
                let past_stdio = holders.iter().any(|h| h.fd > 2);
                if !named.contains(ino) && pids.len() >= 2 && past_stdio {
                    unnamed.push((*ino, holders[0].socket));
                }
            }
            unnamed.sort_unstable();
        }
        (views.into_values().collect(), unnamed)
    }
}

/// A process holding a pipe or socket.
#[derive(Debug, Clone, Copy)]
struct Held {
    id: ProcId,
    pid: i32,
    fd: i32,
    writable: bool,
    socket: bool,
}

/// The kernel's classification, with a wait for a child (`join`) said so.
fn classify(s: &probe::RawSample, futex: &FutexMap) -> KernelWait {
    match probe::classify(s, futex) {
        KernelWait::WaitingOther(w) if w == "wait4" || w == "waitid" => {
            KernelWait::WaitingOther("wait4".into())
        }
        k => k,
    }
}
