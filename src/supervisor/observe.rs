//! Observing the children without disturbing them: the kernel's view of each
//! one (state, syscall, futex address), and the pipe's buffer and holders.

use std::os::fd::{FromRawFd, OwnedFd, RawFd};

use super::ChildInfo;
use crate::config::Scenario;
use crate::control::Control;
use crate::ipc::queue::QueueObserver;
use crate::ipc::value;
use crate::proc::probe::{self, FutexMap, KernelWait};
use crate::telemetry::event::ChildId;

/// The kernel's view of one child.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KernelRow {
    pub id: ChildId,
    pub pid: i32,
    /// The state letter (R S D T Z ...), '?' when gone.
    pub state: char,
    pub wait: KernelWait,
    pub wchan: Option<String>,
}

/// Samples the kernel's view of each live child. A child says in its
/// control slot where it mapped the shared object (a `/proc/<pid>/maps`
/// read could catch the fork before exec, which still shows the parent's
/// mappings).
pub(crate) fn sample(
    children: &[ChildInfo],
    scenario: &Scenario,
    control: &Control,
) -> Vec<KernelRow> {
    children
        .iter()
        .filter(|c| c.alive())
        .map(|c| {
            let fmap = futex_map(control.slot(c.id as usize).map_base(), scenario);
            match probe::read_sample(c.pid) {
                Ok(Some(s)) => KernelRow {
                    id: c.id,
                    pid: c.pid,
                    state: s.state,
                    wait: probe::classify(&s, &fmap),
                    wchan: s.wchan.clone(),
                },
                _ => KernelRow {
                    id: c.id,
                    pid: c.pid,
                    state: '?',
                    wait: KernelWait::Gone,
                    wchan: None,
                },
            }
        })
        .collect()
}

/// The futex words of the shared object mapped at `base` (0: not yet).
fn futex_map(base: u64, scenario: &Scenario) -> FutexMap {
    let mut m = FutexMap::default();
    if base == 0 {
        return m;
    }
    match scenario {
        Scenario::Queue(_) => {
            let o = QueueObserver::futex_offsets();
            m.not_empty.push(base + o.not_empty);
            m.not_full.push(base + o.not_full);
            m.lock.push(base + o.lock);
        }
        Scenario::Counter(_) => m.lock.push(base + value::lock_offset()),
        Scenario::Pipe(_) => {}
    }
    m
}

/// What the supervisor remembers of the pipe it made.
#[derive(Debug, Clone)]
pub struct PipeWatch {
    pub duplex: bool,
    pub recv_inode: u64,
    pub send_inode: u64,
    /// The fd numbers the ends have in the children.
    pub recv_fd: RawFd,
    pub send_fd: RawFd,
    pub receiver: ChildId,
    pub sender: ChildId,
    pub parent_holds_send: bool,
}

/// The pipe as the kernel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PipeStats {
    /// Bytes written and not yet read (headers included), when measurable.
    pub bytes_waiting: Option<usize>,
    pub capacity: Option<usize>,
    /// Who holds a copy of the send end / receive end: (pid, name).
    pub send_holders: Vec<(i32, String)>,
    pub recv_holders: Vec<(i32, String)>,
}

pub(crate) fn pipe_stats(w: &PipeWatch, children: &[ChildInfo]) -> PipeStats {
    let me = std::process::id() as i32;
    let mut candidates: Vec<i32> = children
        .iter()
        .filter(|c| c.alive())
        .map(|c| c.pid)
        .collect();
    candidates.push(me);
    let name_of = |pid: i32| {
        if pid == me {
            "parent (ipcscope)".to_string()
        } else {
            children
                .iter()
                .find(|c| c.pid == pid)
                .map(|c| c.name.clone())
                .unwrap_or_else(|| pid.to_string())
        }
    };
    let kind = if w.duplex { "socket" } else { "pipe" };
    let mut stats = PipeStats::default();
    if w.duplex {
        for (pid, _) in probe::holders_of_inode(&candidates, kind, w.send_inode) {
            stats.send_holders.push((pid, name_of(pid)));
        }
        for (pid, _) in probe::holders_of_inode(&candidates, kind, w.recv_inode) {
            stats.recv_holders.push((pid, name_of(pid)));
        }
    } else {
        // Both ends of pipe(2) share one inode: the open mode tells them apart.
        for (pid, fd) in probe::holders_of_inode(&candidates, kind, w.recv_inode) {
            let entry = (pid, name_of(pid));
            if fd_writable(pid, fd) {
                stats.send_holders.push(entry);
            } else {
                stats.recv_holders.push(entry);
            }
        }
    }
    stats.send_holders.dedup();
    stats.recv_holders.dedup();
    // Measure through a momentary copy of the receiver's end.
    if let Some(rc) = children.iter().find(|c| c.id == w.receiver && c.alive())
        && let Some(fd) = borrow_child_fd(rc.pid, w.recv_fd)
    {
        stats.bytes_waiting = bytes_waiting(&fd);
        stats.capacity = capacity(&fd, w.duplex);
    }
    stats
}

fn fd_writable(pid: i32, fd: i32) -> bool {
    let Ok(text) = std::fs::read_to_string(format!("/proc/{pid}/fdinfo/{fd}")) else {
        return false;
    };
    text.lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        .is_some_and(|flags| flags & 3 != 0)
}

/// A copy of fd `fd` of process `pid` (pidfd_getfd), closed when dropped.
fn borrow_child_fd(pid: i32, fd: RawFd) -> Option<OwnedFd> {
    // SAFETY: raw syscalls with plain integer arguments; each returned fd is
    // new and owned by us.
    unsafe {
        let pidfd = libc::syscall(libc::SYS_pidfd_open, pid, 0);
        if pidfd < 0 {
            return None;
        }
        let pidfd = OwnedFd::from_raw_fd(pidfd as RawFd);
        use std::os::fd::AsRawFd;
        let got = libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0);
        (got >= 0).then(|| OwnedFd::from_raw_fd(got as RawFd))
    }
}

fn bytes_waiting(fd: &OwnedFd) -> Option<usize> {
    use std::os::fd::AsRawFd;
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int through a valid pointer.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), libc::FIONREAD, &mut n) };
    (rc == 0).then_some(n.max(0) as usize)
}

fn capacity(fd: &OwnedFd, duplex: bool) -> Option<usize> {
    if duplex {
        nix::sys::socket::getsockopt(fd, nix::sys::socket::sockopt::RcvBuf).ok()
    } else {
        nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETPIPE_SZ)
            .ok()
            .map(|n| n as usize)
    }
}
