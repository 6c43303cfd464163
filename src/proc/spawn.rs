//! Starting child processes safely and stopping them for sure.
//!
//! A child is this very binary, re-executed with a hidden role subcommand:
//! never `fork()` without `exec` here, because the supervisor is
//! multi-threaded and a forked copy could inherit a lock another thread held.
//! Between fork and exec (`pre_exec`) the child: marks every inherited fd
//! close-on-exec except the ones its role needs, joins a process group of its
//! own, asks for SIGKILL when the spawning thread dies (`PR_SET_PDEATHSIG`),
//! and exits at once if the parent is already gone (the race pdeathsig alone
//! misses). Spawn from a thread that lives as long as the run: pdeathsig fires
//! when the *thread* that forked exits.
//!
//! Stopping is SIGTERM to the child's group, a short grace, SIGKILL, reap.

use std::ffi::OsString;
use std::io;
use std::os::fd::RawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill, killpg};
use nix::unistd::Pid;

/// What to do with a child's stdout/stderr.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    /// Captured through a pipe (read by the caller).
    Piped,
    /// Discarded.
    Null,
    /// Shared with the parent (tests and debugging only).
    Inherit,
    /// A copy of this fd (e.g. the write end of a pipe the caller reads).
    Fd(RawFd),
}

impl Output {
    fn stdio(self) -> io::Result<Stdio> {
        Ok(match self {
            Output::Piped => Stdio::piped(),
            Output::Null => Stdio::null(),
            Output::Inherit => Stdio::inherit(),
            Output::Fd(fd) => {
                // SAFETY: the caller keeps `fd` open for the duration of the spawn.
                let b = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
                Stdio::from(b.try_clone_to_owned()?)
            }
        })
    }
}

/// One child to start.
#[derive(Debug, Clone)]
pub struct Spec {
    pub args: Vec<OsString>,
    /// Fds the child inherits (everything else is closed at exec).
    pub keep_fds: Vec<RawFd>,
    pub stdout: Output,
    pub stderr: Output,
    /// Added niceness (0: as the parent).
    pub nice: i32,
    /// Killed when the spawning thread ends (`PR_SET_PDEATHSIG`): all
    /// children but `ipcscope run`'s guard, which must outlive ipcscope to
    /// stop the program's tree.
    pub pdeathsig: bool,
    /// Environment variables added to the child's (it inherits ours).
    pub env: Vec<(OsString, OsString)>,
}

impl Spec {
    pub fn new<I, S>(args: I) -> Spec
    where
        I: IntoIterator<Item = S>,
        S: Into<OsString>,
    {
        Spec {
            args: args.into_iter().map(Into::into).collect(),
            keep_fds: Vec::new(),
            stdout: Output::Null,
            stderr: Output::Null,
            nice: 0,
            pdeathsig: true,
            env: Vec::new(),
        }
    }

    /// Adds an environment variable (the child inherits ours besides).
    pub fn env(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Spec {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Not killed with its parent (see [`Spec::pdeathsig`]).
    pub fn outlive_parent(mut self) -> Spec {
        self.pdeathsig = false;
        self
    }

    /// Runs the child at a lower priority than its parent, so a flood of
    /// busy children never starves the supervisor (nor its screen).
    pub fn nice(mut self, n: i32) -> Spec {
        self.nice = n;
        self
    }

    pub fn keep_fd(mut self, fd: RawFd) -> Spec {
        self.keep_fds.push(fd);
        self
    }

    pub fn stdout(mut self, o: Output) -> Spec {
        self.stdout = o;
        self
    }

    pub fn stderr(mut self, o: Output) -> Spec {
        self.stderr = o;
        self
    }
}

/// The binary children run: this process's own executable.
pub fn self_exe() -> io::Result<PathBuf> {
    std::fs::read_link("/proc/self/exe")
}

/// Starts `exe` with `spec` (stdin is /dev/null).
pub fn spawn(exe: &Path, spec: &Spec) -> io::Result<Child> {
    let parent = std::process::id() as libc::pid_t;
    let keep = spec.keep_fds.clone();
    let nice = spec.nice;
    let pdeathsig = spec.pdeathsig;
    let mut cmd = Command::new(exe);
    cmd.args(&spec.args)
        .envs(spec.env.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(spec.stdout.stdio()?)
        .stderr(spec.stderr.stdio()?)
        .process_group(0);
    // SAFETY: the closure runs between fork and exec and calls only
    // async-signal-safe functions (syscalls, no allocation: `keep` was
    // cloned before the fork).
    unsafe {
        cmd.pre_exec(move || {
            // Close everything at exec but the fds the role needs.
            if libc::syscall(
                libc::SYS_close_range,
                3u32,
                u32::MAX,
                libc::CLOSE_RANGE_CLOEXEC,
            ) != 0
            {
                let max = libc::sysconf(libc::_SC_OPEN_MAX).clamp(256, 65_536) as RawFd;
                for fd in 3..max {
                    libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
                }
            }
            for &fd in &keep {
                if libc::fcntl(fd, libc::F_SETFD, 0) == -1 {
                    return Err(io::Error::last_os_error());
                }
            }
            if nice != 0 {
                // Best effort: a failure only leaves the child at our priority.
                libc::setpriority(
                    libc::PRIO_PROCESS,
                    0,
                    libc::getpriority(libc::PRIO_PROCESS, 0) + nice,
                );
            }
            if pdeathsig && libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) == -1 {
                return Err(io::Error::last_os_error());
            }
            if libc::getppid() != parent {
                libc::_exit(1);
            }
            Ok(())
        });
    }
    let child = cmd.spawn()?;
    registry::add(child.id() as i32);
    Ok(child)
}

/// Every child started and not yet reaped, so a panic hook or a signal
/// handler can kill them all without access to their owners.
pub mod registry {
    use std::sync::Mutex;

    static LIVE: Mutex<Vec<i32>> = Mutex::new(Vec::new());

    pub(super) fn add(pid: i32) {
        if let Ok(mut v) = LIVE.lock() {
            v.push(pid);
        }
    }

    /// Forgets a reaped child.
    pub fn remove(pid: i32) {
        if let Ok(mut v) = LIVE.lock() {
            v.retain(|&p| p != pid);
        }
    }

    pub fn live() -> Vec<i32> {
        LIVE.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Kills every child before the default panic report (pdeathsig would
    /// too, but only once the whole process is gone).
    pub fn install_panic_hook() {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            kill_all();
            prev(info);
        }));
    }

    /// SIGKILLs every registered child's group (for panic hooks: no reaping,
    /// no allocation beyond the lock).
    pub fn kill_all() {
        let pids = match LIVE.try_lock() {
            Ok(v) => v.clone(),
            Err(_) => return,
        };
        for pid in pids {
            // SAFETY: plain kill(2) calls on our own children's groups.
            unsafe {
                libc::kill(-pid, libc::SIGCONT);
                libc::kill(-pid, libc::SIGKILL);
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

/// Sends `sig` to the process group led by `pid` (each child leads its own).
/// A group already gone is not an error.
pub fn signal_group(pid: i32, sig: Signal) -> nix::Result<()> {
    match killpg(Pid::from_raw(pid), sig) {
        Err(nix::errno::Errno::ESRCH) => Ok(()),
        r => r,
    }
}

/// Sends `sig` to one process. A process already gone is not an error.
pub fn signal(pid: i32, sig: Signal) -> nix::Result<()> {
    match kill(Pid::from_raw(pid), sig) {
        Err(nix::errno::Errno::ESRCH) => Ok(()),
        r => r,
    }
}

/// Whether `pid` names a live (not zombie) process.
pub fn is_alive(pid: i32) -> bool {
    matches!(super::probe::read_sample(pid), Ok(Some(s)) if s.state != 'Z' && s.state != 'X')
}

/// How a reaped child ended: the stream's one type for it (also known
/// here as `Exit`).
pub use crate::stream::Ended as Exit;

/// How a child that has been waited for ended.
pub fn ended_of(st: std::process::ExitStatus) -> Exit {
    use std::os::unix::process::ExitStatusExt;
    match (st.code(), st.signal()) {
        (Some(c), _) => Exit::Code(c),
        (None, Some(s)) => Exit::Signal(s),
        _ => Exit::Code(-1),
    }
}

/// `p.join()` as Python's parent does it: waits in wait4 (glibc's
/// `waitpid`, as `os.waitpid(pid, 0)`) until child `pid` ends, and reaps
/// it. Only the caller may reap `pid` meanwhile (no other thread waits on
/// it). A wait cut short by a signal is resumed; a pid that is not our
/// child (already reaped) is `Code(-1)`.
pub fn join(pid: i32) -> Exit {
    use nix::sys::wait::{WaitStatus, waitpid};
    loop {
        match waitpid(Pid::from_raw(pid), None) {
            Ok(WaitStatus::Exited(_, c)) => return Exit::Code(c),
            Ok(WaitStatus::Signaled(_, s, _)) => return Exit::Signal(s as i32),
            Ok(_) | Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return Exit::Code(-1),
        }
    }
}

/// The calling thread's id (for reading its own state in
/// `/proc/<tid>`, as a child's is read).
pub fn thread_id() -> i32 {
    nix::unistd::gettid().as_raw()
}

/// The one stop policy: SIGCONT and SIGTERM to each child's group (a
/// stopped process acts on a signal only once continued), up to `grace`
/// for them to exit, then SIGKILL to the group and the child, and reap.
/// `ended` is told how each one ended, as soon as it is reaped. Returns
/// once every child is reaped.
pub fn stop_children(
    children: Vec<std::process::Child>,
    grace: Duration,
    mut ended: impl FnMut(&std::process::Child, Exit),
) {
    for c in &children {
        let pid = c.id() as i32;
        let _ = signal_group(pid, Signal::SIGTERM);
        let _ = signal_group(pid, Signal::SIGCONT);
    }
    let deadline = Instant::now() + grace;
    let mut left = children;
    let mut pause = Duration::from_micros(200);
    loop {
        left.retain_mut(|c| match c.try_wait() {
            Ok(Some(st)) => {
                registry::remove(c.id() as i32);
                ended(c, ended_of(st));
                false
            }
            Ok(None) => true,
            Err(_) => {
                ended(c, Exit::Code(-1));
                false
            }
        });
        if left.is_empty() || Instant::now() >= deadline {
            break;
        }
        std::thread::sleep(pause);
        pause = (pause * 2).min(Duration::from_millis(10));
    }
    for c in &mut left {
        let pid = c.id() as i32;
        let _ = signal_group(pid, Signal::SIGKILL);
        let _ = signal(pid, Signal::SIGKILL);
        let how = c
            .wait()
            .map(ended_of)
            .unwrap_or(Exit::Signal(libc::SIGKILL));
        registry::remove(pid);
        ended(c, how);
    }
}

/// one's group and reaps exactly those PIDs.
#[derive(Default)]
pub struct ChildGuard {
    children: Vec<Child>,
}

impl ChildGuard {
    pub fn new() -> ChildGuard {
        ChildGuard::default()
    }

    pub fn push(&mut self, child: Child) -> i32 {
        let pid = child.id() as i32;
        self.children.push(child);
        pid
    }

    /// Spawns and keeps the child; returns its pid.
    pub fn spawn(&mut self, exe: &Path, spec: &Spec) -> io::Result<i32> {
        Ok(self.push(spawn(exe, spec)?))
    }

    pub fn pids(&self) -> Vec<i32> {
        self.children.iter().map(|c| c.id() as i32).collect()
    }

    /// The child with `pid`, to take its pipes or wait on it.
    pub fn get_mut(&mut self, pid: i32) -> Option<&mut Child> {
        self.children.iter_mut().find(|c| c.id() as i32 == pid)
    }

    /// Waits up to `timeout` for `pid` to exit and reaps it.
    pub fn wait(&mut self, pid: i32, timeout: Duration) -> Option<Exit> {
        let deadline = Instant::now() + timeout;
        let child = self.get_mut(pid)?;
        loop {
            match child.try_wait() {
                Ok(Some(st)) => {
                    registry::remove(pid);
                    return Some(ended_of(st));
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                _ => return None,
            }
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        for c in &mut self.children {
            let pid = c.id() as i32;
            let _ = signal_group(pid, Signal::SIGKILL);
            let _ = signal(pid, Signal::SIGKILL);
            let _ = c.wait();
            registry::remove(pid);
        }
    }
}
