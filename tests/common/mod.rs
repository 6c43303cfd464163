//! Shared helpers for the cross-process tests: start the ipcscope binary in
//! a hidden role, wait on conditions with generous deadlines.
#![allow(dead_code)]

pub mod pty;
pub mod watch;

use std::io::{BufRead, BufReader, Read};
use std::os::fd::RawFd;
use std::path::Path;
use std::process::ChildStdout;
use std::time::{Duration, Instant};

use ipcscope::proc::spawn::{ChildGuard, Output, Spec};

/// Long enough for a loaded 2-core CI machine.
pub const DEADLINE: Duration = Duration::from_secs(60);

pub fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_ipcscope"))
}

/// Starts `ipcscope __child <args...>` keeping `fds`, stdout piped.
pub fn spawn_role(guard: &mut ChildGuard, args: &[&str], fds: &[RawFd]) -> i32 {
    let mut spec = Spec::new(std::iter::once("__child").chain(args.iter().copied()))
        .stdout(Output::Piped)
        .stderr(Output::Inherit);
    for &fd in fds {
        spec = spec.keep_fd(fd);
    }
    guard.spawn(exe(), &spec).expect("spawn child role")
}

pub fn take_stdout(guard: &mut ChildGuard, pid: i32) -> ChildStdout {
    guard.get_mut(pid).unwrap().stdout.take().unwrap()
}

/// Reads one line (blocking; the child is expected to print it soon).
pub fn read_line(r: &mut BufReader<ChildStdout>) -> String {
    let mut s = String::new();
    r.read_line(&mut s).expect("read child line");
    s.trim_end().to_string()
}

pub fn read_all(mut so: ChildStdout) -> String {
    let mut s = String::new();
    so.read_to_string(&mut s).expect("read child output");
    s
}

/// Polls `cond` until it holds; panics with `what` after [`DEADLINE`].
pub fn wait_until(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + DEADLINE;
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

pub fn fd_arg(fd: RawFd) -> String {
    fd.to_string()
}

/// Starts `ipcscope __child <args...>` keeping `fds`, stdout and stderr piped.
pub fn spawn_role_capturing_stderr(guard: &mut ChildGuard, args: &[&str], fds: &[RawFd]) -> i32 {
    let mut spec = Spec::new(std::iter::once("__child").chain(args.iter().copied()))
        .stdout(Output::Piped)
        .stderr(Output::Piped);
    for &fd in fds {
        spec = spec.keep_fd(fd);
    }
    guard.spawn(exe(), &spec).expect("spawn child role")
}

pub fn take_stderr(guard: &mut ChildGuard, pid: i32) -> std::process::ChildStderr {
    guard.get_mut(pid).unwrap().stderr.take().unwrap()
}

/// A child's output lines, read on a thread so a test can wait for the next
/// one with a deadline instead of blocking forever on a wedged child.
pub struct Lines(std::sync::mpsc::Receiver<String>);

impl Lines {
    pub fn new(r: impl Read + Send + 'static) -> Lines {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(r).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Lines(rx)
    }

    /// The next line, or a panic naming `what` after [`DEADLINE`] (or at the
    /// end of the output).
    pub fn next(&self, what: &str) -> String {
        match self.0.recv_timeout(DEADLINE) {
            Ok(line) => line,
            Err(e) => panic!("no line saying {what}: {e}"),
        }
    }
}

/// Whether `pid` sleeps in the kernel in a futex wait on the word at
/// `offset` in its mapping of the queue (not merely registered as a waiter).
pub fn asleep_on_queue_word(pid: i32, offset: u64) -> bool {
    use ipcscope::ipc::queue::MEMFD_NAME;
    use ipcscope::proc::probe::{SyscallInfo, find_mapping, read_sample};
    let Ok(Some((base, _))) = find_mapping(pid, MEMFD_NAME) else {
        return false;
    };
    let Ok(Some(s)) = read_sample(pid) else {
        return false;
    };
    matches!(
        s.syscall,
        Some(SyscallInfo::Blocked { nr, args, .. })
            if s.state == 'S' && nr == libc::SYS_futex && args[0] == base + offset
    )
}
