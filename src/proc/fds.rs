//! Our children's file descriptors, as /proc and the kernel show them: who
//! holds which end of a pipe, whether an end is open for writing, and how
//! many bytes wait in a pipe (through a momentary copy of a child's fd).

use std::fs;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use super::probe::{ProbeError, is_gone, proc_dir};

/// Which pids hold an fd whose link reads `KIND:[INODE]` (`pipe:[12345]`,
/// `socket:[12345]`). Scans `/proc/<pid>/fd` of the candidates only (our own
/// children and ourselves), skipping ones that vanish or cannot be read.
pub fn holders_of_inode(candidates: &[i32], kind: &str, inode: u64) -> Vec<(i32, i32)> {
    let want = format!("{kind}:[{inode}]");
    let mut holders = Vec::new();
    for (i, &pid) in candidates.iter().enumerate() {
        if candidates[..i].contains(&pid) {
            continue;
        }
        let Ok(entries) = fs::read_dir(proc_dir(pid).join("fd")) else {
            continue;
        };
        for entry in entries.flatten() {
            let Some(fd) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
                continue;
            };
            if fs::read_link(entry.path()).is_ok_and(|link| link.as_os_str() == want.as_str()) {
                holders.push((pid, fd));
            }
        }
    }
    holders.sort_unstable_by_key(|&(pid, fd)| (candidates.iter().position(|&c| c == pid), fd));
    holders
}

/// What fd `fd` of `pid` points at (`pipe:[12345]`, `/dev/null`), or `None`
/// when the process or the fd is gone.
pub fn fd_link(pid: i32, fd: i32) -> Result<Option<String>, ProbeError> {
    let path = proc_dir(pid).join("fd").join(fd.to_string());
    match fs::read_link(&path) {
        Ok(link) => Ok(Some(link.to_string_lossy().into_owned())),
        Err(e) if is_gone(&e) => Ok(None),
        Err(source) => Err(ProbeError::Read { path, source }),
    }
}
/// Whether fd `fd` of `pid` is open for writing (its fdinfo flags).
pub fn fd_writable(pid: i32, fd: i32) -> bool {
    let Ok(text) = fs::read_to_string(proc_dir(pid).join("fdinfo").join(fd.to_string())) else {
        return false;
    };
    text.lines()
        .find_map(|l| l.strip_prefix("flags:"))
        .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        .is_some_and(|flags| flags & 3 != 0)
}

/// A copy of fd `fd` of process `pid` (pidfd_getfd), closed when dropped.
pub fn borrow_fd(pid: i32, fd: RawFd) -> Option<OwnedFd> {
    // SAFETY: raw syscalls with plain integer arguments; each returned fd is
    // new and owned by us.
    unsafe {
        let pidfd = libc::syscall(libc::SYS_pidfd_open, pid, 0);
        if pidfd < 0 {
            return None;
        }
        let pidfd = OwnedFd::from_raw_fd(pidfd as RawFd);
        let got = libc::syscall(libc::SYS_pidfd_getfd, pidfd.as_raw_fd(), fd, 0);
        (got >= 0).then(|| OwnedFd::from_raw_fd(got as RawFd))
    }
}

/// Bytes waiting to be read in a pipe or socket (FIONREAD).
pub fn bytes_waiting(fd: &OwnedFd) -> Option<u64> {
    let mut n: libc::c_int = 0;
    // SAFETY: FIONREAD writes one int through a valid pointer.
    let rc = unsafe { libc::ioctl(fd.as_raw_fd(), libc::FIONREAD, &mut n) };
    (rc == 0).then_some(n.max(0) as u64)
}

/// The buffer's capacity: a socket's receive buffer, a pipe's size.
pub fn capacity(fd: &OwnedFd, socket: bool) -> Option<u64> {
    if socket {
        nix::sys::socket::getsockopt(fd, nix::sys::socket::sockopt::RcvBuf)
            .ok()
            .map(|n| n as u64)
    } else {
        nix::fcntl::fcntl(fd, nix::fcntl::FcntlArg::F_GETPIPE_SZ)
            .ok()
            .map(|n| n as u64)
    }
}
