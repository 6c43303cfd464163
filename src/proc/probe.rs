//! The kernel's own view of one of our processes: what `/proc/<pid>/stat`,
//! `/proc/<pid>/syscall` and `/proc/<pid>/wchan` say it is doing, where it maps
//! a shared-memory region, which processes hold an end of a pipe or socket, and
//! a classification of all that into "why is this process blocked?".
//!
//! Parsing is pure (`parse_*`, [`classify`]) and separate from reading files
//! (`read_sample`, `find_mapping`), so it is tested from
//! text captured on a real machine.
//!
//! The syscall number and its arguments decide; `wchan` is only a hint, used
//! when the syscall file is unreadable or the number says too little, because
//! its names differ between kernels (`pipe_read` vs `anon_pipe_read`,
//! `futex_wait_queue` vs `futex_do_wait`).
//!
//! A pid is only a stable name for a process until it is reaped; the callers
//! probe their own children, whose pids are not reused before they `wait()`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// One reading of a process's state, as the kernel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawSample {
    /// The state letter of `/proc/<pid>/stat`: R S D T t Z X I (and a few
    /// rarer ones).
    pub state: char,
    /// The kernel function the process sleeps in, or `None` when it is not
    /// sleeping or the file is unreadable.
    pub wchan: Option<String>,
    /// The syscall it is in, or `None` when the file is unreadable.
    pub syscall: Option<SyscallInfo>,
    /// CPU time spent in user mode, in clock ticks.
    pub utime_ticks: u64,
    /// CPU time spent in the kernel, in clock ticks.
    pub stime_ticks: u64,
}

/// The contents of `/proc/<pid>/syscall`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyscallInfo {
    /// `running`: the process is on a CPU, so its registers are not readable.
    Running,
    /// Stopped in syscall `nr` with these arguments, stack pointer and
    /// program counter. The kernel writes `-1 sp pc` when the process is
    /// blocked but not in a syscall (a page fault, a zombie): that is
    /// `nr: -1` with all arguments zero.
    Blocked {
        nr: i64,
        args: [u64; 6],
        sp: u64,
        pc: u64,
    },
}

/// Why probing failed. A process that is gone is not an error.
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    #[error("cannot read {}: {source}", path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("unexpected contents in {}: {text:?}", path.display())]
    Parse { path: PathBuf, text: String },
}

pub use crate::stream::KernelWait;

/// Addresses that give a futex wait its meaning, in the observed process's
/// address space (start of the mapping + offset of the word).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FutexMap {
    pub not_empty: Vec<u64>,
    pub not_full: Vec<u64>,
    pub lock: Vec<u64>,
}

/// The role of the file descriptor a process is blocked on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FdRole {
    PipeRead,
    PipeWrite,
    SocketRecv,
    SocketSend,
    Other,
}

// ---------------------------------------------------------------------------
// Reading /proc

/// Reads state, CPU times, syscall and wchan of `pid` (a thread id works too).
///
/// `Ok(None)` when the process is gone. A syscall or wchan file the kernel
/// does not let us read (EACCES/EPERM: not our child) leaves that field
/// `None`.
pub fn read_sample(pid: i32) -> Result<Option<RawSample>, ProbeError> {
    let dir = proc_dir(pid);

    let stat_path = dir.join("stat");
    let ProcFile::Text(stat) = read_proc(&stat_path, false)? else {
        return Ok(None);
    };
    let (state, utime_ticks, stime_ticks) =
        parse_stat(&stat).ok_or_else(|| parse_error(&stat_path, &stat))?;

    let syscall_path = dir.join("syscall");
    let syscall = match read_proc(&syscall_path, true)? {
        ProcFile::Text(text) => {
            Some(parse_syscall(&text).ok_or_else(|| parse_error(&syscall_path, &text))?)
        }
        ProcFile::Denied => None,
        ProcFile::Gone => return Ok(None),
    };

    let wchan = match read_proc(&dir.join("wchan"), true)? {
        ProcFile::Text(text) => parse_wchan(&text),
        ProcFile::Denied => None,
        ProcFile::Gone => return Ok(None),
    };

    Ok(Some(RawSample {
        state,
        wchan,
        syscall,
        utime_ticks,
        stime_ticks,
    }))
}

/// Reads and classifies `pid` in one step: [`KernelWait::Gone`] when it is gone.
pub fn classify_pid(pid: i32, futex: &FutexMap) -> Result<KernelWait, ProbeError> {
    Ok(match read_sample(pid)? {
        Some(sample) => classify(&sample, futex),
        None => KernelWait::Gone,
    })
}

/// Where a process maps a shared-memory region, found in `/proc/<pid>/maps`
/// by the memfd name (memfd mappings show as `/memfd:NAME (deleted)`).
///
/// `Ok(None)` when the process does not map it or is gone.
pub fn find_mapping(pid: i32, memfd_name: &str) -> Result<Option<(u64, u64)>, ProbeError> {
    match read_proc(&proc_dir(pid).join("maps"), false)? {
        ProcFile::Text(text) => Ok(parse_maps_for(&text, memfd_name)),
        ProcFile::Denied | ProcFile::Gone => Ok(None),
    }
}

pub(crate) fn proc_dir(pid: i32) -> PathBuf {
    PathBuf::from(format!("/proc/{pid}"))
}

enum ProcFile {
    Text(String),
    Denied,
    Gone,
}

/// Reads a /proc file as text (a comm or a path may be any bytes).
fn read_proc(path: &Path, denied_is_none: bool) -> Result<ProcFile, ProbeError> {
    match fs::read(path) {
        Ok(bytes) => Ok(ProcFile::Text(String::from_utf8_lossy(&bytes).into_owned())),
        Err(e) if is_gone(&e) => Ok(ProcFile::Gone),
        Err(e) if denied_is_none && is_denied(&e) => Ok(ProcFile::Denied),
        Err(source) => Err(ProbeError::Read {
            path: path.to_path_buf(),
            source,
        }),
    }
}

/// ENOENT when opening a vanished pid's files, ESRCH when reading a file
/// opened just before the process was reaped.
pub(crate) fn is_gone(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::NotFound || e.raw_os_error() == Some(libc::ESRCH)
}

fn is_denied(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EACCES | libc::EPERM))
}

fn parse_error(path: &Path, text: &str) -> ProbeError {
    ProbeError::Parse {
        path: path.to_path_buf(),
        text: text.to_owned(),
    }
}

// ---------------------------------------------------------------------------
// Parsing

/// State letter, utime and stime (clock ticks) from `/proc/<pid>/stat`.
///
/// The command name in parentheses may contain spaces and `)`, so the fields
/// start after the *last* `)`.
pub fn parse_stat(text: &str) -> Option<(char, u64, u64)> {
    let close = text.rfind(')')?;
    if !text[..close].contains('(') {
        return None;
    }
    let mut fields = text[close + 1..].split_ascii_whitespace();
    let mut letter = fields.next()?.chars();
    let state = letter.next()?;
    if letter.next().is_some() {
        return None;
    }
    // Fields 4 (ppid) to 13 (cmajflt) come before 14 (utime) and 15 (stime).
    let mut times = fields.skip(10);
    let utime = times.next()?.parse().ok()?;
    let stime = times.next()?.parse().ok()?;
    Some((state, utime, stime))
}

/// Parses `/proc/<pid>/syscall`: `running`, `NR a0 .. a5 sp pc` (arguments,
/// sp and pc in hex), or `-1 sp pc` when blocked outside a syscall.
pub fn parse_syscall(text: &str) -> Option<SyscallInfo> {
    let text = text.trim();
    if text == "running" {
        return Some(SyscallInfo::Running);
    }
    let mut fields = text.split_ascii_whitespace();
    let nr: i64 = fields.next()?.parse().ok()?;
    let words: Vec<u64> = fields.map(parse_hex).collect::<Option<_>>()?;
    match (nr, words.as_slice()) {
        (-1, &[sp, pc]) => Some(SyscallInfo::Blocked {
            nr,
            args: [0; 6],
            sp,
            pc,
        }),
        (0.., &[a0, a1, a2, a3, a4, a5, sp, pc]) => Some(SyscallInfo::Blocked {
            nr,
            args: [a0, a1, a2, a3, a4, a5],
            sp,
            pc,
        }),
        _ => None,
    }
}

fn parse_hex(word: &str) -> Option<u64> {
    u64::from_str_radix(word.strip_prefix("0x")?, 16).ok()
}

/// `/proc/<pid>/wchan` has no newline, and is `0` when not sleeping.
fn parse_wchan(text: &str) -> Option<String> {
    match text.trim() {
        "" | "0" => None,
        name => Some(name.to_owned()),
    }
}

/// Start and end address of the mapping of memfd `memfd_name` in a
/// `/proc/<pid>/maps` text.
///
/// Takes the first mapping of the file at offset 0 (so the start plus a word's
/// offset in the file is the word's address), extended over the pieces right
/// after it that continue it (a mapping split by `mprotect`).
pub fn parse_maps_for(text: &str, memfd_name: &str) -> Option<(u64, u64)> {
    let deleted = format!("/memfd:{memfd_name} (deleted)");
    let live = format!("/memfd:{memfd_name}");
    let ours = |line: &MapsLine| line.path == deleted || line.path == live;

    let mut lines = text.lines().filter_map(parse_maps_line);
    let first = lines.by_ref().find(|line| ours(line) && line.offset == 0)?;
    let (start, mut end) = (first.start, first.end);
    for line in lines {
        if !(ours(&line) && line.start == end && line.offset == end - start) {
            break;
        }
        end = line.end;
    }
    Some((start, end))
}

struct MapsLine<'a> {
    start: u64,
    end: u64,
    offset: u64,
    path: &'a str,
}

/// `start-end perms offset dev inode   path`; the path may contain spaces.
fn parse_maps_line(line: &str) -> Option<MapsLine<'_>> {
    let (range, rest) = next_field(line)?;
    let (_perms, rest) = next_field(rest)?;
    let (offset, rest) = next_field(rest)?;
    let (_dev, rest) = next_field(rest)?;
    let (_inode, rest) = next_field(rest)?;
    let (start, end) = range.split_once('-')?;
    Some(MapsLine {
        start: u64::from_str_radix(start, 16).ok()?,
        end: u64::from_str_radix(end, 16).ok()?,
        offset: u64::from_str_radix(offset, 16).ok()?,
        path: rest.trim(),
    })
}

fn next_field(text: &str) -> Option<(&str, &str)> {
    let text = text.trim_start();
    if text.is_empty() {
        return None;
    }
    Some(text.split_at(text.find(char::is_whitespace).unwrap_or(text.len())))
}

// ---------------------------------------------------------------------------
// Classification

/// What the process is waiting for: state first (stopped, zombie, running),
/// then the syscall number and, for a futex, its address; wchan only when
/// the syscall says too little.
pub fn classify(sample: &RawSample, futex: &FutexMap) -> KernelWait {
    match sample.state {
        'T' | 't' => return KernelWait::Stopped,
        'Z' | 'X' | 'x' => return KernelWait::Zombie,
        'R' => return KernelWait::Running,
        _ => {}
    }
    let wchan = sample.wchan.as_deref();
    match &sample.syscall {
        Some(SyscallInfo::Running) => KernelWait::Running,
        Some(SyscallInfo::Blocked { nr, args, .. }) if *nr >= 0 => {
            by_syscall(*nr, args, wchan, futex)
        }
        _ => match wchan {
            Some(name) => wchan_hint(name).unwrap_or_else(|| KernelWait::WaitingOther(name.into())),
            None => KernelWait::WaitingOther("unknown".into()),
        },
    }
}

fn by_syscall(nr: i64, args: &[u64; 6], wchan: Option<&str>, futex: &FutexMap) -> KernelWait {
    let Some(known) = known_syscall(nr) else {
        return KernelWait::WaitingOther(format!("syscall {nr}"));
    };
    match known.means {
        Means::Data => KernelWait::WaitingForData,
        Means::Space => KernelWait::WaitingForSpace,
        Means::Sleep => KernelWait::Sleeping,
        Means::Futex => by_futex_word(args[0], futex)
            .unwrap_or_else(|| KernelWait::WaitingOther("futex".into())),
        // A timed wait interrupted by a stop (SIGSTOP/SIGCONT, a debugger)
        // resumes as `restart_syscall`, which no longer names the wait; the
        // argument registers still hold the original ones. After a futex
        // address and the wchan, what is left is a sleep: a restarted
        // nanosleep shows wchan `do_syscall_64`.
        Means::Restarted => by_futex_word(args[0], futex)
            .or_else(|| wchan.and_then(wchan_hint))
            .unwrap_or(KernelWait::Sleeping),
        Means::Other => KernelWait::WaitingOther(known.name.into()),
    }
}

fn by_futex_word(address: u64, futex: &FutexMap) -> Option<KernelWait> {
    if futex.not_empty.contains(&address) {
        Some(KernelWait::WaitingForData)
    } else if futex.not_full.contains(&address) {
        Some(KernelWait::WaitingForSpace)
    } else if futex.lock.contains(&address) {
        Some(KernelWait::WaitingForLock)
    } else {
        None
    }
}

/// What a wchan name suggests. Compiler suffixes (`.constprop.0`, `.isra.0`)
/// are ignored.
fn wchan_hint(wchan: &str) -> Option<KernelWait> {
    let base = wchan.split('.').next().unwrap_or(wchan);
    Some(match base {
        "pipe_read"
        | "anon_pipe_read"
        | "pipe_wait_readable"
        | "unix_stream_read_generic"
        | "unix_stream_data_wait"
        | "unix_dgram_recvmsg"
        | "__skb_wait_for_more_packets"
        | "__skb_recv_datagram"
        | "poll_schedule_timeout"
        | "do_select"
        | "do_sys_poll"
        | "ep_poll" => KernelWait::WaitingForData,
        "pipe_write"
        | "anon_pipe_write"
        | "pipe_wait_writable"
        | "unix_stream_sendmsg"
        | "unix_dgram_sendmsg"
        | "sock_alloc_send_pskb"
        | "sock_wait_for_wmem"
        | "sk_stream_wait_memory" => KernelWait::WaitingForSpace,
        "futex_wait_queue" | "futex_wait_queue_me" | "futex_do_wait" | "futex_wait" => {
            KernelWait::WaitingOther("futex".into())
        }
        "hrtimer_nanosleep" | "do_nanosleep" | "common_nsleep" => KernelWait::Sleeping,
        _ => return None,
    })
}

/// The name of syscall `nr` on this architecture, for the few that matter
/// when a process blocks.
pub fn syscall_name(nr: i64) -> Option<&'static str> {
    known_syscall(nr).map(|known| known.name)
}

/// The fd a process blocked in a read/write/recv/send waits on (the first
/// argument), or `None` for other syscalls (poll waits on many).
pub fn blocked_fd(sample: &RawSample) -> Option<i32> {
    match &sample.syscall {
        Some(SyscallInfo::Blocked { nr, args, .. }) => {
            let known = known_syscall(*nr)?;
            if known.fd_first {
                i32::try_from(args[0]).ok()
            } else {
                None
            }
        }
        _ => None,
    }
}

/// The role of the fd a sample is blocked on: the direction comes from the
/// syscall, the kind from the fd's link (see [`crate::proc::fds::fd_link`]).
pub fn fd_role(sample: &RawSample, link: &str) -> FdRole {
    let Some(SyscallInfo::Blocked { nr, .. }) = &sample.syscall else {
        return FdRole::Other;
    };
    let Some(known) = known_syscall(*nr).filter(|known| known.fd_first) else {
        return FdRole::Other;
    };
    let pipe = link.starts_with("pipe:");
    let socket = link.starts_with("socket:");
    match known.means {
        Means::Data if pipe => FdRole::PipeRead,
        Means::Space if pipe => FdRole::PipeWrite,
        Means::Data if socket => FdRole::SocketRecv,
        Means::Space if socket => FdRole::SocketSend,
        _ => FdRole::Other,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Means {
    Data,
    Space,
    Sleep,
    Futex,
    Restarted,
    Other,
}

struct KnownSyscall {
    nr: i64,
    name: &'static str,
    means: Means,
    /// The first argument is the fd the call waits on.
    fd_first: bool,
}

// `c_long` is `i64` here, but `i32` on 32-bit targets.
#[allow(clippy::unnecessary_cast)]
const fn sys(nr: libc::c_long, name: &'static str, means: Means, fd_first: bool) -> KnownSyscall {
    KnownSyscall {
        nr: nr as i64,
        name,
        means,
        fd_first,
    }
}

/// Syscalls a process blocks in, with this architecture's numbers (from
/// `libc`; on x86_64 read 0, write 1, futex 202, clock_nanosleep 230; on
/// aarch64 read 63, write 64, futex 98, clock_nanosleep 115). `poll`,
/// `select`, `pause` and `epoll_wait` exist on x86_64 only.
const KNOWN_SYSCALLS: &[KnownSyscall] = &[
    sys(libc::SYS_read, "read", Means::Data, true),
    sys(libc::SYS_readv, "readv", Means::Data, true),
    sys(libc::SYS_pread64, "pread64", Means::Data, true),
    sys(libc::SYS_preadv, "preadv", Means::Data, true),
    sys(libc::SYS_recvfrom, "recvfrom", Means::Data, true),
    sys(libc::SYS_recvmsg, "recvmsg", Means::Data, true),
    sys(libc::SYS_recvmmsg, "recvmmsg", Means::Data, true),
    #[cfg(target_arch = "x86_64")]
    sys(libc::SYS_poll, "poll", Means::Data, false),
    sys(libc::SYS_ppoll, "ppoll", Means::Data, false),
    #[cfg(target_arch = "x86_64")]
    sys(libc::SYS_select, "select", Means::Data, false),
    sys(libc::SYS_pselect6, "pselect6", Means::Data, false),
    #[cfg(target_arch = "x86_64")]
    sys(libc::SYS_epoll_wait, "epoll_wait", Means::Data, false),
    sys(libc::SYS_epoll_pwait, "epoll_pwait", Means::Data, false),
    sys(libc::SYS_epoll_pwait2, "epoll_pwait2", Means::Data, false),
    sys(libc::SYS_write, "write", Means::Space, true),
    sys(libc::SYS_writev, "writev", Means::Space, true),
    sys(libc::SYS_pwrite64, "pwrite64", Means::Space, true),
    sys(libc::SYS_pwritev, "pwritev", Means::Space, true),
    sys(libc::SYS_sendto, "sendto", Means::Space, true),
    sys(libc::SYS_sendmsg, "sendmsg", Means::Space, true),
    sys(libc::SYS_sendmmsg, "sendmmsg", Means::Space, true),
    sys(libc::SYS_nanosleep, "nanosleep", Means::Sleep, false),
    sys(
        libc::SYS_clock_nanosleep,
        "clock_nanosleep",
        Means::Sleep,
        false,
    ),
    sys(libc::SYS_futex, "futex", Means::Futex, false),
    sys(
        libc::SYS_restart_syscall,
        "restart_syscall",
        Means::Restarted,
        false,
    ),
    sys(libc::SYS_futex_waitv, "futex_waitv", Means::Other, false),
    sys(libc::SYS_wait4, "wait4", Means::Other, false),
    sys(libc::SYS_waitid, "waitid", Means::Other, false),
    #[cfg(target_arch = "x86_64")]
    sys(libc::SYS_pause, "pause", Means::Other, false),
    sys(
        libc::SYS_rt_sigsuspend,
        "rt_sigsuspend",
        Means::Other,
        false,
    ),
    sys(
        libc::SYS_rt_sigtimedwait,
        "rt_sigtimedwait",
        Means::Other,
        false,
    ),
    sys(libc::SYS_accept, "accept", Means::Other, false),
    sys(libc::SYS_accept4, "accept4", Means::Other, false),
    sys(libc::SYS_connect, "connect", Means::Other, false),
    sys(libc::SYS_flock, "flock", Means::Other, false),
    sys(libc::SYS_fcntl, "fcntl", Means::Other, false),
];

fn known_syscall(nr: i64) -> Option<&'static KnownSyscall> {
    KNOWN_SYSCALLS.iter().find(|known| known.nr == nr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::fd::{AsFd, AsRawFd};
    use std::process::{Child, Command, Stdio};
    use std::time::{Duration, Instant};

    use nix::sys::signal::{Signal, kill};
    use nix::unistd::Pid;

    fn nr(name: &str) -> i64 {
        KNOWN_SYSCALLS
            .iter()
            .find(|known| known.name == name)
            .unwrap_or_else(|| panic!("{name} not in the table"))
            .nr
    }

    fn blocked(name: &str, arg0: u64) -> SyscallInfo {
        SyscallInfo::Blocked {
            nr: nr(name),
            args: [arg0, 0x80, 0, 0, 0, 0],
            sp: 0x7ffd_0000_1000,
            pc: 0x7f00_0000_2000,
        }
    }

    fn syscall_nr(sample: &RawSample) -> i64 {
        match sample.syscall {
            Some(SyscallInfo::Blocked { nr, .. }) => nr,
            _ => -1,
        }
    }

    fn sample(state: char, syscall: Option<SyscallInfo>, wchan: Option<&str>) -> RawSample {
        RawSample {
            state,
            wchan: wchan.map(str::to_owned),
            syscall,
            utime_ticks: 0,
            stime_ticks: 0,
        }
    }

    const QUEUE: u64 = 0x7f65_e000_0000;

    fn queue_words() -> FutexMap {
        FutexMap {
            not_empty: vec![QUEUE + 64],
            not_full: vec![QUEUE + 128],
            lock: vec![QUEUE],
        }
    }

    #[test]
    fn parse_stat_splits_at_the_last_paren_of_a_comm_with_spaces_and_parens() {
        let text = "4242 (a) (b c)) S 1 4242 4242 0 -1 4194304 131 0 0 0 17 5 0 0 20 0 1 0 \
                    226365 2990080 389 18446744073709551615 0 0 0 0 0 0 0 6 0 1 0 0 17 0 0\n";
        assert_eq!(parse_stat(text), Some(('S', 17, 5)));
    }

    #[test]
    fn parse_stat_reads_a_line_captured_from_sleep() {
        let text = "5800 (sleep) S 5796 5796 4922 0 -1 4194304 131 0 0 0 3 9 0 0 20 0 1 0 \
                    226365 2990080 389 18446744073709551615 94042726625280 94042726643209 \
                    140727266528448 0 0 0 0 6 0 1 0 0 17 0 0 0 0 0 0 94042726657296 \
                    94042726658560 94043288182784 140727266532069 140727266532077 \
                    140727266532077 140727266533353 0";
        assert_eq!(parse_stat(text), Some(('S', 3, 9)));
    }

    #[test]
    fn parse_stat_rejects_truncated_or_garbled_text() {
        assert_eq!(parse_stat(""), None);
        assert_eq!(parse_stat("12 (x) S 1 2 3"), None);
        assert_eq!(parse_stat("12 x) S 1 2 3 4 5 6 7 8 9 10 11 12"), None);
        assert_eq!(parse_stat("12 (x) SS 1 2 3 4 5 6 7 8 9 10 11 12"), None);
    }

    #[test]
    fn parse_syscall_reads_running() {
        assert_eq!(parse_syscall("running\n"), Some(SyscallInfo::Running));
    }

    #[test]
    fn parse_syscall_reads_a_blocked_call_with_six_args_sp_and_pc() {
        let text =
            "230 0x0 0x0 0x7ffd9ebb4ad0 0x7ffd9ebb4b10 0x0 0x0 0x7ffd9ebb4ab8 0x7f04856ca503\n";
        assert_eq!(
            parse_syscall(text),
            Some(SyscallInfo::Blocked {
                nr: 230,
                args: [0, 0, 0x7ffd_9ebb_4ad0, 0x7ffd_9ebb_4b10, 0, 0],
                sp: 0x7ffd_9ebb_4ab8,
                pc: 0x7f04_856c_a503,
            })
        );
    }

    #[test]
    fn parse_syscall_reads_minus_one_as_blocked_outside_a_syscall() {
        // What a zombie shows.
        assert_eq!(
            parse_syscall("-1 0x0 0x0\n"),
            Some(SyscallInfo::Blocked {
                nr: -1,
                args: [0; 6],
                sp: 0,
                pc: 0
            })
        );
        assert_eq!(
            parse_syscall("-1 0x7ffc1000 0x401000"),
            Some(SyscallInfo::Blocked {
                nr: -1,
                args: [0; 6],
                sp: 0x7ffc_1000,
                pc: 0x40_1000
            })
        );
    }

    #[test]
    fn parse_syscall_rejects_wrong_field_counts_and_non_hex() {
        assert_eq!(parse_syscall(""), None);
        assert_eq!(parse_syscall("0 0x1 0x2"), None);
        assert_eq!(parse_syscall("-1 0x0 0x0 0x0"), None);
        assert_eq!(parse_syscall("0 1 2 3 4 5 6 7 8"), None);
        assert_eq!(parse_syscall("-2 0x0 0x0"), None);
    }

    #[test]
    fn parse_wchan_treats_zero_as_not_sleeping() {
        assert_eq!(parse_wchan("0"), None);
        assert_eq!(parse_wchan(""), None);
        assert_eq!(parse_wchan("anon_pipe_read"), Some("anon_pipe_read".into()));
    }

    const MAPS: &str = "\
55d0c8a00000-55d0c8a02000 r--p 00000000 fd:01 1311  /usr/bin/ipcscope
55d0c8a02000-55d0c8a9f000 r-xp 00002000 fd:01 1311  /usr/bin/ipcscope
55d0c9b1e000-55d0c9b3f000 rw-p 00000000 00:00 0     [heap]
7f65dfff0000-7f65e0000000 rw-s 00000000 00:01 1020  /memfd:ipcscope-queue-2 (deleted)
7f65e0000000-7f65e0001000 rw-s 00000000 00:01 1025  /memfd:ipcscope-queue (deleted)
7f65e0001000-7f65e0003000 r--s 00001000 00:01 1025  /memfd:ipcscope-queue (deleted)
7f65e0003000-7f65e0004000 rw-s 00000000 00:01 1030  /memfd:with space (deleted)
7f65e0010000-7f65e0011000 rw-s 00000000 00:01 1025  /memfd:ipcscope-queue (deleted)
7ffd9eb95000-7ffd9ebb6000 rw-p 00000000 00:00 0     [stack]
7ffd9ebf0000-7ffd9ebf2000 r-xp 00000000 00:00 0     [vdso]
";

    #[test]
    fn parse_maps_for_finds_the_memfd_by_exact_name_and_joins_split_pieces() {
        assert_eq!(
            parse_maps_for(MAPS, "ipcscope-queue"),
            Some((0x7f65_e000_0000, 0x7f65_e000_3000))
        );
        assert_eq!(
            parse_maps_for(MAPS, "ipcscope-queue-2"),
            Some((0x7f65_dfff_0000, 0x7f65_e000_0000))
        );
    }

    #[test]
    fn parse_maps_for_handles_names_with_spaces_and_missing_names() {
        assert_eq!(
            parse_maps_for(MAPS, "with space"),
            Some((0x7f65_e000_3000, 0x7f65_e000_4000))
        );
        assert_eq!(parse_maps_for(MAPS, "ipcscope"), None);
        assert_eq!(parse_maps_for(MAPS, "heap"), None);
        assert_eq!(parse_maps_for("", "ipcscope-queue"), None);
    }

    #[test]
    fn classify_state_letters_win_over_the_syscall() {
        let sleeping_call = Some(blocked("clock_nanosleep", 0));
        let futex = FutexMap::default();
        assert_eq!(
            classify(&sample('T', sleeping_call.clone(), None), &futex),
            KernelWait::Stopped
        );
        assert_eq!(
            classify(&sample('t', sleeping_call.clone(), None), &futex),
            KernelWait::Stopped
        );
        assert_eq!(
            classify(&sample('Z', None, None), &futex),
            KernelWait::Zombie
        );
        assert_eq!(
            classify(&sample('X', None, None), &futex),
            KernelWait::Zombie
        );
        assert_eq!(
            classify(&sample('R', sleeping_call, None), &futex),
            KernelWait::Running
        );
        let running = Some(SyscallInfo::Running);
        assert_eq!(
            classify(&sample('S', running, None), &futex),
            KernelWait::Running
        );
    }

    #[test]
    fn classify_table_by_syscall_number() {
        let futex = FutexMap::default();
        let cases = [
            ("read", KernelWait::WaitingForData),
            ("recvfrom", KernelWait::WaitingForData),
            ("recvmsg", KernelWait::WaitingForData),
            ("ppoll", KernelWait::WaitingForData),
            ("pselect6", KernelWait::WaitingForData),
            ("write", KernelWait::WaitingForSpace),
            ("sendto", KernelWait::WaitingForSpace),
            ("sendmsg", KernelWait::WaitingForSpace),
            ("nanosleep", KernelWait::Sleeping),
            ("clock_nanosleep", KernelWait::Sleeping),
            ("futex", KernelWait::WaitingOther("futex".into())),
            ("wait4", KernelWait::WaitingOther("wait4".into())),
        ];
        for (name, want) in cases {
            // A misleading wchan must not override the syscall.
            let s = sample('S', Some(blocked(name, 0x1234)), Some("do_signal_stop"));
            assert_eq!(classify(&s, &futex), want, "{name}");
        }
        let unknown = SyscallInfo::Blocked {
            nr: 100_000,
            args: [0; 6],
            sp: 0,
            pc: 0,
        };
        assert_eq!(
            classify(&sample('S', Some(unknown), None), &futex),
            KernelWait::WaitingOther("syscall 100000".into())
        );
    }

    #[cfg(target_arch = "x86_64")]
    #[test]
    fn classify_text_captured_on_x86_64() {
        let futex = FutexMap::default();
        let lines = [
            (
                "0 0x0 0x7f1af327e000 0x20000 0x7f1af3311b60 0xffffffff 0x0 0x7ffc599f1328 0x7f1af33fa2ad",
                "anon_pipe_read",
                KernelWait::WaitingForData,
            ),
            (
                "1 0x4 0x561ae255d0e0 0x186a0 0x0 0x0 0x0 0x7ffd8ae94b48 0x7fe4ef716350",
                "anon_pipe_write",
                KernelWait::WaitingForSpace,
            ),
            (
                "45 0x5 0x7fe4ef0efa40 0xa 0x0 0x0 0x0 0x7ffd8ae94b18 0x7fe4ef728929",
                "unix_stream_read_generic",
                KernelWait::WaitingForData,
            ),
            (
                "44 0x6 0x561ae255d250 0x186a0 0x0 0x0 0x0 0x7ffd8ae94a98 0x7fe4ef728b59",
                "sock_alloc_send_pskb",
                KernelWait::WaitingForSpace,
            ),
            (
                "7 0x559ec241be00 0x0 0xffffffff 0x0 0x0 0x0 0x7ffea43fa4e8 0x7fcf1011a230",
                "poll_schedule_timeout.constprop.0",
                KernelWait::WaitingForData,
            ),
            (
                "230 0x0 0x0 0x7ffd9ebb4ad0 0x7ffd9ebb4b10 0x0 0x0 0x7ffd9ebb4ab8 0x7f04856ca503",
                "hrtimer_nanosleep",
                KernelWait::Sleeping,
            ),
            (
                "202 0x559ec2427ac0 0x189 0x0 0x0 0x0 0xffffffff 0x7ffea43fa3e0 0x7fcf100a3e96",
                "futex_do_wait",
                KernelWait::WaitingOther("futex".into()),
            ),
            // sleep(1) after SIGSTOP + SIGCONT: the nanosleep resumes as
            // restart_syscall and the wchan names no sleep.
            (
                "219 0x0 0x0 0x7ffcac7c4da0 0x7ffcac7c4de0 0x0 0x0 0x7ffcac7c4d88 0x7fb597a8f503",
                "do_syscall_64",
                KernelWait::Sleeping,
            ),
        ];
        for (text, wchan, want) in lines {
            let s = sample('S', parse_syscall(text), Some(wchan));
            assert_eq!(classify(&s, &futex), want, "{text}");
        }
    }

    #[test]
    fn classify_futex_by_word_address() {
        let words = queue_words();
        let at = |address| classify(&sample('S', Some(blocked("futex", address)), None), &words);
        assert_eq!(at(QUEUE + 64), KernelWait::WaitingForData);
        assert_eq!(at(QUEUE + 128), KernelWait::WaitingForSpace);
        assert_eq!(at(QUEUE), KernelWait::WaitingForLock);
        assert_eq!(at(QUEUE + 4), KernelWait::WaitingOther("futex".into()));
    }

    #[test]
    fn classify_restarted_futex_wait_keeps_its_address_meaning() {
        let words = queue_words();
        let restarted = |address, wchan| {
            classify(
                &sample('S', Some(blocked("restart_syscall", address)), wchan),
                &words,
            )
        };
        assert_eq!(
            restarted(QUEUE + 128, Some("futex_do_wait")),
            KernelWait::WaitingForSpace
        );
        assert_eq!(
            restarted(0x10, Some("futex_do_wait")),
            KernelWait::WaitingOther("futex".into())
        );
        assert_eq!(
            restarted(0x10, Some("poll_schedule_timeout.constprop.0")),
            KernelWait::WaitingForData
        );
        assert_eq!(restarted(0, Some("do_syscall_64")), KernelWait::Sleeping);
        assert_eq!(restarted(0, None), KernelWait::Sleeping);
    }

    #[test]
    fn classify_uses_wchan_when_the_syscall_is_unreadable() {
        let futex = FutexMap::default();
        let hint = |wchan| classify(&sample('S', None, wchan), &futex);
        assert_eq!(hint(Some("pipe_read")), KernelWait::WaitingForData);
        assert_eq!(hint(Some("anon_pipe_read")), KernelWait::WaitingForData);
        assert_eq!(
            hint(Some("unix_stream_read_generic")),
            KernelWait::WaitingForData
        );
        assert_eq!(hint(Some("pipe_write")), KernelWait::WaitingForSpace);
        assert_eq!(hint(Some("anon_pipe_write")), KernelWait::WaitingForSpace);
        assert_eq!(
            hint(Some("unix_stream_sendmsg")),
            KernelWait::WaitingForSpace
        );
        assert_eq!(
            hint(Some("sock_alloc_send_pskb")),
            KernelWait::WaitingForSpace
        );
        assert_eq!(
            hint(Some("futex_wait_queue")),
            KernelWait::WaitingOther("futex".into())
        );
        assert_eq!(
            hint(Some("futex_do_wait")),
            KernelWait::WaitingOther("futex".into())
        );
        assert_eq!(hint(Some("hrtimer_nanosleep")), KernelWait::Sleeping);
        assert_eq!(
            hint(Some("do_wait")),
            KernelWait::WaitingOther("do_wait".into())
        );
        assert_eq!(hint(None), KernelWait::WaitingOther("unknown".into()));
        // Blocked outside a syscall (a page fault): only the wchan can tell.
        let outside = SyscallInfo::Blocked {
            nr: -1,
            args: [0; 6],
            sp: 1,
            pc: 2,
        };
        assert_eq!(
            classify(
                &sample('D', Some(outside), Some("folio_wait_bit_common")),
                &futex
            ),
            KernelWait::WaitingOther("folio_wait_bit_common".into())
        );
    }

    #[test]
    fn fd_role_combines_direction_and_link_kind() {
        let reading = sample('S', Some(blocked("read", 0)), None);
        let writing = sample('S', Some(blocked("write", 4)), None);
        let receiving = sample('S', Some(blocked("recvmsg", 5)), None);
        let polling = sample('S', Some(blocked("ppoll", 0x5555_0000)), None);
        assert_eq!(blocked_fd(&reading), Some(0));
        assert_eq!(blocked_fd(&writing), Some(4));
        assert_eq!(blocked_fd(&polling), None);
        assert_eq!(fd_role(&reading, "pipe:[8374]"), FdRole::PipeRead);
        assert_eq!(fd_role(&writing, "pipe:[8374]"), FdRole::PipeWrite);
        assert_eq!(fd_role(&reading, "socket:[8508]"), FdRole::SocketRecv);
        assert_eq!(fd_role(&receiving, "socket:[8508]"), FdRole::SocketRecv);
        assert_eq!(fd_role(&writing, "socket:[8508]"), FdRole::SocketSend);
        assert_eq!(fd_role(&reading, "/dev/null"), FdRole::Other);
        assert_eq!(fd_role(&polling, "pipe:[8374]"), FdRole::Other);
    }

    // -- Real processes ------------------------------------------------------

    /// Kills and reaps the child however the test ends.
    struct Reaped(Child);

    impl Reaped {
        fn spawn(command: &mut Command) -> Reaped {
            Reaped(command.spawn().expect("spawn test child"))
        }

        fn pid(&self) -> i32 {
            i32::try_from(self.0.id()).expect("pid fits i32")
        }
    }

    impl Drop for Reaped {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// Polls `pid` until it shows `want`, for at most a few seconds.
    fn wait_for(pid: i32, futex: &FutexMap, want: &KernelWait) -> RawSample {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let sample = read_sample(pid).expect("read sample");
            match &sample {
                // A sample reads stat, then syscall: wait for the two to agree.
                Some(s) if classify(s, futex) == *want && s.state != 'R' => return s.clone(),
                _ if Instant::now() > deadline => {
                    panic!("pid {pid} never showed {want:?}; last sample {sample:?}")
                }
                _ => std::thread::sleep(Duration::from_millis(5)),
            }
        }
    }

    #[test]
    fn real_sleep_is_sleeping_then_stopped_then_gone() {
        let mut child = Reaped::spawn(Command::new("sleep").arg("60"));
        let pid = child.pid();
        let none = FutexMap::default();

        let s = wait_for(pid, &none, &KernelWait::Sleeping);
        assert!(matches!(s.state, 'S' | 'D'), "{s:?}");

        kill(Pid::from_raw(pid), Signal::SIGSTOP).unwrap();
        let s = wait_for(pid, &none, &KernelWait::Stopped);
        assert_eq!(s.state, 'T');

        // Resumed, the sleep is a restart_syscall: still "sleeping".
        kill(Pid::from_raw(pid), Signal::SIGCONT).unwrap();
        wait_for(pid, &none, &KernelWait::Sleeping);

        kill(Pid::from_raw(pid), Signal::SIGKILL).unwrap();
        child.0.wait().unwrap();
        assert_eq!(read_sample(pid).unwrap(), None);
        assert_eq!(classify_pid(pid, &none).unwrap(), KernelWait::Gone);
        assert_eq!(find_mapping(pid, "anything").unwrap(), None);
    }

    #[test]
    fn real_cat_on_an_empty_pipe_waits_for_data_on_fd_zero() {
        let mut command = Command::new("cat");
        command.stdin(Stdio::piped()).stdout(Stdio::null());
        let child = Reaped::spawn(&mut command);
        let pid = child.pid();

        let s = wait_for(pid, &FutexMap::default(), &KernelWait::WaitingForData);
        assert_eq!(syscall_name(syscall_nr(&s)), Some("read"));
        assert_eq!(blocked_fd(&s), Some(0));
        let link = crate::proc::fds::fd_link(pid, 0)
            .unwrap()
            .expect("fd 0 exists");
        assert!(link.starts_with("pipe:["), "{link}");
        assert_eq!(fd_role(&s, &link), FdRole::PipeRead);

        // Both ends are found: cat's fd 0 and the write end we hold.
        let ours = child.0.stdin.as_ref().unwrap();
        let inode = nix::sys::stat::fstat(ours.as_fd()).unwrap().st_ino;
        assert_eq!(link, format!("pipe:[{inode}]"));
        let me = std::process::id() as i32;
        assert_eq!(
            crate::proc::fds::holders_of_inode(&[pid, me], "pipe", inode),
            vec![(pid, 0), (me, ours.as_raw_fd())]
        );
    }

    #[test]
    fn holders_of_inode_finds_our_own_pipe_and_socket_and_skips_vanished_pids() {
        let (reader, writer) = std::io::pipe().unwrap();
        let inode = nix::sys::stat::fstat(reader.as_fd()).unwrap().st_ino;
        let me = std::process::id() as i32;
        let mut fds = vec![(me, reader.as_raw_fd()), (me, writer.as_raw_fd())];
        fds.sort();
        // i32::MAX is above pid_max: a pid that does not exist.
        assert_eq!(
            crate::proc::fds::holders_of_inode(&[i32::MAX, me, me], "pipe", inode),
            fds
        );
        assert_eq!(
            crate::proc::fds::holders_of_inode(&[me], "socket", inode),
            vec![]
        );

        let (a, _b) = std::os::unix::net::UnixStream::pair().unwrap();
        let inode = nix::sys::stat::fstat(a.as_fd()).unwrap().st_ino;
        assert_eq!(
            crate::proc::fds::holders_of_inode(&[me], "socket", inode),
            vec![(me, a.as_raw_fd())]
        );
    }

    /// A shared page in a named memfd, unmapped on drop.
    struct SharedPage {
        address: std::ptr::NonNull<std::ffi::c_void>,
        _fd: std::os::fd::OwnedFd,
    }

    const PAGE: usize = 4096;

    impl SharedPage {
        fn new(name: &str) -> SharedPage {
            use nix::sys::memfd::{MFdFlags, memfd_create};
            use nix::sys::mman::{MapFlags, ProtFlags, mmap};
            let fd = memfd_create(name, MFdFlags::MFD_CLOEXEC).unwrap();
            nix::unistd::ftruncate(&fd, PAGE as i64).unwrap();
            // SAFETY: a fresh shared mapping of a file we own, at an address
            // the kernel picks; nothing else aliases it.
            let address = unsafe {
                mmap(
                    None,
                    std::num::NonZeroUsize::new(PAGE).unwrap(),
                    ProtFlags::PROT_READ | ProtFlags::PROT_WRITE,
                    MapFlags::MAP_SHARED,
                    &fd,
                    0,
                )
            }
            .unwrap();
            SharedPage { address, _fd: fd }
        }

        fn start(&self) -> u64 {
            self.address.as_ptr() as u64
        }

        fn word(&self, offset: usize) -> &std::sync::atomic::AtomicU32 {
            assert!(offset.is_multiple_of(4) && offset + 4 <= PAGE);
            // SAFETY: in bounds and aligned (asserted; the page is
            // page-aligned), zero-initialised by ftruncate, and only ever
            // accessed atomically while `self` keeps it mapped.
            unsafe { &*self.address.as_ptr().cast::<u8>().add(offset).cast() }
        }
    }

    impl Drop for SharedPage {
        fn drop(&mut self) {
            // SAFETY: the mapping made in `new`, no longer borrowed (`word`
            // borrows `self`).
            let _ = unsafe { nix::sys::mman::munmap(self.address, PAGE) };
        }
    }

    fn unique_name(what: &str) -> String {
        format!("ipcscope-probe-{what}-{}", std::process::id())
    }

    #[test]
    fn find_mapping_locates_a_memfd_we_mapped() {
        let name = unique_name("find");
        let page = SharedPage::new(&name);
        let me = nix::unistd::getpid().as_raw();
        assert_eq!(
            find_mapping(me, &name).unwrap(),
            Some((page.start(), page.start() + PAGE as u64))
        );
        assert_eq!(find_mapping(me, &format!("{name}-other")).unwrap(), None);
        drop(page);
        assert_eq!(find_mapping(me, &name).unwrap(), None);
    }

    fn futex_wait(word: &std::sync::atomic::AtomicU32, expected: u32) {
        // SAFETY: FUTEX_WAIT reads the aligned u32 at `word`, which outlives
        // the call; a null timeout means wait until woken.
        unsafe {
            libc::syscall(
                libc::SYS_futex,
                word.as_ptr(),
                libc::FUTEX_WAIT,
                expected,
                std::ptr::null::<libc::timespec>(),
            );
        }
    }

    fn futex_wake(word: &std::sync::atomic::AtomicU32) {
        // SAFETY: FUTEX_WAKE only uses the address as a key.
        unsafe {
            libc::syscall(libc::SYS_futex, word.as_ptr(), libc::FUTEX_WAKE, i32::MAX);
        }
    }

    #[test]
    fn real_futex_wait_in_a_shared_mapping_is_classified_by_word_offset() {
        use std::sync::atomic::Ordering;

        let name = unique_name("futex");
        let page = SharedPage::new(&name);
        let me = nix::unistd::getpid().as_raw();
        let (start, _end) = find_mapping(me, &name).unwrap().expect("mapped");
        let word = page.word(64);

        /// Releases the waiting thread however the test ends, so the scope
        /// can join it.
        struct Release<'a>(&'a std::sync::atomic::AtomicU32);
        impl Drop for Release<'_> {
            fn drop(&mut self) {
                self.0.store(1, Ordering::SeqCst);
                futex_wake(self.0);
            }
        }

        std::thread::scope(|scope| {
            let (tid_tx, tid_rx) = std::sync::mpsc::channel();
            scope.spawn(move || {
                tid_tx.send(nix::unistd::gettid().as_raw()).unwrap();
                while word.load(Ordering::SeqCst) == 0 {
                    futex_wait(word, 0);
                }
            });
            let _release = Release(word);
            let tid = tid_rx.recv().unwrap();

            let words = FutexMap {
                not_empty: vec![start + 64],
                not_full: vec![start + 128],
                lock: vec![start],
            };
            let s = wait_for(tid, &words, &KernelWait::WaitingForData);
            let space = FutexMap {
                not_full: vec![start + 64],
                ..FutexMap::default()
            };
            assert_eq!(classify(&s, &space), KernelWait::WaitingForSpace);
            assert_eq!(
                classify(&s, &FutexMap::default()),
                KernelWait::WaitingOther("futex".into())
            );
        });
    }
}
